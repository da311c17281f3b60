/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "po-runtime.h"

G_BEGIN_DECLS

/*
 * The embedded engine: every phaseout table as an eponymous SQLite virtual
 * table, so `SELECT * FROM banned_software` works in any connection the
 * tables are registered in, with no CREATE VIRTUAL TABLE.  Used by the
 * phaseout CLI and the loadable extension.  Constraints reach the generate
 * functions the way osquery passes them (same operators, same superset
 * rule), so a table behaves the same in all three front ends.
 */

/* registers every table in db; the connection keeps a runtime reference */
gboolean po_engine_register (sqlite3 *db, PoRuntime *runtime, GError **error);

/* the result of a statement: column names and rows of nullable strings */
typedef struct {
  GPtrArray *column_names; /* gchar* */
  GPtrArray *rows;         /* GPtrArray of const gchar* (NULL = SQL NULL), read-only:
                                * the strings live in `strings` */
  GStringChunk *strings;
} PoResult;

void po_result_free (PoResult *result);

/* runs one SQL statement over a fresh in-memory connection */
gboolean po_engine_query (PoRuntime *runtime, const gchar *sql, PoResult **ret_result,
                          GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoResult, po_result_free)

G_END_DECLS
