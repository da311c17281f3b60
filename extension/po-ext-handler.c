/* SPDX-License-Identifier: Apache-2.0 */
#include "po-ext-handler.h"

#include <string.h>

#include "po-error.h"
#include "po-ext-protocol.h"
#include "po-table.h"

struct _PoExtHandler {
  OsqueryExtensionHandler parent;
  PoRuntime *runtime;
  gpointer uuid; /* a gint64 in an atomic pointer-sized word */
  PoExtShutdownFunc on_shutdown;
  gpointer user_data;
};

G_DEFINE_TYPE (PoExtHandler, po_ext_handler, OSQUERY_TYPE_EXTENSION_HANDLER)

const gchar *const po_ext_handler_methods[] = { "ping", "call", "shutdown", NULL };

static void
set_status (OsqueryExtensionStatus *status, gint32 code, gint64 uuid, const gchar *message)
{
  status->code = code;
  status->__isset_code = TRUE;
  g_free (status->message);
  status->message = g_strdup (message);
  status->__isset_message = TRUE;
  status->uuid = uuid;
  status->__isset_uuid = TRUE;
}

void
po_ext_status_set_error (OsqueryExtensionStatus *status, gint64 uuid, const GError *error)
{
  /* a message may quote what the peer sent (json-glib quotes the token it
   * choked on, "\ud800" included); osqueryd passes it on as it came, into
   * JSON logs and Fleet's results, so it must be valid UTF-8 */
  g_autofree gchar *message = g_utf8_make_valid (error != NULL ? error->message : "unknown error",
                                                 -1);

  set_status (status, 1, uuid, message);
}

void
po_ext_status_set_ok (OsqueryExtensionStatus *status, gint64 uuid, const gchar *message)
{
  set_status (status, 0, uuid, message);
}

/* set once, after registration, while the server may already answer on
 * its staging path: an atomic word (osquery's uuids are 16-bit anyway) */
static gint64
get_uuid (PoExtHandler *self)
{
  return (gint64) GPOINTER_TO_SIZE (g_atomic_pointer_get (&self->uuid));
}

static gboolean
handler_ping (OsqueryExtensionIf *iface, OsqueryExtensionStatus **_return, GError **error)
{
  po_ext_status_set_ok (*_return, get_uuid (PO_EXT_HANDLER (iface)), "pong");
  return TRUE;
}

static GHashTable *
new_row (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/*
 * A generate reply: an ExtensionResponse whose rows are written straight
 * from the table's PoRows, as osquery wants them (one string map per row,
 * a NULL cell left out, which osquery reads back as NULL).  The generated
 * writer would take a GHashTable per row, and list each one's keys into a
 * GList and an array before writing them: for 450 rows of 32 columns that
 * was more work than computing the rows.  The processor sends whatever
 * object the handler leaves in *_return, so the handler puts this one
 * there.
 */
#define PO_TYPE_EXT_ROWS_RESPONSE (po_ext_rows_response_get_type ())
G_DECLARE_FINAL_TYPE (PoExtRowsResponse, po_ext_rows_response, PO, EXT_ROWS_RESPONSE,
                      OsqueryExtensionResponse)

struct _PoExtRowsResponse {
  OsqueryExtensionResponse parent;
  PoRows *rows;
};

G_DEFINE_TYPE (PoExtRowsResponse, po_ext_rows_response, OSQUERY_TYPE_EXTENSION_RESPONSE)

#define WRITE(call)       \
  G_STMT_START            \
  {                       \
    gint32 ret_ = (call); \
    if (ret_ < 0)         \
      return -1;          \
    xfer += ret_;         \
  }                       \
  G_STMT_END

/* the same bytes as osquery_extension_response_write() for the same rows */
static gint32
rows_response_write (ThriftStruct *object, ThriftProtocol *protocol, GError **error)
{
  PoExtRowsResponse *self = PO_EXT_ROWS_RESPONSE (object);
  OsqueryExtensionResponse *response = OSQUERY_EXTENSION_RESPONSE (object);
  const PoTableSchema *schema = po_rows_get_schema (self->rows);
  guint n_rows = po_rows_get_n_rows (self->rows);
  gint32 xfer = 0;

  WRITE (thrift_protocol_write_struct_begin (protocol, "ExtensionResponse", error));
  WRITE (thrift_protocol_write_field_begin (protocol, "status", T_STRUCT, 1, error));
  WRITE (thrift_struct_write (THRIFT_STRUCT (response->status), protocol, error));
  WRITE (thrift_protocol_write_field_end (protocol, error));
  WRITE (thrift_protocol_write_field_begin (protocol, "response", T_LIST, 2, error));
  if (THRIFT_IS_BINARY_PROTOCOL (protocol))
    {
      WRITE (po_protocol_write_rows (self->rows, protocol, error));
      goto list_end;
    }
  WRITE (thrift_protocol_write_list_begin (protocol, T_MAP, (gint32) n_rows, error));
  for (guint r = 0; r < n_rows; r++)
    {
      gint32 n_cells = 0;

      for (guint c = 0; c < schema->n_columns; c++)
        if (po_rows_get (self->rows, r, c) != NULL)
          n_cells++;
      WRITE (thrift_protocol_write_map_begin (protocol, T_STRING, T_STRING, n_cells, error));
      for (guint c = 0; c < schema->n_columns; c++)
        {
          const gchar *value = po_rows_get (self->rows, r, c);
          if (value == NULL)
            continue;
          WRITE (thrift_protocol_write_string (protocol, schema->columns[c].name, error));
          WRITE (thrift_protocol_write_string (protocol, value, error));
        }
      WRITE (thrift_protocol_write_map_end (protocol, error));
    }
  WRITE (thrift_protocol_write_list_end (protocol, error));
list_end:
  WRITE (thrift_protocol_write_field_end (protocol, error));
  WRITE (thrift_protocol_write_field_stop (protocol, error));
  WRITE (thrift_protocol_write_struct_end (protocol, error));
  return xfer;
}

#undef WRITE

static void
po_ext_rows_response_finalize (GObject *object)
{
  g_clear_pointer (&PO_EXT_ROWS_RESPONSE (object)->rows, po_rows_free);
  G_OBJECT_CLASS (po_ext_rows_response_parent_class)->finalize (object);
}

static void
po_ext_rows_response_class_init (PoExtRowsResponseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = po_ext_rows_response_finalize;
  THRIFT_STRUCT_CLASS (klass)->write = rows_response_write;
}

static void
po_ext_rows_response_init (PoExtRowsResponse *self)
{
}

/* rows for the request's context, or NULL and *error */
static PoRows *
generate (PoExtHandler *self, const PoTable *table, const gchar *context_json, GError **error)
{
  g_autoptr (PoQueryContext) query = NULL;
  g_autoptr (PoRows) rows = NULL;

  query = po_query_context_new_from_json (table->schema, context_json, error);
  if (query == NULL)
    return NULL;
  rows = po_rows_new (table->schema);
  if (!po_table_generate (table, self->runtime, query, rows, error))
    return NULL;
  return g_steal_pointer (&rows);
}

/*
 * the table plugin's actions; FALSE + error becomes status 1.  A generate
 * that succeeds leaves its rows in *ret_rows instead of response.
 */
static gboolean
call_table (PoExtHandler *self, const gchar *item, GHashTable *request, GPtrArray *response,
            PoRows **ret_rows, GError **error)
{
  const PoTable *table = po_tables_lookup (item);
  const gchar *action = request != NULL ? g_hash_table_lookup (request, "action") : NULL;

  if (table == NULL)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_NOT_FOUND, "phaseout has no table \"%s\"",
                   item != NULL ? item : "");
      return FALSE;
    }
  if (action == NULL)
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT,
                           "Table plugins must include a request action");
      return FALSE;
    }
  if (g_str_equal (action, "generate"))
    {
      *ret_rows = generate (self, table, g_hash_table_lookup (request, "context"), error);
      return *ret_rows != NULL;
    }
  if (g_str_equal (action, "columns"))
    {
      g_autoptr (GPtrArray) routes = po_table_schema_route_rows (table->schema);
      for (guint i = 0; i < routes->len; i++)
        g_ptr_array_add (response, g_hash_table_ref (routes->pdata[i]));
      return TRUE;
    }
  if (g_str_equal (action, "insert") || g_str_equal (action, "update")
      || g_str_equal (action, "delete"))
    {
      GHashTable *row = new_row ();
      g_hash_table_insert (row, g_strdup ("status"), g_strdup ("readonly"));
      g_ptr_array_add (response, row);
      return TRUE;
    }
  g_set_error (error, PO_ERROR, PO_ERROR_NOT_FOUND, "Unknown table plugin action: %s", action);
  return FALSE;
}

static gboolean
handler_call (OsqueryExtensionIf *iface, OsqueryExtensionResponse **_return, const gchar *registry,
              const gchar *item, const OsqueryExtensionPluginRequest *request, GError **error)
{
  PoExtHandler *self = PO_EXT_HANDLER (iface);
  OsqueryExtensionResponse *response = *_return;
  g_autoptr (GError) call_error = NULL;
  g_autoptr (PoRows) rows = NULL;

  if (g_strcmp0 (registry, "table") != 0)
    g_set_error (&call_error, PO_ERROR, PO_ERROR_NOT_FOUND,
                 "phaseout only provides tables, not the \"%s\" registry",
                 registry != NULL ? registry : "");
  else
    call_table (self, item, (GHashTable *) request, response->response, &rows, &call_error);

  if (rows != NULL && call_error == NULL)
    {
      /* the processor sends (and releases) whatever *_return holds */
      PoExtRowsResponse *rows_response = g_object_new (PO_TYPE_EXT_ROWS_RESPONSE, NULL);
      rows_response->rows = g_steal_pointer (&rows);
      g_clear_object (_return);
      *_return = response = OSQUERY_EXTENSION_RESPONSE (rows_response);
    }
  if (call_error != NULL)
    {
      g_ptr_array_set_size (response->response, 0);
      po_ext_status_set_error (response->status, get_uuid (self), call_error);
    }
  else
    po_ext_status_set_ok (response->status, get_uuid (self), "OK");
  response->__isset_status = TRUE;
  response->__isset_response = TRUE;
  return TRUE;
}

static gboolean
handler_shutdown (OsqueryExtensionIf *iface, GError **error)
{
  PoExtHandler *self = PO_EXT_HANDLER (iface);

  /* the reply goes out after this returns; the callback only asks the
   * main thread to stop, it does not wait for it */
  if (self->on_shutdown != NULL)
    self->on_shutdown (self->user_data);
  return TRUE;
}

static void
po_ext_handler_finalize (GObject *object)
{
  po_runtime_unref (PO_EXT_HANDLER (object)->runtime);
  G_OBJECT_CLASS (po_ext_handler_parent_class)->finalize (object);
}

static void
po_ext_handler_class_init (PoExtHandlerClass *klass)
{
  OsqueryExtensionHandlerClass *handler_class = OSQUERY_EXTENSION_HANDLER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = po_ext_handler_finalize;
  handler_class->ping = handler_ping;
  handler_class->call = handler_call;
  handler_class->shutdown = handler_shutdown;
}

static void
po_ext_handler_init (PoExtHandler *self)
{
}

PoExtHandler *
po_ext_handler_new (PoRuntime *runtime, PoExtShutdownFunc on_shutdown, gpointer user_data)
{
  PoExtHandler *self = g_object_new (PO_TYPE_EXT_HANDLER, NULL);

  self->runtime = po_runtime_ref (runtime);
  self->on_shutdown = on_shutdown;
  self->user_data = user_data;
  return self;
}

void
po_ext_handler_set_uuid (PoExtHandler *handler, gint64 uuid)
{
  g_atomic_pointer_set (&handler->uuid, GSIZE_TO_POINTER ((gsize) uuid));
}

GHashTable *
po_ext_handler_build_registry (void)
{
  GHashTable *registry = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_hash_table_unref);
  GHashTable *tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_ptr_array_unref);
  guint n_tables;
  const PoTable *const *all = po_tables_get_all (&n_tables);

  for (guint i = 0; i < n_tables; i++)
    g_hash_table_insert (tables, g_strdup (all[i]->schema->name),
                         po_table_schema_route_rows (all[i]->schema));
  g_hash_table_insert (registry, g_strdup ("table"), tables);
  return registry;
}
