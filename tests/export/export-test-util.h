/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Helpers for the export tests: an in-memory SQLite database holding
 * osquery's core tables of one platform (from the JSON files in osquery-schemas/) and
 * fixture rows (tests/fixtures/export/<platform>/<name>.json), and owners
 * for the catalogue and compiled queries.
 */
#include "po-test-shim.h"
#include "po-catalogue.h"
#include "po-export.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace po_test {

/* `phaseout export ARGS... --policy-dir policy_dir` */
ProcessResult run_export_cli (const std::vector<std::string> &args, const std::string &policy_dir);

/* one result row, column name -> text ("<NULL>" for NULL) */
using Row = std::map<std::string, std::string>;

const PoExportPlatform kPlatforms[] = { PO_EXPORT_PLATFORM_LINUX, PO_EXPORT_PLATFORM_WINDOWS,
                                        PO_EXPORT_PLATFORM_DARWIN };

class OsqueryDb {
 public:
  /* osquery_version: the tables as that osquery release has them (columns
   * added later, "since" in the schema files, are left out); "" for the newest */
  explicit OsqueryDb (PoExportPlatform platform, const std::string &osquery_version = "");
  ~OsqueryDb ();
  OsqueryDb (const OsqueryDb &) = delete;
  OsqueryDb &operator= (const OsqueryDb &) = delete;

  /* rows from tests/fixtures/export/<platform>/<name>.json */
  void load (const std::string &name);
  /* rows from JSON text: {"table": [{"column": value, ...}, ...], ...} */
  void load_json (const std::string &text);
  /* osquery's time table says it is unix_time (UTC seconds), as osqueryd's does */
  void set_time (long long unix_time);
  /* sqlite3_prepare_v2 succeeds (the message names the error otherwise) */
  ::testing::AssertionResult prepares (const std::string &sql);
  /* every row; a failing statement fails the test and returns none */
  std::vector<Row> query (const std::string &sql);
  const std::set<std::string> &
  tables () const
  {
    return tables_;
  }

 private:
  sqlite3 *db_ = nullptr;
  PoExportPlatform platform_;
  std::set<std::string> tables_;
};

/* the built-in catalogue, loaded once */
PoCatalogue *builtin_catalogue ();
/* the catalogue of the built-in data plus the files in dir (permissions
 * not checked); fails the test on any problem */
CataloguePtr catalogue_with (const std::string &dir, bool builtin = true);
/* a policy file: vendor "tux" with one anti-virus product whose Linux
 * indicators are linux_indicators (a JSON object's members), and the
 * policy "no-tux" covering it */
std::string tux_policy_file (const std::string &linux_indicators);

ExportQueryPtr compile (PoCatalogue *catalogue, const std::string &policy_id,
                        PoExportPlatform platform);

/* what the findings query finds in db: "source:name" */
std::set<std::string> found (OsqueryDb &db, PoExportQuery *query);
/* the findings rows themselves */
std::vector<Row> finding_rows (OsqueryDb &db, PoExportQuery *query);

/* the ids of the built-in policies */
std::vector<std::string> builtin_policy_ids ();

::testing::AssertionResult Contains (const std::string &haystack, const std::string &needle);

}  // namespace po_test
