/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store: opens the backend the --db value names and passes every call
 * to it (po-fleet-store.h says why there is one interface).
 */
#include "po-fleet-store.h"

struct _PoFleetStmt {
  PoFleetStore *store;
  gpointer impl;
};

static gboolean
is_postgresql_uri (const gchar *db)
{
  return g_str_has_prefix (db, "postgresql://") || g_str_has_prefix (db, "postgres://");
}

PoFleetStore *
po_fleet_store_open (const gchar *db, GError **error)
{
  g_autoptr (PoFleetStore) store = g_new0 (PoFleetStore, 1);

  if (db == NULL || *db == '\0')
    {
      g_set_error_literal (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_ARGUMENT,
                           "no database given");
      return NULL;
    }
  if (is_postgresql_uri (db))
    {
      store->backend = &po_fleet_backend_pg;
      store->impl = po_fleet_pg_open (db, error);
    }
  else
    {
      store->backend = &po_fleet_backend_sqlite;
      store->impl = po_fleet_sqlite_open (db, error);
    }
  if (store->impl == NULL)
    return NULL;
  if (!po_fleet_schema_ensure (store, error))
    return NULL;
  return g_steal_pointer (&store);
}

void
po_fleet_store_close (PoFleetStore *store)
{
  if (store == NULL)
    return;
  if (store->impl != NULL)
    {
      if (store->in_transaction)
        po_fleet_store_rollback (store);
      store->backend->close (store->impl);
    }
  g_free (store);
}

const gchar *
po_fleet_store_get_kind (PoFleetStore *store)
{
  return store->backend->name;
}

gboolean
po_fleet_store_exec (PoFleetStore *store, const gchar *sql, GError **error)
{
  return store->backend->exec (store->impl, sql, error);
}

gboolean
po_fleet_store_begin (PoFleetStore *store, GError **error)
{
  if (!po_fleet_store_exec (store, "BEGIN", error))
    return FALSE;
  store->in_transaction = TRUE;
  return TRUE;
}

gboolean
po_fleet_store_commit (PoFleetStore *store, GError **error)
{
  if (!po_fleet_store_exec (store, "COMMIT", error))
    return FALSE;
  store->in_transaction = FALSE;
  return TRUE;
}

void
po_fleet_store_rollback (PoFleetStore *store)
{
  g_autoptr (GError) ignored = NULL;

  store->in_transaction = FALSE;
  if (!po_fleet_store_exec (store, "ROLLBACK", &ignored))
    g_debug ("rollback: %s", ignored->message);
}

PoFleetStmt *
po_fleet_stmt_new (PoFleetStore *store, const gchar *sql, GError **error)
{
  gpointer impl = store->backend->prepare (store->impl, sql, error);
  PoFleetStmt *stmt;

  if (impl == NULL)
    return NULL;
  stmt = g_new0 (PoFleetStmt, 1);
  stmt->store = store;
  stmt->impl = impl;
  return stmt;
}

void
po_fleet_stmt_free (PoFleetStmt *stmt)
{
  if (stmt == NULL)
    return;
  stmt->store->backend->stmt_free (stmt->impl);
  g_free (stmt);
}

void
po_fleet_stmt_bind_text (PoFleetStmt *stmt, guint index, const gchar *value)
{
  stmt->store->backend->bind_text (stmt->impl, index, value);
}

void
po_fleet_stmt_bind_int64 (PoFleetStmt *stmt, guint index, gint64 value)
{
  stmt->store->backend->bind_int64 (stmt->impl, index, value);
}

gboolean
po_fleet_stmt_step (PoFleetStmt *stmt, gboolean *ret_row, GError **error)
{
  gint rc = stmt->store->backend->step (stmt->impl, error);

  if (rc < 0)
    return FALSE;
  *ret_row = rc > 0;
  return TRUE;
}

gboolean
po_fleet_stmt_run (PoFleetStmt *stmt, GError **error)
{
  gboolean row;
  gboolean ok = po_fleet_stmt_step (stmt, &row, error);

  po_fleet_stmt_reset (stmt);
  return ok;
}

const gchar *
po_fleet_stmt_text (PoFleetStmt *stmt, guint column)
{
  return stmt->store->backend->column_text (stmt->impl, column);
}

gint64
po_fleet_stmt_int64 (PoFleetStmt *stmt, guint column)
{
  return stmt->store->backend->column_int64 (stmt->impl, column);
}

gboolean
po_fleet_stmt_is_null (PoFleetStmt *stmt, guint column)
{
  return stmt->store->backend->column_is_null (stmt->impl, column);
}

void
po_fleet_stmt_reset (PoFleetStmt *stmt)
{
  stmt->store->backend->reset (stmt->impl);
}
