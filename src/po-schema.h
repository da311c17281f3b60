/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Table schemas as data.  The instances are generated at build time from
 * schemas/<table>.json (tools/po-schema-gen.c); nothing in here is written
 * per table by hand.  Types and option bits are osquery's, because osquery
 * is the strictest consumer: the registration rows and the `columns` answer
 * carry them verbatim.
 */

typedef enum {
  PO_COLUMN_TEXT,
  PO_COLUMN_INTEGER,
  PO_COLUMN_BIGINT,
  PO_COLUMN_UNSIGNED_BIGINT,
  PO_COLUMN_DOUBLE,
} PoColumnType;

/* osquery's ColumnOptions bits, sent as the decimal "op" of a column row */
typedef enum {
  PO_COLUMN_DEFAULT = 0,
  PO_COLUMN_INDEX = 1 << 0,
  PO_COLUMN_REQUIRED = 1 << 1,
  PO_COLUMN_ADDITIONAL = 1 << 2,
  PO_COLUMN_OPTIMIZED = 1 << 3,
  PO_COLUMN_HIDDEN = 1 << 4,
} PoColumnOptions;

typedef struct {
  const gchar *name;
  PoColumnType type;
  PoColumnOptions options;
  const gchar *description;
} PoColumn;

typedef struct {
  const gchar *name;
  const gchar *description;
  const PoColumn *columns;
  guint n_columns;
  const gchar *const *examples; /* NULL-terminated */
} PoTableSchema;

/* "TEXT", "INTEGER", "BIGINT", "UNSIGNED BIGINT", "DOUBLE": osquery's spelling */
const gchar *po_column_type_to_string (PoColumnType type);
gboolean po_column_type_from_string (const gchar *text, PoColumnType *ret_type);

/* index of the named column, or -1 */
gint po_table_schema_find_column (const PoTableSchema *schema, const gchar *name);

/* "CREATE TABLE x(`a` TEXT, `b` INTEGER HIDDEN)" for sqlite3_declare_vtab() */
gchar *po_table_schema_to_sql (const PoTableSchema *schema);

/*
 * osquery's route rows for the table: one {"id":"column","name","type","op"}
 * map per column, as a GPtrArray of GHashTable (gchar* -> gchar*, both
 * owned), which is exactly the c_glib shape of ExtensionPluginResponse.
 * Used for registerExtension() and for the "columns" action.
 */
GPtrArray *po_table_schema_route_rows (const PoTableSchema *schema);

G_END_DECLS
