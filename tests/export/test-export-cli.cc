/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `phaseout export` as a user runs it: the built binary, its exit codes,
 * standard output and --output.  An empty --policy-dir keeps the machine's
 * own policy files out of it.
 */
#include "export-test-util.h"

#include <json-glib/json-glib.h>

using namespace po_test;

namespace {

using CliRun = ProcessResult;

}  // namespace

TEST (ExportCli, PackToStandardOutput)
{
  TempDir dir;
  CliRun result = run_export_cli ({ "pack", "--policy", "nl-kamerbrief-2018", "--platform",
                                    "linux" },
                                  dir.path ());
  JsonParser *parser = json_parser_new ();

  ASSERT_EQ (result.status, 0) << result.err;
  EXPECT_EQ (result.err, "");
  ASSERT_TRUE (json_parser_load_from_data (parser, result.out.c_str (), -1, NULL)) << result.out;
  JsonObject *queries = json_object_get_object_member (json_node_get_object (
                                                         json_parser_get_root (parser)),
                                                       "queries");
  /* one platform: one pack, with the extension's two tables in SQL beside
   * the policy's findings query */
  EXPECT_STREQ (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                               "platform"),
                "linux");
  EXPECT_EQ (json_object_get_size (queries), 3u);
  EXPECT_TRUE (json_object_has_member (queries, "phaseout_nl-kamerbrief-2018_linux"));
  EXPECT_TRUE (json_object_has_member (queries, "phaseout_status"));
  EXPECT_TRUE (json_object_has_member (queries, "banned_software"));
  g_object_unref (parser);
}

/* every platform: an osquery configuration with one inline pack each, so
 * that every platform's queries can be named phaseout_status and
 * banned_software */
TEST (ExportCli, PackForEveryPlatformIsOnePackEach)
{
  TempDir dir;
  CliRun result = run_export_cli ({ "pack" }, dir.path ());
  JsonParser *parser = json_parser_new ();

  ASSERT_EQ (result.status, 0) << result.err;
  ASSERT_TRUE (json_parser_load_from_data (parser, result.out.c_str (), -1, NULL)) << result.out;
  JsonObject *packs = json_object_get_object_member (json_node_get_object (
                                                       json_parser_get_root (parser)),
                                                     "packs");
  ASSERT_TRUE (packs != NULL);
  EXPECT_EQ (json_object_get_size (packs), 3u);
  for (const char *platform : { "linux", "windows", "darwin" })
    {
      JsonObject *pack = json_object_get_object_member (
        packs, (std::string ("phaseout-") + platform).c_str ());
      ASSERT_TRUE (pack != NULL) << platform;
      EXPECT_STREQ (json_object_get_string_member (pack, "platform"), platform);
      JsonObject *queries = json_object_get_object_member (pack, "queries");
      for (const char *table : { "phaseout_status", "banned_software" })
        {
          JsonObject *query = json_object_get_object_member (queries, table);
          ASSERT_TRUE (query != NULL) << platform << " " << table;
          EXPECT_STREQ (json_object_get_string_member (query, "platform"), platform);
          EXPECT_TRUE (Contains (json_object_get_string_member (query, "query"),
                                 "SELECT unix_time AS t FROM time"));
        }
    }
  g_object_unref (parser);
}

TEST (ExportCli, FleetPoliciesToFile)
{
  TempDir dir;
  std::string file = dir.file ("out.yml");
  CliRun result = run_export_cli ({ "fleet-policies", "--platform", "macos", "--policy",
                                    "nl-kamerbrief-2018", "--policy", "us-dhs-bod-17-01",
                                    "--output", file, "--verbose" },
                                  dir.path ());
  gchar *text = NULL;

  ASSERT_EQ (result.status, 0) << result.err;
  EXPECT_EQ (result.out, "");
  /* --verbose names what the SQL leaves out */
  EXPECT_TRUE (Contains (result.err, "macos.package_receipt"));
  ASSERT_TRUE (g_file_get_contents (file.c_str (), &text, NULL, NULL));
  EXPECT_TRUE (Contains (text, "  name: \"phaseout: nl-kamerbrief-2018 - no Kaspersky antivirus "
                               "(macOS)\"\n  platform: darwin\n"));
  EXPECT_TRUE (Contains (text, "  name: \"phaseout: us-dhs-bod-17-01 - no Kaspersky software "
                               "(macOS)\"\n  platform: darwin\n"));
  g_free (text);
}

TEST (ExportCli, SqlForOnePolicyAndPlatform)
{
  TempDir dir;
  CliRun findings = run_export_cli ({ "sql", "--policy", "us-dhs-bod-17-01", "--platform",
                                      "windows" },
                                    dir.path ());
  CliRun pass = run_export_cli ({ "sql", "--policy", "us-dhs-bod-17-01", "--platform", "windows",
                                  "--pass-query" },
                                dir.path ());
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);

  ASSERT_EQ (findings.status, 0) << findings.err;
  ASSERT_EQ (pass.status, 0) << pass.err;
  EXPECT_EQ (findings.out.rfind ("SELECT 'programs' AS source", 0), 0u);
  EXPECT_EQ (pass.out.rfind ("SELECT 1 WHERE NOT EXISTS (\n", 0), 0u);
  EXPECT_TRUE (db.prepares (findings.out));
  EXPECT_TRUE (db.prepares (pass.out));
}

TEST (ExportCli, Mistakes)
{
  TempDir dir;
  CliRun no_policy = run_export_cli ({ "sql", "--platform", "windows" }, dir.path ());
  CliRun all_platforms = run_export_cli ({ "sql", "--policy", "nl-kamerbrief-2018" }, dir.path ());
  CliRun unknown_policy = run_export_cli ({ "pack", "--policy", "nl-kamerbrief-2019" },
                                          dir.path ());
  CliRun unknown_platform = run_export_cli ({ "pack", "--platform", "freebsd" }, dir.path ());
  CliRun unknown_what = run_export_cli ({ "csv" }, dir.path ());
  CliRun nothing = run_export_cli ({}, dir.path ());

  EXPECT_EQ (no_policy.status, 1);
  EXPECT_TRUE (Contains (no_policy.err, "export sql needs one --policy and one --platform"));
  EXPECT_EQ (all_platforms.status, 1);
  EXPECT_EQ (unknown_policy.status, 1);
  EXPECT_TRUE (Contains (unknown_policy.err, "no policy 'nl-kamerbrief-2019' in the catalogue "
                                             "(known: au-deepseek-2025, au-tiktok-2023, "));
  EXPECT_EQ (unknown_platform.status, 2);
  EXPECT_TRUE (Contains (unknown_platform.err, "unknown platform 'freebsd'"));
  EXPECT_EQ (unknown_what.status, 2);
  EXPECT_EQ (nothing.status, 2);
  EXPECT_EQ (unknown_policy.out, "");
}

TEST (ExportCli, PolicyDirFilesAreExported)
{
  TempDir dir;
  dir.write ("90-local.json", R"json({
    "format": 1,
             "policies": [{
      "id": "acme-no-kaspersky", "title": "Acme bans Kaspersky", "issuer": "Acme Corp CISO",
             "jurisdiction": "*", "instrument": "Acme security standard 4.2", "issued": "2022-03-01",
             "binding": true, "vendors": ["kaspersky"], "categories": ["all"],
             "scope": {"binds": ["all"], "advises": [], "excludes": []},
             "milestones": [{"kind": "remove", "date": "2022-06-30"}],
             "sources": [{"title": "Acme intranet", "url": "https://intranet.example.org/std-4.2"}]
    }]
  })json",
             0600);
  CliRun result = run_export_cli ({ "fleet-policies", "--policy", "acme-no-kaspersky", "--platform",
                                    "windows" },
                                  dir.path ());

  ASSERT_EQ (result.status, 0) << result.err;
  EXPECT_TRUE (
    Contains (result.out, "phaseout: acme-no-kaspersky - no Kaspersky software (Windows)"));
  EXPECT_TRUE (Contains (result.out, "    Deadline: 2022-06-30 (remove).\n"));
  EXPECT_TRUE (Contains (result.out, "    Instrument: Acme security standard 4.2\n"));
}

/*
 * osquery drops a pack query whose interval is 0 or over 604800 s, with
 * only a warning in its log (osquery/config/packs.cpp, kMaxQueryInterval and
 * Pack::initialize, osquery commit a5b14f63d98c0d4992ab8ae07d933e0d5ff008df):
 * such an interval is a usage error, not a pack that never runs
 */
TEST (ExportCli, IntervalWithinOsquerysLimit)
{
  TempDir dir;
  for (const char *bad : { "604801", "700000", "0", "-1", "3600s", "", "99999999999999999999" })
    {
      SCOPED_TRACE (bad);
      CliRun result = run_export_cli ({ "pack", "--policy", "nl-kamerbrief-2018", "--platform",
                                        "linux", "--interval", bad },
                                      dir.path ());
      EXPECT_EQ (result.status, 2);
      EXPECT_TRUE (Contains (result.err, "--interval must be a whole number of seconds from 1 "
                                         "to 604800"));
      EXPECT_EQ (result.out, "");
    }
  for (const char *good : { "1", "604800" })
    {
      CliRun result = run_export_cli ({ "pack", "--policy", "nl-kamerbrief-2018", "--platform",
                                        "linux", "--interval", good },
                                      dir.path ());
      EXPECT_EQ (result.status, 0) << result.err;
      EXPECT_TRUE (Contains (result.out, std::string ("\"interval\" : ") + good + ",\n"));
    }
}
