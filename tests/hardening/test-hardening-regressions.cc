/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One test per bug the fuzz targets (tests/fuzz/) found, at the level it
 * was fixed.  The input that found it is also kept in
 * tests/fuzz/regressions/<target>/ and replayed by fuzz-replay-<target>;
 * these tests say what was wrong in words and fail on a build without the
 * fix even where no sanitizer runs.
 */
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "po-test-shim.h"
#include "po-ext-handler.h"
#include "po-ext-protocol.h"
#include "po-ext-transport.h"
#include "po-inventory-private.h"

namespace {

/*
 * fuzz-query-context: json-glib 1.6 recurses once per nesting level with no
 * limit, so a context of a few hundred KB of "[" overflowed the stack of
 * the worker serving the connection and killed phaseout.ext.
 */
TEST (FuzzRegression, DeeplyNestedQueryContextIsRefusedNotRecursed)
{
  const gsize depth = 1000000;
  std::string json = "{\"constraints\":" + std::string (depth, '[') + std::string (depth, ']') + "}";
  GError *raw = NULL;
  PoQueryContext *context =
      po_query_context_new_from_json (&po_schema_phaseout_info, json.c_str (), &raw);
  po_test::ErrorPtr error (raw);
  EXPECT_EQ (context, nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error.get (), PO_ERROR, PO_ERROR_INVALID_DATA)) << error->message;
  EXPECT_NE (strstr (error->message, "nested too deeply"), nullptr) << error->message;
  po_query_context_free (context);
}

/* what osqueryd sends still parses */
TEST (FuzzRegression, OsquerydContextsStillParse)
{
  GError *raw = NULL;
  PoQueryContext *context = po_query_context_new_from_json (
      &po_schema_phaseout_info,
      "{\"constraints\":[{\"name\":\"pid\",\"list\":[{\"op\":2,\"expr\":\"1\"}],"
      "\"affinity\":\"BIGINT\"}],\"colsUsed\":[\"pid\"],\"colsUsedBitset\":2}",
      &raw);
  po_test::ErrorPtr error (raw);
  ASSERT_NE (context, nullptr) << error->message;
  po_query_context_free (context);
}

}  // namespace
