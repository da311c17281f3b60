// SPDX-License-Identifier: Apache-2.0
//
// The store's PostgreSQL form against a real server the test starts itself
// (initdb and pg_ctl on a temporary directory, a Unix socket only, run as
// the unprivileged "postgres" user when the test runs as root): the same
// logs give the same report, to the byte, as on SQLite.  One test case, so
// the server starts once.
#include "fleet-test-util.h"

#include "po-test-shim.h"

#include <gtest/gtest.h>

using namespace fleet_test;

namespace {

Fleet
small_fleet ()
{
  Fleet fleet;
  fleet.policies = { { "us-dhs-bod-17-01", "2017-12-12" }, { "nl-kamerbrief-2018", "2018-01-31" } };
  for (int i = 0; i < 12; i++)
    {
      Host host;
      host.uuid = "PG-HOST-" + std::to_string (i);
      host.hostname = "pg-" + std::to_string (i) + ".example";
      host.last_day = i == 3 ? 6 : 30;
      host.first_day = i == 11 ? 9 : 0;
      host.engine = i % 4 == 0 ? "sql" : "extension";
      host.product = i % 2 ? "kesl" : "klnagent64";
      host.changes["us-dhs-bod-17-01"] = { { host.first_day, "action_required", 1 + i % 2 },
                                           { 12, "overdue", 1 + i % 2 } };
      if (i < 9)
        host.changes["us-dhs-bod-17-01"].push_back ({ 13 + i, "compliant", 0 });
      if (i == 5)
        host.changes["nl-kamerbrief-2018"] = { { 2, "advisory", 2 }, { 8, "compliant", 0 } };
      fleet.hosts.push_back (host);
    }
  return fleet;
}

}  // namespace

TEST (FleetPostgres, SameReportAsSqlite)
{
  PgServer server;
  if (!server.available ())
    GTEST_SKIP () << server.why ();
  ASSERT_TRUE (server.started ()) << server.error ();

  po_test::TempDir dir;
  Fleet fleet = small_fleet ();
  int db_number = 0;
  for (Format format :
       { Format::Event, Format::Batch, Format::SnapshotEvents, Format::Legacy, Format::Fleet })
    {
      SCOPED_TRACE (format_name (format));
      std::string log = dir.file (std::string (format_name (format)) + ".log");
      std::string text = join_lines (write_log (fleet, format, 25));
      ASSERT_TRUE (
        g_file_set_contents (log.c_str (), text.data (), (gssize) text.size (), nullptr));

      StorePtr sqlite = open_store (dir.file (std::string (format_name (format)) + ".db"));
      StorePtr pg = open_store (server.create_database ("fleet_" + std::to_string (db_number++)));
      ASSERT_TRUE (sqlite && pg);
      EXPECT_STREQ (po_fleet_store_get_kind (pg.get ()), "postgresql");
      PoFleetIngestStats on_sqlite = ingest_files (sqlite.get (), { log });
      PoFleetIngestStats on_pg = ingest_files (pg.get (), { log });
      EXPECT_EQ (on_pg.rows, on_sqlite.rows);
      EXPECT_EQ (on_pg.malformed + on_pg.bad_rows, 0u);

      // read again: PostgreSQL keeps the read position too
      PoFleetIngestStats again = ingest_files (pg.get (), { log });
      EXPECT_EQ (again.lines, 0u);
      EXPECT_EQ (again.resumed_bytes, text.size ());

      for (int as_of : { 0, 5, 12, 19, 25 })
        {
          SCOPED_TRACE ("as of " + date_of (fleet, as_of));
          std::string expected = report_json (sqlite.get (), day_of (fleet, as_of), 7);
          EXPECT_EQ (report_json (pg.get (), day_of (fleet, as_of), 7), expected);
          ReportPtr report = build_report (pg.get (), day_of (fleet, as_of), 7);
          ASSERT_TRUE (report);
          Expected model = expect (fleet, "us-dhs-bod-17-01", as_of, 7);
          auto *policy = static_cast<PoFleetPolicyReport *> (
            g_ptr_array_index (report->policies, report->policies->len - 1));
          ASSERT_STREQ (policy->policy_id, "us-dhs-bod-17-01");
          ASSERT_EQ (policy->burn_down->len, model.burn_down.size ());
          for (guint k = 0; k < policy->burn_down->len; k++)
            EXPECT_EQ (g_array_index (policy->burn_down, PoFleetBurnPoint, k).hosts_with_findings,
                       model.burn_down[k]);
          EXPECT_EQ (policy->hosts[PO_FLEET_BUCKET_STALE], model.buckets["stale"]);
          EXPECT_EQ (policy->hosts[PO_FLEET_BUCKET_OVERDUE], model.buckets["overdue"]);
          EXPECT_EQ (policy->hosts[PO_FLEET_BUCKET_COMPLIANT], model.buckets["compliant"]);
        }
    }

  // out of order and partly twice on PostgreSQL too
  std::vector<std::string> lines = write_log (fleet, Format::Event, 25);
  size_t half = lines.size () / 2;
  std::string older = join_lines ({ lines.begin (), lines.begin () + half + 50 });
  std::string newer = join_lines ({ lines.begin () + half, lines.end () });
  ASSERT_TRUE (g_file_set_contents (dir.file ("older.log").c_str (), older.data (),
                                    (gssize) older.size (), nullptr));
  ASSERT_TRUE (g_file_set_contents (dir.file ("newer.log").c_str (), newer.data (),
                                    (gssize) newer.size (), nullptr));
  StorePtr sqlite = open_store (dir.file ("ordered.db"));
  ingest_text (sqlite.get (), dir.file ("ordered.log"), join_lines (lines));
  StorePtr pg = open_store (server.create_database ("fleet_shuffled"));
  ingest_files (pg.get (), { dir.file ("newer.log"), dir.file ("older.log") });
  EXPECT_EQ (report_json (pg.get (), day_of (fleet, 25), 7),
             report_json (sqlite.get (), day_of (fleet, 25), 7));
}
