/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `phaseout policy check` and `phaseout policy list` print and
 * return (the commands in cli/ turn FALSE into exit code 1).
 */
#include "catalogue-test-util.h"

using namespace po_test;

TEST (CataloguePolicyCheck, ReportsEachFile)
{
  TempDir dir;
  dir.write ("good.json", policy_file ({ policy_json ("acme-a"), policy_json ("acme-b") }));
  dir.write ("bad.json",
             policy_file ({ policy_json ("acme-c", { { "issued", "\"2020-1-1\"" } }) }));
  std::string good = dir.file ("good.json"), bad = dir.file ("bad.json");
  const gchar *files[] = { good.c_str (), bad.c_str (), NULL };
  GString *report = g_string_new (NULL);
  GError *error = NULL;

  EXPECT_FALSE (po_cli_policy_check (files, report, &error));
  ASSERT_TRUE (error != NULL);
  EXPECT_TRUE (g_error_matches (error, PO_ERROR, PO_ERROR_INVALID_DATA));
  EXPECT_STREQ (error->message, "1 of 2 policy files are not valid");
  EXPECT_TRUE (Contains (report->str, good + ": ok: 2 policies (acme-a, acme-b), sha256 "));
  EXPECT_TRUE (Contains (report->str, bad
                                        + ": policy 'acme-c': field 'issued': bad date "
                                          "'2020-1-1' (expected YYYY-MM-DD)"));
  g_error_free (error);
  g_string_free (report, TRUE);
}

TEST (CataloguePolicyCheck, NotesOverrides)
{
  TempDir dir;
  dir.write ("a.json", policy_file ({ policy_json ("nl-kamerbrief-2018"), policy_json ("acme") }));
  dir.write ("b.json", policy_file ({ policy_json ("acme") }));
  std::string a = dir.file ("a.json"), b = dir.file ("b.json");
  const gchar *files[] = { a.c_str (), b.c_str (), NULL };
  GString *report = g_string_new (NULL);

  EXPECT_TRUE (po_cli_policy_check (files, report, NULL));
  EXPECT_TRUE (Contains (report->str, a
                                        + ": note: policy 'nl-kamerbrief-2018' replaces the "
                                          "built-in one"));
  EXPECT_TRUE (Contains (report->str, b + ": note: policy 'acme' is also defined in " + a));
  g_string_free (report, TRUE);
}

TEST (CataloguePolicyCheck, ExamplesAreValid)
{
  const char *examples[] = { "examples/policies/10-acme-vendor.json",
                             "examples/policies/50-acme-no-kaspersky.json",
                             "examples/policies/90-nl-kamerbrief-2018-local-deadline.json" };
  std::vector<std::string> paths;
  std::vector<const gchar *> files;

  for (const char *example : examples)
    paths.push_back (project_path (example));
  for (const auto &path : paths)
    files.push_back (path.c_str ());
  files.push_back (NULL);
  GString *report = g_string_new (NULL);
  GError *error = NULL;
  EXPECT_TRUE (po_cli_policy_check (files.data (), report, &error)) << report->str;
  g_clear_error (&error);
  g_string_free (report, TRUE);
}

TEST (CataloguePolicyList, ListsPoliciesProfileAndProblems)
{
  TempDir dir;
  dir.write ("policies/acme.json", policy_file ({ policy_json ("acme") }));
  dir.write ("policies/broken.json", "{");
  dir.write ("phaseout.conf", "[profile]\njurisdictions=NL\norganisation-types=vital-sector\n");
  RuntimePtr runtime = make_runtime (
    { { "policy-dir", dir.file ("policies") }, { "config", dir.file ("phaseout.conf") } });
  GString *report = g_string_new (NULL);
  GError *error = NULL;

  EXPECT_FALSE (po_cli_policy_list (runtime.get (), TRUE, report, &error));
  ASSERT_TRUE (error != NULL);
  EXPECT_TRUE (g_error_matches (error, PO_ERROR, PO_ERROR_INVALID_DATA));
  std::string text = report->str;
  EXPECT_TRUE (Contains (text, "organisation profile: jurisdictions: NL; organisation types: "
                               "vital-sector"));
  EXPECT_TRUE (Contains (text, "nl-kamerbrief-2018  advisory"));
  EXPECT_TRUE (Contains (text, "milestones:   none (no fixed deadline)"));
  EXPECT_TRUE (Contains (text, dir.file ("policies/acme.json")));
  EXPECT_TRUE (
    Contains (text, "1 problem:\n" + dir.file ("policies/broken.json") + ": not valid JSON"));
  g_error_free (error);
  g_string_free (report, TRUE);
}

/* applicability at --now: a policy not issued yet says so */
TEST (CataloguePolicyList, PolicyNotYetIssued)
{
  TempDir dir;
  dir.write ("phaseout.conf",
             "[profile]\njurisdictions=US\norganisation-types=federal-executive\n");
  RuntimePtr runtime = make_runtime ({ { "policy-dir", dir.path () },
                                       { "config", dir.file ("phaseout.conf") },
                                       { "now", "2017-09-01" } });
  GString *report = g_string_new (NULL);
  GError *error = NULL;

  EXPECT_TRUE (po_cli_policy_list (runtime.get (), TRUE, report, &error));
  std::string text = report->str;
  EXPECT_TRUE (Contains (text, "us-dhs-bod-17-01    not_issued"));
  EXPECT_TRUE (Contains (text, "why:          the policy is not issued until 2017-09-13"));
  g_clear_error (&error);
  g_string_free (report, TRUE);
}

TEST (CataloguePolicyList, CleanCatalogueSucceeds)
{
  TempDir dir;
  dir.write ("phaseout.conf", "");
  RuntimePtr runtime = make_runtime (
    { { "policy-dir", dir.path () }, { "config", dir.file ("phaseout.conf") } });
  GString *report = g_string_new (NULL);
  GError *error = NULL;

  EXPECT_TRUE (po_cli_policy_list (runtime.get (), FALSE, report, &error));
  EXPECT_TRUE (Contains (report->str, "organisation profile: none configured"));
  EXPECT_TRUE (Contains (report->str, "us-dhs-bod-17-01"));
  EXPECT_TRUE (Contains (report->str, "builtin"));
  g_clear_error (&error);
  g_string_free (report, TRUE);
}

/* a rejected profile is listed with the problem, and fails the listing as a bad file does */
TEST (CataloguePolicyList, RejectedProfileIsAProblem)
{
  TempDir dir;
  dir.write ("phaseout.conf", "[profile]\njurisdictions=NL\norganisation-types=muncipality\n");
  RuntimePtr runtime = make_runtime (
    { { "policy-dir", dir.file ("policies") }, { "config", dir.file ("phaseout.conf") } });
  GString *report = g_string_new (NULL);
  GError *error = NULL;

  EXPECT_FALSE (po_cli_policy_list (runtime.get (), FALSE, report, &error));
  ASSERT_TRUE (error != NULL);
  EXPECT_TRUE (g_error_matches (error, PO_ERROR, PO_ERROR_INVALID_DATA));
  std::string text = report->str;
  EXPECT_TRUE (Contains (text, "organisation profile: none in force: the profile in "
                                 + dir.file ("phaseout.conf") + " was rejected"));
  EXPECT_TRUE (
    Contains (text, "organisation profile not as configured:\nconfiguration file "
                      + dir.file ("phaseout.conf")
                      + ": [profile]: key "
                        "'organisation-types': unknown organisation type 'muncipality'"));
  EXPECT_FALSE (Contains (text, "none configured"));
  g_error_free (error);
  g_string_free (report, TRUE);
}
