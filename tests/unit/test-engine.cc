/* SPDX-License-Identifier: Apache-2.0 */
#include <gtest/gtest.h>

#include "po-test-shim.h"

namespace {

using po_test::ResultPtr;

ResultPtr
run (PoRuntime *runtime, const char *sql, po_test::ErrorPtr *error_out = nullptr)
{
  PoResult *result = NULL;
  GError *error = NULL;
  if (!po_engine_query (runtime, sql, &result, &error))
    {
      if (error_out != nullptr)
        error_out->reset (error);
      else
        {
          ADD_FAILURE () << sql << ": " << error->message;
          g_error_free (error);
        }
      return ResultPtr ();
    }
  return ResultPtr (result);
}

const char *
cell (PoResult *result, guint row, guint column)
{
  return (const char *) g_ptr_array_index ((GPtrArray *) result->rows->pdata[row], column);
}

TEST (Engine, TablesAreEponymous)
{
  po_test::TempDir dir;
  auto runtime = po_test::make_runtime ({ { "root", dir.path () }, { "now", "2017-12-12" } });
  auto result = run (runtime.get (), "SELECT root, clock, clock_injected, tables FROM phaseout_info");
  ASSERT_NE (result, nullptr);
  ASSERT_EQ (result->rows->len, 1u);
  EXPECT_EQ (std::string (cell (result.get (), 0, 0)), dir.path ());
  EXPECT_STREQ (cell (result.get (), 0, 1), "2017-12-12T00:00:00Z");
  EXPECT_STREQ (cell (result.get (), 0, 2), "1");
  guint n_tables;
  po_tables_get_all (&n_tables);
  EXPECT_EQ (std::string (cell (result.get (), 0, 3)), std::to_string (n_tables));
}

TEST (Engine, ColumnTypesReachSqlite)
{
  auto runtime = po_test::make_runtime ({});
  auto result = run (runtime.get (), "SELECT typeof(pid), typeof(version), typeof(clock_injected) "
                                     "FROM phaseout_info");
  ASSERT_NE (result, nullptr);
  EXPECT_STREQ (cell (result.get (), 0, 0), "integer");
  EXPECT_STREQ (cell (result.get (), 0, 1), "text");
  EXPECT_STREQ (cell (result.get (), 0, 2), "integer");
}

TEST (Engine, ConstraintsAreRecheckedBySqlite)
{
  auto runtime = po_test::make_runtime ({});
  auto none = run (runtime.get (), "SELECT * FROM phaseout_info WHERE pid = -1");
  ASSERT_NE (none, nullptr);
  EXPECT_EQ (none->rows->len, 0u);
  auto some = run (runtime.get (), "SELECT * FROM phaseout_info WHERE root IN ('/', '/x')");
  ASSERT_NE (some, nullptr);
  EXPECT_EQ (some->rows->len, 1u);
  EXPECT_GE (po_runtime_get_count (runtime.get (), "table.phaseout_info"), 2u);
}

TEST (Engine, BadSqlIsAClearError)
{
  auto runtime = po_test::make_runtime ({});
  po_test::ErrorPtr error;
  EXPECT_EQ (run (runtime.get (), "SELECT * FROM no_such_table", &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "no_such_table"), nullptr) << error->message;

  EXPECT_EQ (run (runtime.get (), "SELECT 1; SELECT 2", &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_NE (strstr (error->message, "one SQL statement"), nullptr) << error->message;

  EXPECT_EQ (run (runtime.get (), "   ", &error), nullptr);
  ASSERT_NE (error, nullptr);
}

TEST (Engine, JoinsAcrossTablesWork)
{
  auto runtime = po_test::make_runtime ({});
  auto result = run (runtime.get (), "SELECT a.version = b.version FROM phaseout_info a "
                                     "JOIN phaseout_info b ON a.pid = b.pid");
  ASSERT_NE (result, nullptr);
  ASSERT_EQ (result->rows->len, 1u);
  EXPECT_STREQ (cell (result.get (), 0, 0), "1");
}

}  // namespace
