/* SPDX-License-Identifier: Apache-2.0 */
#include "po-log.h"

/* the domain phaseout's code logs under (G_LOG_DOMAIN of every target) */
#define PHASEOUT_LOG_DOMAIN "phaseout"

/* fields as logged, with GLIB_DOMAIN "phaseout" (or none) made the program name */
static GLogWriterOutput
write_as_program (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const gchar *program = user_data;
  GLogField *named = g_newa (GLogField, n_fields + 1);
  gsize n_named = 0;
  gboolean has_domain = FALSE;

  for (gsize i = 0; i < n_fields; i++)
    {
      named[n_named] = fields[i];
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        {
          const gchar *domain = fields[i].length < 0 ? fields[i].value : NULL;
          has_domain = TRUE;
          if (g_strcmp0 (domain, PHASEOUT_LOG_DOMAIN) == 0)
            named[n_named].value = program;
        }
      n_named++;
    }
  if (!has_domain)
    named[n_named++] = (GLogField){ "GLIB_DOMAIN", program, -1 };
  return g_log_writer_default (level, named, n_named, NULL);
}

void
po_log_init (const gchar *program)
{
  static gchar *name;

  g_return_if_fail (name == NULL);
  name = g_strdup (program);
  g_set_prgname (name);
  g_log_writer_default_set_use_stderr (TRUE);
  g_log_set_writer_func (write_as_program, name, NULL);
}
