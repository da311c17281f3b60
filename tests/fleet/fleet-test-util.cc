// SPDX-License-Identifier: Apache-2.0
#include "fleet-test-util.h"

#include "po-test-shim.h"

#include <fcntl.h>
#include <pwd.h>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace fleet_test {

const char *
format_name (Format format)
{
  switch (format)
    {
    case Format::Event:
      return "event";
    case Format::EventNumerics:
      return "event-numerics";
    case Format::Batch:
      return "batch";
    case Format::Snapshot:
      return "snapshot";
    case Format::SnapshotEvents:
      return "snapshot-events";
    case Format::Legacy:
      return "legacy";
    case Format::Fleet:
      return "fleet";
    }
  return "?";
}

std::vector<Format>
all_formats ()
{
  return { Format::Event,          Format::EventNumerics, Format::Batch, Format::Snapshot,
           Format::SnapshotEvents, Format::Legacy,        Format::Fleet };
}

gint64
day_of (const Fleet &fleet, int offset)
{
  gint64 day = 0;
  EXPECT_TRUE (po_fleet_day_parse (fleet.start.c_str (), &day));
  return day + offset;
}

std::string
date_of (const Fleet &fleet, int offset)
{
  gchar buf[16];
  return po_fleet_day_format (day_of (fleet, offset), buf);
}

namespace {

std::string
quote (const std::string &text)
{
  std::string out = "\"";
  for (char c : text)
    {
      if (c == '"' || c == '\\')
        out += '\\';
      out += c;
    }
  return out + "\"";
}

// a column: a string, or a number when numerics is on and the column is an integer
struct Column {
  std::string name, value;
  bool integer;
};

std::string
columns_json (const std::vector<Column> &columns, bool numerics)
{
  std::string out = "{";
  for (size_t i = 0; i < columns.size (); i++)
    {
      out += (i ? "," : "") + quote (columns[i].name) + ":";
      out += numerics && columns[i].integer && !columns[i].value.empty ()
               ? columns[i].value
               : quote (columns[i].value);
    }
  return out + "}";
}

struct State {
  std::string status;
  int findings;
};

// the host's status of a policy on day d (it reports the last change up to then)
State
state_at (const Host &host, const std::string &policy, int day)
{
  State state = { "not_applicable", 0 };
  auto it = host.changes.find (policy);
  if (it == host.changes.end ())
    return state;
  for (const StatusChange &change : it->second)
    if (change.day <= day)
      state = { change.status, change.findings };
  return state;
}

bool
has_findings (const State &state)
{
  return state.findings > 0
         && (state.status == "action_required" || state.status == "overdue"
             || state.status == "advisory");
}

struct Query {
  std::string name;  // the pack's query name
  std::vector<std::vector<Column>> rows;
};

std::string
query_name (Format format, const std::string &query)
{
  switch (format)
    {
    case Format::Legacy:
      return "pack/phaseout/" + query;
    case Format::Fleet:
      return "pack/Global/" + query;
    default:
      return "pack_phaseout_" + query;
    }
}

std::vector<Column>
status_row (const Fleet &fleet, const Host &host, const Policy &policy, int day, Format format)
{
  State state = state_at (host, policy.id, day);
  gint64 deadline_day = 0;
  po_fleet_day_parse (policy.deadline.c_str (), &deadline_day);
  std::string days_remaining = std::to_string (deadline_day - day_of (fleet, day));
  bool applies = state.status != "not_applicable";
  std::string deadline = format == Format::Legacy ? policy.deadline + "T00:00:00-05:00"
                                                  : policy.deadline;
  std::vector<Column> row = {
    { "policy_id", policy.id, false },
    { "applies", applies ? "1" : "0", true },
    { "applicability",
      applies ? (state.status == "advisory" ? "advisory" : "binding") : "other_jurisdiction",
      false },
    { "status", state.status, false },
    { "findings", std::to_string (state.findings), true },
    { "next_milestone", "discontinue-use", false },
    { "next_milestone_date", deadline, false },
    { "deadline", deadline, false },
    { "days_remaining", applies ? days_remaining : "", true },
    { "first_detected",
      has_findings (state) ? (format == Format::Legacy ? fleet.start + "T08:00:00Z" : "1512115200")
                           : "",
      format != Format::Legacy },
  };
  if (format == Format::Fleet)
    row.push_back ({ "engine", host.engine, false });
  return row;
}

std::vector<std::vector<Column>>
finding_rows (const Host &host, const Policy &policy, int day, Format format)
{
  std::vector<std::vector<Column>> rows;
  State state = state_at (host, policy.id, day);
  if (!has_findings (state))
    return rows;
  for (int k = 0; k < state.findings; k++)
    {
      std::vector<Column> row = {
        { "policy_id", policy.id, false },
        { "applicability", "binding", false },
        { "vendor", "kaspersky", false },
        { "product", host.product, false },
        { "category", "antivirus", false },
        { "source", k == 0 ? "deb" : "process", false },
        { "name", host.product + (k == 0 ? "" : "-" + std::to_string (k)), false },
        { "version", "11.1.0.3013", false },
        { "path", k == 0 ? "" : "/opt/kaspersky/" + host.product + "/bin/" + std::to_string (k),
          false },
        { "pid", k == 0 ? "" : std::to_string (1000 + k), true },
        { "indicator", "linux.deb_package:" + host.product, false },
        { "required_action", "remove by " + policy.deadline, false },
        { "deadline", policy.deadline, false },
        { "first_seen", "1512115200", true },
      };
      if (format == Format::Fleet)
        row.push_back ({ "engine", host.engine, false });
      rows.push_back (row);
    }
  return rows;
}

std::vector<Column>
info_row ()
{
  return {
    { "version", "0.1.0", false },
    { "root", "/", false },
    { "config_present", "1", true },
    { "policy_dirs", "/etc/phaseout/policies.d", false },
    { "state_db", "/var/lib/phaseout/state.db", false },
    { "catalogue_sha256", "5d41402abc4b2a76b9719d911017c592", false },
    { "policy_problems", "0", true },
    { "policy_problem_messages", "", false },
    { "state_db_problem", "", false },
  };
}

std::string
calendar_time (gint64 unix_time, bool utc_suffix)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (unix_time);
  po_test::CharPtr text (g_date_time_format (time, "%a %b %e %H:%M:%S %Y"));
  return std::string (text.get ()) + (utc_suffix ? " UTC" : "");
}

// the fields every line has, without the braces
std::string
head (const Host &host, const std::string &name, gint64 t, int counter, Format format)
{
  bool legacy = format == Format::Legacy;
  bool numerics = format == Format::EventNumerics;
  std::string out = "\"name\":" + quote (name);
  out += ",\"hostIdentifier\":" + quote (legacy ? host.hostname : host.hostname + "-id");
  out += ",\"calendarTime\":" + quote (calendar_time (t, !legacy));
  out += legacy ? ",\"unixTime\":" + quote (std::to_string (t))
                : ",\"unixTime\":" + std::to_string (t);
  out += legacy ? ",\"epoch\":\"0\",\"counter\":" + quote (std::to_string (counter))
                : ",\"epoch\":0,\"counter\":" + std::to_string (counter);
  out += std::string (",\"numerics\":") + (numerics ? "true" : "false");
  if (!legacy)
    out += ",\"decorations\":{\"host_uuid\":" + quote (host.uuid)
           + ",\"hostname\":" + quote (host.hostname) + "}";
  return out;
}

}  // namespace

std::vector<std::string>
write_log (const Fleet &fleet, Format format, int last_day)
{
  std::vector<std::string> lines;
  bool numerics = format == Format::EventNumerics;
  bool snapshots = format == Format::Snapshot || format == Format::SnapshotEvents;
  // the previous result of each differential query of each host
  std::map<std::string, std::vector<std::string>> previous;
  std::map<std::string, int> counter;

  for (int day = 0; day <= last_day; day++)
    for (size_t h = 0; h < fleet.hosts.size (); h++)
      {
        const Host &host = fleet.hosts[h];
        if (day < host.first_day || day > host.last_day)
          continue;
        gint64 t = day_of (fleet, day) * 86400 + 8 * 3600 + (gint64) h * 7;
        std::vector<Query> queries (2);
        queries[0].name = query_name (format, "phaseout_status");
        queries[1].name = query_name (format, "phaseout_banned_software");
        for (const Policy &policy : fleet.policies)
          {
            queries[0].rows.push_back (status_row (fleet, host, policy, day, format));
            for (auto &row : finding_rows (host, policy, day, format))
              queries[1].rows.push_back (row);
          }
        for (const Query &query : queries)
          {
            std::vector<std::string> rows;
            for (const auto &row : query.rows)
              rows.push_back (columns_json (row, numerics));
            if (snapshots)
              {
                if (format == Format::Snapshot)
                  {
                    std::string array;
                    for (size_t i = 0; i < rows.size (); i++)
                      array += (i ? "," : "") + rows[i];
                    lines.push_back ("{\"snapshot\":[" + array + "],\"action\":\"snapshot\","
                                     + head (host, query.name, t, 0, format) + "}");
                  }
                else
                  // osquery logs nothing for an empty snapshot in this form
                  for (const std::string &row : rows)
                    lines.push_back ("{" + head (host, query.name, t, 0, format)
                                     + ",\"columns\":" + row + ",\"action\":\"snapshot\"}");
                continue;
              }
            std::string key = host.uuid + "/" + query.name;
            bool first = previous.find (key) == previous.end ();
            const std::vector<std::string> old = first ? std::vector<std::string> ()
                                                       : previous[key];
            std::vector<std::string> added, removed;
            std::set<std::string> old_set (old.begin (), old.end ()),
              new_set (rows.begin (), rows.end ());
            for (const std::string &row : rows)
              if (!old_set.count (row))
                added.push_back (row);
            for (const std::string &row : old)
              if (!new_set.count (row))
                removed.push_back (row);
            previous[key] = rows;
            int c = first ? 0 : ++counter[key];
            if (added.empty () && removed.empty ())
              continue;
            if (format == Format::Batch)
              {
                std::string a, r;
                for (size_t i = 0; i < added.size (); i++)
                  a += (i ? "," : "") + added[i];
                for (size_t i = 0; i < removed.size (); i++)
                  r += (i ? "," : "") + removed[i];
                lines.push_back ("{\"diffResults\":{\"removed\":[" + r + "],\"added\":[" + a + "]},"
                                 + head (host, query.name, t, c, format) + "}");
                continue;
              }
            std::vector<std::pair<std::string, std::string>> events;
            // osquery's event order is removed, then added; numerics runs the other way round
            if (format != Format::EventNumerics)
              for (const std::string &row : removed)
                events.push_back ({ "removed", row });
            for (const std::string &row : added)
              events.push_back ({ "added", row });
            if (format == Format::EventNumerics)
              for (const std::string &row : removed)
                events.push_back ({ "removed", row });
            for (const auto &event : events)
              lines.push_back ("{" + head (host, query.name, t, c, format) + ",\"columns\":"
                               + event.second + ",\"action\":\"" + event.first + "\"}");
          }
        // phaseout_info: a daily snapshot, so a host that changes nothing still reports
        lines.push_back ("{\"snapshot\":[" + columns_json (info_row (), numerics)
                         + "],\"action\":\"snapshot\","
                         + head (host, query_name (format, "phaseout_info"), t, 0, format) + "}");
      }
  return lines;
}

std::string
join_lines (const std::vector<std::string> &lines)
{
  std::string out;
  for (const std::string &line : lines)
    out += line + "\n";
  return out;
}

Expected
expect (const Fleet &fleet, const std::string &policy, int as_of, int stale_days)
{
  Expected expected;
  int first = as_of + 1;

  for (const char *bucket : { "compliant", "action_required", "overdue", "advisory",
                              "not_applicable", "stale", "total" })
    expected.buckets[bucket] = 0;
  for (const Host &host : fleet.hosts)
    first = std::min (first, host.first_day);
  expected.first_day = first;
  for (int day = first; day <= as_of; day++)
    {
      unsigned count = 0;
      for (const Host &host : fleet.hosts)
        if (host.first_day <= day
            && has_findings (state_at (host, policy, std::min (day, host.last_day))))
          count++;
      expected.burn_down.push_back (count);
    }
  for (const Host &host : fleet.hosts)
    {
      if (host.first_day > as_of)
        continue;
      int seen = std::min (as_of, host.last_day);
      State state = state_at (host, policy, seen);
      expected.buckets["total"]++;
      if (as_of - seen > stale_days)
        expected.buckets["stale"]++;
      else
        expected.buckets[state.status]++;
      if (has_findings (state))
        expected.products[host.product]++;
    }
  return expected;
}

std::string
summary (const PoFleetReport *report)
{
  std::ostringstream out;
  gchar buf[16];

  out << "as_of " << po_fleet_day_format (report->as_of, buf) << "\n";
  for (guint i = 0; i < report->policies->len; i++)
    {
      auto *policy = static_cast<PoFleetPolicyReport *> (g_ptr_array_index (report->policies, i));
      out << policy->policy_id << " deadline " << (policy->deadline ? policy->deadline : "-")
          << " total " << policy->hosts_total;
      for (guint b = 0; b < PO_FLEET_BUCKET_N; b++)
        out << " " << po_fleet_bucket_to_string ((PoFleetBucket) b) << " " << policy->hosts[b];
      out << "\n  burn-down";
      for (guint k = 0; k < policy->burn_down->len; k++)
        {
          auto &point = g_array_index (policy->burn_down, PoFleetBurnPoint, k);
          out << " " << po_fleet_day_format (point.day, buf) << "=" << point.hosts_with_findings;
        }
      out << "\n  projected "
          << (policy->projected_zero == G_MININT64
                ? "none"
                : po_fleet_day_format (policy->projected_zero, buf))
          << "\n  products";
      for (guint k = 0; k < policy->products->len; k++)
        {
          auto *product = static_cast<PoFleetProduct *> (g_ptr_array_index (policy->products, k));
          out << " " << product->product << "=" << product->hosts;
        }
      out << "\n";
    }
  return out.str ();
}

namespace {

void
collect_problem (const gchar *where, const gchar *message, gpointer data)
{
  auto *problems = static_cast<std::vector<std::string> *> (data);
  if (problems != nullptr)
    problems->push_back (std::string (where) + ": " + message);
}

}  // namespace

PoFleetIngestStats
ingest_files (PoFleetStore *store, const std::vector<std::string> &paths,
              std::vector<std::string> *problems)
{
  PoFleetIngest *ingest = po_fleet_ingest_new (store);
  GError *error = nullptr;
  PoFleetIngestStats stats;

  po_fleet_ingest_set_problem_func (ingest, collect_problem, problems);
  for (const std::string &path : paths)
    {
      EXPECT_TRUE (po_fleet_ingest_path (ingest, path.c_str (), &error))
        << (error ? error->message : "");
      g_clear_error (&error);
    }
  EXPECT_TRUE (po_fleet_ingest_finish (ingest, &error)) << (error ? error->message : "");
  g_clear_error (&error);
  stats = *po_fleet_ingest_get_stats (ingest);
  po_fleet_ingest_free (ingest);
  return stats;
}

PoFleetIngestStats
ingest_text (PoFleetStore *store, const std::string &path, const std::string &text,
             std::vector<std::string> *problems)
{
  GError *error = nullptr;
  EXPECT_TRUE (g_file_set_contents (path.c_str (), text.data (), (gssize) text.size (), &error));
  g_clear_error (&error);
  return ingest_files (store, { path }, problems);
}

StorePtr
open_store (const std::string &db)
{
  GError *error = nullptr;
  PoFleetStore *store = po_fleet_store_open (db.c_str (), &error);
  EXPECT_NE (store, nullptr) << db << ": " << (error ? error->message : "");
  g_clear_error (&error);
  return StorePtr (store);
}

ReportPtr
build_report (PoFleetStore *store, gint64 as_of, unsigned stale_days)
{
  GError *error = nullptr;
  PoFleetReport *report = po_fleet_report_build (store, as_of, stale_days, &error);
  EXPECT_NE (report, nullptr) << (error ? error->message : "");
  g_clear_error (&error);
  return ReportPtr (report);
}

std::string
report_json (PoFleetStore *store, gint64 as_of, unsigned stale_days)
{
  ReportPtr report = build_report (store, as_of, stale_days);
  GString *out = g_string_new (nullptr);
  if (report)
    po_fleet_report_render_json (report.get (), out);
  std::string json (out->str);
  g_string_free (out, TRUE);
  // the one line that names the backend
  size_t at = json.find ("\"store\"");
  if (at != std::string::npos)
    json.erase (at, json.find ('\n', at) - at);
  return json;
}

/* ---- PostgreSQL ---------------------------------------------------------- */

namespace {

bool
run (const std::vector<std::string> &argv, std::string *output)
{
  std::vector<gchar *> args;
  for (const std::string &arg : argv)
    args.push_back (const_cast<gchar *> (arg.c_str ()));
  args.push_back (nullptr);
  gchar *out = nullptr, *err = nullptr;
  gint status = 0;
  GError *error = nullptr;
  bool ok = g_spawn_sync (nullptr, args.data (), nullptr, G_SPAWN_SEARCH_PATH, nullptr, nullptr,
                          &out, &err, &status, &error)
            && g_spawn_check_wait_status (status, nullptr);
  if (output != nullptr)
    *output = std::string (out ? out : "") + (err ? err : "") + (error ? error->message : "");
  g_free (out);
  g_free (err);
  g_clear_error (&error);
  return ok;
}

}  // namespace

PgServer::PgServer ()
{
  const char *override_dir = g_getenv ("PO_TEST_PG_BINDIR");
  std::vector<std::string> candidates;
  if (override_dir != nullptr)
    candidates.push_back (override_dir);
  for (const char *version : { "17", "16", "15", "14", "13" })
    candidates.push_back (std::string ("/usr/lib/postgresql/") + version + "/bin");
  for (const std::string &dir : candidates)
    if (g_file_test ((dir + "/initdb").c_str (), G_FILE_TEST_IS_EXECUTABLE)
        && g_file_test ((dir + "/pg_ctl").c_str (), G_FILE_TEST_IS_EXECUTABLE))
      {
        bindir_ = dir;
        break;
      }
  if (bindir_.empty ())
    {
      why_ = "PostgreSQL's server binaries are not installed (Debian: apt-get install "
             "postgresql); the PostgreSQL form of the store is not tested";
      return;
    }
  available_ = true;

  // PostgreSQL refuses to run as root: as root the server runs as the
  // unprivileged "postgres" user (Debian's package creates it), on a
  // directory that user owns
  std::string prefix;
  if (geteuid () == 0)
    {
      struct passwd *user = getpwnam ("postgres");
      if (user == nullptr)
        {
          error_ = "running as root and there is no \"postgres\" user to run the server as";
          return;
        }
      run_as_ = "postgres";
      gchar *dir = g_dir_make_tmp ("po-fleet-pg-XXXXXX", nullptr);
      dir_ = dir;
      g_free (dir);
      if (chown (dir_.c_str (), user->pw_uid, user->pw_gid) != 0)
        {
          error_ = "cannot give " + dir_ + " to postgres";
          return;
        }
    }
  else
    {
      gchar *dir = g_dir_make_tmp ("po-fleet-pg-XXXXXX", nullptr);
      dir_ = dir;
      g_free (dir);
    }
  // the directory's mode lets the postgres user in; the server listens on
  // a Unix socket in it only (no TCP), so the port only names the socket
  chmod (dir_.c_str (), 0755);
  port_ = 5432;
  auto as_user = [&] (std::vector<std::string> argv) {
    if (!run_as_.empty ())
      argv.insert (argv.begin (), { "runuser", "-u", run_as_, "--" });
    return argv;
  };
  std::string output;
  if (!run (as_user ({ bindir_ + "/initdb", "-D", dir_ + "/data", "--auth=trust", "-U", "postgres",
                       "-E", "UTF8", "--no-sync", "--no-instructions" }),
            &output))
    {
      error_ = "initdb failed: " + output;
      return;
    }
  if (!run (as_user ({ bindir_ + "/pg_ctl", "-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w",
                       "-t", "120", "-o",
                       "-k " + dir_ + " -p " + std::to_string (port_)
                         + " -c listen_addresses= -c fsync=off -c full_page_writes=off",
                       "start" }),
            &output))
    {
      gchar *log = nullptr;
      g_file_get_contents ((dir_ + "/server.log").c_str (), &log, nullptr, nullptr);
      error_ = "pg_ctl start failed: " + output + (log ? log : "");
      g_free (log);
      return;
    }
  started_ = true;
}

PgServer::~PgServer ()
{
  if (started_)
    {
      std::vector<std::string> argv = {
        bindir_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "fast", "-w", "stop"
      };
      if (!run_as_.empty ())
        argv.insert (argv.begin (), { "runuser", "-u", run_as_, "--" });
      std::string output;
      if (!run (argv, &output))
        ADD_FAILURE () << "pg_ctl stop: " << output;
    }
  // never follows a link out of the directory
  if (!dir_.empty ())
    po_test_remove_tree (dir_.c_str (), FALSE, nullptr);
}

std::string
PgServer::uri_for (const std::string &database) const
{
  return "postgresql:///" + database + "?host=" + dir_ + "&port=" + std::to_string (port_)
         + "&user=postgres";
}

std::string
PgServer::create_database (const std::string &name)
{
  std::string output;
  EXPECT_TRUE (
    run ({ bindir_ + "/../bin/psql", uri_for ("postgres"), "-q", "-c", "CREATE DATABASE " + name },
         &output)
    || run ({ "psql", uri_for ("postgres"), "-q", "-c", "CREATE DATABASE " + name }, &output))
    << output;
  return uri_for (name);
}

}  // namespace fleet_test
