// SPDX-License-Identifier: Apache-2.0
//
// The log-line parser and the row classification over real lines
// (tests/fixtures/fleet/README.md says where each form comes from), the
// dates, and the projection.
#include "fleet-test-util.h"

#include "po-test-shim.h"
#include "po-fleet-internal.h"

#include <gtest/gtest.h>

using namespace fleet_test;

namespace {

std::string
fixture (const std::string &name)
{
  return std::string (PO_FLEET_FIXTURES) + "/" + name;
}

struct Parsed {
  bool ok;
  std::string error, name, host_key, hostname;
  gint64 time, counter;
  bool full_state;
  PoFleetFormat format;
  std::vector<std::pair<PoFleetAction, PoFleetKind>> rows;
};

Parsed
parse (const std::string &text)
{
  JsonParser *parser = json_parser_new_immutable ();
  PoFleetLine line;
  GError *error = nullptr;
  Parsed parsed = {};

  po_fleet_line_init (&line);
  parsed.ok = po_fleet_line_parse (parser, text.data (), text.size (), &line, &error);
  if (!parsed.ok)
    parsed.error = error->message;
  else
    {
      parsed.name = line.name ? line.name : "";
      parsed.host_key = line.host_key;
      parsed.hostname = line.hostname;
      parsed.time = line.time;
      parsed.counter = line.counter;
      parsed.full_state = line.full_state;
      parsed.format = line.format;
      for (guint i = 0; i < line.rows->len; i++)
        {
          auto &row = g_array_index (line.rows, PoFleetLineRow, i);
          parsed.rows.push_back ({ row.action, po_fleet_kind_from_columns (row.columns) });
        }
    }
  g_clear_error (&error);
  po_fleet_line_clear (&line);
  g_object_unref (parser);
  return parsed;
}

std::vector<std::string>
lines_of (const std::string &path)
{
  gchar *text = nullptr;
  EXPECT_TRUE (g_file_get_contents (path.c_str (), &text, nullptr, nullptr)) << path;
  std::vector<std::string> lines;
  gchar **split = g_strsplit (text ? text : "", "\n", -1);
  for (gchar **l = split; *l; l++)
    if (**l)
      lines.push_back (*l);
  g_strfreev (split);
  g_free (text);
  return lines;
}

}  // namespace

TEST (FleetLine, OsqueryDocumentationExamples)
{
  auto lines = lines_of (fixture ("osquery-docs-examples.log"));
  ASSERT_EQ (lines.size (), 4u);
  Parsed added = parse (lines[0]);
  ASSERT_TRUE (added.ok) << added.error;
  EXPECT_EQ (added.format, PO_FLEET_FORMAT_EVENT);
  EXPECT_EQ (added.name, "processes");
  EXPECT_EQ (added.host_key, "hostname.local");  // the old "hostname" field
  EXPECT_EQ (added.time, 1412123850);            // "unixTime" as a string
  EXPECT_EQ (added.counter, 1);
  EXPECT_FALSE (added.full_state);
  ASSERT_EQ (added.rows.size (), 1u);
  EXPECT_EQ (added.rows[0].first, PO_FLEET_ACTION_ADDED);
  EXPECT_EQ (added.rows[0].second, PO_FLEET_KIND_NONE);

  Parsed removed = parse (lines[1]);
  ASSERT_TRUE (removed.ok);
  EXPECT_EQ (removed.rows[0].first, PO_FLEET_ACTION_REMOVED);

  Parsed snapshot = parse (lines[2]);
  ASSERT_TRUE (snapshot.ok) << snapshot.error;
  EXPECT_EQ (snapshot.format, PO_FLEET_FORMAT_SNAPSHOT);
  EXPECT_EQ (snapshot.rows.size (), 4u);
  EXPECT_TRUE (snapshot.full_state);
  EXPECT_EQ (snapshot.time, 1462228052);

  Parsed batch = parse (lines[3]);
  ASSERT_TRUE (batch.ok) << batch.error;
  EXPECT_EQ (batch.format, PO_FLEET_FORMAT_BATCH);
  ASSERT_EQ (batch.rows.size (), 2u);
  EXPECT_EQ (batch.rows[0].first, PO_FLEET_ACTION_REMOVED);
  EXPECT_EQ (batch.rows[1].first, PO_FLEET_ACTION_ADDED);
  EXPECT_FALSE (batch.full_state);  // counter 1: a difference, not the whole result
}

TEST (FleetLine, EveryFixtureFormIngests)
{
  struct Case {
    const char *file;
    guint64 phaseout_lines, rows, ignored;
    const char *host_key;
    const char *engine;
  } cases[] = {
    { "osquery-docs-examples.log", 0, 0, 4, nullptr, nullptr },
    { "osqueryd-5-event.log", 5, 5, 0, "564D3F1A-8C2E-4A51-9E1B-1F2F3A4B5C6D", nullptr },
    { "osqueryd-5-batch.log", 3, 5, 0, "564D3F1A-8C2E-4A51-9E1B-1F2F3A4B5C6D", nullptr },
    { "osqueryd-5-snapshot-events.log", 5, 5, 0, "564D3F1A-8C2E-4A51-9E1B-1F2F3A4B5C6D", nullptr },
    { "osqueryd-numerics.log", 3, 3, 0, "564D3F1A-8C2E-4A51-9E1B-1F2F3A4B5C6D", nullptr },
    { "osquery-2-legacy.log", 2, 2, 0, "kes-host", nullptr },
    { "fleet-filesystem.log", 2, 2, 1, "9B2B1D24-1F0E-4C70-A7E5-0C4C2E8D1E11", "sql" },
    { "decorations-top-level.log", 1, 1, 0, "564D3F1A-8C2E-4A51-9E1B-1F2F3A4B5C6D", nullptr },
    { "fleetctl-query.json", 1, 1, 1, "kes-host.agency.example", nullptr },
  };
  for (const Case &c : cases)
    {
      SCOPED_TRACE (c.file);
      po_test::TempDir dir;
      StorePtr store = open_store (dir.file ("fleet.db"));
      std::vector<std::string> problems;
      PoFleetIngest *ingest = po_fleet_ingest_new (store.get ());
      GError *error = nullptr;
      // fleetctl results carry no time: the report's day
      po_fleet_ingest_set_observed_at (ingest, 1513756800);
      ASSERT_TRUE (po_fleet_ingest_path (ingest, fixture (c.file).c_str (), &error))
        << error->message;
      ASSERT_TRUE (po_fleet_ingest_finish (ingest, &error));
      PoFleetIngestStats stats = *po_fleet_ingest_get_stats (ingest);
      po_fleet_ingest_free (ingest);
      EXPECT_EQ (stats.malformed, 0u);
      EXPECT_EQ (stats.bad_rows, 0u);
      EXPECT_EQ (stats.phaseout_lines, c.phaseout_lines);
      EXPECT_EQ (stats.rows, c.rows);
      EXPECT_EQ (stats.ignored, c.ignored);
      if (c.host_key == nullptr)
        continue;
      gint64 as_of;
      ASSERT_TRUE (po_fleet_day_parse ("2017-12-20", &as_of));
      ReportPtr report = build_report (store.get (), as_of, 7);
      ASSERT_TRUE (report);
      ASSERT_GE (report->policies->len, 1u);
      auto *policy = static_cast<PoFleetPolicyReport *> (
        g_ptr_array_index (report->policies, report->policies->len - 1));
      EXPECT_STREQ (policy->policy_id, "us-dhs-bod-17-01");
      EXPECT_STREQ (policy->deadline, "2017-12-12");
      EXPECT_EQ (policy->hosts[PO_FLEET_BUCKET_OVERDUE], 1u);
      ASSERT_EQ (policy->hosts_list->len, 1u);
      auto *host = static_cast<PoFleetHost *> (g_ptr_array_index (policy->hosts_list, 0));
      EXPECT_STREQ (host->host_key, c.host_key);
      EXPECT_EQ (host->findings, 2);
      if (c.engine)
        {
          EXPECT_STREQ (host->engine, c.engine);
        }
      ASSERT_EQ (g_array_index (policy->burn_down, PoFleetBurnPoint, policy->burn_down->len - 1)
                   .hosts_with_findings,
                 1u);
    }
}

TEST (FleetLine, KindsByQueryNameAndByColumns)
{
  EXPECT_EQ (po_fleet_kind_from_name ("pack_phaseout_phaseout_status"), PO_FLEET_KIND_STATUS);
  EXPECT_EQ (po_fleet_kind_from_name ("pack/phaseout/phaseout_status"), PO_FLEET_KIND_STATUS);
  EXPECT_EQ (po_fleet_kind_from_name ("pack/Global/phaseout_status"), PO_FLEET_KIND_STATUS);
  EXPECT_EQ (po_fleet_kind_from_name ("phaseout_status"), PO_FLEET_KIND_STATUS);
  EXPECT_EQ (po_fleet_kind_from_name ("pack_phaseout_phaseout_banned_software"),
             PO_FLEET_KIND_FINDING);
  EXPECT_EQ (po_fleet_kind_from_name ("banned_software"), PO_FLEET_KIND_FINDING);
  EXPECT_EQ (po_fleet_kind_from_name ("pack_phaseout_phaseout_info"), PO_FLEET_KIND_SEEN);
  EXPECT_EQ (po_fleet_kind_from_name ("pack_phaseout_phaseout_removals"), PO_FLEET_KIND_SEEN);
  EXPECT_EQ (po_fleet_kind_from_name ("notphaseout_status"), PO_FLEET_KIND_NONE);
  EXPECT_EQ (po_fleet_kind_from_name ("processes"), PO_FLEET_KIND_NONE);

  Parsed renamed = parse (
    "{\"name\":\"pack/Global/Ban compliance\",\"hostIdentifier\":\"h\","
    "\"unixTime\":1,\"columns\":{\"policy_id\":\"p\",\"status\":\"compliant\","
    "\"findings\":\"0\"},\"action\":\"added\"}");
  ASSERT_TRUE (renamed.ok) << renamed.error;
  EXPECT_EQ (renamed.rows[0].second, PO_FLEET_KIND_STATUS);
}

TEST (FleetLine, BadLinesSayWhy)
{
  struct Case {
    const char *line;
    const char *message;
  } cases[] = {
    { "[1,2]", "not a JSON object" },
    { "{\"hostIdentifier\":\"h\",\"unixTime\":1}", "no query \"name\"" },
    { "{\"name\":\"q\",\"unixTime\":1,\"columns\":{},\"action\":\"added\"}", "no host" },
    { "{\"name\":\"q\",\"hostIdentifier\":\"h\",\"columns\":{},\"action\":\"added\"}",
      "no usable \"unixTime\"" },
    { "{\"name\":\"q\",\"hostIdentifier\":\"h\",\"unixTime\":\"soon\",\"calendarTime\":\"never\","
      "\"columns\":{},\"action\":\"added\"}",
      "no usable \"unixTime\"" },
    { "{\"name\":\"q\",\"hostIdentifier\":\"h\",\"unixTime\":1,\"columns\":{},\"action\":"
      "\"moved\"}",
      "\"action\" is \"moved\"" },
    { "{\"name\":\"q\",\"hostIdentifier\":\"h\",\"unixTime\":1,\"columns\":[],\"action\":"
      "\"added\"}",
      "\"columns\" is not an object" },
    { "{\"name\":\"q\",\"hostIdentifier\":\"h\",\"unixTime\":1,\"diffResults\":{\"added\":[1]}}",
      "diffResults.added[0] is not an object" },
    { "{\"name\":\"q\",\"hostIdentifier\":\"h\",\"unixTime\":1,\"snapshot\":[]}",
      "without \"action\": \"snapshot\"" },
    { "{\"name\":\"q\",\"hostIdentifier\":\"h\",\"unixTime\":1}", "not an osquery result" },
  };
  for (const Case &c : cases)
    {
      Parsed parsed = parse (c.line);
      EXPECT_FALSE (parsed.ok) << c.line;
      EXPECT_NE (parsed.error.find (c.message), std::string::npos)
        << c.line << ": " << parsed.error;
    }
}

TEST (FleetLine, TimeFromCalendarTimeWhenUnixTimeIsMissing)
{
  Parsed parsed = parse ("{\"name\":\"q\",\"hostIdentifier\":\"h\",\"calendarTime\":"
                         "\"Mon May  2 22:27:32 2016 UTC\",\"columns\":{},\"action\":\"added\"}");
  ASSERT_TRUE (parsed.ok) << parsed.error;
  EXPECT_EQ (parsed.time, 1462228052);
  gint64 t = 0;
  EXPECT_TRUE (po_fleet_calendar_time_parse ("Tue Sep 30 17:37:30 2014", &t));
  EXPECT_EQ (t, 1412098650);
  EXPECT_TRUE (po_fleet_calendar_time_parse ("Thu Feb 29 00:00:00 2024 UTC", &t));
  EXPECT_EQ (t, 1709164800);
  for (const char *bad :
       { "", "Tue Sep 31 17:37:30 2014", "Tue Sep 30 25:37:30 2014", "Tue Foo 30 17:37:30 2014",
         "Tue Sep 30 17:37 2014", "Tue Sep 30 17:37:30 2014 CEST" })
    EXPECT_FALSE (po_fleet_calendar_time_parse (bad, &t)) << bad;
}

TEST (FleetLine, Dates)
{
  gint64 day = 0;
  gchar buf[16];
  EXPECT_TRUE (po_fleet_day_parse ("1970-01-01", &day));
  EXPECT_EQ (day, 0);
  EXPECT_TRUE (po_fleet_day_parse ("2017-12-12", &day));
  EXPECT_EQ (day, 17512);
  EXPECT_STREQ (po_fleet_day_format (17512, buf), "2017-12-12");
  EXPECT_STREQ (po_fleet_day_format (-1, buf), "1969-12-31");
  EXPECT_STREQ (po_fleet_day_format (19782, buf), "2024-02-29");
  for (const char *bad : { "2017-13-01", "2017-02-29", "2017-12-1", "20171212", "2017-12-12T00" })
    EXPECT_FALSE (po_fleet_day_parse (bad, &day)) << bad;
  EXPECT_EQ (po_fleet_day_of (-1), -1);
  EXPECT_EQ (po_fleet_day_of (86399), 0);

  po_test::CharPtr a (po_fleet_date_normalize ("2024-09-29T00:00:00-04:00"));
  EXPECT_STREQ (a.get (), "2024-09-29");
  po_test::CharPtr b (po_fleet_date_normalize ("2024-09-29"));
  EXPECT_STREQ (b.get (), "2024-09-29");
  EXPECT_EQ (po_fleet_date_normalize ("1727582400"), nullptr);
  EXPECT_EQ (po_fleet_date_normalize (""), nullptr);
}

TEST (FleetProjection, LeastSquaresCrossesZero)
{
  // falling by 2 a day from 40: zero 10 days after the 20 of the last day
  std::vector<PoFleetBurnPoint> points;
  for (int d = 0; d < 11; d++)
    points.push_back ({ 1000 + d, (guint) (40 - 2 * d) });
  EXPECT_EQ (po_fleet_projection_zero (points.data (), points.size (), 14), 1010 + 10);
  // only the last 3 days count: flat there, so nothing
  points.push_back ({ 1011, 18 });
  points.push_back ({ 1012, 18 });
  points.push_back ({ 1013, 18 });
  EXPECT_EQ (po_fleet_projection_zero (points.data (), points.size (), 3), G_MININT64);
  // rising
  std::vector<PoFleetBurnPoint> rising = { { 1, 1 }, { 2, 2 }, { 3, 3 } };
  EXPECT_EQ (po_fleet_projection_zero (rising.data (), rising.size (), 14), G_MININT64);
  // one point is no trend
  EXPECT_EQ (po_fleet_projection_zero (rising.data (), 1, 14), G_MININT64);
  // already zero: the day it got there
  std::vector<PoFleetBurnPoint> done = { { 1, 3 }, { 2, 0 }, { 3, 0 } };
  EXPECT_EQ (po_fleet_projection_zero (done.data (), done.size (), 14), 2);
  // a fitted line already below zero: the day after the last point at best
  std::vector<PoFleetBurnPoint> steep = { { 1, 100 }, { 2, 100 }, { 3, 1 } };
  EXPECT_EQ (po_fleet_projection_zero (steep.data (), steep.size (), 14), 4);
}
