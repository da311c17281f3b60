/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-fleet.h"

G_BEGIN_DECLS

/*
 * The store's one small interface over SQLite and PostgreSQL.  The SQL is
 * written once, in the subset both understand: parameters are $1, $2, ...
 * (SQLite takes them as named parameters, libpq as positional ones),
 * integers are BIGINT, upserts are INSERT ... ON CONFLICT, and window
 * functions and recursive CTEs are the standard ones.
 */

typedef struct _PoFleetStmt PoFleetStmt;

typedef struct {
  const gchar *name;
  void (*close) (gpointer impl);
  gboolean (*exec) (gpointer impl, const gchar *sql, GError **error);
  gpointer (*prepare) (gpointer impl, const gchar *sql, GError **error);
  void (*stmt_free) (gpointer stmt);
  void (*bind_text) (gpointer stmt, guint index, const gchar *value);
  void (*bind_int64) (gpointer stmt, guint index, gint64 value);
  /* 1 a row, 0 done, -1 an error */
  gint (*step) (gpointer stmt, GError **error);
  const gchar *(*column_text) (gpointer stmt, guint column);
  gint64 (*column_int64) (gpointer stmt, guint column);
  gboolean (*column_is_null) (gpointer stmt, guint column);
  void (*reset) (gpointer stmt);
} PoFleetBackend;

struct _PoFleetStore {
  const PoFleetBackend *backend;
  gpointer impl;
  gboolean in_transaction;
};

extern const PoFleetBackend po_fleet_backend_sqlite;
extern const PoFleetBackend po_fleet_backend_pg;

gpointer po_fleet_sqlite_open (const gchar *path, GError **error);
gpointer po_fleet_pg_open (const gchar *uri, GError **error);

/* the tables, created when missing (po-fleet-schema.c) */
gboolean po_fleet_schema_ensure (PoFleetStore *store, GError **error);

gboolean po_fleet_store_exec (PoFleetStore *store, const gchar *sql, GError **error);
gboolean po_fleet_store_begin (PoFleetStore *store, GError **error);
gboolean po_fleet_store_commit (PoFleetStore *store, GError **error);
void po_fleet_store_rollback (PoFleetStore *store);

PoFleetStmt *po_fleet_stmt_new (PoFleetStore *store, const gchar *sql, GError **error);
void po_fleet_stmt_free (PoFleetStmt *stmt);
/* index from 1, as $1; value NULL binds NULL */
void po_fleet_stmt_bind_text (PoFleetStmt *stmt, guint index, const gchar *value);
void po_fleet_stmt_bind_int64 (PoFleetStmt *stmt, guint index, gint64 value);
/* TRUE with *ret_row TRUE for a row, FALSE for the end */
gboolean po_fleet_stmt_step (PoFleetStmt *stmt, gboolean *ret_row, GError **error);
/* runs a statement that returns no rows, then resets it */
gboolean po_fleet_stmt_run (PoFleetStmt *stmt, GError **error);
/* columns from 0; text NULL for NULL */
const gchar *po_fleet_stmt_text (PoFleetStmt *stmt, guint column);
gint64 po_fleet_stmt_int64 (PoFleetStmt *stmt, guint column);
gboolean po_fleet_stmt_is_null (PoFleetStmt *stmt, guint column);
/* ready to run again; bindings cleared */
void po_fleet_stmt_reset (PoFleetStmt *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoFleetStmt, po_fleet_stmt_free)

G_END_DECLS
