/* SPDX-License-Identifier: Apache-2.0 */
#include "po-ext-handler.h"

#include "po-error.h"
#include "po-table.h"

struct _PoExtHandler {
  OsqueryExtensionHandler  parent;
  PoRuntime               *runtime;
  gpointer                 uuid;   /* a gint64 in an atomic pointer-sized word */
  PoExtShutdownFunc        on_shutdown;
  gpointer                 user_data;
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
  g_autofree gchar *message =
      g_utf8_make_valid (error != NULL ? error->message : "unknown error", -1);

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
 * rows as osquery wants them: one string map per row; a NULL cell is left
 * out, which osquery reads back as NULL
 */
static void
append_rows (GPtrArray *response, PoRows *rows)
{
  const PoTableSchema *schema = po_rows_get_schema (rows);
  guint n_rows = po_rows_get_n_rows (rows);

  for (guint r = 0; r < n_rows; r++)
    {
      GHashTable *row = new_row ();
      for (guint c = 0; c < schema->n_columns; c++)
        {
          const gchar *value = po_rows_get (rows, r, c);
          if (value != NULL)
            g_hash_table_insert (row, g_strdup (schema->columns[c].name), g_strdup (value));
        }
      g_ptr_array_add (response, row);
    }
}

static gboolean
generate (PoExtHandler *self, const PoTable *table, const gchar *context_json,
          GPtrArray *response, GError **error)
{
  g_autoptr(PoQueryContext) query = NULL;
  g_autoptr(PoRows) rows = NULL;

  query = po_query_context_new_from_json (table->schema, context_json, error);
  if (query == NULL)
    return FALSE;
  rows = po_rows_new (table->schema);
  if (!po_table_generate (table, self->runtime, query, rows, error))
    return FALSE;
  append_rows (response, rows);
  return TRUE;
}

/* the table plugin's actions; FALSE + error becomes status 1 */
static gboolean
call_table (PoExtHandler *self, const gchar *item, GHashTable *request, GPtrArray *response,
            GError **error)
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
    return generate (self, table, g_hash_table_lookup (request, "context"), response, error);
  if (g_str_equal (action, "columns"))
    {
      g_autoptr(GPtrArray) routes = po_table_schema_route_rows (table->schema);
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
handler_call (OsqueryExtensionIf *iface, OsqueryExtensionResponse **_return,
              const gchar *registry, const gchar *item,
              const OsqueryExtensionPluginRequest *request, GError **error)
{
  PoExtHandler *self = PO_EXT_HANDLER (iface);
  OsqueryExtensionResponse *response = *_return;
  g_autoptr(GError) call_error = NULL;

  if (g_strcmp0 (registry, "table") != 0)
    g_set_error (&call_error, PO_ERROR, PO_ERROR_NOT_FOUND,
                 "phaseout only provides tables, not the \"%s\" registry",
                 registry != NULL ? registry : "");
  else
    call_table (self, item, (GHashTable *) request, response->response, &call_error);

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
