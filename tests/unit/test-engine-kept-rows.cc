/* SPDX-License-Identifier: Apache-2.0 */
/*
 * po_engine_query() hands SQLite the cells without a copy and keeps every
 * row set of the statement until its connection closes (po-engine.c).
 * Queries that hold a value across a re-filter of the same table (an
 * aggregate's best value, a scalar subquery's result, a join that filters
 * the inner table once per outer row) must give what the plain queries
 * give; the sanitizer build turns any value read after its rows were
 * freed into a failure.
 */
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "po-test-shim.h"

namespace {

std::vector<std::vector<std::string>>
rows_of (PoRuntime *runtime, const std::string &sql)
{
  PoResult *result = NULL;
  GError *error = NULL;
  std::vector<std::vector<std::string>> out;
  if (!po_engine_query (runtime, sql.c_str (), &result, &error))
    {
      ADD_FAILURE () << sql << ": " << error->message;
      g_error_free (error);
      return out;
    }
  for (guint r = 0; r < result->rows->len; r++)
    {
      GPtrArray *row = (GPtrArray *) result->rows->pdata[r];
      std::vector<std::string> cells;
      for (guint c = 0; c < row->len; c++)
        cells.push_back (row->pdata[c] != NULL ? (const char *) row->pdata[c] : "<NULL>");
      out.push_back (cells);
    }
  po_result_free (result);
  return out;
}

std::string
one (PoRuntime *runtime, const std::string &sql)
{
  auto rows = rows_of (runtime, sql);
  return rows.size () == 1 && rows[0].size () == 1 ? rows[0][0] : "<not one value>";
}

}  // namespace

TEST (EngineKeptRows, ValuesHeldAcrossReFiltersStayValid)
{
  auto runtime = po_test::make_runtime ({ { "now", "2025-06-01" } });
  auto ids = rows_of (runtime.get (), "SELECT id, title FROM phaseout_policies ORDER BY id");
  ASSERT_GT (ids.size (), 3u);
  std::string max_id = ids.back ()[0], min_id = ids.front ()[0];
  std::string max_title;
  for (const auto &row : ids)
    max_title = std::max (max_title, row[1]);

  /* the inner table is filtered once per outer row (b.id = a.id is passed
   * down); the aggregates keep their best values across those filters */
  auto joined = rows_of (runtime.get (),
                         "SELECT max(b.title), min(b.id), max(a.id), count(*) "
                         "FROM phaseout_policies a JOIN phaseout_policies b ON b.id = a.id");
  ASSERT_EQ (joined.size (), 1u);
  EXPECT_EQ (joined[0][0], max_title);
  EXPECT_EQ (joined[0][1], min_id);
  EXPECT_EQ (joined[0][2], max_id);
  EXPECT_EQ (joined[0][3], std::to_string (ids.size ()));

  /* a correlated subquery per row, its value used after the next filter */
  auto correlated = rows_of (runtime.get (),
                             "SELECT a.id, (SELECT b.title FROM phaseout_policies b "
                             "WHERE b.id = a.id) FROM phaseout_policies a ORDER BY a.id");
  ASSERT_EQ (correlated.size (), ids.size ());
  for (size_t i = 0; i < ids.size (); i++)
    EXPECT_EQ (correlated[i], ids[i]);

  /* scalar subqueries of the same table side by side, and GROUP BY over a join */
  EXPECT_EQ (one (runtime.get (), "SELECT (SELECT max(id) FROM phaseout_policies) || '/' || "
                                  "(SELECT min(id) FROM phaseout_policies)"),
             max_id + "/" + min_id);
  auto grouped = rows_of (
    runtime.get (), "SELECT a.binding, max(b.id), group_concat(b.id) FROM phaseout_policies a "
                    "JOIN phaseout_policies b ON b.id = a.id GROUP BY a.binding");
  std::set<std::string> seen;
  for (const auto &row : grouped)
    for (const auto &id : ids)
      if (row[2].find (id[0]) != std::string::npos)
        seen.insert (id[0]);
  EXPECT_EQ (seen.size (), ids.size ());
}
