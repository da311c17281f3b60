/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `phaseout report`, the built command, over fixture hosts: the verdict,
 * one line per policy, what to do, the findings, and removals.
 */
#include "compliance-test-util.h"

#include <sys/wait.h>

#include <regex>
#include <sstream>
#include <vector>

using namespace po_test;

namespace {

struct ReportRun {
  std::string out;
  int exit_status = -1;
};

/* the command over a world, with more arguments; its output and exit status */
ReportRun
run_report (const World &world, const std::string &now, std::vector<std::string> more = {})
{
  std::string binary = build_path ("cli/phaseout");
  std::vector<std::string> args = {
    binary,       "report",          "--root",       world.root (),
    "--config",   world.config (),   "--policy-dir", world.policy_dir (),
    "--state-db", world.state_db (), "--now",        now
  };
  args.insert (args.end (), more.begin (), more.end ());
  ProcessResult result = run_process (args);
  ReportRun run;
  EXPECT_NE (result.status, -1) << result.err;
  run.exit_status = result.status;
  run.out = result.out;
  return run;
}

/* the report of a run that must succeed */
std::string
report (const World &world, const std::string &now)
{
  ReportRun run = run_report (world, now);
  EXPECT_EQ (run.exit_status, 0);
  return run.out;
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
  /* the 2024 Commerce determination does not exist yet in 2017 */
  EXPECT_TRUE (Contains (out, "1 overdue, 1 action required, 0 advisory, 0 compliant, "
                              "24 not applicable"));
  EXPECT_TRUE (Contains (out, "  us-doc-ictsfd-2024     not_issued: the policy is not issued "
                              "until 2024-06-20"));
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

/*
 * the report prints instants as ISO 8601 UTC whatever offset --now has,
 * and a milestone's time of day where the instrument sets one (Commerce:
 * 2024-09-29 00:00 EDT, 04:00 UTC)
 */
TEST (Report, TimesInUtcAndTimesOfDay)
{
  World world ("kes-host", kUsFederal);
  std::string out = report (world, "2024-09-29T05:00:00+02:00");
  EXPECT_TRUE (Contains (out, "evaluated at  2024-09-29T03:00:00Z (--now)"));
  EXPECT_TRUE (HasLine (out, "us-doc-ictsfd-2024 +advisory +10 +2024-09-29 04:00 UTC +0"));
  EXPECT_TRUE (HasLine (out, "us-dhs-bod-17-01 +overdue +10 +2017-12-12 +-2483"));
  EXPECT_TRUE (Contains (out, "next milestone  end-of-updates 2024-09-29 04:00 UTC\n"));
  EXPECT_TRUE (Contains (out, "first detected  2024-09-29T03:00:00Z\n"));
  EXPECT_TRUE (Contains (out, "(updates end 2024-09-29 00:00 UTC-04:00)"));
}

/* between milestones the report says what is due next, and the deadline */
TEST (Report, WhatToDoNamesTheNextStep)
{
  World world ("kes-host", kUsFederal);
  std::string out = report (world, "2017-10-12");
  EXPECT_TRUE (Contains (out, "what to do      10 findings: identify and report the products by "
                              "2017-10-13, 1 day left; deadline: begin removal by 2017-12-12, "
                              "61 days left\n"));
  EXPECT_TRUE (Contains (out, "next milestone  identify 2017-10-13\n"));
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
  EXPECT_TRUE (Contains (out, "  nl-kamerbrief-2018     excluded: the policy excludes "
                              "local-government, which includes the profile's municipality "
                              "(confidence reported; source: NU.nl, May 2018"));
}

TEST (Report, GracePeriodDeadline)
{
  World world ("kes-host", std::string (kNlCentral) + "grace-period-days=30\n");
  report (world, "2019-01-01");
  std::string out = report (world, "2019-01-11");
  EXPECT_TRUE (HasLine (out, "nl-kamerbrief-2018 +action_required +5 +2019-01-31 \\(grace\\) +20"));
  EXPECT_TRUE (Contains (out, "first detected  2019-01-01T00:00:00Z"));
}

/*
 * --fail-on-findings: 1 when a binding policy is action_required or
 * overdue, 0 when compliant or only advised, 2 on an error; without the
 * flag the exit status is 0 whatever the verdict
 */
TEST (Report, FailOnFindingsWhenActionIsRequired)
{
  World world ("kes-host", kUsFederal);
  ReportRun run = run_report (world, "2017-12-20", { "--fail-on-findings" });
  EXPECT_EQ (run.exit_status, 1);
  EXPECT_TRUE (Contains (run.out, "1 overdue, 1 action required"));

  /* before the deadline: action_required (no overdue) fails too; the NDAA
   * is not law until 12 December */
  World early ("kes-host", kUsFederal);
  run = run_report (early, "2017-09-14", { "--fail-on-findings" });
  EXPECT_EQ (run.exit_status, 1);
  EXPECT_TRUE (Contains (run.out, "0 overdue, 1 action required"));
}

/* a policy not issued yet asks nothing: BOD 17-01 on 2017-09-01 is no failure */
TEST (Report, FailOnFindingsIgnoresPoliciesNotYetIssued)
{
  World world ("kes-host", kUsFederal);
  ReportRun run = run_report (world, "2017-09-01", { "--fail-on-findings" });
  EXPECT_EQ (run.exit_status, 0);
  EXPECT_TRUE (Contains (run.out, "0 overdue, 0 action required, 0 advisory, 0 compliant, "
                                  "26 not applicable"));
  EXPECT_TRUE (Contains (run.out, "  us-dhs-bod-17-01       not_issued: the policy is not issued "
                                  "until 2017-09-13"));
  EXPECT_EQ (run.out.find ("what to do"), std::string::npos);
}

TEST (Report, FailOnFindingsPassesACompliantHost)
{
  World world ("clean-host", kUsFederal);
  ReportRun run = run_report (world, "2019-01-01", { "--fail-on-findings" });
  EXPECT_EQ (run.exit_status, 0);
  EXPECT_TRUE (Contains (run.out, "Verdict: compliant with every applicable policy"));
}

TEST (Report, FailOnFindingsIgnoresAdvice)
{
  World world ("kes-host", kNlVitalSector);
  ReportRun run = run_report (world, "2019-01-01", { "--fail-on-findings" });
  EXPECT_EQ (run.exit_status, 0);
  EXPECT_TRUE (Contains (run.out, "0 overdue, 0 action required, 1 advisory"));
}

TEST (Report, WithoutTheFlagFindingsExitZero)
{
  World world ("kes-host", kUsFederal);
  ReportRun run = run_report (world, "2017-12-20");
  EXPECT_EQ (run.exit_status, 0);
  EXPECT_TRUE (Contains (run.out, "Verdict: ACTION REQUIRED"));
}

TEST (Report, FailOnFindingsErrorsAreDistinct)
{
  World world ("kes-host", kUsFederal);
  ReportRun run = run_report (world, "not-a-date", { "--fail-on-findings" });
  EXPECT_EQ (run.exit_status, 2);
  run = run_report (world, "2017-12-20", { "--fail-on-findings", "--no-such-option" });
  EXPECT_EQ (run.exit_status, 2);
  /* without the flag a failure keeps its old status, 1; a usage error is 2 */
  run = run_report (world, "2017-12-20", { "--config", world.config () + ".missing" });
  EXPECT_EQ (run.exit_status, 1);
  run = run_report (world, "not-a-date");
  EXPECT_EQ (run.exit_status, 2);
}

/*
 * A profile that was configured but rejected (here a typo in the
 * organisation type) used to be a warning on stderr only: the report said
 * "no organisation profile" and --fail-on-findings gave a verdict (1 on
 * this host, 0 on a clean one) against a profile nobody configured.  The
 * report now shows the problem in a WARNING, and --fail-on-findings exits
 * 2: compliance cannot be claimed against a profile that was not read.
 */
TEST (Report, RejectedProfileIsAWarningAndNoVerdict)
{
  const std::string typo = "jurisdictions=US\norganisation-types=federal-executiv\n";
  for (const char *fixture : { "kes-host", "clean-host" })
    {
      SCOPED_TRACE (fixture);
      World world (fixture, typo);
      ReportRun run = run_report (world, "2017-12-20", { "--fail-on-findings" });
      EXPECT_EQ (run.exit_status, 2);
      EXPECT_TRUE (Contains (run.out, "WARNING: the organisation profile in force is not the one "
                                      "configured"));
      EXPECT_TRUE (Contains (run.out, "configuration file " + world.config ()
                                        + ": [profile]: "
                                          "key 'organisation-types': unknown organisation type "
                                          "'federal-executiv'"));
      EXPECT_TRUE (Contains (run.out, "no organisation profile from it is in force"));
      EXPECT_FALSE (Contains (run.out, "(no organisation profile: each policy"));

      /* without the flag: the same report, exit 0 as before */
      run = run_report (world, "2017-12-20");
      EXPECT_EQ (run.exit_status, 0);
      EXPECT_TRUE (Contains (run.out, "WARNING: the organisation profile in force"));
    }
}

/* a finding of one source is listed as unconfirmed, and fails nothing */
TEST (Report, WeakFindingIsListedAsUnconfirmed)
{
  World world ("clean-host", kUsFederal);
  std::string status_path = world.host_file ("var/lib/dpkg/status");
  std::string status = read_file (status_path);
  world.write ("var/lib/dpkg/status",
               status
                 + "\nPackage: kess\nStatus: install ok installed\nArchitecture: amd64\n"
                   "Version: 3.3.0-1234\nDescription: test stanza\n");
  ReportRun run = run_report (world, "2017-12-20", { "--fail-on-findings" });

  EXPECT_EQ (run.exit_status, 0) << run.out;
  EXPECT_TRUE (Contains (run.out, "us-dhs-bod-17-01 (compliant): Removal of Kaspersky-branded "
                                  "Products"));
  EXPECT_TRUE (Contains (run.out, "  what to do      1 unconfirmed finding to check (weak "
                                  "indicator, one source each"));
  EXPECT_TRUE (Contains (run.out, "    deb           kess 3.3.0-1234: Kaspersky Embedded Systems "
                                  "Security for Linux (unconfirmed: weak indicator)"));
}
