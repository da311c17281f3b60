/* SPDX-License-Identifier: Apache-2.0 */
#include <gtest/gtest.h>

#include <set>

#include "po-test-shim.h"

namespace {

TEST (Schema, TypeNamesAreOsquerys)
{
  EXPECT_STREQ (po_column_type_to_string (PO_COLUMN_TEXT), "TEXT");
  EXPECT_STREQ (po_column_type_to_string (PO_COLUMN_INTEGER), "INTEGER");
  EXPECT_STREQ (po_column_type_to_string (PO_COLUMN_BIGINT), "BIGINT");
  EXPECT_STREQ (po_column_type_to_string (PO_COLUMN_UNSIGNED_BIGINT), "UNSIGNED BIGINT");
  EXPECT_STREQ (po_column_type_to_string (PO_COLUMN_DOUBLE), "DOUBLE");
  PoColumnType type;
  EXPECT_TRUE (po_column_type_from_string ("UNSIGNED BIGINT", &type));
  EXPECT_EQ (type, PO_COLUMN_UNSIGNED_BIGINT);
  EXPECT_FALSE (po_column_type_from_string ("UNSIGNED_BIGINT", &type));
}

TEST (Schema, RegistryHoldsEveryTableInNameOrder)
{
  guint n_tables;
  const PoTable *const *tables = po_tables_get_all (&n_tables);
  ASSERT_GE (n_tables, 1u);
  for (guint i = 1; i < n_tables; i++)
    EXPECT_LT (g_strcmp0 (tables[i - 1]->schema->name, tables[i]->schema->name), 0);
  EXPECT_EQ (po_tables_lookup ("phaseout_info")->schema, &po_schema_phaseout_info);
  EXPECT_EQ (po_tables_lookup ("no_such_table"), nullptr);
  EXPECT_EQ (po_tables_lookup (NULL), nullptr);
}

/* what registerExtension() and the "columns" action carry, per osquery's
 * TablePlugin::routeInfo(): one row per column with id, name, type, op */
TEST (Schema, RouteRowsMatchTheSchema)
{
  guint n_tables;
  const PoTable *const *tables = po_tables_get_all (&n_tables);
  for (guint t = 0; t < n_tables; t++)
    {
      const PoTableSchema *schema = tables[t]->schema;
      GPtrArray *rows = po_table_schema_route_rows (schema);
      ASSERT_EQ (rows->len, schema->n_columns) << schema->name;
      std::set<std::string> names;
      for (guint i = 0; i < rows->len; i++)
        {
          auto *row = static_cast<GHashTable *> (rows->pdata[i]);
          EXPECT_EQ (g_hash_table_size (row), 4u);
          EXPECT_STREQ ((const char *) g_hash_table_lookup (row, "id"), "column");
          EXPECT_STREQ ((const char *) g_hash_table_lookup (row, "name"), schema->columns[i].name);
          EXPECT_STREQ ((const char *) g_hash_table_lookup (row, "type"),
                        po_column_type_to_string (schema->columns[i].type));
          g_autofree gchar *op = g_strdup_printf ("%u", (guint) schema->columns[i].options);
          EXPECT_STREQ ((const char *) g_hash_table_lookup (row, "op"), op);
          names.insert (schema->columns[i].name);
          /* osquery puts table and column names into SQL unquoted or back-quoted */
          EXPECT_TRUE (g_regex_match_simple ("^[a-z_][a-z0-9_]*$", schema->columns[i].name,
                                             (GRegexCompileFlags) 0, (GRegexMatchFlags) 0));
          EXPECT_NE (schema->columns[i].description[0], '\0');
        }
      EXPECT_EQ (names.size (), schema->n_columns) << "duplicate column in " << schema->name;
      g_ptr_array_unref (rows);
    }
}

TEST (Schema, CreateTableStatement)
{
  g_autofree gchar *sql = po_table_schema_to_sql (&po_schema_phaseout_info);
  EXPECT_TRUE (g_str_has_prefix (sql, "CREATE TABLE phaseout_info(`version` TEXT, `pid` BIGINT"))
    << sql;
  EXPECT_TRUE (g_str_has_suffix (sql, "`glib_version` TEXT)")) << sql;
}

TEST (Schema, ColumnLookup)
{
  EXPECT_EQ (po_table_schema_find_column (&po_schema_phaseout_info, "pid"), COL_PHASEOUT_INFO_PID);
  EXPECT_EQ (po_table_schema_find_column (&po_schema_phaseout_info, "nope"), -1);
}

}  // namespace
