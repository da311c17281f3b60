/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One schema, one generate function, the same rows in all three front
 * ends: osquery (the stand-in's SQLite over phaseout.ext), the phaseout
 * CLI's embedded engine, and the SQLite loadable extension.
 */
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "po-ext-fixture.h"

namespace po_test {
namespace {

using Row = std::map<std::string, std::optional<std::string>>;
using Rows = std::vector<Row>;

/* the queries compared; columns that differ by design (pid, clock) are left out */
const char *const queries[] = {
  "SELECT version, root, config, config_present, policy_dirs, state_db, tables, "
  "sqlite_version, glib_version FROM phaseout_info",
  "SELECT * FROM phaseout_policies ORDER BY id",
  "SELECT id, applicability FROM phaseout_policies WHERE id IN ('nl-kamerbrief-2018', "
  "'us-dhs-bod-17-01') ORDER BY id",
  "SELECT count(*) AS n FROM phaseout_policies",
};

Rows
via_osquery (po_standin::OsquerydStandin &standin, const char *sql)
{
  auto result = standin.Query (sql);
  EXPECT_TRUE (result.ok ()) << sql << ": " << result.message;
  return Rows (result.rows.begin (), result.rows.end ());
}

Rows
via_cli (const char *sql)
{
  g_autofree gchar *quoted = g_shell_quote (sql);
  std::string command = build_path ("cli/phaseout") + " query --json " + quoted;
  gchar *out = NULL, *err = NULL;
  gint status = 0;
  GError *error = NULL;
  EXPECT_TRUE (g_spawn_command_line_sync (command.c_str (), &out, &err, &status, &error));
  EXPECT_EQ (status, 0) << err;
  Rows rows;
  g_autoptr(JsonParser) parser = json_parser_new ();
  EXPECT_TRUE (json_parser_load_from_data (parser, out, -1, NULL)) << out;
  JsonArray *array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      Row row;
      JsonObject *object = json_array_get_object_element (array, i);
      g_autoptr(GList) members = json_object_get_members (object);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *node = json_object_get_member (object, (const char *) l->data);
          if (JSON_NODE_HOLDS_NULL (node))
            row[(const char *) l->data] = std::nullopt;
          else
            row[(const char *) l->data] = json_node_get_string (node);
        }
      rows.push_back (row);
    }
  g_free (out);
  g_free (err);
  return rows;
}

Rows
via_loadable_extension (const char *sql)
{
  sqlite3 *db = NULL;
  Rows rows;
  EXPECT_EQ (sqlite3_open (":memory:", &db), SQLITE_OK);
  sqlite3_enable_load_extension (db, 1);
  char *message = NULL;
  std::string module = build_path ("sqlite/phaseout");
  EXPECT_EQ (sqlite3_load_extension (db, module.c_str (), NULL, &message), SQLITE_OK)
      << (message ? message : "");
  sqlite3_free (message);
  sqlite3_stmt *statement = NULL;
  EXPECT_EQ (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), SQLITE_OK) << sqlite3_errmsg (db);
  while (statement != NULL && sqlite3_step (statement) == SQLITE_ROW)
    {
      Row row;
      for (int c = 0; c < sqlite3_column_count (statement); c++)
        {
          const unsigned char *text = sqlite3_column_text (statement, c);
          row[sqlite3_column_name (statement, c)] =
              text ? std::optional<std::string> ((const char *) text) : std::nullopt;
        }
      rows.push_back (row);
    }
  sqlite3_finalize (statement);
  sqlite3_close (db);
  return rows;
}

class FrontEnds : public ExtensionFixture {};

TEST_F (FrontEnds, SameRowsEverywhere)
{
  for (const char *sql : queries)
    {
      Rows osquery = via_osquery (standin, sql);
      Rows cli = via_cli (sql);
      Rows loadable = via_loadable_extension (sql);
      EXPECT_FALSE (osquery.empty ()) << sql;
      EXPECT_EQ (osquery, cli) << sql;
      EXPECT_EQ (osquery, loadable) << sql;
    }
}

TEST (LoadableExtension, FlagsUseTheSharedNames)
{
  TempDir dir;
  sqlite3 *db = NULL;
  ASSERT_EQ (sqlite3_open (":memory:", &db), SQLITE_OK);
  sqlite3_enable_load_extension (db, 1);
  std::string module = build_path ("sqlite/phaseout");
  ASSERT_EQ (sqlite3_load_extension (db, module.c_str (), NULL, NULL), SQLITE_OK);
  std::string set_root = "SELECT phaseout_flag('--root', '" + dir.path () + "')";
  char *message = NULL;
  EXPECT_EQ (sqlite3_exec (db, set_root.c_str (), NULL, NULL, &message), SQLITE_OK) << message;
  sqlite3_stmt *statement = NULL;
  ASSERT_EQ (sqlite3_prepare_v2 (db, "SELECT root FROM phaseout_info", -1, &statement, NULL), SQLITE_OK);
  ASSERT_EQ (sqlite3_step (statement), SQLITE_ROW);
  EXPECT_EQ (std::string ((const char *) sqlite3_column_text (statement, 0)), dir.path ());
  sqlite3_finalize (statement);

  /* a bad flag is an SQL error with the shared message, and changes nothing */
  EXPECT_NE (sqlite3_exec (db, "SELECT phaseout_flag('--rooot', '/x')", NULL, NULL, &message), SQLITE_OK);
  ASSERT_NE (message, nullptr);
  EXPECT_NE (strstr (message, "unknown flag --rooot"), nullptr) << message;
  sqlite3_free (message);
  sqlite3_close (db);
}

TEST (Cli, ReportAndErrors)
{
  gchar *out = NULL, *err = NULL;
  gint status = 0;
  std::string phaseout = build_path ("cli/phaseout");
  ASSERT_TRUE (g_spawn_command_line_sync ((phaseout + " report --now 2017-12-13").c_str (), &out,
                                          &err, &status, NULL));
  EXPECT_EQ (status, 0) << err;
  EXPECT_NE (strstr (out, "compliance report"), nullptr) << out;
  g_free (out);
  g_free (err);

  ASSERT_TRUE (g_spawn_command_line_sync ((phaseout + " query 'SELECT * FROM nope'").c_str (), &out,
                                          &err, &status, NULL));
  EXPECT_NE (status, 0);
  EXPECT_NE (strstr (err, "no such table: nope"), nullptr) << err;
  g_free (out);
  g_free (err);

  ASSERT_TRUE (g_spawn_command_line_sync ((phaseout + " query --csv 'SELECT 1 AS a, \"x,y\" AS b'").c_str (),
                                          &out, &err, &status, NULL));
  EXPECT_EQ (status, 0) << err;
  EXPECT_STREQ (out, "a,b\r\n1,\"x,y\"\r\n");
  g_free (out);
  g_free (err);
}

}  // namespace
}  // namespace po_test
