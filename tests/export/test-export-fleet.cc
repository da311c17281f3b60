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
  EXPECT_TRUE (Contains (leading.message (),
                         "Missing required fields (\"spec\", \"kind\") on provided configuration."));
  auto no_spec = fleet::parse_apply_file ("---\napiVersion: v1\nkind: policy\n", &policies);
  EXPECT_FALSE (no_spec);
  EXPECT_TRUE (Contains (no_spec.message (), "Missing required fields (\"spec\") on provided "
                         "\"policy\" configuration."));
  EXPECT_FALSE (fleet::parse_apply_file (document + document, &policies)) << "duplicate name";
  EXPECT_FALSE (fleet::parse_apply_file (
      "---\nkind: policy\nspec:\n  name: yes\n  query: SELECT 1;\n", &policies));
  EXPECT_FALSE (fleet::parse_apply_file (
      "---\nkind: policy\nspec:\n  name: pol\n  query: SELECT 1;\n  critical: \"true\"\n", &policies));
  EXPECT_FALSE (fleet::parse_apply_file (
      "---\nkind: policy\nspec:\n  name: pol\n  query: SELECT 1;\n  platform: macos\n", &policies));
  EXPECT_FALSE (fleet::parse_apply_file (
      "---\nkind: policy\nspec:\n  name: pol\n  query: ' '\n", &policies));
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
  const std::string item = "- name: pol\n  query: SELECT 1;\n  platform: darwin\n  critical: false\n";

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
                ExportQueryPtr query (po_export_query_new_part (catalogue, policy, platform,
                                                                k < 0 ? NULL : parts[k]));
                if (po_export_query_get_policy_sql (query.get ()) != NULL)
                  out[po_export_query_get_policy_sql (query.get ())] = po_policy_get_id (policy);
              }
          }
    }
  return out;
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

  /* and the same policies in the GitOps form */
  CliRun apply = run_export_cli ({ "fleet-policies" }, empty.path ());
  CliRun gitops = run_export_cli ({ "fleet-policies", "--format", "gitops" }, empty.path ());
  ASSERT_EQ (gitops.status, 0) << gitops.err;
  std::vector<fleet::Policy> from_apply, from_gitops;
  ASSERT_TRUE (fleet::parse_apply_file (apply.out, &from_apply));
  ASSERT_TRUE (fleet::parse_gitops_policies_file (gitops.out,
                                                  &from_gitops)) << gitops.out.substr (0, 400);
  ASSERT_EQ (from_gitops.size (), from_apply.size ());
  for (size_t i = 0; i < from_apply.size (); i++)
    {
      EXPECT_EQ (from_gitops[i].name, from_apply[i].name);
      EXPECT_EQ (from_gitops[i].query, from_apply[i].query);
      EXPECT_EQ (from_gitops[i].platform, from_apply[i].platform);
      EXPECT_EQ (from_gitops[i].critical, from_apply[i].critical);
      EXPECT_EQ (from_gitops[i].description, from_apply[i].description);
      EXPECT_EQ (from_gitops[i].resolution, from_apply[i].resolution);
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

  for (const char *format : { "apply", "gitops" })
    {
      SCOPED_TRACE (format);
      CliRun result = run_export_cli ({ "fleet-policies", "--policy", "acme-std", "--format",
                                      format },
                                      dir.path ());
      ASSERT_EQ (result.status, 0) << result.err;
      std::vector<fleet::Policy> policies;
      if (g_str_equal (format, "apply"))
        ASSERT_TRUE (fleet::parse_apply_file (result.out, &policies)) << result.out;
      else
        ASSERT_TRUE (fleet::parse_gitops_policies_file (result.out, &policies)) << result.out;
      ASSERT_EQ (policies.size (), 3u);
      expect_same_queries (policies, expected);
      for (const auto &p : policies)
        {
          EXPECT_EQ (p.name.rfind ("phaseout: acme-std - no Kaspersky software (", 0), 0u)
              << p.name;
          EXPECT_TRUE (Contains (p.description,
                                 "---\n# not a comment: ${HOME} and $1 cost \\$5\n"));
          EXPECT_TRUE (Contains (p.description,
                                 "Instrument: Standard 4.2, clause $PATH\n---\n--- yes\n"));
          EXPECT_TRUE (Contains (p.description, "$USER must act"));
          EXPECT_TRUE (Contains (p.description, "\xc3\xa9t\xc3\xa9 included"));
          EXPECT_TRUE (Contains (p.resolution, "--policy acme-std"));
        }
    }
}

TEST (FleetFiles, GitOpsFormMistakes)
{
  TempDir empty;
  CliRun team = run_export_cli ({ "fleet-policies", "--format", "gitops", "--team", "T" },
                                empty.path ());
  CliRun format = run_export_cli ({ "fleet-policies", "--format", "yaml" }, empty.path ());

  EXPECT_EQ (team.status, 2);
  EXPECT_TRUE (Contains (team.err, "--team is for the fleetctl apply form"));
  EXPECT_EQ (team.out, "");
  EXPECT_EQ (format.status, 2);
  EXPECT_TRUE (Contains (format.err, "unknown --format 'yaml' (apply, gitops)"));
  CliRun pack = run_export_cli ({ "pack", "--format", "gitops" }, empty.path ());
  EXPECT_EQ (pack.status, 2);
  EXPECT_TRUE (Contains (pack.err, "--format is for fleet-policies"));
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

#endif /* PO_HAVE_LIBYAML */
