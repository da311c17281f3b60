// SPDX-License-Identifier: Apache-2.0
//
// Known host timelines, logged as osqueryd logs them, give exactly the
// expected counts, burn-down and projected date: in every log format, in
// any order, read twice, with bad lines among them.
#include "fleet-test-util.h"

#include "po-test-shim.h"
#include "po-fleet-internal.h"

#include <algorithm>

#include <gtest/gtest.h>

using namespace fleet_test;

namespace {

const char *const P1 = "us-dhs-bod-17-01";
const char *const P2 = "nl-kamerbrief-2018";
const int AS_OF = 19;  // 2017-12-20
const int STALE = 7;

/*
 * 20 hosts with findings from 2017-12-01, overdue from 2017-12-13 (the day
 * after the deadline), each removing its findings a day after the one
 * before, from 2017-12-06; a host that stops reporting on 2017-12-11; a
 * clean one (advised by P2 for a while); one P1 does not apply to; one
 * enrolled on 2017-12-09 with findings that stay.
 */
Fleet
make_fleet ()
{
  Fleet fleet;
  fleet.policies = { { P1, "2017-12-12" }, { P2, "2018-01-31" } };
  for (int i = 0; i < 20; i++)
    {
      Host host;
      host.uuid = "4C4C4544-0000-1000-8000-" + std::string (i < 10 ? "00000000000" : "0000000000")
                  + std::to_string (i);
      host.hostname = "ws-" + std::to_string (100 + i) + ".agency.example";
      host.last_day = 40;
      int findings = 1 + i % 3;
      host.changes[P1] = { { 0, "action_required", findings } };
      if (5 + i > 12)
        host.changes[P1].push_back ({ 12, "overdue", findings });
      host.changes[P1].push_back ({ 5 + i, "compliant", 0 });
      fleet.hosts.push_back (host);
    }
  Host stale;
  stale.uuid = "STALE-0001";
  stale.hostname = "laptop-stale.agency.example";
  stale.last_day = 10;
  stale.product = "klnagent64";
  stale.changes[P1] = { { 0, "action_required", 2 } };
  fleet.hosts.push_back (stale);

  Host clean;
  clean.uuid = "CLEAN-0001";
  clean.hostname = "clean.agency.example";
  clean.last_day = 40;
  clean.changes[P1] = { { 0, "compliant", 0 } };
  clean.changes[P2] = { { 3, "advisory", 1 }, { 15, "compliant", 0 } };
  fleet.hosts.push_back (clean);

  Host other;
  other.uuid = "NA-0001";
  other.hostname = "contractor.example";
  other.last_day = 40;
  other.changes[P1] = { { 0, "not_applicable", 0 } };
  fleet.hosts.push_back (other);

  Host late;
  late.uuid = "LATE-0001";
  late.hostname = "new-server.agency.example";
  late.first_day = 8;
  late.last_day = 40;
  late.engine = "sql";
  late.changes[P1] = { { 8, "action_required", 1 }, { 12, "overdue", 1 } };
  fleet.hosts.push_back (late);
  return fleet;
}

const PoFleetPolicyReport *
find_policy (const PoFleetReport *report, const std::string &id)
{
  for (guint i = 0; i < report->policies->len; i++)
    {
      auto *policy = static_cast<PoFleetPolicyReport *> (g_ptr_array_index (report->policies, i));
      if (id == policy->policy_id)
        return policy;
    }
  return nullptr;
}

// the report of one policy against the model of the timelines
void
check_against_model (const Fleet &fleet, const PoFleetReport *report, const std::string &id,
                     int as_of)
{
  Expected expected = expect (fleet, id, as_of, STALE);
  const PoFleetPolicyReport *policy = find_policy (report, id);
  ASSERT_NE (policy, nullptr) << id;
  EXPECT_EQ (policy->hosts_total, expected.buckets["total"]) << id;
  for (guint b = 0; b < PO_FLEET_BUCKET_N; b++)
    EXPECT_EQ (policy->hosts[b], expected.buckets[po_fleet_bucket_to_string ((PoFleetBucket) b)])
      << id << " " << po_fleet_bucket_to_string ((PoFleetBucket) b);
  ASSERT_EQ (policy->burn_down->len, expected.burn_down.size ()) << id;
  for (guint k = 0; k < policy->burn_down->len; k++)
    {
      auto &point = g_array_index (policy->burn_down, PoFleetBurnPoint, k);
      EXPECT_EQ (point.day, day_of (fleet, expected.first_day + (int) k));
      EXPECT_EQ (point.hosts_with_findings, expected.burn_down[k])
        << id << " on " << date_of (fleet, expected.first_day + (int) k);
    }
  std::map<std::string, unsigned> products;
  for (guint k = 0; k < policy->products->len; k++)
    {
      auto *product = static_cast<PoFleetProduct *> (g_ptr_array_index (policy->products, k));
      products[product->product] = product->hosts;
    }
  EXPECT_EQ (products, expected.products) << id;
}

class FleetTimeline : public ::testing::Test {
 protected:
  po_test::TempDir dir;
  Fleet fleet = make_fleet ();
  std::string
  db () const
  {
    return dir.file ("fleet.db");
  }
};

}  // namespace

TEST_F (FleetTimeline, ExactCountsBurnDownAndProjection)
{
  StorePtr store = open_store (db ());
  std::vector<std::string> problems;
  PoFleetIngestStats stats = ingest_text (store.get (), dir.file ("osqueryd.results.log"),
                                          join_lines (write_log (fleet, Format::Event, AS_OF)),
                                          &problems);
  EXPECT_EQ (stats.malformed, 0u);
  EXPECT_EQ (stats.bad_rows, 0u);
  EXPECT_TRUE (problems.empty ()) << problems.front ();
  ReportPtr report = build_report (store.get (), day_of (fleet, AS_OF), STALE);
  ASSERT_TRUE (report);
  check_against_model (fleet, report.get (), P1, AS_OF);
  check_against_model (fleet, report.get (), P2, AS_OF);

  // worked out by hand from the timelines (see make_fleet)
  const PoFleetPolicyReport *p1 = find_policy (report.get (), P1);
  ASSERT_NE (p1, nullptr);
  EXPECT_EQ (p1->hosts_total, 24u);
  EXPECT_EQ (p1->hosts[PO_FLEET_BUCKET_COMPLIANT], 16u);
  EXPECT_EQ (p1->hosts[PO_FLEET_BUCKET_OVERDUE], 6u);
  EXPECT_EQ (p1->hosts[PO_FLEET_BUCKET_NOT_APPLICABLE], 1u);
  EXPECT_EQ (p1->hosts[PO_FLEET_BUCKET_STALE], 1u);
  EXPECT_STREQ (p1->deadline, "2017-12-12");
  ASSERT_EQ (p1->burn_down->len, 20u);
  EXPECT_EQ (g_array_index (p1->burn_down, PoFleetBurnPoint, 0).hosts_with_findings, 21u);
  EXPECT_EQ (g_array_index (p1->burn_down, PoFleetBurnPoint, 19).hosts_with_findings, 7u);
  // least squares over 2017-12-07..20 (19, 18, 18, 17, ..., 7): slope -0.947,
  // 7.2 today, zero after 7.6 days
  gchar buf[16];
  EXPECT_STREQ (po_fleet_day_format (p1->projected_zero, buf), "2017-12-28");
  EXPECT_FALSE (p1->zero_reached);

  const PoFleetPolicyReport *p2 = find_policy (report.get (), P2);
  ASSERT_NE (p2, nullptr);
  EXPECT_TRUE (p2->zero_reached);
  EXPECT_STREQ (po_fleet_day_format (p2->projected_zero, buf), "2017-12-16");
  EXPECT_EQ (p2->hosts[PO_FLEET_BUCKET_ADVISORY], 0u);

  // the hosts themselves: the stale one is listed as stale with its last report
  bool seen_stale = false;
  for (guint i = 0; i < p1->hosts_list->len; i++)
    {
      auto *host = static_cast<PoFleetHost *> (g_ptr_array_index (p1->hosts_list, i));
      if (std::string (host->host_key) == "STALE-0001")
        {
          seen_stale = true;
          EXPECT_EQ (host->bucket, PO_FLEET_BUCKET_STALE);
          EXPECT_STREQ (host->status, "action_required");
          EXPECT_STREQ (host->hostname, "laptop-stale.agency.example");
          EXPECT_EQ (po_fleet_day_of (host->last_seen), day_of (fleet, 10));
        }
    }
  EXPECT_TRUE (seen_stale);
}

TEST_F (FleetTimeline, EveryAsOfDateMatchesTheModel)
{
  StorePtr store = open_store (db ());
  ingest_text (store.get (), dir.file ("all.log"),
               join_lines (write_log (fleet, Format::Event, 30)));
  for (int as_of : { 0, 4, 10, 11, 12, 13, 19, 25, 30 })
    {
      SCOPED_TRACE ("as of " + date_of (fleet, as_of));
      ReportPtr report = build_report (store.get (), day_of (fleet, as_of), STALE);
      ASSERT_TRUE (report);
      check_against_model (fleet, report.get (), P1, as_of);
      if (as_of >= 3)
        check_against_model (fleet, report.get (), P2, as_of);
    }
}

TEST_F (FleetTimeline, EveryLogFormatGivesTheSameReport)
{
  std::string reference;
  for (Format format : all_formats ())
    {
      SCOPED_TRACE (format_name (format));
      std::string path = dir.file (std::string (format_name (format)) + ".db");
      StorePtr store = open_store (path);
      std::vector<std::string> problems;
      PoFleetIngestStats stats = ingest_text (store.get (), path + ".log",
                                              join_lines (write_log (fleet, format, AS_OF)),
                                              &problems);
      EXPECT_EQ (stats.malformed + stats.bad_rows + stats.ignored, 0u)
        << (problems.empty () ? "" : problems.front ());
      ReportPtr report = build_report (store.get (), day_of (fleet, AS_OF), STALE);
      ASSERT_TRUE (report);
      check_against_model (fleet, report.get (), P1, AS_OF);
      check_against_model (fleet, report.get (), P2, AS_OF);
      std::string text = summary (report.get ());
      if (reference.empty ())
        reference = text;
      EXPECT_EQ (text, reference);
    }
}

TEST_F (FleetTimeline, FleetFormatKeepsTheEnginePerHost)
{
  StorePtr store = open_store (db ());
  ingest_text (store.get (), dir.file ("fleet.log"),
               join_lines (write_log (fleet, Format::Fleet, AS_OF)));
  ReportPtr report = build_report (store.get (), day_of (fleet, AS_OF), STALE);
  ASSERT_TRUE (report);
  const PoFleetPolicyReport *p1 = find_policy (report.get (), P1);
  ASSERT_NE (p1, nullptr);
  unsigned sql = 0, extension = 0;
  for (guint i = 0; i < p1->hosts_list->len; i++)
    {
      auto *host = static_cast<PoFleetHost *> (g_ptr_array_index (p1->hosts_list, i));
      std::string engine = host->engine ? host->engine : "(none)";
      if (std::string (host->host_key) == "LATE-0001")
        {
          EXPECT_EQ (engine, "sql");
        }
      sql += engine == "sql";
      extension += engine == "extension";
    }
  EXPECT_EQ (sql, 1u);
  EXPECT_EQ (extension, 23u);
}

TEST_F (FleetTimeline, ReadingTwiceAddsNothing)
{
  std::string log = join_lines (write_log (fleet, Format::Event, AS_OF));
  StorePtr store = open_store (db ());
  ingest_text (store.get (), dir.file ("a.log"), log);
  std::string once = report_json (store.get (), day_of (fleet, AS_OF), STALE);

  // the same file again: nothing new to read
  PoFleetIngestStats again = ingest_files (store.get (), { dir.file ("a.log") });
  EXPECT_EQ (again.lines, 0u);
  EXPECT_EQ (again.resumed_bytes, log.size ());
  // the same lines under another name (a copy): read, and change nothing
  PoFleetIngestStats copy = ingest_text (store.get (), dir.file ("copy-without-first-line.log"),
                                         log.substr (log.find ('\n') + 1));
  EXPECT_GT (copy.rows, 0u);
  std::string twice = report_json (store.get (), day_of (fleet, AS_OF), STALE);
  EXPECT_EQ (twice, once);
}

TEST_F (FleetTimeline, RotatedFilesInAnyOrderGiveTheSameReport)
{
  std::vector<std::string> lines = write_log (fleet, Format::Batch, AS_OF);
  StorePtr ordered = open_store (dir.file ("ordered.db"));
  ingest_text (ordered.get (), dir.file ("whole.log"), join_lines (lines));
  std::string expected = report_json (ordered.get (), day_of (fleet, AS_OF), STALE);

  // osqueryd.results.log.2 (oldest), .1, and the live file, read newest first
  size_t third = lines.size () / 3;
  std::vector<std::string> parts = {
    join_lines ({ lines.begin (), lines.begin () + third }),
    join_lines ({ lines.begin () + third, lines.begin () + 2 * third }),
    join_lines ({ lines.begin () + 2 * third, lines.end () }),
  };
  for (int i = 0; i < 3; i++)
    {
      std::string name = i == 2 ? "results.log" : "results.log." + std::to_string (2 - i);
      ASSERT_TRUE (g_file_set_contents (dir.file (name).c_str (), parts[i].data (),
                                        (gssize) parts[i].size (), nullptr));
    }
  StorePtr rotated = open_store (dir.file ("rotated.db"));
  ingest_files (rotated.get (), { dir.file ("results.log"), dir.file ("results.log.1"),
                                  dir.file ("results.log.2") });
  EXPECT_EQ (report_json (rotated.get (), day_of (fleet, AS_OF), STALE), expected);
}

TEST_F (FleetTimeline, RenameRotationResumesAndTheNewFileIsRead)
{
  std::vector<std::string> lines = write_log (fleet, Format::Event, AS_OF);
  StorePtr whole = open_store (dir.file ("whole.db"));
  ingest_text (whole.get (), dir.file ("whole.log"), join_lines (lines));
  std::string expected = report_json (whole.get (), day_of (fleet, AS_OF), STALE);

  size_t half = lines.size () / 2;
  std::string first = join_lines ({ lines.begin (), lines.begin () + half });
  std::string second = join_lines ({ lines.begin () + half, lines.end () });
  StorePtr store = open_store (db ());
  ingest_text (store.get (), dir.file ("results.log"), first);
  // logrotate renames the file, osqueryd starts a new one; cron reads both
  ASSERT_EQ (rename (dir.file ("results.log").c_str (), dir.file ("results.log.1").c_str ()), 0);
  ASSERT_TRUE (g_file_set_contents (dir.file ("results.log").c_str (), second.data (),
                                    (gssize) second.size (), nullptr));
  PoFleetIngestStats stats = ingest_files (store.get (), { dir.file ("results.log.1"),
                                                           dir.file ("results.log") });
  EXPECT_EQ (stats.resumed_bytes, first.size ());
  EXPECT_EQ (stats.lines, lines.size () - half);
  EXPECT_EQ (report_json (store.get (), day_of (fleet, AS_OF), STALE), expected);
}

TEST_F (FleetTimeline, CopyTruncateRotationReadsTheNewContent)
{
  std::vector<std::string> lines = write_log (fleet, Format::Snapshot, AS_OF);
  StorePtr whole = open_store (dir.file ("whole.db"));
  ingest_text (whole.get (), dir.file ("whole.log"), join_lines (lines));
  std::string expected = report_json (whole.get (), day_of (fleet, AS_OF), STALE);

  size_t half = lines.size () / 2;
  StorePtr store = open_store (db ());
  ingest_text (store.get (), dir.file ("results.log"),
               join_lines ({ lines.begin (), lines.begin () + half }));
  // copytruncate: the same file, emptied and written again from its start
  PoFleetIngestStats stats = ingest_text (store.get (), dir.file ("results.log"),
                                          join_lines ({ lines.begin () + half, lines.end () }));
  EXPECT_EQ (stats.resumed_bytes, 0u);
  EXPECT_EQ (stats.lines, lines.size () - half);
  EXPECT_EQ (report_json (store.get (), day_of (fleet, AS_OF), STALE), expected);
}

TEST_F (FleetTimeline, AppendedLinesAreReadOnce)
{
  std::vector<std::string> lines = write_log (fleet, Format::Event, AS_OF);
  StorePtr whole = open_store (dir.file ("whole.db"));
  ingest_text (whole.get (), dir.file ("whole.log"), join_lines (lines));
  std::string expected = report_json (whole.get (), day_of (fleet, AS_OF), STALE);

  StorePtr store = open_store (db ());
  std::string path = dir.file ("results.log");
  size_t done = 0;
  std::string text;
  // osqueryd appends; a timer reads every so often, sometimes mid-line
  for (size_t step : { 7u, 100u, 1u, 333u, 2000u })
    {
      size_t upto = std::min (lines.size (), done + step);
      for (; done < upto; done++)
        text += lines[done] + "\n";
      std::string cut = done < lines.size () ? lines[done].substr (0, lines[done].size () / 2) : "";
      std::string on_disk = text + cut;
      ASSERT_TRUE (
        g_file_set_contents (path.c_str (), on_disk.data (), (gssize) on_disk.size (), nullptr));
      std::vector<std::string> problems;
      PoFleetIngestStats stats = ingest_files (store.get (), { path }, &problems);
      EXPECT_EQ (stats.incomplete, cut.empty () ? 0u : 1u);
      EXPECT_EQ (stats.malformed, 0u);
    }
  EXPECT_EQ (done, lines.size ());
  EXPECT_EQ (report_json (store.get (), day_of (fleet, AS_OF), STALE), expected);

  // a whole last line without its newline is read; its newline, when it
  // comes, does not count as a line, so problems keep their line numbers
  std::string first = lines[0] + "\n" + lines[1];
  std::string more = first + "\n" + "garbage\n";
  StorePtr other = open_store (dir.file ("other.db"));
  ASSERT_TRUE (g_file_set_contents (dir.file ("growing.log").c_str (), first.data (),
                                    (gssize) first.size (), nullptr));
  PoFleetIngestStats before = ingest_files (other.get (), { dir.file ("growing.log") });
  EXPECT_EQ (before.lines, 2u);
  EXPECT_EQ (before.incomplete, 0u);
  ASSERT_TRUE (g_file_set_contents (dir.file ("growing.log").c_str (), more.data (),
                                    (gssize) more.size (), nullptr));
  std::vector<std::string> problems;
  PoFleetIngestStats after = ingest_files (other.get (), { dir.file ("growing.log") }, &problems);
  EXPECT_EQ (after.lines, 1u);
  ASSERT_EQ (problems.size (), 1u);
  EXPECT_NE (problems[0].find ("growing.log:3: "), std::string::npos) << problems[0];
}

TEST_F (FleetTimeline, MalformedLinesAreReportedAndLoseNothing)
{
  std::vector<std::string> lines = write_log (fleet, Format::Event, AS_OF);
  StorePtr clean = open_store (dir.file ("clean.db"));
  ingest_text (clean.get (), dir.file ("clean.log"), join_lines (lines));
  std::string expected = report_json (clean.get (), day_of (fleet, AS_OF), STALE);

  std::vector<std::string> dirty = lines;
  // a cut line, garbage, a line of another query, a bad row, an overlong line
  dirty.insert (dirty.begin () + 10, lines[10].substr (0, lines[10].size () / 2));
  dirty.insert (dirty.begin () + 20, "\x01\x02 not json at all");
  dirty.insert (dirty.begin () + 30,
                "{\"name\":\"pack_it_processes\",\"hostIdentifier\":\"x\",\"unixTime\":1512115200,"
                "\"columns\":{\"pid\":\"1\"},\"action\":\"added\"}");
  dirty.insert (dirty.begin () + 40,
                "{\"name\":\"pack_phaseout_phaseout_status\",\"hostIdentifier\":\"x\","
                "\"unixTime\":1512115200,\"columns\":{\"policy_id\":\"p\",\"status\":\"bogus\","
                "\"findings\":\"1\"},\"action\":\"added\"}");
  dirty.insert (dirty.begin () + 50, "{\"name\":\"pack_phaseout_phaseout_status\"}");
  dirty.insert (dirty.begin () + 60, std::string (5 << 20, 'x'));
  dirty.insert (dirty.begin () + 70, "");
  StorePtr store = open_store (db ());
  std::vector<std::string> problems;
  PoFleetIngestStats stats = ingest_text (store.get (), dir.file ("dirty.log"), join_lines (dirty),
                                          &problems);
  EXPECT_EQ (stats.malformed, 4u);
  EXPECT_EQ (stats.bad_rows, 1u);
  EXPECT_EQ (stats.ignored, 1u);
  ASSERT_EQ (problems.size (), 5u);
  EXPECT_NE (problems[0].find ("dirty.log:11: "), std::string::npos) << problems[0];
  EXPECT_NE (problems[1].find ("dirty.log:21: "), std::string::npos) << problems[1];
  EXPECT_NE (problems[2].find ("dirty.log:41: row 1: status \"bogus\""), std::string::npos)
    << problems[2];
  EXPECT_NE (problems[3].find ("dirty.log:51: "), std::string::npos) << problems[3];
  EXPECT_NE (problems[4].find ("dirty.log:61: longer than 4 MiB"), std::string::npos)
    << problems[4];
  // the bad row's host reported: it is a host, with no status of p
  std::string report = report_json (store.get (), day_of (fleet, AS_OF), STALE);
  EXPECT_EQ (report, expected);
}
