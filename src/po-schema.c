/* SPDX-License-Identifier: Apache-2.0 */
#include "po-schema.h"

static const struct {
  PoColumnType type;
  const gchar *name;
} column_type_names[] = {
  { PO_COLUMN_TEXT, "TEXT" },     { PO_COLUMN_INTEGER, "INTEGER" },
  { PO_COLUMN_BIGINT, "BIGINT" }, { PO_COLUMN_UNSIGNED_BIGINT, "UNSIGNED BIGINT" },
  { PO_COLUMN_DOUBLE, "DOUBLE" },
};

const gchar *
po_column_type_to_string (PoColumnType type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (column_type_names); i++)
    if (column_type_names[i].type == type)
      return column_type_names[i].name;
  return "UNKNOWN";
}

gboolean
po_column_type_from_string (const gchar *text, PoColumnType *ret_type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (column_type_names); i++)
    if (g_strcmp0 (column_type_names[i].name, text) == 0)
      {
        *ret_type = column_type_names[i].type;
        return TRUE;
      }
  return FALSE;
}

gint
po_table_schema_find_column (const PoTableSchema *schema, const gchar *name)
{
  for (guint i = 0; i < schema->n_columns; i++)
    if (g_strcmp0 (schema->columns[i].name, name) == 0)
      return (gint) i;
  return -1;
}

/*
 * the declaration SQLite sees.  Column names are back-quoted as osquery
 * does; HIDDEN columns stay out of SELECT *.  No PRIMARY KEY: an eponymous
 * virtual table does not need one and osquery's own statement differs here
 * only in what SQLite ignores for a non-WITHOUT ROWID table.
 */
gchar *
po_table_schema_to_sql (const PoTableSchema *schema)
{
  GString *sql = g_string_new (NULL);

  g_string_append_printf (sql, "CREATE TABLE %s(", schema->name);
  for (guint i = 0; i < schema->n_columns; i++)
    {
      const PoColumn *column = &schema->columns[i];
      g_string_append_printf (sql, "%s`%s` %s%s", i > 0 ? ", " : "", column->name,
                              po_column_type_to_string (column->type),
                              (column->options & PO_COLUMN_HIDDEN) ? " HIDDEN" : "");
    }
  g_string_append (sql, ")");
  return g_string_free (sql, FALSE);
}

GPtrArray *
po_table_schema_route_rows (const PoTableSchema *schema)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);

  for (guint i = 0; i < schema->n_columns; i++)
    {
      const PoColumn *column = &schema->columns[i];
      GHashTable *row = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

      g_hash_table_insert (row, g_strdup ("id"), g_strdup ("column"));
      g_hash_table_insert (row, g_strdup ("name"), g_strdup (column->name));
      g_hash_table_insert (row, g_strdup ("type"),
                           g_strdup (po_column_type_to_string (column->type)));
      g_hash_table_insert (row, g_strdup ("op"), g_strdup_printf ("%u", (guint) column->options));
      g_ptr_array_add (rows, row);
    }
  return rows;
}
