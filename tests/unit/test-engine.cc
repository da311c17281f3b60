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
  auto result = run (runtime.get (),
                     "SELECT root, clock, clock_injected, tables FROM phaseout_info");
  ASSERT_NE (result, nullptr);
  ASSERT_EQ (result->rows->len, 1u);
  EXPECT_EQ (std::string (cell (result.get (), 0, 0)), dir.path ());
  /* an instant, as osquery's time columns are: unix seconds */
  EXPECT_STREQ (cell (result.get (), 0, 1), "1513036800");
  EXPECT_STREQ (cell (result.get (), 0, 2), "1");
  guint n_tables;
  po_tables_get_all (&n_tables);
  EXPECT_EQ (std::string (cell (result.get (), 0, 3)), std::to_string (n_tables));
}

TEST (Engine, ColumnTypesReachSqlite)
{
  auto runtime = po_test::make_runtime ({});
  auto result = run (runtime.get (), "SELECT typeof(pid), typeof(version), typeof(clock_injected), "
                                     "typeof(clock) FROM phaseout_info");
  ASSERT_NE (result, nullptr);
  EXPECT_STREQ (cell (result.get (), 0, 0), "integer");
  EXPECT_STREQ (cell (result.get (), 0, 1), "text");
  EXPECT_STREQ (cell (result.get (), 0, 2), "integer");
  EXPECT_STREQ (cell (result.get (), 0, 3), "integer");
}

/*
 * --now with an offset names an instant; the clock is that instant, not
 * the wall time written in another zone (it was "2017-12-13T01:00:00+02",
 * which a fleet would read as a later time than the same instant in UTC)
 */
TEST (Engine, ClockWithAnOffsetIsTheInstant)
{
  po_test::TempDir dir;
  auto offset = po_test::make_runtime (
    { { "root", dir.path () }, { "now", "2017-12-13T01:00:00+02:00" } });
  auto utc = po_test::make_runtime ({ { "root", dir.path () }, { "now", "2017-12-12T23:00:00Z" } });
  const char sql[] = "SELECT clock, strftime('%Y-%m-%dT%H:%M:%SZ', clock, 'unixepoch') "
                     "FROM phaseout_info";
  auto a = run (offset.get (), sql);
  auto b = run (utc.get (), sql);
  ASSERT_NE (a, nullptr);
  ASSERT_NE (b, nullptr);
  EXPECT_STREQ (cell (a.get (), 0, 0), "1513119600");
  EXPECT_STREQ (cell (a.get (), 0, 1), "2017-12-12T23:00:00Z");
  EXPECT_STREQ (cell (a.get (), 0, 0), cell (b.get (), 0, 0));
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
