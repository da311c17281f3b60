/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `phaseout report`, the built command, over fixture hosts: the verdict,
 * one line per policy, what to do, the findings, and removals.
 */
#include "compliance-test-util.h"

#include <regex>
#include <sstream>

using namespace po_test;

namespace {

std::string
report (const World &world, const std::string &now)
{
  std::string binary = build_path ("cli/phaseout");
  const gchar *argv[] = { binary.c_str (), "report", "--root", world.root ().c_str (),
                          "--config", world.config ().c_str (), "--policy-dir",
                          world.policy_dir ().c_str (), "--state-db", world.state_db ().c_str (),
                          "--now", now.c_str (), nullptr };
  g_autofree gchar *out = nullptr;
  g_autofree gchar *err = nullptr;
  gint status = 0;
  GError *error = nullptr;
  if (!g_spawn_sync (nullptr, (gchar **) argv, nullptr, G_SPAWN_DEFAULT, nullptr, nullptr, &out,
                     &err, &status, &error))
    {
      ADD_FAILURE () << error->message;
      g_error_free (error);
      return "";
    }
  EXPECT_TRUE (g_spawn_check_wait_status (status, nullptr)) << err;
  return out != nullptr ? out : "";
}

::testing::AssertionResult
Contains (const std::string &haystack, const std::string &needle)
{
  if (haystack.find (needle) != std::string::npos)
    return ::testing::AssertionSuccess ();
  return ::testing::AssertionFailure () << "\"" << needle << "\" not in:\n" << haystack;
}

/* a line of the output matching the regular expression, leading spaces aside */
::testing::AssertionResult
HasLine (const std::string &haystack, const std::string &pattern)
{
  std::regex line ("^ *" + pattern + "$");
  std::istringstream lines (haystack);
  for (std::string text; std::getline (lines, text);)
    if (std::regex_match (text, line))
      return ::testing::AssertionSuccess ();
  return ::testing::AssertionFailure () << "no line matching \"" << pattern << "\" in:\n"
                                        << haystack;
}

}  // namespace

TEST (Report, KesHostUnderTheUsDirective)
{
  World world ("kes-host", kUsFederal);
  std::string out = report (world, "2017-12-20");
  EXPECT_TRUE (Contains (out, "evaluated at  2017-12-20T00:00:00Z (--now)"));
  EXPECT_TRUE (Contains (out, "Verdict: ACTION REQUIRED: 2 policies to act on (overdue)"));
  EXPECT_TRUE (Contains (out, "1 overdue, 1 action required, 1 advisory, 0 compliant, "
                              "5 not applicable"));
  EXPECT_TRUE (HasLine (out, "us-dhs-bod-17-01 +overdue +10 +2017-12-12 +-8"));
  EXPECT_TRUE (Contains (out, "what to do      10 findings: begin removal by 2017-12-12; "
                              "overdue by 8 days"));
  EXPECT_TRUE (Contains (out, "    deb           kesl 12.1.0-1297: Kaspersky Endpoint Security "
                              "for Linux, since 2017-12-20T00:00:00Z"));
  EXPECT_TRUE (Contains (out, "    process       kesl (pid 812, "
                              "/opt/kaspersky/kesl/libexec/kesl)"));
  EXPECT_TRUE (Contains (out, "  findings        the same as us-dhs-bod-17-01"));
  EXPECT_TRUE (Contains (out, "  nl-kamerbrief-2018     other_jurisdiction: "));
  EXPECT_EQ (out.find ("Recently removed"), std::string::npos);

  world.remove_package ("kesl");
  out = report (world, "2017-12-21");
  EXPECT_TRUE (Contains (out, "Recently removed\n  2017-12-21T00:00:00Z  us-dhs-bod-17-01       "
                              "deb:kesl\n"));
}

TEST (Report, CleanHost)
{
  World world ("clean-host", kUsFederal);
  std::string out = report (world, "2019-01-01");
  EXPECT_TRUE (Contains (out, "Verdict: compliant with every applicable policy"));
  EXPECT_TRUE (HasLine (out, "us-dhs-bod-17-01 +compliant +0 +2017-12-12 +-"));
  EXPECT_EQ (out.find ("what to do"), std::string::npos);
}

/* every policy applies when no profile says who this is: the report says so */
TEST (Report, NoProfileSaysPoliciesApplyBroadly)
{
  World world ("clean-host", "");
  std::string out = report (world, "2019-01-01");
  EXPECT_TRUE (Contains (out, "(no organisation profile: each policy is evaluated as broadly"));

  world.set_profile (kUsFederal);
  out = report (world, "2019-01-01");
  EXPECT_FALSE (Contains (out, "no organisation profile"));
}

TEST (Report, MunicipalityHasNothingToDo)
{
  World world ("kes-host", kNlMunicipality);
  std::string out = report (world, "2019-01-01");
  EXPECT_TRUE (Contains (out, "Verdict: no policy applies to this endpoint's organisation"));
  EXPECT_TRUE (Contains (out, "  nl-kamerbrief-2018     out_of_scope: "));
}

TEST (Report, GracePeriodDeadline)
{
  World world ("kes-host", std::string (kNlCentral) + "grace-period-days=30\n");
  report (world, "2019-01-01");
  std::string out = report (world, "2019-01-11");
  EXPECT_TRUE (HasLine (out, "nl-kamerbrief-2018 +action_required +5 +2019-01-31 \\(grace\\) +20"));
  EXPECT_TRUE (Contains (out, "first detected  2019-01-01T00:00:00Z"));
}
