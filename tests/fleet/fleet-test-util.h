// SPDX-License-Identifier: Apache-2.0
#pragma once

/*
 * The fleet tests' helpers: a fleet described as host timelines, written
 * out as osqueryd would log it (in each of its formats), the report's
 * expected values computed from the timelines alone, and a PostgreSQL
 * server of the test's own.
 */

#include "po-fleet.h"
#include "po-test-support.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fleet_test {

struct StatusChange {
  int day;             // days after the timeline's start
  std::string status;  // compliant, action_required, ...
  int findings;
};

struct Host {
  std::string uuid;
  std::string hostname;
  int first_day = 0;  // reports from this day
  int last_day = 0;   // to this one (then stops: stale later)
  std::string engine = "extension";
  std::string product = "kesl";
  std::map<std::string, std::vector<StatusChange>> changes;  // by policy
};

struct Policy {
  std::string id;
  std::string deadline;  // YYYY-MM-DD
};

struct Fleet {
  std::string start = "2017-12-01";
  std::vector<Policy> policies;
  std::vector<Host> hosts;
};

enum class Format {
  Event,           // one row per line, strings (numerics false), decorations
  EventNumerics,   // the same with numerics true, removed after added
  Batch,           // diffResults, --logger_event_type=false
  Snapshot,        // the status and findings queries as snapshot queries
  SnapshotEvents,  // snapshots one row per line (--logger_snapshot_event_type)
  Legacy,          // osquery 2: string unixTime, no decorations, "/" delimiter, ISO deadlines
  Fleet,           // Fleet's query names (pack/Global/...), host_uuid and hostname decorations
};

const char *format_name (Format format);
std::vector<Format> all_formats ();

// the log lines, one per element, in time order
std::vector<std::string> write_log (const Fleet &fleet, Format format, int last_day);

// joins lines with newlines (and a final one)
std::string join_lines (const std::vector<std::string> &lines);

struct Expected {
  std::map<std::string, unsigned> buckets;  // compliant ... stale, and "total"
  std::vector<unsigned> burn_down;          // from first_day to as_of
  int first_day = 0;
  std::map<std::string, unsigned> products;
};

// what the report must say of a policy on day as_of, from the timelines
Expected expect (const Fleet &fleet, const std::string &policy, int as_of, int stale_days);

// day number (since 1970) of the fleet's start plus offset, and as text
gint64 day_of (const Fleet &fleet, int offset);
std::string date_of (const Fleet &fleet, int offset);

// the report's counts, burn-down, projection and products as one string
// (host names left out: formats without decorations name hosts otherwise)
std::string summary (const PoFleetReport *report);

// ingests text as a file of that name in dir; returns the stats
PoFleetIngestStats ingest_text (PoFleetStore *store, const std::string &path,
                                const std::string &text,
                                std::vector<std::string> *problems = nullptr);
PoFleetIngestStats ingest_files (PoFleetStore *store, const std::vector<std::string> &paths,
                                 std::vector<std::string> *problems = nullptr);

std::string report_json (PoFleetStore *store, gint64 as_of, unsigned stale_days);

using StorePtr = po_test::Owned<PoFleetStore, po_fleet_store_close>;
using ReportPtr = po_test::Owned<PoFleetReport, po_fleet_report_free>;

StorePtr open_store (const std::string &db);
ReportPtr build_report (PoFleetStore *store, gint64 as_of, unsigned stale_days);

// a PostgreSQL server on a temporary directory and port, run as an
// unprivileged user when the test runs as root; stopped and removed on
// destruction.  available() is false (with why()) when the binaries are
// missing; a failure to start is a test failure.
class PgServer {
 public:
  PgServer ();
  ~PgServer ();
  bool
  available () const
  {
    return available_;
  }
  const std::string &
  why () const
  {
    return why_;
  }
  bool
  started () const
  {
    return started_;
  }
  const std::string &
  error () const
  {
    return error_;
  }
  // a new, empty database on the server
  std::string create_database (const std::string &name);

 private:
  bool available_ = false, started_ = false;
  std::string why_, error_, bindir_, dir_, run_as_;
  int port_ = 0;
  std::string uri_for (const std::string &database) const;
};

}  // namespace fleet_test
