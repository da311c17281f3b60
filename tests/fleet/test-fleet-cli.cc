// SPDX-License-Identifier: Apache-2.0
//
// `phaseout fleet` as a user runs it: ingest from files and stdin, the
// report in each form, the exit status, bad arguments.
#include "fleet-test-util.h"

#include "po-test-shim.h"

#include <json-glib/json-glib.h>

#include <gtest/gtest.h>

using namespace fleet_test;

namespace {

struct CliRun {
  int status;
  std::string out, err;
};

CliRun
phaseout (const std::vector<std::string> &args, const std::string &input = "")
{
  std::string command;
  for (const std::string &arg : args)
    {
      po_test::CharPtr quoted (g_shell_quote (arg.c_str ()));
      command += std::string (" ") + quoted.get ();
    }
  po_test::TempDir dir;
  dir.write ("stdin", input);
  command = po_test::build_path ("cli/phaseout") + command + " < " + dir.file ("stdin");
  gchar *out = nullptr, *err = nullptr;
  gint status = 0;
  const gchar *argv[] = { "/bin/sh", "-c", command.c_str (), nullptr };
  EXPECT_TRUE (g_spawn_sync (nullptr, (gchar **) argv, nullptr, G_SPAWN_DEFAULT, nullptr, nullptr,
                             &out, &err, &status, nullptr));
  CliRun run = { WIFEXITED (status) ? WEXITSTATUS (status) : -1, out ? out : "", err ? err : "" };
  g_free (out);
  g_free (err);
  return run;
}

Fleet
cli_fleet ()
{
  Fleet fleet;
  fleet.policies = { { "us-dhs-bod-17-01", "2017-12-12" } };
  for (int i = 0; i < 5; i++)
    {
      Host host;
      host.uuid = "CLI-" + std::to_string (i);
      host.hostname = "cli-" + std::to_string (i) + ".example";
      host.last_day = 20;
      auto &changes = host.changes["us-dhs-bod-17-01"];
      changes = { { 0, "action_required", 1 } };
      if (7 + i * 2 > 12)
        changes.push_back ({ 12, "overdue", 1 });
      changes.push_back ({ 7 + i * 2, "compliant", 0 });
      fleet.hosts.push_back (host);
    }
  return fleet;
}

}  // namespace

TEST (FleetCli, IngestThenReportInEveryForm)
{
  po_test::TempDir dir;
  Fleet fleet = cli_fleet ();
  std::string text = join_lines (write_log (fleet, Format::Event, 19)) + "{broken\n";
  dir.write ("osqueryd.results.log", text);
  std::string db = dir.file ("fleet.db");

  CliRun ingest = phaseout ({ "fleet", "ingest", "--db", db, dir.file ("osqueryd.results.log") });
  EXPECT_EQ (ingest.status, 0) << ingest.err;
  EXPECT_NE (ingest.err.find ("osqueryd.results.log:"), std::string::npos) << ingest.err;
  EXPECT_NE (ingest.out.find ("1 malformed"), std::string::npos) << ingest.out;

  CliRun json = phaseout ({ "fleet", "report", "--db", db, "--as-of", "2017-12-20", "--json" });
  ASSERT_EQ (json.status, 0) << json.err;
  JsonParser *parser = json_parser_new ();
  ASSERT_TRUE (json_parser_load_from_data (parser, json.out.c_str (), -1, nullptr)) << json.out;
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  EXPECT_STREQ (json_object_get_string_member (root, "as_of"), "2017-12-20");
  JsonArray *policies = json_object_get_array_member (root, "policies");
  ASSERT_EQ (json_array_get_length (policies), 1u);
  JsonObject *policy = json_array_get_object_element (policies, 0);
  EXPECT_STREQ (json_object_get_string_member (policy, "policy_id"), "us-dhs-bod-17-01");
  EXPECT_STREQ (json_object_get_string_member (policy, "deadline"), "2017-12-12");
  JsonObject *hosts = json_object_get_object_member (policy, "hosts");
  EXPECT_EQ (json_object_get_int_member (hosts, "total"), 5);
  // hosts 0..4 become compliant on days 7, 9, 11, 13, 15: all by the 20th
  EXPECT_EQ (json_object_get_int_member (hosts, "compliant"), 5);
  EXPECT_EQ (json_object_get_int_member (hosts, "stale"), 0);
  JsonArray *burn = json_object_get_array_member (policy, "burn_down");
  ASSERT_EQ (json_array_get_length (burn), 20u);
  JsonObject *first = json_array_get_object_element (burn, 0);
  EXPECT_STREQ (json_object_get_string_member (first, "date"), "2017-12-01");
  EXPECT_EQ (json_object_get_int_member (first, "hosts_with_findings"), 5);
  EXPECT_STREQ (json_object_get_string_member (policy, "projected_zero"), "2017-12-16");
  EXPECT_EQ (json_array_get_length (json_object_get_array_member (policy, "products")), 0u);
  JsonArray *list = json_object_get_array_member (policy, "hosts_list");
  ASSERT_EQ (json_array_get_length (list), 5u);
  JsonObject *host = json_array_get_object_element (list, 0);
  EXPECT_STREQ (json_object_get_string_member (host, "hostname"), "cli-0.example");
  EXPECT_STREQ (json_object_get_string_member (host, "status"), "compliant");
  EXPECT_STREQ (json_object_get_string_member (host, "last_seen"), "2017-12-20T08:00:00Z");
  g_object_unref (parser);

  CliRun csv = phaseout ({ "fleet", "report", "--db", db, "--as-of", "2017-12-10", "--csv" });
  ASSERT_EQ (csv.status, 0) << csv.err;
  EXPECT_EQ (csv.out,
             "as_of,policy_id,deadline,projected_zero,hosts_total,compliant,action_required,"
             "overdue,advisory,not_applicable,stale,hosts_with_findings,products\r\n"
             "2017-12-10,us-dhs-bod-17-01,2017-12-12,2017-12-31,5,2,3,0,0,0,0,3,kesl: 3\r\n");

  CliRun text_report = phaseout ({ "fleet", "report", "--db", db, "--as-of", "2017-12-13" });
  ASSERT_EQ (text_report.status, 0) << text_report.err;
  EXPECT_NE (text_report.out.find ("Fleet compliance as of 2017-12-13"), std::string::npos)
    << text_report.out;
  EXPECT_NE (text_report.out.find ("overdue 2"), std::string::npos) << text_report.out;

  std::string page = dir.file ("report.html");
  CliRun html = phaseout (
    { "fleet", "report", "--db", db, "--as-of", "2017-12-13", "--html", page });
  ASSERT_EQ (html.status, 0) << html.err;
  gchar *contents = nullptr;
  ASSERT_TRUE (g_file_get_contents (page.c_str (), &contents, nullptr, nullptr));
  std::string document (contents);
  g_free (contents);
  EXPECT_NE (document.find ("<svg"), std::string::npos);
  EXPECT_EQ (document.find ("<script"), std::string::npos);
  EXPECT_EQ (document.find ("http://"), document.find ("http://www.w3.org/2000/svg"));
  EXPECT_EQ (document.find ("https://"), std::string::npos);
}

TEST (FleetCli, StdinIsReadAndRereadingChangesNothing)
{
  po_test::TempDir dir;
  Fleet fleet = cli_fleet ();
  std::string text = join_lines (write_log (fleet, Format::Batch, 19));
  std::string db = dir.file ("fleet.db");
  for (int i = 0; i < 2; i++)
    {
      CliRun ingest = phaseout ({ "fleet", "ingest", "--db", db, "-" }, text);
      EXPECT_EQ (ingest.status, 0) << ingest.err;
      EXPECT_NE (ingest.out.find ("0 malformed"), std::string::npos) << ingest.out;
    }
  CliRun once = phaseout ({ "fleet", "report", "--db", db, "--as-of", "2017-12-15", "--json" });
  dir.write ("file.log", text);
  std::string db2 = dir.file ("fleet2.db");
  phaseout ({ "fleet", "ingest", "--db", db2, dir.file ("file.log") });
  CliRun other = phaseout ({ "fleet", "report", "--db", db2, "--as-of", "2017-12-15", "--json" });
  EXPECT_EQ (once.out, other.out);
}

TEST (FleetCli, AsOfDefaultsToTodayInUtc)
{
  gchar *faketime = g_find_program_in_path ("faketime");
  if (faketime == nullptr)
    GTEST_SKIP () << "no faketime (Debian: apt-get install faketime): the default --as-of is "
                     "not tested";
  g_free (faketime);
  po_test::TempDir dir;
  Fleet fleet = cli_fleet ();
  dir.write ("results.log", join_lines (write_log (fleet, Format::Event, 19)));
  std::string db = dir.file ("fleet.db");
  ASSERT_EQ (phaseout ({ "fleet", "ingest", "--db", db, dir.file ("results.log") }).status, 0);
  // late in the evening west of Greenwich is already tomorrow in UTC
  // (ASan refuses a preloaded library ahead of its runtime unless told)
  std::string command = "ASAN_OPTIONS=$ASAN_OPTIONS:verify_asan_link_order=0 "
                        "TZ=America/New_York faketime '2017-12-13 22:30:00' "
                        + po_test::build_path ("cli/phaseout") + " fleet report --db " + db
                        + " --json";
  gchar *out = nullptr;
  gint status = 0;
  const gchar *argv[] = { "/bin/sh", "-c", command.c_str (), nullptr };
  ASSERT_TRUE (g_spawn_sync (nullptr, (gchar **) argv, nullptr, G_SPAWN_DEFAULT, nullptr, nullptr,
                             &out, nullptr, &status, nullptr));
  std::string json (out ? out : "");
  g_free (out);
  EXPECT_NE (json.find ("\"as_of\": \"2017-12-14\""), std::string::npos) << json.substr (0, 200);
}

TEST (FleetCli, UsageErrorsExit2AndFailuresExit1)
{
  po_test::TempDir dir;
  std::string db = dir.file ("fleet.db");
  EXPECT_EQ (phaseout ({ "fleet" }).status, 2);
  EXPECT_EQ (phaseout ({ "fleet", "frobnicate" }).status, 2);
  EXPECT_EQ (phaseout ({ "fleet", "ingest", "--db", db }).status, 2);
  EXPECT_EQ (phaseout ({ "fleet", "report", "--db", db, "--as-of", "yesterday" }).status, 2);
  EXPECT_EQ (phaseout ({ "fleet", "report", "--db", db, "--json", "--csv" }).status, 2);
  CliRun missing = phaseout ({ "fleet", "ingest", "--db", db, dir.file ("no-such.log") });
  EXPECT_EQ (missing.status, 1);
  EXPECT_NE (missing.err.find ("no-such.log"), std::string::npos) << missing.err;
  CliRun bad_uri = phaseout ({ "fleet", "report", "--db", "postgresql:///nodb?host=/nonexistent" });
  EXPECT_EQ (bad_uri.status, 1);
  EXPECT_NE (bad_uri.err.find ("PostgreSQL: cannot connect"), std::string::npos) << bad_uri.err;
  CliRun empty = phaseout ({ "fleet", "report", "--db", db, "--as-of", "2020-01-01" });
  EXPECT_EQ (empty.status, 0);
  EXPECT_NE (empty.out.find ("ingest the result logs first"), std::string::npos) << empty.out;
}
