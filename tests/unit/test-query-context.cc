/* SPDX-License-Identifier: Apache-2.0 */
#include <gtest/gtest.h>

#include "po-test-shim.h"

namespace {

const PoTableSchema *schema = &po_schema_phaseout_info;

po_test::ContextPtr
parse (const char *json, po_test::ErrorPtr *error_out = nullptr)
{
  GError *error = NULL;
  PoQueryContext *context = po_query_context_new_from_json (schema, json, &error);
  if (error_out != nullptr)
    error_out->reset (error);
  else if (error != NULL)
    g_error_free (error);
  return po_test::ContextPtr (context);
}

TEST (QueryContext, EveryOperatorCodeIsKept)
{
  const int ops[] = { 2, 4, 8, 16, 32, 64, 65, 66, 67 };
  for (int op : ops)
    {
      g_autofree gchar *json = g_strdup_printf (
        "{\"constraints\":[{\"name\":\"pid\",\"list\":[{\"op\":%d,\"expr\":\"7\"}],"
        "\"affinity\":\"BIGINT\"}]}",
        op);
      auto context = parse (json);
      ASSERT_NE (context, nullptr) << op;
      GPtrArray *constraints = po_query_context_get_constraints (context.get (),
                                                                 COL_PHASEOUT_INFO_PID);
      ASSERT_NE (constraints, nullptr) << op;
      ASSERT_EQ (constraints->len, 1u);
      auto *constraint = static_cast<PoConstraint *> (constraints->pdata[0]);
      EXPECT_EQ (constraint->op, op);
      EXPECT_STREQ (constraint->expr, "7");
    }
}

TEST (QueryContext, UnknownOperatorsAreDroppedNotFatal)
{
  /* 68 (NE) and 72 (IS) could in principle reach an extension; a
   * superset is always correct, so they are ignored */
  auto context = parse ("{\"constraints\":[{\"name\":\"pid\",\"list\":["
                        "{\"op\":68,\"expr\":\"1\"},{\"op\":72,\"expr\":\"2\"},"
                        "{\"op\":2,\"expr\":\"3\"}],\"affinity\":\"BIGINT\"}]}");
  ASSERT_NE (context, nullptr);
  GPtrArray *constraints = po_query_context_get_constraints (context.get (), COL_PHASEOUT_INFO_PID);
  ASSERT_NE (constraints, nullptr);
  EXPECT_EQ (constraints->len, 1u);
}

TEST (QueryContext, InListArrivesAsSeveralEquals)
{
  auto context = parse ("{\"constraints\":[{\"name\":\"root\",\"list\":["
                        "{\"op\":2,\"expr\":\"/a\"},{\"op\":2,\"expr\":\"/b\"}],"
                        "\"affinity\":\"TEXT\"}],\"colsUsed\":[\"root\"],\"colsUsedBitset\":4}");
  ASSERT_NE (context, nullptr);
  const gchar *const *equals = po_query_context_get_equals (context.get (), COL_PHASEOUT_INFO_ROOT);
  ASSERT_NE (equals, nullptr);
  EXPECT_EQ (g_strv_length ((gchar **) equals), 2u);
  EXPECT_TRUE (po_query_context_matches (context.get (), COL_PHASEOUT_INFO_ROOT, "/a"));
  EXPECT_TRUE (po_query_context_matches (context.get (), COL_PHASEOUT_INFO_ROOT, "/b"));
  EXPECT_FALSE (po_query_context_matches (context.get (), COL_PHASEOUT_INFO_ROOT, "/c"));
  /* no '=' on a column: everything matches */
  EXPECT_TRUE (po_query_context_matches (context.get (), COL_PHASEOUT_INFO_VERSION, "x"));
}

TEST (QueryContext, ColumnsUsed)
{
  auto context = parse ("{\"constraints\":[],\"colsUsed\":[\"version\",\"pid\"],"
                        "\"colsUsedBitset\":3}");
  ASSERT_NE (context, nullptr);
  EXPECT_TRUE (po_query_context_is_used (context.get (), COL_PHASEOUT_INFO_VERSION));
  EXPECT_TRUE (po_query_context_is_used (context.get (), COL_PHASEOUT_INFO_PID));
  EXPECT_FALSE (po_query_context_is_used (context.get (), COL_PHASEOUT_INFO_ROOT));

  /* count(*) sends an empty list: no column is used */
  auto none = parse ("{\"constraints\":[],\"colsUsed\":[]}");
  ASSERT_NE (none, nullptr);
  EXPECT_FALSE (po_query_context_is_used (none.get (), COL_PHASEOUT_INFO_VERSION));

  /* an old core sends no colsUsed: every column counts as used */
  auto old = parse ("{\"constraints\":[]}");
  ASSERT_NE (old, nullptr);
  EXPECT_TRUE (po_query_context_is_used (old.get (), COL_PHASEOUT_INFO_ROOT));
}

TEST (QueryContext, OlderCoreForms)
{
  /* osquery < 3.0: "op" as a string, "list":"" for no constraints */
  auto context = parse ("{\"constraints\":[{\"name\":\"pid\",\"list\":[{\"op\":\"2\","
                        "\"expr\":\"9\"}],\"affinity\":\"BIGINT\"},{\"name\":\"root\","
                        "\"list\":\"\",\"affinity\":\"TEXT\"}]}");
  ASSERT_NE (context, nullptr);
  ASSERT_NE (po_query_context_get_equals (context.get (), COL_PHASEOUT_INFO_PID), nullptr);
  EXPECT_EQ (po_query_context_get_constraints (context.get (), COL_PHASEOUT_INFO_ROOT), nullptr);
}

TEST (QueryContext, UnknownColumnsAreIgnored)
{
  auto context = parse ("{\"constraints\":[{\"name\":\"no_such_column\",\"list\":[{\"op\":2,"
                        "\"expr\":\"x\"}],\"affinity\":\"UNKNOWN\"}],\"colsUsed\":[\"nope\"]}");
  ASSERT_NE (context, nullptr);
}

TEST (QueryContext, EmptyOrMissingIsAnEmptyContext)
{
  EXPECT_NE (parse (""), nullptr);
  EXPECT_NE (parse (nullptr), nullptr);
  EXPECT_NE (parse ("{}"), nullptr);
}

struct Malformed {
  const char *json;
  const char *message_part;
};

class QueryContextMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P (QueryContextMalformed, IsAClearError)
{
  po_test::ErrorPtr error;
  auto context = parse (GetParam ().json, &error);
  EXPECT_EQ (context, nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error.get (), PO_ERROR, PO_ERROR_INVALID_DATA));
  EXPECT_NE (strstr (error->message, GetParam ().message_part), nullptr) << error->message;
  EXPECT_NE (strstr (error->message, "query context"), nullptr) << error->message;
}

INSTANTIATE_TEST_SUITE_P (
  Cases, QueryContextMalformed,
  ::testing::Values (
    Malformed{ "{\"constraints\":[", "query context" }, Malformed{ "[1,2]", "not a JSON object" },
    Malformed{ "{\"constraints\":42}", "\"constraints\" is not an array" },
    Malformed{ "{\"constraints\":[7]}", "not an object" },
    Malformed{ "{\"constraints\":[{\"list\":[]}]}", "no column name" },
    Malformed{ "{\"constraints\":[{\"name\":\"pid\",\"list\":[{\"expr\":\"1\"}]}]}",
               "no valid \"op\"" },
    Malformed{ "{\"constraints\":[{\"name\":\"pid\",\"list\":[{\"op\":\"x\",\"expr\":\"1\"}]}]}",
               "no valid \"op\"" },
    Malformed{ "{\"constraints\":[{\"name\":\"pid\",\"list\":[{\"op\":2,\"expr\":5}]}]}",
               "no string \"expr\"" },
    Malformed{ "{\"constraints\":[{\"name\":\"pid\",\"list\":[3]}]}", "is not an object" }),
  [] (const auto &info) { return "case" + std::to_string (info.index); });

TEST (QueryContext, OversizedJsonIsRefused)
{
  std::string json = "{\"constraints\":[],\"pad\":\"" + std::string (5 * 1024 * 1024, 'x') + "\"}";
  po_test::ErrorPtr error;
  EXPECT_EQ (parse (json.c_str (), &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error.get (), PO_ERROR, PO_ERROR_TOO_LARGE));
}

}  // namespace
