/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The stand-in's SQLite side: extension tables as virtual tables, the way
 * osquery's virtual_table.cpp and tables.cpp build them.  Internal to the
 * stand-in; exposed in a header so its pieces can be unit tested.
 */

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "osqueryd_standin.h"

struct sqlite3;

namespace po_standin {

/* osquery's ColumnOptions bits */
enum ColumnOption : std::int64_t {
  kOptDefault = 0,
  kOptIndex = 1,
  kOptRequired = 2,
  kOptAdditional = 4,
  kOptOptimized = 8,
  kOptHidden = 16,
  kOptCollateBinary = 32,
  kOptCollateNocase = 64,
  kOptCollateRtrim = 128,
  kOptCollateVersion = 256,
  kOptCollateVersionArch = 512,
  kOptCollateVersionDpkg = 1024,
  kOptCollateVersionRhel = 2048,
};

/* osquery's SQLite constraint operators (the SQLITE_INDEX_CONSTRAINT_* values) */
enum ConstraintOp : int {
  kOpEquals = 2,
  kOpGreaterThan = 4,
  kOpLessThanOrEquals = 8,
  kOpLessThan = 16,
  kOpGreaterThanOrEquals = 32,
};

/* what the virtual tables need from the manager */
class VtabHost {
 public:
  virtual ~VtabHost () = default;
  /* Registry::call("table", name, request) */
  virtual CallResult CallTable (const std::string &name, const PluginRequest &request) = 0;
  virtual bool DefaultIndex () const = 0;
  virtual bool ColsUsedReverse () const = 0;
  virtual void VtabLog (const std::string &line) = 0;
};

/* a column as the virtual table keeps it: name, type string, options */
struct VtabColumn {
  std::string name;
  std::string type; /* one of osquery's type names, "UNKNOWN" otherwise */
  std::int64_t options = 0;
};

/* osquery's columnTypeName(string): known names map to themselves, others to UNKNOWN */
std::string NormaliseColumnType (const std::string &type);

/*
 * "(`a` TEXT, `b` INTEGER HIDDEN, PRIMARY KEY (`a`))" from route rows, as
 * osquery's columnDefinition(response, aliases=true, is_extension=true)
 */
std::string ColumnDefinition (const PluginResponse &routes);

/* osquery's getStringForSQLiteReturnCode */
std::string SqliteReturnCodeString (int rc);

/* JSON string literal with rapidjson's default escaping */
std::string JsonString (const std::string &s);

/*
 * Value conversion of a generate value by declared type (dynamic_table_row.cpp):
 * returns false for NULL.  *ret_kind: 0 text, 1 integer, 2 double.
 */
struct ConvertedValue {
  enum Kind { kNull, kText, kInteger, kDouble } kind = kNull;
  std::string text;
  std::int64_t integer = 0;
  double real = 0;
};
ConvertedValue ConvertValue (const std::string &type, const std::string &value);

/* registers the VERSION* collations osquery's CREATE statements may name */
void RegisterCollations (sqlite3 *db);

/*
 * create_module(name) + "CREATE VIRTUAL TABLE temp.<name> USING <name><definition>",
 * returning the SQLite code (osquery's attachTableInternal)
 */
int AttachTable (sqlite3 *db, VtabHost *host, const std::string &name,
                 const std::string &definition);
/* "DROP TABLE IF EXISTS temp.<name>" (detachTableInternal) */
int DetachTable (sqlite3 *db, const std::string &name);

}  // namespace po_standin
