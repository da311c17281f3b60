/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Shared pieces of the compliance tests: fixture hosts (copies of
 * tests/fixtures/compliance/<name> that a test may change), organisation
 * profiles, runtimes over them with an injected clock and a state
 * database, and the embedded engine's results as maps by column name.
 */
#include "po-test-shim.h"

extern "C"
{
#include "po-compliance.h"
#include "po-state.h"
}

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace po_test {

/* organisation profiles ([profile] groups) the tests use */
extern const char *const kUsFederal; /* US, federal-executive */
extern const char *const kNlCentral; /* NL, central-government */
extern const char *const kNlMunicipality;
extern const char *const kNlVitalSector;

using Row = std::map<std::string, std::string>; /* "<NULL>" for NULL */

/*
 * A test's world: a copy of a fixture host, a config file with a profile,
 * an empty policy directory (so the host's /etc/phaseout is never read),
 * and a state database, all in one temp dir.
 */
class World {
 public:
  /* fixture: tests/fixtures/compliance/<fixture>; profile: [profile] body or "" for none */
  World (const std::string &fixture, const std::string &profile);
  World (const World &) = delete;
  World &operator= (const World &) = delete;

  const std::string &
  root () const
  {
    return root_;
  }
  std::string
  host_file (const std::string &relative) const
  {
    return root_ + "/" + relative;
  }
  const std::string &
  state_db () const
  {
    return state_db_;
  }
  const std::string &
  config () const
  {
    return config_;
  }
  const std::string &
  policy_dir () const
  {
    return policy_dir_;
  }

  /* a runtime at `now` (ISO 8601) over this world; extra flags are appended */
  RuntimePtr runtime (const std::string &now,
                      const std::vector<std::pair<std::string, std::string>> &extra = {}) const;
  /* a runtime without --state-db */
  RuntimePtr runtime_without_state (const std::string &now) const;

  /* replaces the profile */
  void set_profile (const std::string &profile) const;

  /* host changes: drop a dpkg package stanza, remove a path (recursively, links as links) */
  void remove_package (const std::string &package) const;
  void remove_path (const std::string &relative) const;
  void write (const std::string &relative, const std::string &contents) const;

 private:
  TempDir tmp_;
  std::string root_, config_, policy_dir_, state_db_;
};

/* one statement through the embedded engine; fails the test on error */
std::vector<Row> query (PoRuntime *runtime, const std::string &sql);
/* rows whose column equals value */
std::vector<Row> where (const std::vector<Row> &rows, const std::string &column,
                        const std::string &value);
/* the distinct values of a column, sorted */
std::vector<std::string> values (const std::vector<Row> &rows, const std::string &column);
/* SELECT * FROM banned_software, with an optional WHERE ... clause */
std::vector<Row> banned (PoRuntime *runtime, const std::string &where_clause = "");
/* "source name" pairs of some rows, sorted, for whole-set comparisons */
std::vector<std::string> findings (const std::vector<Row> &rows);

/* an instant as the tables give it (unix seconds, as text) from ISO 8601 */
std::string unix_time (const std::string &iso8601);

/* the counters the collectors bump, as "deb=1 process=0 ..." for messages */
std::string collector_counts (PoRuntime *runtime);
/* sum of all collector counters */
guint64 collectors_run (PoRuntime *runtime);

/* counts g_warning()s of the "phaseout" log domain while alive */
class WarningCounter {
 public:
  WarningCounter ();
  ~WarningCounter ();
  guint
  count () const
  {
    return count_;
  }
  const std::string &
  last () const
  {
    return last_;
  }

 private:
  static void handler (const gchar *domain, GLogLevelFlags level, const gchar *message,
                       gpointer data);
  guint id_;
  guint count_ = 0;
  std::string last_;
};

/* the state database's findings table read directly, for asserting on it */
std::vector<Row> read_state (const std::string &path, const std::string &where_clause = "");

}  // namespace po_test
