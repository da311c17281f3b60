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

using Flags = std::vector<std::pair<std::string, std::string>>;

Rows
via_cli (const char *sql, const Flags &flags = {})
{
  g_autofree gchar *quoted = g_shell_quote (sql);
  std::string command = build_path ("cli/phaseout") + " query --json " + quoted;
  for (const auto &flag : flags)
    {
      g_autofree gchar *value = g_shell_quote (flag.second.c_str ());
      command += " --" + flag.first + " " + value;
    }
  gchar *out = NULL, *err = NULL;
  gint status = 0;
  GError *error = NULL;
  EXPECT_TRUE (g_spawn_command_line_sync (command.c_str (), &out, &err, &status, &error));
  EXPECT_EQ (status, 0) << err;
  Rows rows;
  g_autoptr (JsonParser) parser = json_parser_new ();
  EXPECT_TRUE (json_parser_load_from_data (parser, out, -1, NULL)) << out;
  JsonArray *array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      Row row;
      JsonObject *object = json_array_get_object_element (array, i);
      g_autoptr (GList) members = json_object_get_members (object);
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
via_loadable_extension (const char *sql, const Flags &flags = {})
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
  for (const auto &flag : flags)
    {
      g_autofree gchar *set = g_strdup_printf ("SELECT phaseout_flag('--%s', '%s')",
                                               flag.first.c_str (), flag.second.c_str ());
      EXPECT_EQ (sqlite3_exec (db, set, NULL, NULL, NULL), SQLITE_OK) << set;
    }
  sqlite3_stmt *statement = NULL;
  EXPECT_EQ (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), SQLITE_OK) << sqlite3_errmsg (db);
  while (statement != NULL && sqlite3_step (statement) == SQLITE_ROW)
    {
      Row row;
      for (int c = 0; c < sqlite3_column_count (statement); c++)
        {
          const unsigned char *text = sqlite3_column_text (statement, c);
          row[sqlite3_column_name (statement, c)] = text ? std::optional<std::string> (
                                                      (const char *) text)
                                                         : std::nullopt;
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

/*
 * Every table on a host with findings (the KES fixture, clock set before
 * the BOD 17-01 deadline), through all three front ends: the same rows,
 * and every value of the type its schema declares.  osqueryd cannot pass
 * flags to an extension, so a wrapper adds them, as an administrator's
 * custom_phaseout_* options would for the config and policy settings.
 */
class FrontEndsOnAFixtureHost : public ExtensionFixture {
 protected:
  void
  SetUp () override
  {
    root = fixture_path ("compliance/kes-host");
    flags = { { "root", root }, { "now", "2017-12-01" } };
    std::string wrapper = "#!/bin/sh\nexec " + build_path ("extension/phaseout.ext")
                          + " \"$@\" --root '" + root + "' --now 2017-12-01\n";
    dir.write ("phaseout-fixture.ext", wrapper, 0755);
    Launch (dir.file ("phaseout-fixture.ext"));
  }

  std::string root;
  Flags flags;
};

/* the value text osquery would accept for the declared type */
void
expect_type (const PoColumn &column, const std::optional<std::string> &value, const char *table)
{
  if (!value.has_value ())
    return;
  const char *text = value->c_str ();
  EXPECT_TRUE (g_utf8_validate (text, -1, NULL)) << table << "." << column.name;
  switch (column.type)
    {
    case PO_COLUMN_INTEGER:
    case PO_COLUMN_BIGINT:
    case PO_COLUMN_UNSIGNED_BIGINT:
      EXPECT_TRUE (
        g_regex_match_simple ("^-?[0-9]+$", text, (GRegexCompileFlags) 0, (GRegexMatchFlags) 0))
        << table << "." << column.name << " = \"" << text << "\"";
      break;
      case PO_COLUMN_DOUBLE: {
        gchar *end = NULL;
        g_ascii_strtod (text, &end);
        EXPECT_TRUE (*text != '\0' && *end == '\0') << table << "." << column.name << " = " << text;
      }
      break;
    case PO_COLUMN_TEXT:
      break;
    }
}

TEST_F (FrontEndsOnAFixtureHost, EveryTableSameRowsAndSchemaTypes)
{
  guint n_tables;
  const PoTable *const *tables = po_tables_get_all (&n_tables);
  guint tables_with_rows = 0;
  for (guint t = 0; t < n_tables; t++)
    {
      const PoTableSchema *schema = tables[t]->schema;
      /* every column but the answering process's pid, in schema order */
      std::string columns;
      for (guint c = 0; c < schema->n_columns; c++)
        if (g_strcmp0 (schema->columns[c].name, "pid") != 0
            || g_strcmp0 (schema->name, "phaseout_info") != 0)
          columns += std::string (columns.empty () ? "" : ", ") + "`" + schema->columns[c].name
                     + "`";
      std::string sql = "SELECT " + columns + " FROM " + schema->name + " ORDER BY " + columns;

      Rows osquery = via_osquery (standin, sql.c_str ());
      Rows cli = via_cli (sql.c_str (), flags);
      Rows loadable = via_loadable_extension (sql.c_str (), flags);
      EXPECT_EQ (osquery, cli) << schema->name;
      EXPECT_EQ (osquery, loadable) << schema->name;
      if (!osquery.empty ())
        tables_with_rows++;
      for (const auto &row : osquery)
        {
          for (guint c = 0; c < schema->n_columns; c++)
            {
              auto it = row.find (schema->columns[c].name);
              if (it != row.end ())
                expect_type (schema->columns[c], it->second, schema->name);
            }
          /* no column the schema does not declare */
          for (const auto &cell : row)
            EXPECT_GE (po_table_schema_find_column (schema, cell.first.c_str ()), 0)
              << schema->name << "." << cell.first;
        }
    }
  /* the fixture host has findings: most tables must have rows */
  EXPECT_GE (tables_with_rows, n_tables - 1);

  auto overdue = via_osquery (standin, "SELECT status, days_remaining FROM phaseout_status "
                                       "WHERE policy_id = 'us-dhs-bod-17-01'");
  ASSERT_EQ (overdue.size (), 1u);
  EXPECT_EQ (overdue[0]["status"], std::optional<std::string> ("action_required"));
  EXPECT_EQ (overdue[0]["days_remaining"], std::optional<std::string> ("11"));
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
  ASSERT_EQ (sqlite3_prepare_v2 (db, "SELECT root FROM phaseout_info", -1, &statement, NULL),
             SQLITE_OK);
  ASSERT_EQ (sqlite3_step (statement), SQLITE_ROW);
  EXPECT_EQ (std::string ((const char *) sqlite3_column_text (statement, 0)), dir.path ());
  sqlite3_finalize (statement);

  /* a bad flag is an SQL error with the shared message, and changes nothing */
  EXPECT_NE (sqlite3_exec (db, "SELECT phaseout_flag('--rooot', '/x')", NULL, NULL, &message),
             SQLITE_OK);
  ASSERT_NE (message, nullptr);
  EXPECT_NE (strstr (message, "unknown flag --rooot"), nullptr) << message;
  sqlite3_free (message);
  sqlite3_close (db);
}

/* SQLite unloads an extension with its last connection; GLib keeps the
 * quarks and resources the module registered, so the module must stay
 * resident or the next load crashes on them (it did, before -z nodelete) */
TEST (LoadableExtension, LoadsAgainAfterEveryConnectionClosed)
{
  std::string module = build_path ("sqlite/phaseout");
  for (int round = 0; round < 8; round++)
    {
      /* move the allocator and mappings around between rounds */
      std::vector<std::string> ballast (round * 100, std::string (4096, 'x'));
      sqlite3 *db = NULL;
      ASSERT_EQ (sqlite3_open (":memory:", &db), SQLITE_OK);
      sqlite3_enable_load_extension (db, 1);
      ASSERT_EQ (sqlite3_load_extension (db, module.c_str (), NULL, NULL), SQLITE_OK);
      char *message = NULL;
      /* a failing flag goes through phaseout's GError domain (a quark) */
      EXPECT_NE (sqlite3_exec (db, "SELECT phaseout_flag('--bogus', '1')", NULL, NULL, &message),
                 SQLITE_OK);
      sqlite3_free (message);
      EXPECT_EQ (sqlite3_exec (db, "SELECT count(*) FROM phaseout_policies", NULL, NULL, NULL),
                 SQLITE_OK);
      sqlite3_close (db);
    }
}

TEST (Cli, ReportAndErrors)
{
  gchar *out = NULL, *err = NULL;
  gint status = 0;
  std::string phaseout = build_path ("cli/phaseout");
  TempDir state;
  /* the report records its scan: never in the host's /var/lib/phaseout */
  std::string report = phaseout + " report --now 2017-12-13 --state-db " + state.file ("state.db");
  ASSERT_TRUE (g_spawn_command_line_sync (report.c_str (), &out, &err, &status, NULL));
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

  ASSERT_TRUE (
    g_spawn_command_line_sync ((phaseout + " query --csv 'SELECT 1 AS a, \"x,y\" AS b'").c_str (),
                               &out, &err, &status, NULL));
  EXPECT_EQ (status, 0) << err;
  EXPECT_STREQ (out, "a,b\r\n1,\"x,y\"\r\n");
  g_free (out);
  g_free (err);
}

/* the shared settings work before the command too, as with most tools */
TEST (Cli, SettingsBeforeTheCommand)
{
  std::string phaseout = build_path ("cli/phaseout");
  TempDir dir;
  struct Case {
    std::string arguments;
    int status;
    std::string out, err;
  } cases[] = {
    { "--root " + dir.path () + " --now=2019-01-01 query 'SELECT root, clock FROM phaseout_info'",
      0, "1546300800", "" },
    { "--root=" + dir.path () + " query --csv 'SELECT root FROM phaseout_info'", 0,
      "root\r\n" + dir.path () + "\r\n", "" },
    /* the command's value is never taken for the command */
    { "--policy-dir report --root " + dir.path () + " tables", 0, "phaseout_info", "" },
    { "--now=soon report", 2, "", "--now: \"soon\" is not an ISO 8601 date or time" },
    { "--root " + dir.path (), 2, "", "settings, but no command" },
    { "--json query 'SELECT 1'", 2, "", "\"--json\" is not a setting" },
  };
  for (const Case &c : cases)
    {
      gchar *out = NULL, *err = NULL;
      gint status = 0;
      ASSERT_TRUE (g_spawn_command_line_sync ((phaseout + " " + c.arguments).c_str (), &out, &err,
                                              &status, NULL));
      EXPECT_EQ (WIFEXITED (status) ? WEXITSTATUS (status) : -1, c.status) << c.arguments << err;
      EXPECT_NE (strstr (out, c.out.c_str ()), nullptr) << c.arguments << ": " << out;
      EXPECT_NE (strstr (err, c.err.c_str ()), nullptr) << c.arguments << ": " << err;
      g_free (out);
      g_free (err);
    }
}

}  // namespace
/* one run of the built command: exit status (-1 if it did not exit), stdout, stderr */
struct CliRun {
  int status = -1;
  std::string out, err;
};

CliRun
run_cli (const std::vector<std::string> &arguments,
         const std::vector<std::string> &environment = {})
{
  std::vector<std::string> args = { build_path ("cli/phaseout") };
  args.insert (args.end (), arguments.begin (), arguments.end ());
  std::vector<const gchar *> argv;
  for (auto &arg : args)
    argv.push_back (arg.c_str ());
  argv.push_back (nullptr);
  gchar **envp = g_get_environ ();
  for (const auto &assignment : environment)
    {
      auto equals = assignment.find ('=');
      envp = g_environ_setenv (envp, assignment.substr (0, equals).c_str (),
                               assignment.substr (equals + 1).c_str (), TRUE);
    }
  gchar *out = NULL, *err = NULL;
  gint status = 0;
  GError *error = NULL;
  CliRun run;
  if (!g_spawn_sync (NULL, (gchar **) argv.data (), envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, &error))
    {
      ADD_FAILURE () << error->message;
      g_error_free (error);
    }
  else
    {
      run.status = WIFEXITED (status) ? WEXITSTATUS (status) : -1;
      run.out = out;
      run.err = err;
    }
  g_strfreev (envp);
  g_free (out);
  g_free (err);
  return run;
}

/*
 * A usage error exits 2, whichever command and wherever the bad argument
 * stands: before the command, after it, after a sub-command, a malformed
 * setting or an unknown option (GOption's parse failures used to exit 1,
 * the status of "failed", and `report extra` ran the report).  Nothing is
 * written to stdout.  A real failure stays 1.
 */
TEST (Cli, UsageErrorsExitTwoWhereverTheyStand)
{
  TempDir dir;
  dir.write ("policy.json", "{}");
  const std::string root = dir.path (), policy = dir.file ("policy.json");
  const std::vector<std::vector<std::string>> usage_errors = {
    {},
    { "bogus" },
    { "--bogus", "tables" },
    { "--now", "garbage", "query", "SELECT 1" },
    { "--root" },
    { "report", "--bogus" },
    { "report", "--root", root, "--bogus" },
    { "report", "--now", "garbage" },
    { "report", "--fail-on-findings", "--now", "garbage" },
    /* the state database named, so that a build without the check never records this host */
    { "report", "--root", root, "--state-db", dir.file ("state.db"), "extra" },
    { "report", "--root" },
    { "query", "--bogus", "SELECT 1" },
    { "query", "SELECT 1", "--bogus" },
    { "query", "--json", "--now", "garbage", "SELECT 1" },
    { "query" },
    { "query", "SELECT 1", "SELECT 2" },
    { "query", "--json", "--csv", "SELECT 1" },
    { "tables", "--bogus" },
    { "tables", "extra" },
    { "tables", "--now", "garbage" },
    { "policy" },
    { "policy", "--bogus", "list" },
    { "policy", "list", "--bogus" },
    { "policy", "list", "--root" },
    { "policy", "list", "extra" },
    { "policy", "check" },
    { "policy", "check", "--bogus", policy },
    { "policy", "bogus" },
    { "export" },
    { "export", "bogus" },
    { "export", "--bogus", "pack" },
    { "export", "pack", "--bogus" },
    { "export", "sql", "--now", "garbage" },
    { "export", "fleet-policies", "--platform", "bogus" },
  };
  for (const auto &arguments : usage_errors)
    {
      std::string shown;
      for (const auto &argument : arguments)
        shown += " " + argument;
      CliRun run = run_cli (arguments);
      EXPECT_EQ (run.status, 2) << "phaseout" << shown << "\n" << run.err;
      EXPECT_EQ (run.out, "") << "phaseout" << shown;
      EXPECT_NE (run.err, "") << "phaseout" << shown;
    }

  /* failures are not usage errors */
  EXPECT_EQ (run_cli ({ "query", "--root", root, "SELECT * FROM nope" }).status, 1);
  EXPECT_EQ (run_cli ({ "policy", "check", policy }).status, 1);
}

/*
 * stdout is the command's output: GLib's default writer used to print
 * debug and info lines there (G_MESSAGES_DEBUG), in the middle of CSV.
 * They go to stderr, naming the program.
 */
TEST (Cli, LogLinesNeverReachStdout)
{
  TempDir dir;
  CliRun run = run_cli ({ "query", "--csv", "--root", dir.path (),
                          "SELECT count(*) AS n FROM phaseout_info" },
                        { "G_MESSAGES_DEBUG=all" });
  EXPECT_EQ (run.status, 0) << run.err;
  EXPECT_EQ (run.out, "n\r\n1\r\n");
  /* --root without --state-db turns history off, which is logged at debug level */
  EXPECT_NE (run.err.find ("phaseout-DEBUG"), std::string::npos) << run.err;
  EXPECT_NE (run.err.find ("detection history is off"), std::string::npos) << run.err;
}

}  // namespace po_test
