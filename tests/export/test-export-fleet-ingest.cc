/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exported tables end to end: the phaseout_status and banned_software
 * queries that fleet/export/ ships for the US federal profile run on
 * Windows, macOS and Linux hosts without the extension (osquery's core
 * tables in SQLite, osquery's time table set to each day), their rows are
 * logged as osqueryd logs a pack's differential results and as Fleet logs
 * its snapshot queries, and `phaseout fleet ingest` and `report` turn them
 * into the fleet's compliance: the hosts per status, the burn-down, the
 * products left, and engine 'sql' for every host.
 */
#include "export-test-util.h"

#include <json-glib/json-glib.h>

#include <memory>
#include <set>

using namespace po_test;

namespace {

/* a host of the fleet: its fixture (tests/fixtures/export/<platform>/),
 * and the one it turns into on removal_day (none: it never changes) */
struct Host {
  PoExportPlatform platform;
  const char *uuid, *hostname, *before, *after, *removal_day;
};

const Host kHosts[] = {
  { PO_EXPORT_PLATFORM_WINDOWS, "WIN-KES21", "win-kes21.agency.example", "kes-21", "clean",
    "2017-12-20" },
  { PO_EXPORT_PLATFORM_WINDOWS, "WIN-AGENT", "win-agent.agency.example", "agent", NULL, NULL },
  { PO_EXPORT_PLATFORM_WINDOWS, "WIN-DEFENDER", "win-defender.agency.example", "defender", NULL,
    NULL },
  { PO_EXPORT_PLATFORM_DARWIN, "MAC-KAV", "mac-kav.agency.example", "antivirus", "clean",
    "2017-12-05" },
  { PO_EXPORT_PLATFORM_DARWIN, "MAC-ESET", "mac-eset.agency.example", "eset", NULL, NULL },
  { PO_EXPORT_PLATFORM_LINUX, "LNX-KESL", "lnx-kesl.agency.example", "antivirus", NULL, NULL },
};

const char kFirstDay[] = "2017-11-20";
const int kDays = 42; /* to 2017-12-31 */

gint64
day_at_eight (int offset)
{
  GDateTime *start = g_date_time_new_from_iso8601 ("2017-11-20T08:00:00Z", NULL);
  GDateTime *day = g_date_time_add_days (start, offset);
  gint64 t = g_date_time_to_unix (day);
  g_date_time_unref (day);
  g_date_time_unref (start);
  return t;
}

std::string
date_of (gint64 t)
{
  GDateTime *when = g_date_time_new_from_unix_utc (t);
  gchar *text = g_date_time_format (when, "%Y-%m-%d");
  std::string out = text;
  g_free (text);
  g_date_time_unref (when);
  return out;
}

/* a result row as osqueryd logs it: every value a string, NULL as "" */
JsonNode *
columns_node (const Row &row)
{
  JsonObject *object = json_object_new ();
  for (const auto &cell : row)
    json_object_set_string_member (object, cell.first.c_str (),
                                   cell.second == "<NULL>" ? "" : cell.second.c_str ());
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

std::string
to_line (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  gchar *text = json_to_string (node, FALSE);
  std::string line = std::string (text) + "\n";
  g_free (text);
  json_node_unref (node);
  return line;
}

/* the head osqueryd (and Fleet, which forwards it) gives every line */
JsonObject *
line_head (const Host &host, const std::string &name, gint64 t, int counter)
{
  JsonObject *line = json_object_new ();
  json_object_set_string_member (line, "name", name.c_str ());
  json_object_set_string_member (line, "hostIdentifier", host.uuid);
  GDateTime *when = g_date_time_new_from_unix_utc (t);
  gchar *calendar = g_date_time_format (when, "%a %b %e %H:%M:%S %Y UTC");
  json_object_set_string_member (line, "calendarTime", calendar);
  g_free (calendar);
  g_date_time_unref (when);
  json_object_set_int_member (line, "unixTime", t);
  json_object_set_int_member (line, "epoch", 0);
  json_object_set_int_member (line, "counter", counter);
  json_object_set_boolean_member (line, "numerics", FALSE);
  JsonObject *decorations = json_object_new ();
  json_object_set_string_member (decorations, "host_uuid", host.uuid);
  json_object_set_string_member (decorations, "hostname", host.hostname);
  json_object_set_object_member (line, "decorations", decorations);
  return line;
}

std::string
row_key (const Row &row)
{
  std::string key;
  for (const auto &cell : row)
    key += cell.first + "=" + cell.second + "\x1f";
  return key;
}

/* one query of one host, logged run after run */
class QueryLog {
 public:
  QueryLog (const Host &host, std::string name) : host_ (host), name_ (std::move (name)) {}

  /* osqueryd's differential event lines: the first run lists every row as
   * added (counter 0), later runs what was removed and added */
  void
  differential (gint64 t, const std::vector<Row> &rows, std::string *out)
  {
    std::map<std::string, const Row *> now;
    for (const Row &row : rows)
      now[row_key (row)] = &row;
    for (const auto &old : previous_)
      if (!now.count (old.first))
        emit (t, old.second, "removed", out);
    for (const auto &row : now)
      if (!previous_.count (row.first))
        emit (t, *row.second, "added", out);
    previous_.clear ();
    for (const auto &row : now)
      previous_[row.first] = *row.second;
    counter_++;
  }

  /* a snapshot query's line: every row of the run */
  void
  snapshot (gint64 t, const std::vector<Row> &rows, std::string *out)
  {
    JsonObject *line = line_head (host_, name_, t, counter_++);
    JsonArray *snapshot = json_array_new ();
    for (const Row &row : rows)
      json_array_add_element (snapshot, columns_node (row));
    json_object_set_array_member (line, "snapshot", snapshot);
    json_object_set_string_member (line, "action", "snapshot");
    *out += to_line (line);
    json_object_unref (line);
  }

 private:
  void
  emit (gint64 t, const Row &row, const char *action, std::string *out)
  {
    JsonObject *line = line_head (host_, name_, t, counter_);
    json_object_set_member (line, "columns", columns_node (row));
    json_object_set_string_member (line, "action", action);
    *out += to_line (line);
    json_object_unref (line);
  }

  const Host &host_;
  std::string name_;
  std::map<std::string, Row> previous_;
  int counter_ = 0;
};

struct Queries {
  std::string status, banned;
};

/* the shipped files' queries per platform: the osquery packs and the
 * Fleet queries must be the same SQL (FleetFiles.ReadyExportsForTheSeedProfiles) */
std::map<PoExportPlatform, Queries>
shipped_queries ()
{
  std::map<PoExportPlatform, Queries> out;
  std::string path = std::string (PO_TEST_PROJECT_DIR) + "/fleet/export/us-federal.osquery.json";
  JsonParser *parser = json_parser_new ();
  GError *error = NULL;
  EXPECT_TRUE (json_parser_load_from_file (parser, path.c_str (), &error))
    << (error != NULL ? error->message : "");
  g_clear_error (&error);
  JsonObject *packs = json_object_get_object_member (json_node_get_object (
                                                       json_parser_get_root (parser)),
                                                     "packs");
  for (PoExportPlatform platform : kPlatforms)
    {
      std::string name = std::string ("phaseout-") + po_export_platform_to_string (platform);
      JsonObject *queries = json_object_get_object_member (
        json_object_get_object_member (packs, name.c_str ()), "queries");
      out[platform].status = json_object_get_string_member (
        json_object_get_object_member (queries, "phaseout_status"), "query");
      out[platform].banned = json_object_get_string_member (
        json_object_get_object_member (queries, "banned_software"), "query");
    }
  g_object_unref (parser);
  return out;
}

/* what each host's exported queries return, day by day, logged both ways */
struct Logs {
  std::string pack_events, fleet_snapshots;
  std::map<std::string, std::vector<Row>> last_banned; /* by host, on the last day */
};

Logs
run_fleet ()
{
  std::map<PoExportPlatform, Queries> sql = shipped_queries ();
  Logs logs;

  for (const Host &host : kHosts)
    {
      const char *platform = po_export_platform_to_string (host.platform);
      const char *title = po_export_platform_get_title (host.platform);
      std::string pack = std::string ("pack_phaseout-") + platform + "_";
      std::string fleet = std::string ("pack/Global/phaseout (") + title + "): ";
      QueryLog pack_status (host, pack + "phaseout_status"),
        pack_banned (host, pack + "banned_software");
      QueryLog fleet_status (host, fleet + "phaseout_status"),
        fleet_banned (host, fleet + "banned_software");
      std::unique_ptr<OsqueryDb> db;
      bool removed = false;

      for (int d = 0; d < kDays; d++)
        {
          gint64 t = day_at_eight (d);
          bool remove_now = host.removal_day != NULL && date_of (t) >= host.removal_day;
          if (db == nullptr || remove_now != removed)
            {
              db = std::make_unique<OsqueryDb> (host.platform);
              db->load (remove_now ? host.after : host.before);
              removed = remove_now;
            }
          db->set_time (t);
          std::vector<Row> status = db->query (sql[host.platform].status);
          std::vector<Row> banned = db->query (sql[host.platform].banned);
          EXPECT_FALSE (status.empty ());
          pack_status.differential (t, status, &logs.pack_events);
          pack_banned.differential (t, banned, &logs.pack_events);
          fleet_status.snapshot (t, status, &logs.fleet_snapshots);
          fleet_banned.snapshot (t, banned, &logs.fleet_snapshots);
          if (d == kDays - 1)
            logs.last_banned[host.uuid] = banned;
        }
    }
  return logs;
}

/* `phaseout fleet ingest` of text, then `report --json` as of day */
JsonObject *
ingest_and_report (const std::string &text, const std::string &day, JsonParser *parser)
{
  TempDir dir;
  dir.write ("results.log", text);
  ProcessResult ingest = run_process ({ build_path ("cli/phaseout"), "fleet", "ingest", "--db",
                                        dir.file ("fleet.db"), dir.file ("results.log") });
  EXPECT_EQ (ingest.status, 0) << ingest.err;
  EXPECT_TRUE (Contains (ingest.out, "0 malformed")) << ingest.out;
  EXPECT_FALSE (Contains (ingest.err, "results.log:"))
    << "a line or row it could not use: " << ingest.err;
  ProcessResult report = run_process ({ build_path ("cli/phaseout"), "fleet", "report", "--db",
                                        dir.file ("fleet.db"), "--json", "--as-of", day });
  EXPECT_EQ (report.status, 0) << report.err;
  GError *error = NULL;
  EXPECT_TRUE (json_parser_load_from_data (parser, report.out.c_str (), -1, &error))
    << (error != NULL ? error->message : "") << report.out;
  g_clear_error (&error);
  return json_node_get_object (json_parser_get_root (parser));
}

JsonObject *
policy_of (JsonObject *report, const char *id)
{
  JsonArray *policies = json_object_get_array_member (report, "policies");
  for (guint i = 0; i < json_array_get_length (policies); i++)
    {
      JsonObject *policy = json_array_get_object_element (policies, i);
      if (g_strcmp0 (json_object_get_string_member (policy, "policy_id"), id) == 0)
        return policy;
    }
  ADD_FAILURE () << "no policy " << id << " in the report";
  return NULL;
}

gint64
burn_down_on (JsonObject *policy, const char *date)
{
  JsonArray *days = json_object_get_array_member (policy, "burn_down");
  for (guint i = 0; i < json_array_get_length (days); i++)
    {
      JsonObject *day = json_array_get_object_element (days, i);
      if (g_strcmp0 (json_object_get_string_member (day, "date"), date) == 0)
        return json_object_get_int_member (day, "hosts_with_findings");
    }
  ADD_FAILURE () << "no burn-down day " << date;
  return -1;
}

}  // namespace

TEST (ExportFleetIngest, ExportedRowsMakeTheFleetReport)
{
  Logs logs = run_fleet ();
  ASSERT_FALSE (logs.pack_events.empty ());

  /* the products still on the hosts at the end, from the rows themselves:
   * banned_software.product, or the vendor for a vendor-wide finding */
  std::map<std::string, gint64> products_left;
  for (const auto &host : logs.last_banned)
    {
      std::set<std::string> on_host;
      for (const Row &row : host.second)
        if (row.at ("policy_id") == "us-dhs-bod-17-01")
          on_host.insert (row.at ("product") != "<NULL>" ? row.at ("product") : row.at ("vendor"));
      for (const auto &product : on_host)
        products_left[product]++;
    }
  ASSERT_TRUE (products_left.count ("kesl")) << "the Linux host's KESL is still there";

  std::string reports[2];
  int form = 0;
  for (const std::string *text : { &logs.pack_events, &logs.fleet_snapshots })
    {
      SCOPED_TRACE (form == 0 ? "osqueryd pack, differential" : "Fleet, snapshots");
      JsonParser *parser = json_parser_new ();
      JsonObject *report = ingest_and_report (*text, "2017-12-31", parser);
      JsonObject *bod = policy_of (report, "us-dhs-bod-17-01");
      ASSERT_NE (bod, nullptr);

      EXPECT_STREQ (json_object_get_string_member (bod, "deadline"), "2017-12-12");
      JsonObject *hosts = json_object_get_object_member (bod, "hosts");
      EXPECT_EQ (json_object_get_int_member (hosts, "total"), 6);
      /* KES 21 removed on 12-20, the Mac's on 12-05, two clean hosts */
      EXPECT_EQ (json_object_get_int_member (hosts, "compliant"), 4);
      /* the Network Agent and the Linux KESL stayed past the deadline */
      EXPECT_EQ (json_object_get_int_member (hosts, "overdue"), 2);
      EXPECT_EQ (json_object_get_int_member (hosts, "action_required"), 0);
      EXPECT_EQ (json_object_get_int_member (hosts, "stale"), 0);

      EXPECT_EQ (burn_down_on (bod, kFirstDay), 4);
      EXPECT_EQ (burn_down_on (bod, "2017-12-04"), 4);
      EXPECT_EQ (burn_down_on (bod, "2017-12-05"), 3);
      EXPECT_EQ (burn_down_on (bod, "2017-12-19"), 3);
      EXPECT_EQ (burn_down_on (bod, "2017-12-20"), 2);
      EXPECT_EQ (burn_down_on (bod, "2017-12-31"), 2);

      std::map<std::string, gint64> products;
      JsonArray *listed = json_object_get_array_member (bod, "products");
      for (guint i = 0; i < json_array_get_length (listed); i++)
        {
          JsonObject *p = json_array_get_object_element (listed, i);
          products[json_object_get_string_member (p, "product")] = json_object_get_int_member (
            p, "hosts");
        }
      EXPECT_EQ (products, products_left);

      JsonArray *list = json_object_get_array_member (bod, "hosts_list");
      ASSERT_EQ (json_array_get_length (list), 6u);
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonObject *h = json_array_get_object_element (list, i);
          SCOPED_TRACE (json_object_get_string_member (h, "host"));
          EXPECT_STREQ (json_object_get_string_member (h, "engine"), "sql");
          std::string name = json_object_get_string_member (h, "hostname");
          EXPECT_TRUE (g_str_has_suffix (name.c_str (), ".agency.example")) << name;
        }

      /* the statute binds the agency too; its first milestone passed in July */
      JsonObject *ndaa = policy_of (report, "us-ndaa18-1634");
      ASSERT_NE (ndaa, nullptr);
      EXPECT_EQ (json_object_get_int_member (json_object_get_object_member (ndaa, "hosts"),
                                             "action_required"),
                 2);

      JsonNode *node = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (node, bod);
      gchar *text_bod = json_to_string (node, FALSE);
      reports[form++] = text_bod;
      g_free (text_bod);
      json_node_unref (node);
      g_object_unref (parser);
    }
  /* the two ways of logging tell the same story */
  EXPECT_EQ (reports[0], reports[1]);
}
