/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "context" string of osqueryd's generate request: JSON from the
 * other end of the socket, parsed by po_query_context_new_from_json() for
 * every table.  The first byte picks the table (so every schema's columns
 * are tried); the rest is the JSON.  Whatever parses must give answers
 * that hold together ('=' values that match); what does not parse must
 * be refused with an error that can go back to osqueryd as a status
 * message (valid UTF-8).  Constraint values themselves may be any bytes
 * (osqueryd sends what SQLite holds): they filter, they are never shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "po-ext-handler.h"
#include "po-fuzz.h"
#include "po-query-context.h"
#include "po-table.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  po_fuzz_init_logging ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (PoQueryContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *json = NULL;
  const PoTable *const *tables;
  const PoTableSchema *schema;
  guint n_tables;

  if (size == 0)
    return 0;
  tables = po_tables_get_all (&n_tables);
  schema = tables[data[0] % n_tables]->schema;
  /* the Thrift string is NUL-terminated by the protocol: a NUL ends it */
  json = g_strndup ((const gchar *) data + 1, size - 1);

  context = po_query_context_new_from_json (schema, json, &error);
  if (context == NULL)
    {
      g_autoptr (OsqueryExtensionStatus) status = NULL;

      if (error == NULL)
        abort ();
      /* the message goes back to osqueryd as the call's status */
      status = g_object_new (OSQUERY_TYPE_EXTENSION_STATUS, NULL);
      po_ext_status_set_error (status, 1, error);
      if (po_fuzz_verbose ())
        fprintf (stderr, "  %s: %s\n", schema->name, status->message);
      po_fuzz_check_utf8 ("status message", status->message);
      return 0;
    }
  for (guint c = 0; c < schema->n_columns; c++)
    {
      GPtrArray *constraints = po_query_context_get_constraints (context, c);
      const gchar *const *equals = po_query_context_get_equals (context, c);

      (void) po_query_context_is_used (context, c);
      for (guint i = 0; constraints != NULL && i < constraints->len; i++)
        {
          const PoConstraint *constraint = constraints->pdata[i];
          if (constraint->expr == NULL)
            abort ();
        }
      for (guint i = 0; equals != NULL && equals[i] != NULL; i++)
        if (!po_query_context_matches (context, c, equals[i]))
          abort ();
      if (equals == NULL && !po_query_context_matches (context, c, "anything"))
        abort ();
    }
  return 0;
}
