/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One truth, two engines: phaseout_status and banned_software exported as
 * plain osquery SQL (`phaseout export sql --table`) against the extension's
 * own tables, on the same fixture hosts.  For every Linux fixture host of
 * tests/fixtures/compliance/, every test profile and every date below, the
 * extension runs on the host tree (its embedded engine with --root and --now,
 * without history, which the SQL cannot have), and the exported query runs in an
 * SQLite database holding osquery's core tables (osquery-schemas/) filled
 * with what osqueryd would show on that host (osquery-host.cc), its time
 * table set to the same instant.  The SQL is exported once per profile: the
 * dates are the query's business, as they are in a pack deployed for years.
 */
#include "export-test-util.h"
#include "osquery-host.h"

#include "po-engine.h"

#include <glib/gstdio.h>

#include <algorithm>
#include <set>

using namespace po_test;

namespace {

struct Profile {
  const char *name;
  const char *body; /* the [profile] group's lines; "" for no profile */
};

const Profile kProfiles[] = {
  { "us-federal", "jurisdictions=US\norganisation-types=federal-executive\n" },
  { "nl-central", "jurisdictions=NL\norganisation-types=central-government\n" },
  { "nl-vital", "jurisdictions=NL\norganisation-types=vital-sector\n" },
  { "nl-municipality", "jurisdictions=NL\norganisation-types=municipality\n" },
  { "us-business", "jurisdictions=US\norganisation-types=business\n" },
  /* the grace period's words without history, and a policy switched off */
  { "nl-central-grace", "jurisdictions=NL\norganisation-types=central-government\n"
                        "grace-period-days=90\n" },
  { "us-federal-switched", "jurisdictions=US\norganisation-types=federal-executive\n"
                           "disabled-policies=us-ndaa18-1634\n" },
  { "none", "" },
};

const char *const kHosts[] = { "kes-host", "agent-only-host", "clean-host", "apps-host" };

/* the instrument's boundaries: BOD 17-01 (issued 2017-09-13; identify by
 * 10-13, plan by 11-12, begin removal by 12-12: days 29, 31, 91 and the
 * days around them), the Dutch letter (2018-05-14), NDAA section 1634
 * (2017-12-12, 2018-07-16, 2018-10-01), the Commerce determination
 * (2024-06-20; 2024-07-20; 2024-09-29T00:00:00-04:00, a timed deadline) */
const char *const kDates[] = {
  "2017-09-12T23:59:59Z", "2017-09-13T00:00:00Z", "2017-10-12T12:00:00Z", "2017-10-13T23:59:59Z",
  "2017-10-14T00:00:00Z", "2017-12-12T08:00:00Z", "2017-12-13T00:00:00Z", "2018-05-14T09:00:00Z",
  "2018-07-17T00:00:00Z", "2018-10-01T00:00:00Z", "2024-06-20T00:00:00Z", "2024-07-21T00:00:00Z",
  "2024-09-28T04:00:00Z", "2024-09-29T03:59:59Z", "2024-09-29T04:00:00Z", "2024-09-30T03:59:59Z",
  "2026-03-01T00:00:00Z",
};

class World {
 public:
  explicit World (const Profile &profile)
  {
    config_ = dir_.file ("phaseout.conf");
    dir_.write ("phaseout.conf", std::string ("[profile]\n") + profile.body, 0600);
    policy_dir_ = dir_.file ("policies.d");
    g_mkdir (policy_dir_.c_str (), 0755);
  }

  /* the exported query of table for Linux hosts */
  std::string
  exported (const std::string &table) const
  {
    ProcessResult result = run_process ({ build_path ("cli/phaseout"), "export", "sql", "--table",
                                          table, "--platform", "linux", "--config", config_,
                                          "--policy-dir", policy_dir_ });
    EXPECT_EQ (result.status, 0) << result.err;
    return result.out;
  }

  /* the extension's table on host at now, through the embedded engine */
  std::vector<Row>
  extension (const std::string &host, const std::string &now, const std::string &sql) const
  {
    RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("compliance/" + host) },
                                         { "config", config_ },
                                         { "policy-dir", policy_dir_ },
                                         { "now", now } });
    return po_test::engine_rows (runtime.get (), sql);
  }

 private:
  TempDir dir_;
  std::string config_;
  std::string policy_dir_;
};

long long
unix_time (const std::string &iso)
{
  GDateTime *time = g_date_time_new_from_iso8601 (iso.c_str (), NULL);
  long long out = g_date_time_to_unix (time);
  g_date_time_unref (time);
  return out;
}

/* a row as one line, every column but engine, for comparing multisets */
std::string
row_line (const Row &row)
{
  std::string out;
  for (const auto &column : row)
    if (column.first != "engine")
      out += column.first + "=" + column.second + "; ";
  return out;
}

}  // namespace

TEST (ExportStatus, OneTruthTwoEngines)
{
  /* what the comparisons covered, so that the matrix cannot pass empty */
  std::set<std::string> statuses, applicabilities;
  size_t finding_rows = 0;

  for (const Profile &profile : kProfiles)
    {
      World world (profile);
      std::string status_sql = world.exported ("phaseout_status");
      std::string banned_sql = world.exported ("banned_software");

      for (const char *host : kHosts)
        {
          OsqueryDb db (PO_EXPORT_PLATFORM_LINUX);
          db.load_json (osquery_rows_from_root (fixture_path (std::string ("compliance/") + host)));
          ASSERT_TRUE (db.prepares (status_sql));
          ASSERT_TRUE (db.prepares (banned_sql));

          for (const char *now : kDates)
            {
              SCOPED_TRACE (std::string (profile.name) + " on " + host + " at " + now);
              db.set_time (unix_time (now));

              std::vector<Row> expected = world.extension (host, now,
                                                           "SELECT * FROM phaseout_status");
              std::vector<Row> actual = db.query (status_sql);
              ASSERT_EQ (actual.size (), expected.size ());
              for (size_t i = 0; i < expected.size (); i++)
                {
                  const Row &want = expected[i];
                  const Row &got = actual[i];
                  SCOPED_TRACE (want.at ("policy_id"));
                  EXPECT_EQ (got.size (), want.size ()) << "the same columns";
                  EXPECT_EQ (want.at ("engine"), "extension");
                  for (const auto &column : want)
                    {
                      if (column.first == "engine")
                        continue;
                      ASSERT_TRUE (got.count (column.first)) << column.first;
                      EXPECT_EQ (got.at (column.first), column.second) << column.first;
                    }
                  EXPECT_EQ (got.at ("engine"), "sql");
                  statuses.insert (want.at ("status"));
                  applicabilities.insert (want.at ("applicability"));
                }

              std::vector<std::string> want_findings, got_findings;
              for (const Row &row : world.extension (host, now, "SELECT * FROM banned_software"))
                want_findings.push_back (row_line (row));
              for (const Row &row : db.query (banned_sql))
                got_findings.push_back (row_line (row));
              finding_rows += want_findings.size ();
              std::sort (want_findings.begin (), want_findings.end ());
              std::sort (got_findings.begin (), got_findings.end ());
              EXPECT_EQ (got_findings, want_findings);
            }
        }
    }
  EXPECT_EQ (statuses, (std::set<std::string>{ "action_required", "advisory", "compliant",
                                               "not_applicable", "overdue" }));
  for (const char *applicability : { "binding", "advisory", "excluded", "out_of_scope",
                                     "other_jurisdiction", "not_issued", "switched_off" })
    EXPECT_TRUE (applicabilities.count (applicability)) << applicability;
  EXPECT_GT (finding_rows, 1000u);
}

/*
 * Windows and macOS hosts (tests/fixtures/export/<platform>/, README.md
 * there names where each identifier comes from) on BOD 17-01's day 29
 * (2017-10-12: identify and report by 10-13), day 31 (2017-10-14: the plan
 * is next) and day 91 (2017-12-13: removal should have begun, and NDAA
 * section 1634 is in force), and with the Dutch profiles in June 2018.
 */
namespace {

struct Expect {
  const char *policy;
  const char *status;
  const char *next_milestone; /* NULL: not checked */
  const char *days_remaining; /* NULL: not checked */
};

struct PlatformCase {
  PoExportPlatform platform;
  const char *host;
  bool kaspersky_av;  /* Kaspersky anti-virus is on it */
  bool kaspersky_any; /* any Kaspersky software is on it */
};

const PlatformCase kPlatformHosts[] = {
  { PO_EXPORT_PLATFORM_WINDOWS, "kes-21", true, true },
  { PO_EXPORT_PLATFORM_WINDOWS, "antivirus", true, true },
  { PO_EXPORT_PLATFORM_WINDOWS, "agent", false, true },
  { PO_EXPORT_PLATFORM_WINDOWS, "eset", false, false },
  { PO_EXPORT_PLATFORM_WINDOWS, "defender", false, false },
  { PO_EXPORT_PLATFORM_WINDOWS, "clamav", false, false },
  { PO_EXPORT_PLATFORM_WINDOWS, "lookalike", false, false },
  { PO_EXPORT_PLATFORM_DARWIN, "antivirus", true, true },
  { PO_EXPORT_PLATFORM_DARWIN, "eset", false, false },
  { PO_EXPORT_PLATFORM_DARWIN, "defender", false, false },
  { PO_EXPORT_PLATFORM_DARWIN, "clamav", false, false },
  { PO_EXPORT_PLATFORM_DARWIN, "lookalike", false, false },
};

std::string
export_table (const std::string &table, PoExportPlatform platform, const std::string &config,
              const std::string &policy_dir)
{
  ProcessResult result = run_process (
    { build_path ("cli/phaseout"), "export", "sql", "--table", table, "--platform",
      po_export_platform_to_string (platform), "--config", config, "--policy-dir", policy_dir });
  EXPECT_EQ (result.status, 0) << result.err;
  return result.out;
}

void
check_statuses (const PlatformCase &host, const Profile &profile, const char *now,
                const std::vector<Expect> &expects)
{
  TempDir dir;
  dir.write ("phaseout.conf", std::string ("[profile]\n") + profile.body, 0600);
  g_mkdir (dir.file ("policies.d").c_str (), 0755);
  std::string status_sql = export_table ("phaseout_status", host.platform,
                                         dir.file ("phaseout.conf"), dir.file ("policies.d"));
  std::string banned_sql = export_table ("banned_software", host.platform,
                                         dir.file ("phaseout.conf"), dir.file ("policies.d"));
  OsqueryDb db (host.platform);

  SCOPED_TRACE (std::string (po_export_platform_to_string (host.platform)) + "/" + host.host + " "
                + profile.name + " at " + now);
  db.load (host.host);
  db.set_time (unix_time (now));
  std::vector<Row> rows = db.query (status_sql);
  std::vector<Row> findings = db.query (banned_sql);
  ASSERT_FALSE (rows.empty ());
  for (const Expect &expect : expects)
    {
      bool seen = false;
      for (const Row &row : rows)
        {
          if (row.at ("policy_id") != expect.policy)
            continue;
          seen = true;
          EXPECT_EQ (row.at ("status"), expect.status)
            << expect.policy << ": " << row.at ("reason");
          if (expect.next_milestone != NULL)
            {
              EXPECT_EQ (row.at ("next_milestone"), expect.next_milestone) << expect.policy;
            }
          if (expect.days_remaining != NULL)
            {
              EXPECT_EQ (row.at ("days_remaining"), expect.days_remaining) << expect.policy;
            }
          /* a compliant or inapplicable policy has no findings, the others some */
          bool clean = std::string (expect.status) == "compliant"
                       || std::string (expect.status) == "not_applicable";
          EXPECT_EQ (row.at ("findings") == "0", clean) << expect.policy;
          size_t policy_findings = 0;
          for (const Row &finding : findings)
            policy_findings += finding.at ("policy_id") == expect.policy ? 1 : 0;
          EXPECT_EQ (row.at ("findings"), std::to_string (policy_findings)) << expect.policy;
        }
      EXPECT_TRUE (seen) << expect.policy;
    }
  for (const Row &row : rows)
    EXPECT_EQ (row.at ("engine"), "sql");
  for (const Row &row : findings)
    {
      EXPECT_EQ (row.at ("engine"), "sql");
      EXPECT_EQ (row.at ("vendor"), "kaspersky");
      EXPECT_NE (row.at ("indicator"), "<NULL>");
      EXPECT_NE (row.at ("required_action"), "<NULL>");
    }
}

}  // namespace

TEST (ExportStatus, WindowsAndMacOnTheDirectivesDays)
{
  const Profile &us = kProfiles[0];
  for (const PlatformCase &host : kPlatformHosts)
    {
      const char *bod = host.kaspersky_any ? "action_required" : "compliant";
      check_statuses (host, us, "2017-10-12T12:00:00Z",
                      { { "us-dhs-bod-17-01", bod, "identify", "61" },
                        { "us-ndaa18-1634", "not_applicable", "other", NULL },
                        { "us-doc-ictsfd-2024", "not_applicable", NULL, NULL },
                        { "nl-kamerbrief-2018", "not_applicable", NULL, NULL } });
      check_statuses (host, us, "2017-10-14T12:00:00Z",
                      { { "us-dhs-bod-17-01", bod, "plan", "59" } });
      check_statuses (host, us, "2017-12-13T12:00:00Z",
                      { { "us-dhs-bod-17-01", host.kaspersky_any ? "overdue" : "compliant",
                          "begin-removal", "-1" },
                        { "us-ndaa18-1634", host.kaspersky_any ? "action_required" : "compliant",
                          "other", "292" } });
    }
}

TEST (ExportStatus, WindowsAndMacForTheDutchProfiles)
{
  const Profile &central = kProfiles[1], &vital = kProfiles[2], &municipality = kProfiles[3];
  for (const PlatformCase &host : kPlatformHosts)
    {
      check_statuses (host, central, "2018-06-01T09:00:00Z",
                      { { "nl-kamerbrief-2018", host.kaspersky_av ? "action_required" : "compliant",
                          NULL, "<NULL>" },
                        { "us-dhs-bod-17-01", "not_applicable", NULL, NULL } });
      check_statuses (host, vital, "2018-06-01T09:00:00Z",
                      { { "nl-kamerbrief-2018", host.kaspersky_av ? "advisory" : "compliant", NULL,
                          NULL } });
      check_statuses (host, municipality, "2018-06-01T09:00:00Z",
                      { { "nl-kamerbrief-2018", "not_applicable", NULL, NULL } });
    }
}
