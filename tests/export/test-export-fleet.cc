/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every Fleet file phaseout writes, and every YAML file in fleet/, read the
 * way Fleet reads it (fleet-parser.h: `fleetctl apply`'s split at "---"
 * lines and its required kind and spec; `fleetctl gitops`'s environment
 * expansion and policy list), not only as a YAML parser reads it.  The
 * commits of Fleet's source this follows are named in fleet-parser.cc.
 */
#include "export-test-util.h"
#include "fleet-parser.h"

#include <glob.h>

#include <json-glib/json-glib.h>

using namespace po_test;

namespace {

using CliRun = ProcessResult;

/*
 * a policy file whose words are hard on Fleet's readers: '$' variables
 * (GitOps expands them), "---" and "#" at line starts, quotes, backslashes,
 * non-ASCII, and a Windows path with a '$' in it
 */
const char awkward_policy[] = R"json({
  "format": 1,
  "policies": [{
    "id": "acme-std", "title": "---\n# not a comment: ${HOME} and $1 cost \\$5",
    "issuer": "Acme \"Security\" Team", "jurisdiction": "*",
    "instrument": "Standard 4.2, clause $PATH\n---\n--- yes", "issued": "2022-03-01",
    "binding": true, "vendors": ["kaspersky"], "categories": ["all"],
    "scope": {"binds": ["all"], "advises": [], "excludes": [],
              "description": "every host, \u00e9t\u00e9 included; no: colon trouble"},
    "milestones": [{"kind": "remove", "date": "2022-06-30", "description": "$USER must act"}],
    "sources": [{"title": "intranet", "url": "https://intranet.example.org/std?x=$y"}]
  }]
})json";

/* what phaseout's compiler says the Fleet policies of a run must be */
struct Expected {
  std::map<std::string, std::string> query_by_name;
};

}  // namespace

/* ---- the re-implementation itself fails where Fleet fails --------------- */

TEST (FleetParser, SplitsAtEveryDashLine)
{
  auto pieces = fleet::split_apply_file ("# head\n---\na: 1\n---  \nb: 2\n\n---\n\n---x: 3\n"
                                         "  ---indented: 4\n");
  ASSERT_EQ (pieces.size (), 4u);
  EXPECT_EQ (pieces[0], "# head");
  EXPECT_EQ (pieces[1], "a: 1");
  EXPECT_EQ (pieces[2], "b: 2");
  EXPECT_EQ (pieces[3], "x: 3\n  ---indented: 4");
}

TEST (FleetParser, RefusesAPieceWithoutKindAndSpec)
{
#ifndef PO_HAVE_LIBYAML
  GTEST_SKIP () << "libyaml (yaml-0.1) not found at configure time";
#else
  const std::string document = "---\napiVersion: v1\nkind: policy\nspec:\n  name: pol\n"
                               "  query: SELECT 1;\n  platform: linux\n  critical: true\n";
  std::vector<fleet::Policy> policies;

  /* what phaseout wrote before: a comment before the first "---" */
  auto leading = fleet::parse_apply_file ("# compiled by phaseout\n" + document, &policies);
  EXPECT_FALSE (leading);
  EXPECT_TRUE (
    Contains (leading.message (),
              "Missing required fields (\"spec\", \"kind\") on provided configuration."));
  auto no_spec = fleet::parse_apply_file ("---\napiVersion: v1\nkind: policy\n", &policies);
  EXPECT_FALSE (no_spec);
  EXPECT_TRUE (Contains (no_spec.message (), "Missing required fields (\"spec\") on provided "
                                             "\"policy\" configuration."));
  EXPECT_FALSE (fleet::parse_apply_file (document + document, &policies)) << "duplicate name";
  EXPECT_FALSE (
    fleet::parse_apply_file ("---\nkind: policy\nspec:\n  name: yes\n  query: SELECT 1;\n",
                             &policies));
  EXPECT_FALSE (fleet::parse_apply_file (
    "---\nkind: policy\nspec:\n  name: pol\n  query: SELECT 1;\n  critical: \"true\"\n",
    &policies));
  EXPECT_FALSE (fleet::parse_apply_file (
    "---\nkind: policy\nspec:\n  name: pol\n  query: SELECT 1;\n  platform: macos\n", &policies));
  EXPECT_FALSE (
    fleet::parse_apply_file ("---\nkind: policy\nspec:\n  name: pol\n  query: ' '\n", &policies));
  EXPECT_FALSE (fleet::parse_apply_file (
    "---\nkind: policy\nspec:\n  name: pol\n  query: SELECT 1;\n  platfrom: linux\n", &policies));
  /* a line of a block scalar at column 0 ends the piece early */
  EXPECT_FALSE (fleet::parse_apply_file (
    "---\nkind: policy\nspec:\n  name: pol\n  query: |-\n    SELECT 1\n---x\n", &policies));

  policies.clear ();
  ASSERT_TRUE (fleet::parse_apply_file (document, &policies));
  ASSERT_EQ (policies.size (), 1u);
  EXPECT_EQ (policies[0].query, "SELECT 1;");
  EXPECT_TRUE (policies[0].critical);
#endif
}

TEST (FleetParser, GitOpsExpandsVariables)
{
  std::string out;
  auto unset = fleet::expand_gitops_env ("- name: pol\n  query: SELECT '$HOME'\n", &out);
  EXPECT_FALSE (unset);
  EXPECT_TRUE (Contains (unset.message (), "environment variable \"HOME\" not set"));
  EXPECT_FALSE (fleet::expand_gitops_env ("- query: SELECT '${X}'\n", &out));
  EXPECT_FALSE (fleet::expand_gitops_env ("- query: SELECT '\\\\$X'\n", &out));

  ASSERT_TRUE (fleet::expand_gitops_env ("- query: SELECT '\\$HOME \\${X} \\\\\\$Y $ $'\n", &out));
  EXPECT_EQ (out, "- query: SELECT '$HOME ${X} \\$Y $ $'\n");
  /* left alone in descriptions and resolutions, and for Fleet's own */
  ASSERT_TRUE (fleet::expand_gitops_env ("- name: x\n  description: costs $FIVE\n"
                                         "  resolution: |\n    $HOME\n  query: $FLEET_VAR_X\n",
                                         &out));
  /* as in Fleet, a description that is the item's first key, after "- ",
   * is not such a place */
  EXPECT_FALSE (fleet::expand_gitops_env ("- description: costs $FIVE\n", &out));
  EXPECT_FALSE (fleet::expand_gitops_env ("- query: $FLEET_SECRET_X\n", &out));
}

TEST (FleetParser, GitOpsPolicyList)
{
#ifndef PO_HAVE_LIBYAML
  GTEST_SKIP () << "libyaml (yaml-0.1) not found at configure time";
#else
  std::vector<fleet::Policy> policies;
  const std::string item =
    "- name: pol\n  query: SELECT 1;\n  platform: darwin\n  critical: false\n";

  EXPECT_FALSE (fleet::parse_gitops_policies_file ("policies:\n" + item, &policies));
  EXPECT_FALSE (fleet::parse_gitops_policies_file (item + item, &policies)) << "duplicate name";
  EXPECT_FALSE (fleet::parse_gitops_policies_file (item + "  team: t\n  colour: red\n", &policies));
  EXPECT_FALSE (fleet::parse_gitops_policies_file ("- path: ../lib/x.yml\n", &policies));
  EXPECT_FALSE (fleet::parse_gitops_policies_file ("- query: SELECT 1;\n", &policies));
  policies.clear ();
  ASSERT_TRUE (fleet::parse_gitops_policies_file (item, &policies));
  ASSERT_EQ (policies.size (), 1u);
  EXPECT_EQ (policies[0].platform, "darwin");
#endif
}

TEST (FleetParser, GitOpsDefaultAndTeamFiles)
{
#ifndef PO_HAVE_LIBYAML
  GTEST_SKIP () << "libyaml (yaml-0.1) not found at configure time";
#else
  const std::string policies = "policies:\n  - name: pol\n    query: SELECT 1;\n";
  const std::string queries = "queries:\n  - name: q\n    query: SELECT 1;\n    interval: 60\n";
  std::vector<fleet::Policy> p;
  std::vector<fleet::Query> q;

  /* GitOpsFromFile: neither org_settings: nor name: */
  auto alone = fleet::parse_gitops_file (policies, &p, &q);
  EXPECT_FALSE (alone);
  EXPECT_TRUE (Contains (alone.message (), "No `name` was provided"));
  EXPECT_FALSE (fleet::parse_gitops_file ("name: T\norg_settings: {}\n" + policies, &p, &q));
  EXPECT_FALSE (fleet::parse_gitops_file ("name: T\npolicy:\n  - name: x\n", &p, &q));
  EXPECT_FALSE (fleet::parse_gitops_file ("name: T\n" + queries + "reports: []\n", &p, &q))
    << "queries is the deprecated name of reports: not both";
  EXPECT_FALSE (fleet::parse_gitops_file ("name: T\nreports:\n  - name: \"caf\xc3\xa9\"\n"
                                          "    query: SELECT 1;\n",
                                          &p, &q))
    << "ASCII names";
  EXPECT_FALSE (fleet::parse_gitops_file ("name: T\nreports:\n  - name: q\n    query: SELECT 1;\n"
                                          "    logging: sometimes\n",
                                          &p, &q));
  EXPECT_FALSE (fleet::parse_gitops_file ("name: T\nreports:\n  - name: q\n    query: SELECT 1;\n"
                                          "    interval: \"60\"\n",
                                          &p, &q));
  EXPECT_FALSE (fleet::parse_gitops_file ("name: T\nreports:\n  - name: q\n    query: SELECT 1;\n"
                                          "  - name: q\n    query: SELECT 2;\n",
                                          &p, &q));

  p.clear ();
  q.clear ();
  ASSERT_TRUE (fleet::parse_gitops_file ("name: Workstations\n" + policies + queries, &p, &q));
  ASSERT_EQ (p.size (), 1u);
  ASSERT_EQ (q.size (), 1u);
  EXPECT_EQ (q[0].interval, 60u);
  EXPECT_EQ (q[0].logging, "snapshot") << "Fleet's default";
  ASSERT_TRUE (fleet::parse_gitops_file ("org_settings:\n  x: 1\n" + queries, &p, &q));

  /* a lib file of queries is the list alone */
  q.clear ();
  EXPECT_FALSE (fleet::parse_gitops_queries_file (queries, &q));
  ASSERT_TRUE (fleet::parse_gitops_queries_file ("- name: q\n  query: SELECT 1;\n", &q));
  ASSERT_EQ (q.size (), 1u);
#endif
}

TEST (FleetParser, ApplyQueries)
{
#ifndef PO_HAVE_LIBYAML
  GTEST_SKIP () << "libyaml (yaml-0.1) not found at configure time";
#else
  const std::string document = "---\napiVersion: v1\nkind: query\nspec:\n  name: q\n"
                               "  query: SELECT 1;\n  interval: 3600\n  logging: snapshot\n"
                               "  discard_data: false\n  platform: windows\n";
  std::vector<fleet::Policy> p;
  std::vector<fleet::Query> q;

  EXPECT_FALSE (fleet::parse_apply_file (document, &p)) << "no query expected";
  EXPECT_FALSE (fleet::parse_apply_file (document + document, &p, &q)) << "duplicate name";
  EXPECT_FALSE (fleet::parse_apply_file (
    "---\nkind: query\nspec:\n  name: q\n  query: SELECT 1;\n  interval: -1\n", &p, &q));
  EXPECT_FALSE (fleet::parse_apply_file (
    "---\nkind: query\nspec:\n  name: q\n  query: SELECT 1;\n  platform: macos\n", &p, &q));
  q.clear ();
  ASSERT_TRUE (fleet::parse_apply_file (document, &p, &q));
  ASSERT_EQ (q.size (), 1u);
  EXPECT_EQ (q[0].interval, 3600u);
  EXPECT_FALSE (q[0].discard_data);
#endif
}

/* ---- what phaseout writes ------------------------------------------------ */

#ifdef PO_HAVE_LIBYAML

namespace {

/* the names and queries the compiler makes of a catalogue for a platform mask */
std::map<std::string, std::string>
compiled (PoCatalogue *catalogue, guint platforms, const char *only_policy = NULL)
{
  std::map<std::string, std::string> out;
  GPtrArray *policies = po_catalogue_get_policies (catalogue);
  for (guint i = 0; i < policies->len; i++)
    {
      PoPolicy *policy = (PoPolicy *) g_ptr_array_index (policies, i);
      if ((only_policy != NULL && g_strcmp0 (po_policy_get_id (policy), only_policy) != 0)
          || !po_policy_covers_hosts (policy))
        continue;
      for (PoExportPlatform platform : kPlatforms)
        if (platforms & (1u << platform))
          {
            const gchar *const *parts = po_export_platform_get_parts (platform);
            for (gint k = -1; k < 0 || parts[k] != NULL; k++)
              {
                ExportQueryPtr query (
                  po_export_query_new_part (catalogue, policy, platform, k < 0 ? NULL : parts[k]));
                if (po_export_query_get_policy_sql (query.get ()) != NULL)
                  out[po_export_query_get_policy_sql (query.get ())] = po_policy_get_id (policy);
              }
          }
    }
  return out;
}

/* a GitOps --format gitops output as a team's file and as default.yml */
std::string
team_file (const std::string &fragment)
{
  return "name: Workstations\n" + fragment;
}

std::string
default_file (const std::string &fragment)
{
  return "org_settings:\n  server_settings:\n    server_url: https://fleet.example.org\n"
         + fragment;
}

void
expect_same_queries (const std::vector<fleet::Policy> &policies,
                     const std::map<std::string, std::string> &expected)
{
  std::map<std::string, std::string> got;
  for (const auto &p : policies)
    got[p.query] = expected.count (p.query) ? expected.at (p.query) : p.name;
  EXPECT_EQ (got, expected);
}

}  // namespace

TEST (FleetFiles, EveryExportReadsAsFleetReadsIt)
{
  TempDir empty;
  struct Case {
    std::vector<std::string> args;
    const char *team;
  } cases[] = {
    { {}, NULL },
    { { "--platform", "windows" }, NULL },
    { { "--platform", "darwin" }, NULL },
    { { "--platform", "linux", "--policy", "us-dhs-bod-17-01" }, NULL },
    { { "--team", "Workstations \"EU\" --- #1" }, "Workstations \"EU\" --- #1" },
    { { "--format", "apply" }, NULL },
  };
  for (const auto &c : cases)
    {
      std::vector<std::string> args = { "fleet-policies" };
      args.insert (args.end (), c.args.begin (), c.args.end ());
      CliRun result = run_export_cli (args, empty.path ());
      std::string joined;
      for (const auto &arg : args)
        joined += arg + " ";
      SCOPED_TRACE (joined);
      ASSERT_EQ (result.status, 0) << result.err;

      std::vector<fleet::Policy> policies;
      ASSERT_TRUE (fleet::parse_apply_file (result.out, &policies)) << result.out.substr (0, 400);
      ASSERT_FALSE (policies.empty ());
      for (const auto &p : policies)
        {
          EXPECT_EQ (p.team, c.team != NULL ? c.team : "");
          EXPECT_EQ (p.name.rfind ("phaseout: ", 0), 0u) << p.name;
          EXPECT_TRUE (Contains (p.description, "Passes when none of the"));
        }
    }

  /* and the same policies in both GitOps forms: the list alone, and the
   * policies: key of a team's or the default file */
  CliRun apply = run_export_cli ({ "fleet-policies" }, empty.path ());
  CliRun lib = run_export_cli ({ "fleet-policies", "--format", "gitops-lib" }, empty.path ());
  CliRun gitops = run_export_cli ({ "fleet-policies", "--format", "gitops" }, empty.path ());
  ASSERT_EQ (lib.status, 0) << lib.err;
  ASSERT_EQ (gitops.status, 0) << gitops.err;
  std::vector<fleet::Policy> from_apply, from_lib, from_team, from_default;
  std::vector<fleet::Query> no_queries;
  ASSERT_TRUE (fleet::parse_apply_file (apply.out, &from_apply));
  ASSERT_TRUE (fleet::parse_gitops_policies_file (lib.out, &from_lib)) << lib.out.substr (0, 400);
  ASSERT_TRUE (fleet::parse_gitops_file (team_file (gitops.out), &from_team, &no_queries))
    << gitops.out.substr (0, 400);
  ASSERT_TRUE (fleet::parse_gitops_file (default_file (gitops.out), &from_default, &no_queries));
  EXPECT_TRUE (no_queries.empty ());
  /* on its own it is not a file fleetctl gitops takes, as its comment says */
  std::vector<fleet::Policy> ignored;
  auto alone = fleet::parse_gitops_file (gitops.out, &ignored, &no_queries);
  EXPECT_FALSE (alone);
  EXPECT_TRUE (Contains (alone.message (), "No `name` was provided"));
  EXPECT_TRUE (Contains (gitops.out, "do not apply it alone"));
  for (const auto *form : { &from_lib, &from_team, &from_default })
    {
      ASSERT_EQ (form->size (), from_apply.size ());
      for (size_t i = 0; i < from_apply.size (); i++)
        {
          EXPECT_EQ ((*form)[i].name, from_apply[i].name);
          EXPECT_EQ ((*form)[i].query, from_apply[i].query);
          EXPECT_EQ ((*form)[i].platform, from_apply[i].platform);
          EXPECT_EQ ((*form)[i].critical, from_apply[i].critical);
          EXPECT_EQ ((*form)[i].description, from_apply[i].description);
          EXPECT_EQ ((*form)[i].resolution, from_apply[i].resolution);
        }
    }
  expect_same_queries (from_apply, compiled (builtin_catalogue (), PO_EXPORT_PLATFORMS_ALL));
}

/* a policy file with words that break naive YAML and Fleet's variables */
TEST (FleetFiles, AwkwardPolicyWordsSurviveBothForms)
{
  TempDir dir;
  dir.write ("50-awkward.json", awkward_policy, 0600);
  CataloguePtr catalogue = catalogue_with (dir.path ());
  auto expected = compiled (catalogue.get (), PO_EXPORT_PLATFORMS_ALL, "acme-std");

  for (const char *format : { "apply", "gitops", "gitops-lib" })
    {
      SCOPED_TRACE (format);
      CliRun result = run_export_cli ({ "fleet-policies", "--policy", "acme-std", "--format",
                                        format },
                                      dir.path ());
      ASSERT_EQ (result.status, 0) << result.err;
      std::vector<fleet::Policy> policies;
      std::vector<fleet::Query> queries;
      if (g_str_equal (format, "apply"))
        ASSERT_TRUE (fleet::parse_apply_file (result.out, &policies)) << result.out;
      else if (g_str_equal (format, "gitops"))
        ASSERT_TRUE (fleet::parse_gitops_file (team_file (result.out), &policies, &queries))
          << result.out;
      else
        ASSERT_TRUE (fleet::parse_gitops_policies_file (result.out, &policies)) << result.out;
      ASSERT_EQ (policies.size (), 3u);
      expect_same_queries (policies, expected);
      for (const auto &p : policies)
        {
          EXPECT_EQ (p.name.rfind ("phaseout: acme-std - no Kaspersky software (", 0), 0u)
            << p.name;
          EXPECT_TRUE (
            Contains (p.description, "---\n# not a comment: ${HOME} and $1 cost \\$5\n"));
          EXPECT_TRUE (
            Contains (p.description, "Instrument: Standard 4.2, clause $PATH\n---\n--- yes\n"));
          EXPECT_TRUE (Contains (p.description, "$USER must act"));
          EXPECT_TRUE (Contains (p.description, "\xc3\xa9t\xc3\xa9 included"));
          EXPECT_TRUE (Contains (p.resolution, "--policy acme-std"));
        }
    }
}

TEST (FleetFiles, GitOpsFormMistakes)
{
  TempDir empty;
  for (const char *what : { "fleet-policies", "fleet-queries" })
    for (const char *format : { "gitops", "gitops-lib" })
      {
        SCOPED_TRACE (std::string (what) + " " + format);
        CliRun team = run_export_cli ({ what, "--format", format, "--team", "T" }, empty.path ());
        EXPECT_EQ (team.status, 2);
        EXPECT_TRUE (Contains (team.err, "--team is for the fleetctl apply form"));
        EXPECT_EQ (team.out, "");
      }
  CliRun format = run_export_cli ({ "fleet-policies", "--format", "yaml" }, empty.path ());
  EXPECT_EQ (format.status, 2);
  EXPECT_TRUE (Contains (format.err, "unknown --format 'yaml' (apply, gitops, gitops-lib)"));
  CliRun pack = run_export_cli ({ "pack", "--format", "gitops" }, empty.path ());
  EXPECT_EQ (pack.status, 2);
  EXPECT_TRUE (Contains (pack.err, "--format is for fleet-policies and fleet-queries"));
  CliRun interval = run_export_cli ({ "fleet-queries", "--interval", "604801" }, empty.path ());
  EXPECT_EQ (interval.status, 2);
  EXPECT_EQ (interval.out, "");
}

/*
 * phaseout_status and banned_software as Fleet queries: one per table and
 * platform, in the three forms, each the very query `export sql --table`
 * prints for the profile, set up so that Fleet keeps a report of it
 */
TEST (FleetFiles, QueriesInEveryForm)
{
  TempDir dir;
  dir.write ("phaseout.conf",
             "[profile]\njurisdictions=NL\norganisation-types=central-government\n", 0600);
  const std::string config = dir.file ("phaseout.conf");
  TempDir empty;

  CliRun apply = run_export_cli ({ "fleet-queries", "--config", config, "--team", "Workstations",
                                   "--interval", "7200" },
                                 empty.path ());
  ASSERT_EQ (apply.status, 0) << apply.err;
  std::vector<fleet::Policy> no_policies;
  std::vector<fleet::Query> from_apply;
  ASSERT_TRUE (fleet::parse_apply_file (apply.out, &no_policies, &from_apply))
    << apply.out.substr (0, 400);
  EXPECT_TRUE (no_policies.empty ());
  ASSERT_EQ (from_apply.size (), 6u) << "two tables on three platforms";

  size_t i = 0;
  for (PoExportPlatform platform : kPlatforms)
    for (const char *table : { "phaseout_status", "banned_software" })
      {
        const fleet::Query &q = from_apply[i++];
        const char *title = po_export_platform_get_title (platform);
        const char *name = po_export_platform_to_string (platform);
        SCOPED_TRACE (q.name);
        EXPECT_EQ (q.name, std::string ("phaseout (") + title + "): " + table);
        EXPECT_EQ (q.platform, name);
        EXPECT_EQ (q.team, "Workstations");
        EXPECT_EQ (q.interval, 7200u);
        /* what Fleet needs to keep a query report */
        EXPECT_EQ (q.logging, "snapshot");
        EXPECT_FALSE (q.discard_data);
        EXPECT_TRUE (Contains (q.description, "engine 'sql'"));
        CliRun sql = run_export_cli ({ "sql", "--table", table, "--platform", name, "--config",
                                       config },
                                     empty.path ());
        ASSERT_EQ (sql.status, 0) << sql.err;
        EXPECT_EQ (q.query + ";\n", sql.out);
        OsqueryDb db (platform);
        EXPECT_TRUE (db.prepares (q.query));
      }

  /* the same queries in both GitOps forms */
  CliRun lib = run_export_cli ({ "fleet-queries", "--config", config, "--interval", "7200",
                                 "--format", "gitops-lib" },
                               empty.path ());
  CliRun gitops = run_export_cli ({ "fleet-queries", "--config", config, "--interval", "7200",
                                    "--format", "gitops" },
                                  empty.path ());
  ASSERT_EQ (lib.status, 0) << lib.err;
  ASSERT_EQ (gitops.status, 0) << gitops.err;
  std::vector<fleet::Query> from_lib, from_team, from_default;
  ASSERT_TRUE (fleet::parse_gitops_queries_file (lib.out, &from_lib)) << lib.out.substr (0, 400);
  ASSERT_TRUE (fleet::parse_gitops_file (team_file (gitops.out), &no_policies, &from_team))
    << gitops.out.substr (0, 400);
  ASSERT_TRUE (fleet::parse_gitops_file (default_file (gitops.out), &no_policies, &from_default));
  EXPECT_TRUE (no_policies.empty ());
  for (const auto *form : { &from_lib, &from_team, &from_default })
    {
      ASSERT_EQ (form->size (), from_apply.size ());
      for (size_t k = 0; k < from_apply.size (); k++)
        {
          EXPECT_EQ ((*form)[k].name, from_apply[k].name);
          EXPECT_EQ ((*form)[k].query, from_apply[k].query);
          EXPECT_EQ ((*form)[k].platform, from_apply[k].platform);
          EXPECT_EQ ((*form)[k].interval, from_apply[k].interval);
          EXPECT_EQ ((*form)[k].logging, from_apply[k].logging);
          EXPECT_EQ ((*form)[k].discard_data, from_apply[k].discard_data);
          EXPECT_EQ ((*form)[k].description, from_apply[k].description);
        }
    }

  /* one platform, and a profile nobody could read is refused */
  CliRun windows = run_export_cli ({ "fleet-queries", "--config", config, "--platform", "windows" },
                                   empty.path ());
  std::vector<fleet::Query> from_windows;
  ASSERT_TRUE (fleet::parse_apply_file (windows.out, &no_policies, &from_windows));
  ASSERT_EQ (from_windows.size (), 2u);
  EXPECT_EQ (from_windows[0].platform, "windows");
  CliRun unreadable = run_export_cli ({ "fleet-queries", "--config", dir.file ("missing.conf") },
                                      empty.path ());
  EXPECT_NE (unreadable.status, 0);
  EXPECT_EQ (unreadable.out, "");
}

/*
 * every YAML file in fleet/: *.policies.yml in the GitOps form (Fleet's own
 * name for such files, lib/<name>.policies.yml), the others for fleetctl
 * apply; the two forms of the hand-written policies say the same
 */
TEST (FleetFiles, EveryYamlFileInFleetDirectory)
{
  glob_t found;
  std::string pattern = std::string (PO_TEST_PROJECT_DIR) + "/fleet/*.y*ml";
  std::map<std::string, std::vector<fleet::Policy>> by_form;

  ASSERT_EQ (glob (pattern.c_str (), 0, NULL, &found), 0) << "no YAML file in fleet/";
  for (size_t i = 0; i < found.gl_pathc; i++)
    {
      std::string path = found.gl_pathv[i];
      std::string text = read_file (path);
      std::vector<fleet::Policy> policies;
      bool gitops = g_str_has_suffix (path.c_str (), ".policies.yml");
      SCOPED_TRACE (path);
      if (gitops)
        EXPECT_TRUE (fleet::parse_gitops_policies_file (text, &policies));
      else
        EXPECT_TRUE (fleet::parse_apply_file (text, &policies));
      EXPECT_FALSE (policies.empty ());
      by_form[gitops ? "gitops" : "apply"] = policies;
    }
  globfree (&found);
  ASSERT_EQ (by_form.size (), 2u) << "fleet/ has both forms of the policies";
  const auto &apply = by_form["apply"];
  const auto &gitops = by_form["gitops"];
  ASSERT_EQ (apply.size (), gitops.size ());
  for (size_t i = 0; i < apply.size (); i++)
    {
      EXPECT_EQ (apply[i].name, gitops[i].name);
      EXPECT_EQ (apply[i].query, gitops[i].query);
      EXPECT_EQ (apply[i].platform, gitops[i].platform);
      EXPECT_EQ (apply[i].critical, gitops[i].critical);
      EXPECT_EQ (apply[i].description, gitops[i].description);
      EXPECT_EQ (apply[i].resolution, gitops[i].resolution);
    }
}

/*
 * fleet/export/: for each seed profile, the osquery packs and the Fleet
 * queries in both forms hold phaseout_status and banned_software for every
 * platform, in SQL that osquery's core tables prepare.  (That the files are
 * what the export writes today is the ctest fleet-exports-in-sync.)
 */
TEST (FleetFiles, ReadyExportsForTheSeedProfiles)
{
  const std::string dir = std::string (PO_TEST_PROJECT_DIR) + "/fleet/export/";

  for (const char *profile : { "us-federal", "nl-central-government" })
    {
      SCOPED_TRACE (profile);
      std::vector<fleet::Policy> no_policies;
      std::vector<fleet::Query> apply, lib;
      ASSERT_TRUE (
        fleet::parse_apply_file (read_file (dir + profile + "-queries.yml"), &no_policies, &apply));
      ASSERT_TRUE (
        fleet::parse_gitops_queries_file (read_file (dir + profile + ".queries.yml"), &lib));
      EXPECT_TRUE (no_policies.empty ());
      ASSERT_EQ (apply.size (), 6u);
      ASSERT_EQ (lib.size (), apply.size ());

      GError *error = NULL;
      JsonParser *parser = json_parser_new ();
      ASSERT_TRUE (
        json_parser_load_from_file (parser, (dir + profile + ".osquery.json").c_str (), &error))
        << error->message;
      JsonObject *packs = json_object_get_object_member (json_node_get_object (
                                                           json_parser_get_root (parser)),
                                                         "packs");
      ASSERT_NE (packs, nullptr);

      size_t i = 0;
      for (PoExportPlatform platform : kPlatforms)
        {
          const char *name = po_export_platform_to_string (platform);
          std::string pack_name = std::string ("phaseout-") + name;
          ASSERT_TRUE (json_object_has_member (packs, pack_name.c_str ())) << pack_name;
          JsonObject *queries = json_object_get_object_member (
            json_object_get_object_member (packs, pack_name.c_str ()), "queries");
          OsqueryDb db (platform);
          for (const char *table : { "phaseout_status", "banned_software" })
            {
              SCOPED_TRACE (std::string (name) + " " + table);
              const fleet::Query &q = apply[i];
              EXPECT_EQ (q.platform, name);
              EXPECT_EQ (q.query, lib[i].query);
              EXPECT_EQ (q.name, lib[i].name);
              i++;
              ASSERT_TRUE (json_object_has_member (queries, table));
              const char *pack_sql = json_object_get_string_member (
                json_object_get_object_member (queries, table), "query");
              EXPECT_EQ (q.query, pack_sql) << "the pack and Fleet run the same SQL";
              EXPECT_TRUE (db.prepares (q.query));
              EXPECT_TRUE (Contains (q.query, "'sql' AS engine"));
            }
        }
      g_object_unref (parser);
    }
}

#endif /* PO_HAVE_LIBYAML */
