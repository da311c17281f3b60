/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout_status: status, milestones and days remaining at injected
 * times, profiles, grace periods.
 */
#include "compliance-test-util.h"

#include <algorithm>

using namespace po_test;

namespace {

Row
status_of (PoRuntime *runtime, const std::string &policy)
{
  auto rows = query (runtime, "SELECT * FROM phaseout_status WHERE policy_id = '" + policy + "'");
  EXPECT_EQ (rows.size (), 1u) << policy;
  return rows.empty () ? Row () : rows[0];
}

}  // namespace

TEST (PhaseoutStatus, OneRowPerPolicy)
{
  World world ("clean-host", kUsFederal);
  auto runtime = world.runtime ("2019-01-01");
  auto rows = query (runtime.get (), "SELECT policy_id FROM phaseout_status");
  EXPECT_EQ (values (rows, "policy_id"),
             (std::vector<std::string>{
               "au-deepseek-2025", "au-tiktok-2023",     "ca-tiktok-2023",     "cz-deepseek-2025",
               "de-bsi-2022",      "eu-com-tiktok-2023", "it-dl21-2022",       "lt-gov-2017",
               "nl-apps-2023",     "nl-deepseek-2025",   "nl-kamerbrief-2018", "tw-deepseek-2025",
               "uk-ncsc-2017",     "uk-tiktok-2023",     "us-dhs-bod-17-01",   "us-doc-ictsfd-2024",
               "us-md-2022",       "us-ndaa18-1634",     "us-ndaa19-889",      "us-oh-2023",
               "us-tiktok-2022",   "us-tx-2022",         "us-tx-2023",         "us-tx-2025",
               "us-va-2022",       "us-wi-2023" }));
  EXPECT_EQ (rows.size (), 26u);
}

/* BOD 17-01 on a KESL host, day by day around the D+90 deadline */
TEST (PhaseoutStatus, UsDirectiveDaysRemainingAndOverdue)
{
  /* a plain date is a whole UTC day: its _at is the next day's 00:00 UTC */
  struct {
    const char *now, *status, *days, *next, *next_date, *next_at;
  } cases[] = {
    { "2017-10-01", "action_required", "72", "identify", "2017-10-13", "1507939200" },
    { "2017-10-13", "action_required", "60", "identify", "2017-10-13", "1507939200" },
    { "2017-10-14", "action_required", "59", "plan", "2017-11-12", "1510531200" },
    { "2017-12-01", "action_required", "11", "begin-removal", "2017-12-12", "1513123200" },
    { "2017-12-12T23:59:59Z", "action_required", "0", "begin-removal", "2017-12-12", "1513123200" },
    { "2017-12-13", "overdue", "-1", "begin-removal", "2017-12-12", "1513123200" },
    { "2018-12-12", "overdue", "-365", "begin-removal", "2017-12-12", "1513123200" },
  };
  World world ("kes-host", kUsFederal);

  for (const auto &c : cases)
    {
      auto runtime = world.runtime (c.now);
      auto row = status_of (runtime.get (), "us-dhs-bod-17-01");
      EXPECT_EQ (row["status"], c.status) << c.now;
      EXPECT_EQ (row["days_remaining"], c.days) << c.now;
      EXPECT_EQ (row["next_milestone"], c.next) << c.now;
      EXPECT_EQ (row["next_milestone_date"], c.next_date) << c.now;
      EXPECT_EQ (row["next_milestone_at"], c.next_at) << c.now;
      EXPECT_EQ (row["deadline"], "2017-12-12") << c.now;
      EXPECT_EQ (row["deadline_at"], "1513123200") << c.now;
      EXPECT_EQ (row["deadline_source"], "policy") << c.now;
      EXPECT_EQ (row["findings"], "10") << c.now;
      EXPECT_EQ (row["applies"], "1");
      EXPECT_EQ (row["applicability"], "binding");
    }
}

TEST (PhaseoutStatus, ActionTextSaysWhatToDo)
{
  World world ("kes-host", kUsFederal);
  auto early = world.runtime ("2017-12-01");
  EXPECT_EQ (status_of (early.get (), "us-dhs-bod-17-01")["action"],
             "10 findings: begin removal by 2017-12-12; 11 days left");
  auto late = world.runtime ("2017-12-14");
  EXPECT_EQ (status_of (late.get (), "us-dhs-bod-17-01")["action"],
             "10 findings: begin removal by 2017-12-12; overdue by 2 days");
  World clean ("clean-host", kUsFederal);
  auto runtime = clean.runtime ("2017-12-14");
  EXPECT_EQ (status_of (runtime.get (), "us-dhs-bod-17-01")["action"], "<NULL>");
}

/*
 * What to do names the next pending step and its date, not the last
 * milestone: BOD 17-01 (issued 2017-09-13) on day 29, 31 and 91.  The
 * deadline and the days remaining stay the final milestone's.
 */
TEST (PhaseoutStatus, ActionNamesTheNextPendingStep)
{
  struct {
    const char *now, *next, *required, *action, *days;
  } cases[] = {
    { "2017-10-12", "identify", "identify and report the products by 2017-10-13",
      "10 findings: identify and report the products by 2017-10-13, 1 day left; deadline: "
      "begin removal by 2017-12-12, 61 days left",
      "61" },
    { "2017-10-13", "identify", "identify and report the products by 2017-10-13",
      "10 findings: identify and report the products by 2017-10-13, 0 days left; deadline: "
      "begin removal by 2017-12-12, 60 days left",
      "60" },
    { "2017-10-14", "plan", "submit the removal plan by 2017-11-12",
      "10 findings: submit the removal plan by 2017-11-12, 29 days left; deadline: "
      "begin removal by 2017-12-12, 59 days left",
      "59" },
    { "2017-11-13", "begin-removal", "begin removal by 2017-12-12",
      "10 findings: begin removal by 2017-12-12; 29 days left", "29" },
    { "2017-12-13", "begin-removal", "begin removal by 2017-12-12",
      "10 findings: begin removal by 2017-12-12; overdue by 1 day", "-1" },
  };
  World world ("kes-host", kUsFederal);

  for (const auto &c : cases)
    {
      auto runtime = world.runtime (c.now);
      auto row = status_of (runtime.get (), "us-dhs-bod-17-01");
      EXPECT_EQ (row["next_milestone"], c.next) << c.now;
      EXPECT_EQ (row["action"], c.action) << c.now;
      EXPECT_EQ (row["deadline"], "2017-12-12") << c.now;
      EXPECT_EQ (row["days_remaining"], c.days) << c.now;
      auto rows = query (runtime.get (), "SELECT DISTINCT required_action, deadline FROM "
                                         "banned_software WHERE policy_id = 'us-dhs-bod-17-01'");
      ASSERT_EQ (rows.size (), 1u) << c.now;
      EXPECT_EQ (rows[0]["required_action"], c.required) << c.now;
      EXPECT_EQ (rows[0]["deadline"], "2017-12-12") << c.now;
    }
}

/* the NDAA's steps read as what they are: a date the FAR rule starts, a prohibition */
TEST (PhaseoutStatus, NdaaStepsReadWell)
{
  World world ("kes-host", "jurisdictions=US\norganisation-types=federal-contractor\n");
  auto july = world.runtime ("2018-07-01");
  auto row = status_of (july.get (), "us-ndaa18-1634");
  EXPECT_EQ (row["next_milestone"], "other");
  EXPECT_EQ (row["action"], "10 findings: on 2018-07-16: the FAR interim rule (83 FR 28141) "
                            "takes effect, and with it federal contractors' duty to report "
                            "covered articles they find, 15 days left; deadline: stop using the "
                            "products (prohibited from 2018-10-01), 92 days left");

  auto august = world.runtime ("2018-08-01");
  EXPECT_EQ (status_of (august.get (), "us-ndaa18-1634")["action"],
             "10 findings: stop using the products (prohibited from 2018-10-01); 61 days left");
}

/* a milestone with a time of day passes at that instant (Commerce: 00:00 EDT = 04:00 UTC) */
TEST (PhaseoutStatus, MilestoneWithTimePassesAtItsInstant)
{
  World world ("kes-host", kUsFederal);
  auto before = world.runtime ("2024-09-29T03:59:59Z");
  auto row = status_of (before.get (), "us-doc-ictsfd-2024");
  EXPECT_EQ (row["status"], "advisory");
  EXPECT_EQ (row["days_remaining"], "0");
  EXPECT_EQ (row["next_milestone"], "end-of-updates");
  /* the date as the instrument writes it, its instant beside it */
  EXPECT_EQ (row["next_milestone_date"], "2024-09-29");
  EXPECT_EQ (row["next_milestone_at"], "1727582400");
  EXPECT_EQ (row["deadline"], "2024-09-29");
  EXPECT_EQ (row["deadline_at"], "1727582400");

  auto after = world.runtime ("2024-09-29T04:00:00Z");
  row = status_of (after.get (), "us-doc-ictsfd-2024");
  EXPECT_EQ (row["days_remaining"], "-1");
  EXPECT_EQ (row["status"], "advisory");

  auto earlier = world.runtime ("2024-07-01");
  row = status_of (earlier.get (), "us-doc-ictsfd-2024");
  EXPECT_EQ (row["next_milestone"], "no-new-sales");
  EXPECT_EQ (row["next_milestone_date"], "2024-07-20");
  EXPECT_EQ (row["next_milestone_at"], "1721520000");
  /* the next step is the end of sales, not the end of updates */
  EXPECT_EQ (row["action"], "10 findings: advised, not binding: replace the products "
                            "(sales end 2024-07-20)");

  auto august = world.runtime ("2024-08-01");
  EXPECT_EQ (status_of (august.get (), "us-doc-ictsfd-2024")["action"],
             "10 findings: advised, not binding: replace the products "
             "(updates end 2024-09-29 00:00 UTC-04:00)");
}

/*
 * every date column compares as text with every other and with a date
 * literal, and every _at column as a number with osquery's unix_time: the
 * Commerce deadline was "2024-09-29T00:00:00-04:00" next to plain dates,
 * so it sorted after "2024-09-29" and a Fleet query comparing dates as
 * strings got it wrong
 */
TEST (PhaseoutStatus, DatesCompareAsDatesAndInstantsAsNumbers)
{
  World world ("kes-host", kUsFederal);
  auto runtime = world.runtime ("2024-09-29T03:00:00Z");
  auto rows = query (runtime.get (),
                     "SELECT policy_id, deadline, typeof(deadline_at) AS t, deadline_at, "
                     "deadline <= '2024-09-29' AS by_date, "
                     "deadline_at <= 1727582400 AS by_instant "
                     "FROM phaseout_status WHERE deadline IS NOT NULL ORDER BY deadline");
  ASSERT_GE (rows.size (), 3u);
  for (const auto &row : rows)
    {
      SCOPED_TRACE (row.at ("policy_id"));
      EXPECT_TRUE (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                                         row.at ("deadline").c_str (), (GRegexCompileFlags) 0,
                                         (GRegexMatchFlags) 0))
        << row.at ("deadline");
      EXPECT_EQ (row.at ("t"), "integer");
      /* the two agree; deadlines up to the Commerce one have passed, later ones not */
      EXPECT_EQ (row.at ("by_date"), row.at ("by_instant"));
      EXPECT_EQ (row.at ("by_date"), row.at ("deadline") <= "2024-09-29" ? "1" : "0");
    }
  auto passed = where (rows, "by_date", "1");
  ASSERT_FALSE (passed.empty ());
  EXPECT_EQ (passed.back ().at ("policy_id"), "us-doc-ictsfd-2024");
  /* the same in every table that carries a deadline */
  auto banned = query (runtime.get (),
                       "SELECT DISTINCT deadline, deadline_at, next_milestone_date, "
                       "next_milestone_at FROM banned_software WHERE policy_id = "
                       "'us-doc-ictsfd-2024'");
  ASSERT_EQ (banned.size (), 1u);
  EXPECT_EQ (banned[0]["deadline"], "2024-09-29");
  EXPECT_EQ (banned[0]["deadline_at"], "1727582400");
  EXPECT_EQ (banned[0]["next_milestone_date"], "2024-09-29");
  EXPECT_EQ (banned[0]["next_milestone_at"], "1727582400");
  auto policy = query (runtime.get (), "SELECT deadline, deadline_at, milestones FROM "
                                       "phaseout_policies WHERE id = 'us-doc-ictsfd-2024'");
  ASSERT_EQ (policy.size (), 1u);
  EXPECT_EQ (policy[0]["deadline"], "2024-09-29");
  EXPECT_EQ (policy[0]["deadline_at"], "1727582400");
  EXPECT_TRUE (g_str_has_prefix (policy[0]["milestones"].c_str (),
                                 "[{\"kind\":\"no-new-sales\",\"date\":\"2024-07-20\","
                                 "\"at\":1721520000,"))
    << policy[0]["milestones"];
  EXPECT_NE (policy[0]["milestones"].find ("{\"kind\":\"end-of-updates\",\"date\":\"2024-09-29\","
                                           "\"time\":\"00:00:00-04:00\",\"at\":1727582400,"),
             std::string::npos)
    << policy[0]["milestones"];
}

TEST (PhaseoutStatus, DutchProfiles)
{
  World world ("kes-host", kNlCentral);
  auto central = world.runtime ("2019-01-01");
  auto row = status_of (central.get (), "nl-kamerbrief-2018");
  EXPECT_EQ (row["status"], "action_required");
  EXPECT_EQ (row["findings"], "5");
  EXPECT_EQ (row["days_remaining"], "<NULL>");
  EXPECT_EQ (row["deadline"], "<NULL>");
  EXPECT_EQ (row["next_milestone"], "<NULL>");
  EXPECT_EQ (status_of (central.get (), "us-dhs-bod-17-01")["status"], "not_applicable");
  EXPECT_EQ (status_of (central.get (), "us-dhs-bod-17-01")["applicability"], "other_jurisdiction");

  world.set_profile (kNlMunicipality);
  auto municipality = world.runtime ("2019-01-01");
  row = status_of (municipality.get (), "nl-kamerbrief-2018");
  EXPECT_EQ (row["status"], "not_applicable");
  EXPECT_EQ (row["applies"], "0");
  /* as the ministry told NU.nl: smaller governments are left out (reported) */
  EXPECT_EQ (row["applicability"], "excluded");
  EXPECT_EQ (row["findings"], "0");
  EXPECT_EQ (row["action"], "<NULL>");

  world.set_profile (kNlVitalSector);
  auto vital = world.runtime ("2019-01-01");
  row = status_of (vital.get (), "nl-kamerbrief-2018");
  EXPECT_EQ (row["status"], "advisory");
  EXPECT_EQ (row["applicability"], "advisory");
  EXPECT_EQ (row["findings"], "5");
}

TEST (PhaseoutStatus, NetworkAgentAloneIsCompliantWithTheDutchLetter)
{
  World world ("agent-only-host", kNlCentral);
  auto runtime = world.runtime ("2019-01-01");
  auto row = status_of (runtime.get (), "nl-kamerbrief-2018");
  EXPECT_EQ (row["status"], "compliant");
  EXPECT_EQ (row["findings"], "0");
}

TEST (PhaseoutStatus, CleanHostIsCompliantWithEveryApplicablePolicy)
{
  for (const char *profile : { kUsFederal, kNlCentral, "" })
    {
      World world ("clean-host", profile);
      auto runtime = world.runtime ("2019-01-01");
      auto rows = query (runtime.get (), "SELECT * FROM phaseout_status");
      ASSERT_EQ (rows.size (), 26u);
      for (const auto &row : rows)
        {
          EXPECT_EQ (row.at ("status"), row.at ("applies") == "1" ? "compliant" : "not_applicable")
            << profile << " " << row.at ("policy_id");
          EXPECT_EQ (row.at ("findings"), "0");
          EXPECT_EQ (row.at ("first_detected"), "<NULL>");
        }
      EXPECT_FALSE (where (rows, "status", "compliant").empty ()) << profile;
    }
}

/* the grace period counts from first detection, which the state database remembers */
TEST (PhaseoutStatus, GracePeriodCountsFromFirstDetection)
{
  World world ("kes-host", std::string (kNlCentral) + "grace-period-days=180\n");

  auto first = world.runtime ("2018-06-01T10:00:00Z");
  auto row = status_of (first.get (), "nl-kamerbrief-2018");
  EXPECT_EQ (row["first_detected"], "1527847200");
  EXPECT_EQ (row["deadline"], "2018-11-28");
  EXPECT_EQ (row["deadline_at"], "1543449600");
  EXPECT_EQ (row["deadline_source"], "grace_period");
  EXPECT_EQ (row["next_milestone"], "grace-period-end");
  EXPECT_EQ (row["next_milestone_date"], "2018-11-28");
  EXPECT_EQ (row["next_milestone_at"], "1543449600");
  EXPECT_EQ (row["days_remaining"], "180");
  EXPECT_EQ (row["status"], "action_required");

  auto on_the_day = world.runtime ("2018-11-28T23:00:00Z");
  row = status_of (on_the_day.get (), "nl-kamerbrief-2018");
  EXPECT_EQ (row["days_remaining"], "0");
  EXPECT_EQ (row["status"], "action_required");
  EXPECT_EQ (row["first_detected"], "1527847200");

  auto later = world.runtime ("2018-12-01");
  row = status_of (later.get (), "nl-kamerbrief-2018");
  EXPECT_EQ (row["days_remaining"], "-3");
  EXPECT_EQ (row["status"], "overdue");

  /* banned_software carries the same deadline */
  auto rows = query (later.get (), "SELECT DISTINCT deadline, days_remaining FROM banned_software");
  ASSERT_EQ (rows.size (), 1u);
  EXPECT_EQ (rows[0]["deadline"], "2018-11-28");
  EXPECT_EQ (rows[0]["days_remaining"], "-3");
}

/* a grace period needs a detection date: without history there is no deadline */
TEST (PhaseoutStatus, GracePeriodWithoutHistoryHasNoDays)
{
  World world ("kes-host", std::string (kNlCentral) + "grace-period-days=30\n");
  auto runtime = world.runtime_without_state ("2018-06-01");
  auto row = status_of (runtime.get (), "nl-kamerbrief-2018");
  EXPECT_EQ (row["status"], "action_required");
  EXPECT_EQ (row["days_remaining"], "<NULL>");
  EXPECT_EQ (row["first_detected"], "<NULL>");
  EXPECT_NE (row["action"].find ("grace period of 30 days"), std::string::npos) << row["action"];
}

/* a policy with its own deadline ignores the grace period */
TEST (PhaseoutStatus, PolicyDeadlineBeatsGracePeriod)
{
  World world ("kes-host", std::string (kUsFederal) + "grace-period-days=1000\n");
  auto runtime = world.runtime ("2017-12-20");
  auto row = status_of (runtime.get (), "us-dhs-bod-17-01");
  EXPECT_EQ (row["deadline_source"], "policy");
  EXPECT_EQ (row["status"], "overdue");
}

TEST (PhaseoutStatus, SwitchedOffPolicyIsNotApplicable)
{
  World world ("kes-host", std::string (kUsFederal) + "disabled-policies=us-dhs-bod-17-01\n");
  auto runtime = world.runtime ("2017-12-20");
  auto row = status_of (runtime.get (), "us-dhs-bod-17-01");
  EXPECT_EQ (row["applicability"], "switched_off");
  EXPECT_EQ (row["status"], "not_applicable");
  EXPECT_TRUE (query (runtime.get (), "SELECT * FROM banned_software WHERE policy_id = "
                                      "'us-dhs-bod-17-01'")
                 .empty ());
}

/* findings equals the policy's banned_software rows, for every policy */
TEST (PhaseoutStatus, FindingsMatchBannedSoftware)
{
  World world ("kes-host", "");
  /* after the last policy's issue date (Commerce, 2024-06-20) */
  auto runtime = world.runtime ("2025-01-01");
  auto rows = query (runtime.get (),
                     "SELECT s.policy_id, s.findings, (SELECT count(*) FROM banned_software b "
                     "WHERE b.policy_id = s.policy_id) AS rows FROM phaseout_status s");
  ASSERT_EQ (rows.size (), 26u);
  /* the policies that name Kaspersky and reach this host find it */
  std::vector<std::string> with_findings;
  for (const auto &row : rows)
    {
      EXPECT_EQ (row.at ("findings"), row.at ("rows")) << row.at ("policy_id");
      if (row.at ("findings") != "0")
        with_findings.push_back (row.at ("policy_id"));
    }
  std::sort (with_findings.begin (), with_findings.end ());
  EXPECT_EQ (with_findings, (std::vector<std::string>{
                              "de-bsi-2022", "it-dl21-2022", "lt-gov-2017", "nl-kamerbrief-2018",
                              "uk-ncsc-2017", "us-dhs-bod-17-01", "us-doc-ictsfd-2024",
                              "us-md-2022", "us-ndaa18-1634", "us-tx-2023", "us-wi-2023" }));
}

TEST (PhaseoutStatus, EvaluatedAtIsTheInjectedClock)
{
  World world ("clean-host", kUsFederal);
  auto runtime = world.runtime ("2020-02-29T12:34:56Z");
  EXPECT_EQ (status_of (runtime.get (), "us-dhs-bod-17-01")["evaluated_at"], "1582979696");
}

/*
 * --now with an offset: every instant is that instant, and days count in
 * UTC days.  2017-12-13T01:00:00+02:00 is still 12 December in UTC, the
 * last day of BOD 17-01's deadline
 */
TEST (PhaseoutStatus, NowWithAnOffset)
{
  World world ("kes-host", kUsFederal);
  auto runtime = world.runtime ("2017-12-13T01:00:00+02:00");
  auto row = status_of (runtime.get (), "us-dhs-bod-17-01");
  EXPECT_EQ (row["evaluated_at"], "1513119600");
  EXPECT_EQ (row["days_remaining"], "0");
  EXPECT_EQ (row["status"], "action_required");
  EXPECT_EQ (row["first_detected"], "1513119600");
  auto seen = query (runtime.get (), "SELECT DISTINCT first_seen, last_seen FROM banned_software "
                                     "WHERE policy_id = 'us-dhs-bod-17-01'");
  ASSERT_EQ (seen.size (), 1u);
  EXPECT_EQ (seen[0]["first_seen"], "1513119600");
  EXPECT_EQ (seen[0]["last_seen"], "1513119600");
  auto info = query (runtime.get (), "SELECT clock FROM phaseout_info");
  EXPECT_EQ (info[0]["clock"], "1513119600");
}
