/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite backend of the store: the default, one file.  Parameters are
 * written $1, $2, ... as PostgreSQL wants them; SQLite takes "$1" as a
 * named parameter, so each statement keeps the map from the number to
 * SQLite's own index.
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "po-fleet-store.h"

typedef struct {
  sqlite3 *db;
} SqliteStore;

typedef struct {
  sqlite3 *db;
  sqlite3_stmt *stmt;
  GArray *index_of; /* $N -> SQLite's parameter index (0: absent) */
} SqliteStmt;

static void
set_store_error (sqlite3 *db, GError **error, const gchar *what)
{
  g_set_error (error, PO_FLEET_ERROR, PO_FLEET_ERROR_STORE, "SQLite: %s: %s", what,
               sqlite3_errmsg (db));
}

gpointer
po_fleet_sqlite_open (const gchar *path, GError **error)
{
  SqliteStore *store = g_new0 (SqliteStore, 1);
  /* WAL: a dashboard may read while a cron job ingests; NORMAL is
   * durable across a crash of phaseout, and a lost power cut costs at
   * most the last transaction, which the next run reads again */
  static const gchar *const setup = "PRAGMA journal_mode = WAL;"
                                    "PRAGMA synchronous = NORMAL;"
                                    "PRAGMA cache_size = -8192;"
                                    "PRAGMA foreign_keys = OFF;";
  gchar *message = NULL;

  if (sqlite3_open_v2 (path, &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
      != SQLITE_OK)
    {
      g_set_error (error, PO_FLEET_ERROR, PO_FLEET_ERROR_STORE, "cannot open %s: %s", path,
                   store->db != NULL ? sqlite3_errmsg (store->db) : "out of memory");
      sqlite3_close (store->db);
      g_free (store);
      return NULL;
    }
  sqlite3_busy_timeout (store->db, 10000);
  if (sqlite3_exec (store->db, setup, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, PO_FLEET_ERROR, PO_FLEET_ERROR_STORE, "cannot use %s: %s", path,
                   message != NULL ? message : "unknown error");
      sqlite3_free (message);
      sqlite3_close (store->db);
      g_free (store);
      return NULL;
    }
  return store;
}

static void
sqlite_close (gpointer impl)
{
  SqliteStore *store = impl;

  sqlite3_close (store->db);
  g_free (store);
}

static gboolean
sqlite_exec (gpointer impl, const gchar *sql, GError **error)
{
  SqliteStore *store = impl;
  gchar *message = NULL;

  if (sqlite3_exec (store->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, PO_FLEET_ERROR, PO_FLEET_ERROR_STORE, "SQLite: %s",
                   message != NULL ? message : sqlite3_errmsg (store->db));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static gpointer
sqlite_prepare (gpointer impl, const gchar *sql, GError **error)
{
  SqliteStore *store = impl;
  SqliteStmt *stmt;
  sqlite3_stmt *prepared = NULL;
  int n;

  if (sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &prepared, NULL)
      != SQLITE_OK)
    {
      set_store_error (store->db, error, "prepare");
      return NULL;
    }
  stmt = g_new0 (SqliteStmt, 1);
  stmt->db = store->db;
  stmt->stmt = prepared;
  stmt->index_of = g_array_new (FALSE, TRUE, sizeof (int));
  n = sqlite3_bind_parameter_count (prepared);
  for (int i = 1; i <= n; i++)
    {
      const char *name = sqlite3_bind_parameter_name (prepared, i);
      guint64 number;

      if (name == NULL || name[0] != '$'
          || !g_ascii_string_to_unsigned (name + 1, 10, 1, 1000, &number, NULL))
        continue;
      if (stmt->index_of->len <= number)
        g_array_set_size (stmt->index_of, number + 1);
      g_array_index (stmt->index_of, int, number) = i;
    }
  return stmt;
}

static void
sqlite_stmt_free (gpointer impl)
{
  SqliteStmt *stmt = impl;

  sqlite3_finalize (stmt->stmt);
  g_array_unref (stmt->index_of);
  g_free (stmt);
}

static int
parameter_index (SqliteStmt *stmt, guint number)
{
  return number < stmt->index_of->len ? g_array_index (stmt->index_of, int, number) : 0;
}

static void
sqlite_bind_text (gpointer impl, guint number, const gchar *value)
{
  SqliteStmt *stmt = impl;
  int index = parameter_index (stmt, number);

  if (index == 0)
    return;
  if (value == NULL)
    sqlite3_bind_null (stmt->stmt, index);
  else
    sqlite3_bind_text (stmt->stmt, index, value, -1, SQLITE_TRANSIENT);
}

static void
sqlite_bind_int64 (gpointer impl, guint number, gint64 value)
{
  SqliteStmt *stmt = impl;
  int index = parameter_index (stmt, number);

  if (index != 0)
    sqlite3_bind_int64 (stmt->stmt, index, value);
}

static gint
sqlite_step (gpointer impl, GError **error)
{
  SqliteStmt *stmt = impl;
  int rc = sqlite3_step (stmt->stmt);

  if (rc == SQLITE_ROW)
    return 1;
  if (rc == SQLITE_DONE)
    return 0;
  set_store_error (stmt->db, error, "step");
  return -1;
}

static const gchar *
sqlite_column_text (gpointer impl, guint column)
{
  SqliteStmt *stmt = impl;

  return (const gchar *) sqlite3_column_text (stmt->stmt, (int) column);
}

static gint64
sqlite_column_int64 (gpointer impl, guint column)
{
  SqliteStmt *stmt = impl;

  return sqlite3_column_int64 (stmt->stmt, (int) column);
}

static gboolean
sqlite_column_is_null (gpointer impl, guint column)
{
  SqliteStmt *stmt = impl;

  return sqlite3_column_type (stmt->stmt, (int) column) == SQLITE_NULL;
}

static void
sqlite_reset (gpointer impl)
{
  SqliteStmt *stmt = impl;

  sqlite3_reset (stmt->stmt);
  sqlite3_clear_bindings (stmt->stmt);
}

const PoFleetBackend po_fleet_backend_sqlite = {
  .name = "sqlite",
  .close = sqlite_close,
  .exec = sqlite_exec,
  .prepare = sqlite_prepare,
  .stmt_free = sqlite_stmt_free,
  .bind_text = sqlite_bind_text,
  .bind_int64 = sqlite_bind_int64,
  .step = sqlite_step,
  .column_text = sqlite_column_text,
  .column_int64 = sqlite_column_int64,
  .column_is_null = sqlite_column_is_null,
  .reset = sqlite_reset,
};
