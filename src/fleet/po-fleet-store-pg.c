/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL backend of the store (libpq), for teams that keep the
 * fleet's history beside Grafana or Metabase.  Statements are prepared
 * on the server once; values travel as text and the server casts them to
 * the column's type.
 */
#include <libpq-fe.h>
#include <stdlib.h>

#include "po-fleet-store.h"

typedef struct {
  PGconn *conn;
  guint next_statement;
} PgStore;

typedef struct {
  PgStore *store;
  gchar *name;
  gint n_params;
  gchar **values;   /* n_params, owned; NULL for NULL */
  PGresult *result; /* after the first step */
  gint row;         /* the current row of result */
} PgStmt;

gpointer
po_fleet_pg_open (const gchar *uri, GError **error)
{
  PgStore *store = g_new0 (PgStore, 1);
  PGresult *result;

  store->conn = PQconnectdb (uri);
  if (store->conn == NULL || PQstatus (store->conn) != CONNECTION_OK)
    {
      g_autofree gchar *message = g_strdup (store->conn != NULL ? PQerrorMessage (store->conn)
                                                                : "out of memory");
      g_set_error (error, PO_FLEET_ERROR, PO_FLEET_ERROR_STORE, "PostgreSQL: cannot connect: %s",
                   g_strstrip (message));
      PQfinish (store->conn);
      g_free (store);
      return NULL;
    }
  /* notices ("relation already exists, skipping") are not for the user */
  result = PQexec (store->conn, "SET client_min_messages = warning");
  PQclear (result);
  return store;
}

static void
pg_close (gpointer impl)
{
  PgStore *store = impl;

  PQfinish (store->conn);
  g_free (store);
}

static void
set_result_error (PGconn *conn, PGresult *result, GError **error, const gchar *what)
{
  g_autofree gchar *message = g_strdup (result != NULL ? PQresultErrorMessage (result)
                                                       : PQerrorMessage (conn));

  g_set_error (error, PO_FLEET_ERROR, PO_FLEET_ERROR_STORE, "PostgreSQL: %s: %s", what,
               g_strstrip (message));
}

static gboolean
result_ok (PGresult *result)
{
  ExecStatusType status = result != NULL ? PQresultStatus (result) : PGRES_FATAL_ERROR;

  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

static gboolean
pg_exec (gpointer impl, const gchar *sql, GError **error)
{
  PgStore *store = impl;
  PGresult *result = PQexec (store->conn, sql);
  gboolean ok = result_ok (result);

  if (!ok)
    set_result_error (store->conn, result, error, "exec");
  PQclear (result);
  return ok;
}

static gpointer
pg_prepare (gpointer impl, const gchar *sql, GError **error)
{
  PgStore *store = impl;
  g_autofree gchar *name = g_strdup_printf ("po_fleet_%u", store->next_statement++);
  PGresult *result = PQprepare (store->conn, name, sql, 0, NULL);
  PgStmt *stmt;

  if (!result_ok (result))
    {
      set_result_error (store->conn, result, error, "prepare");
      PQclear (result);
      return NULL;
    }
  PQclear (result);
  result = PQdescribePrepared (store->conn, name);
  if (!result_ok (result))
    {
      set_result_error (store->conn, result, error, "describe");
      PQclear (result);
      return NULL;
    }
  stmt = g_new0 (PgStmt, 1);
  stmt->store = store;
  stmt->name = g_steal_pointer (&name);
  stmt->n_params = PQnparams (result);
  stmt->values = g_new0 (gchar *, stmt->n_params + 1);
  PQclear (result);
  return stmt;
}

static void
pg_reset (gpointer impl)
{
  PgStmt *stmt = impl;

  PQclear (stmt->result);
  stmt->result = NULL;
  stmt->row = -1;
  for (gint i = 0; i < stmt->n_params; i++)
    g_clear_pointer (&stmt->values[i], g_free);
}

static void
pg_stmt_free (gpointer impl)
{
  PgStmt *stmt = impl;
  g_autofree gchar *deallocate = g_strdup_printf ("DEALLOCATE %s", stmt->name);
  PGresult *result;

  pg_reset (stmt);
  result = PQexec (stmt->store->conn, deallocate);
  PQclear (result);
  g_free (stmt->values);
  g_free (stmt->name);
  g_free (stmt);
}

static void
pg_bind_text (gpointer impl, guint number, const gchar *value)
{
  PgStmt *stmt = impl;

  if (number < 1 || number > (guint) stmt->n_params)
    return;
  g_free (stmt->values[number - 1]);
  stmt->values[number - 1] = g_strdup (value);
}

static void
pg_bind_int64 (gpointer impl, guint number, gint64 value)
{
  gchar text[32];

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
  pg_bind_text (impl, number, text);
}

static gint
pg_step (gpointer impl, GError **error)
{
  PgStmt *stmt = impl;

  if (stmt->result == NULL)
    {
      stmt->result = PQexecPrepared (stmt->store->conn, stmt->name, stmt->n_params,
                                     (const char *const *) stmt->values, NULL, NULL, 0);
      if (!result_ok (stmt->result))
        {
          set_result_error (stmt->store->conn, stmt->result, error, "step");
          PQclear (stmt->result);
          stmt->result = NULL;
          return -1;
        }
      stmt->row = -1;
    }
  stmt->row++;
  return stmt->row < PQntuples (stmt->result) ? 1 : 0;
}

static const gchar *
pg_column_text (gpointer impl, guint column)
{
  PgStmt *stmt = impl;

  if (PQgetisnull (stmt->result, stmt->row, (int) column))
    return NULL;
  return PQgetvalue (stmt->result, stmt->row, (int) column);
}

static gint64
pg_column_int64 (gpointer impl, guint column)
{
  const gchar *text = pg_column_text (impl, column);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
}

static gboolean
pg_column_is_null (gpointer impl, guint column)
{
  PgStmt *stmt = impl;

  return PQgetisnull (stmt->result, stmt->row, (int) column);
}

const PoFleetBackend po_fleet_backend_pg = {
  .name = "postgresql",
  .close = pg_close,
  .exec = pg_exec,
  .prepare = pg_prepare,
  .stmt_free = pg_stmt_free,
  .bind_text = pg_bind_text,
  .bind_int64 = pg_bind_int64,
  .step = pg_step,
  .column_text = pg_column_text,
  .column_int64 = pg_column_int64,
  .column_is_null = pg_column_is_null,
  .reset = pg_reset,
};
