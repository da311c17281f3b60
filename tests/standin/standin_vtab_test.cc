/* SPDX-License-Identifier: Apache-2.0 */

/*
 * Extension tables in the stand-in's SQLite: the CREATE statement, which
 * constraints reach the extension and how the context JSON looks, REQUIRED
 * columns, value conversion, and the non-primary ("columns") path.
 */

#include <gtest/gtest.h>

#include <set>

#include "osqueryd_standin.h"
#include "standin_sqlite.h"
#include "standin_test_extension.h"

namespace {

using namespace po_standin;
using namespace po_standin_test;

TEST (StandinSqlite, ColumnDefinition) {
  EXPECT_EQ (ColumnDefinition ({Column ("name", "TEXT"), Column ("num", "INTEGER")}),
             "(`name` TEXT, `num` INTEGER)");
  EXPECT_EQ (ColumnDefinition (
               {Column ("a", "TEXT", 1), Column ("b", "INTEGER", 16), Column ("c", "BIGINT", 4)}),
             "(`a` TEXT, `b` INTEGER HIDDEN, `c` BIGINT, PRIMARY KEY (`a`, `c`))");
  /* only ADDITIONAL columns: every column is the key */
  EXPECT_EQ (ColumnDefinition ({Column ("a", "TEXT", 4), Column ("b", "TEXT")}),
             "(`a` TEXT, `b` TEXT, PRIMARY KEY (`a`, `b`))");
  EXPECT_EQ (ColumnDefinition ({Column ("u", "UNSIGNED_BIGINT"), Column ("v", "UNSIGNED BIGINT")}),
             "(`u` UNKNOWN, `v` UNSIGNED BIGINT)");
  EXPECT_EQ (ColumnDefinition ({Column ("a", "TEXT", 64 | 1)}),
             "(`a` TEXT COLLATE NOCASE, PRIMARY KEY (`a`))");
  EXPECT_EQ (ColumnDefinition ({Column ("a", "TEXT"),
                                {{"id", "columnAlias"}, {"name", "a2"}, {"target", "a"}},
                                {{"id", "alias"}, {"alias", "v"}},
                                {{"id", "attributes"}, {"attributes", "0"}},
                                {{"name", "no_id"}, {"type", "TEXT"}}}),
             "(`a` TEXT, `a2` TEXT HIDDEN)");
  /* a non-number op is DEFAULT */
  EXPECT_EQ (ColumnDefinition ({{{"id", "column"}, {"name", "a"}, {"type", "TEXT"}, {"op", "x"}}}),
             "(`a` TEXT)");
}

TEST (StandinSqlite, JsonEscapingIsRapidjsons) {
  EXPECT_EQ (JsonString ("a\"b\\c\n\x0b/\xc3\xa9\t"), "\"a\\\"b\\\\c\\n\\u000B/\xc3\xa9\\t\"");
}

TEST (StandinSqlite, ValueConversion) {
  auto integer = [] (const std::string &type, const std::string &v) {
    auto c = ConvertValue (type, v);
    return c.kind == ConvertedValue::kInteger ? std::to_string (c.integer) : "NULL";
  };
  EXPECT_EQ (integer ("INTEGER", "0x1f"), "31");
  EXPECT_EQ (integer ("BIGINT", "010"), "8");
  EXPECT_EQ (integer ("INTEGER", "12abc"), "12");
  EXPECT_EQ (integer ("INTEGER", ""), "NULL");
  EXPECT_EQ (integer ("INTEGER", "abc"), "NULL");
  EXPECT_EQ (integer ("INTEGER", "4294967297"), "1"); /* sqlite3_result_int keeps 32 bits */
  EXPECT_EQ (integer ("BIGINT", "4294967297"), "4294967297");
  EXPECT_EQ (integer ("UNSIGNED BIGINT", "18446744073709551615"), "NULL");
  EXPECT_EQ (integer ("UNSIGNED BIGINT", "-1"), "-1");
  EXPECT_EQ (ConvertValue ("DOUBLE", "1.5").kind, ConvertedValue::kDouble);
  EXPECT_EQ (ConvertValue ("DOUBLE", "1.5x").kind, ConvertedValue::kNull);
  EXPECT_EQ (ConvertValue ("DOUBLE", "").kind, ConvertedValue::kNull);
  EXPECT_EQ (ConvertValue ("TEXT", "").kind, ConvertedValue::kText);
  EXPECT_EQ (ConvertValue ("UNKNOWN", "1").kind, ConvertedValue::kNull);
}

class StandinVtab : public ::testing::Test {
 protected:
  void SetUp () override { Begin (StandinOptions ()); }

  void Begin (StandinOptions options) {
    extensions_.clear ();
    standin_.reset ();
    options.extensions_interval = "3600";
    options.thrift_timeout = 10;
    standin_ = std::make_unique<OsquerydStandin> (options);
    std::string error;
    ASSERT_TRUE (standin_->Start (dir_.file ("osquery.em"), &error)) << error;
  }

  TestExtension &Serve (const std::string &name, const std::string &table,
                        const PluginResponse &routes, TestExtension::Generate generate) {
    extensions_.push_back (std::make_unique<TestExtension> (dir_.file ("osquery.em"), name));
    auto &extension = *extensions_.back ();
    extension.AddTable (table, routes, std::move (generate));
    auto status = extension.Register ();
    EXPECT_EQ (status.code, 0) << status.message;
    EXPECT_TRUE (extension.Serve ());
    return extension;
  }

  static TestExtension::Generate Rows (PluginResponse rows) {
    return [rows] (const PluginRequest &) {
      CallResult result;
      result.response = rows;
      return result;
    };
  }

  ScratchDir dir_;
  std::vector<std::unique_ptr<TestExtension>> extensions_;
  std::unique_ptr<OsquerydStandin> standin_;
};

const PluginResponse kCtxRoutes = {Column ("name", "TEXT"), Column ("num", "INTEGER"),
                                   Column ("big", "UNSIGNED BIGINT"), Column ("hid", "TEXT", 16)};

TEST_F (StandinVtab, ContextJsonForEqualityAndRange) {
  auto &extension =
    Serve ("ctx", "ctx_t", kCtxRoutes,
           Rows ({{{"name", "hello"}, {"num", "5"}}, {{"name", "other"}, {"num", "7"}}}));
  auto result = standin_->Query ("SELECT num, name FROM ctx_t WHERE name = 'hello' AND num > 1");
  ASSERT_TRUE (result.ok ()) << result.message;
  /* no constraint is omitted: SQLite filters the superset the table returned */
  ASSERT_EQ (result.rows.size (), 1u);
  EXPECT_EQ (result.rows[0].at ("num"), "5");
  EXPECT_EQ ((std::vector<std::string>{"num", "name"}), result.columns);

  auto contexts = extension.Contexts ("ctx_t");
  ASSERT_EQ (contexts.size (), 1u);
  EXPECT_EQ (contexts[0],
             "{\"constraints\":["
             "{\"name\":\"big\",\"list\":[],\"affinity\":\"UNSIGNED BIGINT\"},"
             "{\"name\":\"hid\",\"list\":[],\"affinity\":\"TEXT\"},"
             "{\"name\":\"name\",\"list\":[{\"op\":2,\"expr\":\"hello\"}],\"affinity\":\"TEXT\"},"
             "{\"name\":\"num\",\"list\":[{\"op\":4,\"expr\":\"1\"}],\"affinity\":\"INTEGER\"}],"
             "\"colsUsed\":[\"name\",\"num\"],\"colsUsedBitset\":3}");
}

TEST_F (StandinVtab, TextColumnsGetNoRangeAndEmptyValuesAreDropped) {
  auto &extension = Serve ("ctx", "ctx_t", kCtxRoutes, Rows ({}));
  ASSERT_TRUE (standin_->Query ("SELECT * FROM ctx_t WHERE name > 'a' AND num >= 3").ok ());
  ASSERT_TRUE (standin_->Query ("SELECT name FROM ctx_t WHERE name = ''").ok ());
  ASSERT_TRUE (standin_->Query ("SELECT count(*) FROM ctx_t").ok ());
  auto contexts = extension.Contexts ("ctx_t");
  ASSERT_EQ (contexts.size (), 3u);
  EXPECT_NE (contexts[0].find ("{\"name\":\"name\",\"list\":[],\"affinity\":\"TEXT\"}"),
             std::string::npos);
  EXPECT_NE (contexts[0].find ("{\"name\":\"num\",\"list\":[{\"op\":32,\"expr\":\"3\"}]"),
             std::string::npos);
  /* SELECT * reads the visible columns, HIDDEN hid is not among them */
  EXPECT_NE (contexts[0].find ("\"colsUsed\":[\"name\",\"num\",\"big\"],\"colsUsedBitset\":7"),
             std::string::npos);
  EXPECT_NE (contexts[1].find ("{\"name\":\"name\",\"list\":[],\"affinity\":\"TEXT\"}"),
             std::string::npos);
  EXPECT_NE (contexts[2].find ("\"colsUsed\":[],\"colsUsedBitset\":0"), std::string::npos);
}

TEST_F (StandinVtab, WithoutDefaultIndexPlainColumnsGetNothing) {
  StandinOptions options;
  options.extensions_default_index = false;
  Begin (options);
  auto &extension = Serve ("ctx", "ctx_t", kCtxRoutes, Rows ({}));
  ASSERT_TRUE (standin_->Query ("SELECT * FROM ctx_t WHERE num = 1 AND name = 'x'").ok ());
  auto contexts = extension.Contexts ("ctx_t");
  ASSERT_EQ (contexts.size (), 1u);
  EXPECT_EQ (contexts[0].find ("\"op\""), std::string::npos) << contexts[0];
}

TEST_F (StandinVtab, ColsUsedOrderCanBeReversed) {
  StandinOptions options;
  options.cols_used_reverse = true;
  Begin (options);
  auto &extension = Serve ("ctx", "ctx_t", kCtxRoutes, Rows ({}));
  ASSERT_TRUE (standin_->Query ("SELECT name, num FROM ctx_t").ok ());
  auto context = extension.Contexts ("ctx_t").at (0);
  EXPECT_NE (context.find ("\"colsUsed\":[\"num\",\"name\"]"), std::string::npos) << context;
}

TEST_F (StandinVtab, InListsOnePerValueOrAllAtOnceWhenOptimized) {
  auto &extension =
    Serve ("in", "in_t", {Column ("plain", "TEXT"), Column ("opt", "TEXT", 1 | 8)}, Rows ({}));
  ASSERT_TRUE (standin_->Query ("SELECT * FROM in_t WHERE plain IN ('a', 'b')").ok ());
  auto contexts = extension.Contexts ("in_t");
  ASSERT_EQ (contexts.size (), 2u);
  std::set<std::string> seen;
  for (const auto &c : contexts) {
    if (c.find ("{\"op\":2,\"expr\":\"a\"}") != std::string::npos)
      seen.insert ("a");
    if (c.find ("{\"op\":2,\"expr\":\"b\"}") != std::string::npos)
      seen.insert ("b");
  }
  EXPECT_EQ (seen, (std::set<std::string>{"a", "b"}));

  ASSERT_TRUE (standin_->Query ("SELECT * FROM in_t WHERE opt IN ('b', 'a', '')").ok ());
  contexts = extension.Contexts ("in_t");
  ASSERT_EQ (contexts.size (), 3u);
  const auto &all = contexts[2];
  EXPECT_NE (all.find ("{\"op\":2,\"expr\":\"a\"}"), std::string::npos) << all;
  EXPECT_NE (all.find ("{\"op\":2,\"expr\":\"b\"}"), std::string::npos) << all;
  EXPECT_NE (all.find ("{\"op\":2,\"expr\":\"\"}"), std::string::npos) << all;
}

TEST_F (StandinVtab, RequiredColumnIsEnforcedBeforeTheExtensionIsCalled) {
  auto &extension = Serve ("req", "req_t", {Column ("path", "TEXT", 2), Column ("x", "TEXT")},
                           Rows ({{{"path", "/a"}, {"x", "1"}}}));
  auto result = standin_->Query ("SELECT * FROM req_t");
  EXPECT_EQ (result.code, 1);
  EXPECT_EQ (result.message,
             "Table req_t was queried without a required column in the WHERE clause");
  EXPECT_EQ (extension.CountActions ("req_t", "generate"), 0);

  result = standin_->Query ("SELECT x FROM req_t WHERE path = '/a'");
  ASSERT_TRUE (result.ok ()) << result.message;
  ASSERT_EQ (result.rows.size (), 1u);
  EXPECT_EQ (result.rows[0].at ("x"), "1");
  EXPECT_NE (extension.Contexts ("req_t").at (0).find (
               "{\"name\":\"path\",\"list\":[{\"op\":2,\"expr\":\"/a\"}],\"affinity\":\"TEXT\"}"),
             std::string::npos);
}

TEST_F (StandinVtab, ValuesAreConvertedByDeclaredType) {
  Serve (
    "conv", "conv_t",
    {Column ("i", "INTEGER"), Column ("b", "BIGINT"), Column ("u", "UNSIGNED BIGINT"),
     Column ("d", "DOUBLE"), Column ("t", "TEXT"), Column ("x", "WEIRD"), Column ("m", "TEXT")},
    Rows ({{{"i", "0x1f"},
            {"b", "010"},
            {"u", "18446744073709551615"},
            {"d", "1.5x"},
            {"t", ""},
            {"x", "7"}},
           {{"i", "12abc"}, {"b", ""}, {"u", "-1"}, {"d", "2.5"}, {"t", "s"}}}));
  auto result = standin_->Query ("SELECT i, b, u, d, t, x, m, typeof(d) AS td FROM conv_t");
  ASSERT_TRUE (result.ok ()) << result.message;
  ASSERT_EQ (result.rows.size (), 2u);
  const auto &r0 = result.rows[0];
  EXPECT_EQ (r0.at ("i"), "31");
  EXPECT_EQ (r0.at ("b"), "8");
  EXPECT_EQ (r0.at ("u"), std::nullopt);
  EXPECT_EQ (r0.at ("d"), std::nullopt);
  EXPECT_EQ (r0.at ("t"), "");
  EXPECT_EQ (r0.at ("x"), std::nullopt);
  EXPECT_EQ (r0.at ("m"), std::nullopt);
  const auto &r1 = result.rows[1];
  EXPECT_EQ (r1.at ("i"), "12");
  EXPECT_EQ (r1.at ("b"), std::nullopt);
  EXPECT_EQ (r1.at ("u"), "-1");
  EXPECT_EQ (r1.at ("d"), "2.5");
  EXPECT_EQ (r1.at ("td"), "real");
}

TEST_F (StandinVtab, ExtensionErrorFailsTheStatement) {
  auto &extension = Serve ("err", "err_t", {Column ("a", "TEXT")}, [] (const PluginRequest &) {
    CallResult result;
    result.code = 1;
    result.message = "boom: the extension said no";
    return result;
  });
  auto result = standin_->Query ("SELECT * FROM err_t");
  EXPECT_EQ (result.code, 1);
  EXPECT_EQ (result.message, "boom: the extension said no");
  EXPECT_EQ (extension.CountActions ("err_t", "generate"), 1);
}

TEST_F (StandinVtab, RowidComesFromTheRows) {
  Serve ("rid", "rid_t", {Column ("a", "TEXT")},
         Rows ({{{"a", "x"}, {"rowid", "7"}}, {{"a", "y"}}}));
  auto result = standin_->Query ("SELECT rowid AS r, a FROM rid_t");
  ASSERT_TRUE (result.ok ()) << result.message;
  ASSERT_EQ (result.rows.size (), 2u);
  EXPECT_EQ (result.rows[0].at ("r"), "7");
  EXPECT_EQ (result.rows[1].at ("r"), "1");
}

TEST_F (StandinVtab, AliasesAndViews) {
  auto &extension = Serve ("alias", "alias_t",
                           {Column ("a", "TEXT"),
                            {{"id", "columnAlias"}, {"name", "a2"}, {"target", "a"}},
                            {{"id", "alias"}, {"alias", "alias_view"}}},
                           Rows ({{{"a", "v"}}}));
  auto result = standin_->Query ("SELECT a2 FROM alias_t");
  ASSERT_TRUE (result.ok ()) << result.message;
  ASSERT_EQ (result.rows.size (), 1u);
  EXPECT_EQ (result.rows[0].at ("a2"), "v");
  auto context = extension.Contexts ("alias_t").at (0);
  EXPECT_NE (context.find ("{\"name\":\"a2\",\"list\":[],\"affinity\":\"UNKNOWN\"}"),
             std::string::npos)
    << context;
  EXPECT_NE (context.find ("\"colsUsed\":[\"a\"],\"colsUsedBitset\":1"), std::string::npos)
    << context;

  result = standin_->Query ("SELECT * FROM alias_view");
  ASSERT_TRUE (result.ok ()) << result.message;
  EXPECT_EQ (result.columns, std::vector<std::string>{"a"});
}

TEST_F (StandinVtab, NonPrimaryConnectionsAttachThroughColumns) {
  auto &extension = Serve ("cols", "cols_t", {Column ("a", "TEXT")}, Rows ({{{"a", "1"}}}));
  EXPECT_EQ (extension.CountActions ("cols_t", "columns"), 0); /* registration answers itself */

  std::string error;
  auto connection = standin_->OpenConnection (&error);
  ASSERT_TRUE (connection) << error;
  EXPECT_EQ (connection->attached_tables (), std::vector<std::string>{"cols_t"});
  /* once for attachVirtualTables, once more from xCreate */
  EXPECT_EQ (extension.CountActions ("cols_t", "columns"), 2);
  auto result = connection->Query ("SELECT a FROM cols_t");
  ASSERT_TRUE (result.ok ()) << result.message;
  ASSERT_EQ (result.rows.size (), 1u);
  EXPECT_EQ (result.rows[0].at ("a"), "1");
}

TEST_F (StandinVtab, QueryFromInsideGenerateUsesATransientConnection) {
  auto &inner = Serve ("inner", "inner_t", {Column ("v", "TEXT")}, Rows ({{{"v", "deep"}}}));
  OsquerydStandin *standin = standin_.get ();
  Serve ("outer", "outer_t", {Column ("v", "TEXT")}, [standin] (const PluginRequest &) {
    CallResult result;
    /* as an extension calling the manager's query() while the primary is busy */
    auto rows = standin->Query ("SELECT v FROM inner_t");
    result.code = rows.code;
    result.message = rows.message;
    for (const auto &row : rows.rows)
      result.response.push_back ({{"v", row.at ("v").value_or ("")}});
    return result;
  });
  auto result = standin_->Query ("SELECT v FROM outer_t");
  ASSERT_TRUE (result.ok ()) << result.message;
  ASSERT_EQ (result.rows.size (), 1u);
  EXPECT_EQ (result.rows[0].at ("v"), "deep");
  EXPECT_GE (inner.CountActions ("inner_t", "columns"), 1);
}

}  // namespace
