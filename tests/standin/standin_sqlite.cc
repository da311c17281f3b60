/* SPDX-License-Identifier: Apache-2.0 */

/*
 * Extension tables as SQLite virtual tables, rebuilt from the facts about
 * osquery's virtual_table.cpp, tables.cpp and dynamic_table_row.cpp
 * (docs/dev/osquery-extension-protocol.md §4 and §5).  Usage inside the stand-in:
 *
 *   AttachTable (db, host, "t", ColumnDefinition (routes));
 *   SELECT ... FROM t WHERE ...;   -- xFilter calls host->CallTable ("t", generate)
 *   DetachTable (db, "t");
 *
 * Query planning, as osquery does it:
 * - xBestIndex hands a constraint to the table only if the column's options
 *   include INDEX, REQUIRED or ADDITIONAL (after the default-index rewrite of
 *   options 0 to INDEX), never a range op on a TEXT column, never "omit".
 *   Each plan is kept under a fresh idxNum; xFilter reads it back.
 * - An equality on an OPTIMIZED indexed column that SQLite offers as an IN
 *   is taken all at once (sqlite3_vtab_in) and arrives as several op 2 items.
 * - A plan that uses a REQUIRED column without constraining one fails in
 *   xFilter with SQLITE_CONSTRAINT before the extension is called.
 */

#include "standin_sqlite.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

namespace po_standin {

namespace {

const char *const kTypeNames[] = {
  "TEXT", "INTEGER", "BIGINT", "UNSIGNED BIGINT", "DOUBLE", "BLOB",
};

const double kMaxIndexCost = 1000000;

/* tryTo<long>(s) with base 10: std::stol semantics, junk after the digits ignored */
bool ParseLong (const std::string &s, int base, long long *ret) {
  try {
    *ret = std::stoll (s, nullptr, base);
    return true;
  } catch (const std::exception &) {
    return false;
  }
}

std::int64_t ParseOptions (const PluginRow &row) {
  auto it = row.find ("op");
  long long v = 0;
  if (it == row.end () || !ParseLong (it->second, 10, &v))
    return kOptDefault;
  return v;
}

std::string Lookup (const PluginRow &row, const char *key, bool *found) {
  auto it = row.find (key);
  *found = it != row.end ();
  return *found ? it->second : std::string ();
}

struct PlanConstraint {
  size_t column;
  int op;
  bool in_all; /* an IN list taken all at once */
};

struct Plan {
  std::vector<PlanConstraint> constraints;
  std::vector<std::string> cols_used; /* declared order, aliases resolved */
  std::uint64_t cols_used_bitset = 0;
};

struct Vtab {
  sqlite3_vtab base; /* must stay first */
  VtabHost *host = nullptr;
  std::string name;
  std::vector<VtabColumn> columns;
  std::map<std::string, size_t> aliases; /* column alias -> target index */
  std::int64_t attributes = 0;
  std::map<int, Plan> plans;
};

struct Cursor {
  sqlite3_vtab_cursor base; /* must stay first */
  PluginResponse rows;
  size_t row = 0;
};

struct ModuleAux {
  VtabHost *host;
};

std::atomic<int> g_index_id{0};

void SetError (sqlite3_vtab *vtab, const std::string &message) {
  if (vtab->zErrMsg != nullptr)
    sqlite3_free (vtab->zErrMsg);
  vtab->zErrMsg = sqlite3_mprintf ("%s", message.c_str ());
}

/* TEXT columns never take range constraints (osquery's sensibleComparison) */
bool SensibleComparison (const std::string &type, int op) {
  if (type != "TEXT")
    return true;
  return !(op == kOpGreaterThan || op == kOpGreaterThanOrEquals || op == kOpLessThan ||
           op == kOpLessThanOrEquals);
}

/*
** xCreate and xConnect: asks the table's "columns" (answered from the
** broadcast while registering, over Thrift afterwards), declares the
** CREATE statement and keeps the columns with their effective options.
*/
int VtabCreate (sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **ppVtab,
                char **pzErr) {
  auto *module_aux = static_cast<ModuleAux *> (aux);
  if (argc == 0 || argv[0] == nullptr)
    return SQLITE_NOMEM;

  std::string name = argv[0];
  CallResult columns = module_aux->host->CallTable (name, {{"action", "columns"}});
  if (!columns.ok () || columns.response.empty ())
    return SQLITE_ERROR;

  std::string statement = "CREATE TABLE " + name + ColumnDefinition (columns.response);
  int rc = sqlite3_declare_vtab (db, statement.c_str ());
  if (rc != SQLITE_OK) {
    module_aux->host->VtabLog ("Error creating virtual table: " + name + " (" +
                               std::to_string (rc) + "): " + SqliteReturnCodeString (rc));
    return rc;
  }

  auto vtab = std::make_unique<Vtab> ();
  std::memset (&vtab->base, 0, sizeof (vtab->base));
  vtab->host = module_aux->host;
  vtab->name = name;

  std::set<std::string> views;
  for (const auto &row : columns.response) {
    bool has_id = false, has_name = false, has_type = false;
    std::string id = Lookup (row, "id", &has_id);
    if (!has_id)
      continue;
    std::string cname = Lookup (row, "name", &has_name);
    std::string ctype = Lookup (row, "type", &has_type);
    if (id == "column" && has_name && has_type) {
      std::int64_t options = ParseOptions (row);
      if (options == kOptDefault && module_aux->host->DefaultIndex ())
        options = kOptIndex;
      vtab->columns.push_back ({cname, NormaliseColumnType (ctype), options});
    } else if (id == "alias") {
      bool has_alias = false;
      std::string alias = Lookup (row, "alias", &has_alias);
      if (has_alias)
        views.insert (alias);
    } else if (id == "columnAlias" && has_name) {
      bool has_target = false;
      std::string target = Lookup (row, "target", &has_target);
      if (!has_target)
        continue;
      vtab->columns.push_back ({cname, "UNKNOWN", kOptHidden});
      /* as osquery: an unknown target falls back to column 0 */
      size_t target_index = 0;
      for (size_t i = 0; i < vtab->columns.size (); i++) {
        if (vtab->columns[i].name == target) {
          target_index = i;
          break;
        }
      }
      vtab->aliases[cname] = target_index;
    } else if (id == "attributes") {
      bool has_attr = false;
      std::string attr = Lookup (row, "attributes", &has_attr);
      long long v = 0;
      if (has_attr && ParseLong (attr, 10, &v))
        vtab->attributes = v;
    }
  }

  for (const auto &view : views) {
    std::string sql = "CREATE VIEW " + view + " AS SELECT * FROM " + name;
    sqlite3_exec (db, sql.c_str (), nullptr, nullptr, nullptr);
  }

  (void) pzErr;
  *ppVtab = &vtab.release ()->base;
  return SQLITE_OK;
}

int VtabDestroy (sqlite3_vtab *base) {
  delete reinterpret_cast<Vtab *> (base);
  return SQLITE_OK;
}

/*
** xBestIndex: which constraints the extension gets, and the cost model
** (1 with a usable index constraint, 1000000 otherwise or when a required
** column is used without a constraint).
*/
int VtabBestIndex (sqlite3_vtab *base, sqlite3_index_info *info) {
  auto *vtab = reinterpret_cast<Vtab *> (base);
  const auto &columns = vtab->columns;
  Plan plan;
  int expr_index = 0;
  double cost = kMaxIndexCost;
  bool has_required_columns = false;
  bool has_required_constraints = false;

  for (int i = 0; i < info->nConstraint; i++) {
    const auto &constraint = info->aConstraint[i];
    if (!constraint.usable)
      continue;
    if (constraint.iColumn < 0 || static_cast<size_t> (constraint.iColumn) >= columns.size ())
      continue;
    const auto &column = columns[constraint.iColumn];
    if (!SensibleComparison (column.type, constraint.op)) {
      cost += 10;
      continue;
    }
    if (column.options & kOptRequired) {
      has_required_constraints = true;
      cost = 1;
    } else if (column.options & (kOptIndex | kOptAdditional)) {
      cost = 1;
    } else {
      continue; /* not indexed: SQLite filters it */
    }

    bool in_all = false;
    if ((column.options & kOptOptimized) && constraint.op == SQLITE_INDEX_CONSTRAINT_EQ &&
        sqlite3_vtab_in (info, i, -1)) {
      sqlite3_vtab_in (info, i, 1);
      in_all = true;
    }
    plan.constraints.push_back ({static_cast<size_t> (constraint.iColumn), constraint.op, in_all});
    info->aConstraintUsage[i].argvIndex = ++expr_index;
  }

  /* colUsed: bit i for column i < 63, bit 63 for any column from 63 on */
  std::uint64_t bitset = info->colUsed;
  std::set<std::string> seen;
  if (bitset != 0) {
    for (size_t i = 0; i < columns.size (); i++) {
      size_t bit = i < 63 ? i : 63;
      if (!((bitset >> bit) & 1))
        continue;
      std::string column_name = columns[i].name;
      auto alias = vtab->aliases.find (column_name);
      if (alias != vtab->aliases.end ()) {
        bitset &= ~(std::uint64_t{1} << bit);
        size_t real = alias->second;
        bit = real < 63 ? real : 63;
        bitset |= std::uint64_t{1} << bit;
        column_name = columns[real].name;
      }
      if (seen.insert (column_name).second)
        plan.cols_used.push_back (column_name);
      if (columns[i].options & kOptRequired)
        has_required_columns = true;
    }
  }
  plan.cols_used_bitset = bitset;

  if (has_required_columns && !has_required_constraints)
    cost = kMaxIndexCost;

  info->idxNum = g_index_id++;
  info->estimatedCost = cost;
  vtab->plans[info->idxNum] = std::move (plan);
  return SQLITE_OK;
}

int VtabOpen (sqlite3_vtab *base, sqlite3_vtab_cursor **ppCursor) {
  auto *cursor = new Cursor ();
  std::memset (&cursor->base, 0, sizeof (cursor->base));
  cursor->base.pVtab = base;
  *ppCursor = &cursor->base;
  return SQLITE_OK;
}

int VtabClose (sqlite3_vtab_cursor *base) {
  delete reinterpret_cast<Cursor *> (base);
  return SQLITE_OK;
}

struct ConstraintList {
  std::string affinity;
  std::vector<std::pair<int, std::string>> list;
};

std::string SerialiseContext (const std::map<std::string, ConstraintList> &constraints,
                              std::vector<std::string> cols_used, std::uint64_t bitset,
                              bool reverse) {
  std::string json = "{\"constraints\":[";
  bool first = true;
  for (const auto &entry : constraints) {
    if (!first)
      json += ',';
    first = false;
    json += "{\"name\":" + JsonString (entry.first) + ",\"list\":[";
    bool first_item = true;
    for (const auto &item : entry.second.list) {
      if (!first_item)
        json += ',';
      first_item = false;
      json +=
        "{\"op\":" + std::to_string (item.first) + ",\"expr\":" + JsonString (item.second) + "}";
    }
    json += "],\"affinity\":" + JsonString (entry.second.affinity) + "}";
  }
  json += "],\"colsUsed\":[";
  if (reverse)
    std::reverse (cols_used.begin (), cols_used.end ());
  for (size_t i = 0; i < cols_used.size (); i++) {
    if (i > 0)
      json += ',';
    json += JsonString (cols_used[i]);
  }
  json += "],\"colsUsedBitset\":" + std::to_string (bitset) + "}";
  return json;
}

/*
** xFilter: fills the per-column constraint lists from argv (empty values
** dropped, IN values kept), enforces REQUIRED columns, then calls the
** extension's generate with the context JSON.
*/
int VtabFilter (sqlite3_vtab_cursor *base, int idxNum, const char *idxStr, int argc,
                sqlite3_value **argv) {
  auto *cursor = reinterpret_cast<Cursor *> (base);
  auto *vtab = reinterpret_cast<Vtab *> (base->pVtab);
  (void) idxStr;
  cursor->rows.clear ();
  cursor->row = 0;

  std::map<std::string, ConstraintList> constraints;
  std::map<std::string, std::int64_t> options;
  bool required_satisfied = true;
  for (const auto &column : vtab->columns) {
    constraints[column.name].affinity = column.type;
    options[column.name] = column.options;
    if (column.options & kOptRequired)
      required_satisfied = false;
  }

  const Plan &plan = vtab->plans[idxNum];
  for (int i = 0; i < argc && static_cast<size_t> (i) < plan.constraints.size (); i++) {
    const auto &constraint = plan.constraints[i];
    const std::string &column_name = vtab->columns[constraint.column].name;
    if (constraint.in_all) {
      sqlite3_value *value = nullptr;
      for (int rc = sqlite3_vtab_in_first (argv[i], &value); rc == SQLITE_OK && value != nullptr;
           rc = sqlite3_vtab_in_next (argv[i], &value)) {
        auto text = reinterpret_cast<const char *> (sqlite3_value_text (value));
        if (text == nullptr)
          continue;
        constraints[column_name].list.emplace_back (kOpEquals, text);
      }
      continue;
    }
    auto expr = reinterpret_cast<const char *> (sqlite3_value_text (argv[i]));
    if (expr == nullptr || expr[0] == '\0')
      continue;
    constraints[column_name].list.emplace_back (constraint.op, expr);
  }
  for (const auto &constraint : plan.constraints) {
    if (options[vtab->columns[constraint.column].name] & kOptRequired)
      required_satisfied = true;
  }

  if (!required_satisfied) {
    std::string message =
      "Table " + vtab->name + " was queried without a required column in the WHERE clause";
    vtab->host->VtabLog (message);
    SetError (base->pVtab, message);
    return SQLITE_CONSTRAINT;
  }
  if (vtab->attributes & 4)
    vtab->host->VtabLog ("Table " + vtab->name + " is event-based but events are disabled");

  std::string context = SerialiseContext (constraints, plan.cols_used, plan.cols_used_bitset,
                                          vtab->host->ColsUsedReverse ());
  CallResult result =
    vtab->host->CallTable (vtab->name, {{"action", "generate"}, {"context", context}});
  if (!result.ok ()) {
    vtab->host->VtabLog ("Invalid response from the extension table. Error " +
                         std::to_string (result.code) + ": " + result.message);
    SetError (base->pVtab, result.message);
    return SQLITE_ERROR;
  }
  cursor->rows = std::move (result.response);
  return SQLITE_OK;
}

int VtabNext (sqlite3_vtab_cursor *base) {
  reinterpret_cast<Cursor *> (base)->row++;
  return SQLITE_OK;
}

int VtabEof (sqlite3_vtab_cursor *base) {
  auto *cursor = reinterpret_cast<Cursor *> (base);
  return cursor->row >= cursor->rows.size ();
}

/* xColumn: the value of a column by its declared type (aliases read their target) */
int VtabColumnValue (sqlite3_vtab_cursor *base, sqlite3_context *ctx, int col) {
  auto *cursor = reinterpret_cast<Cursor *> (base);
  auto *vtab = reinterpret_cast<Vtab *> (base->pVtab);
  if (col < 0 || static_cast<size_t> (col) >= vtab->columns.size ())
    return SQLITE_ERROR;
  if (cursor->row >= cursor->rows.size ())
    return SQLITE_ERROR;

  std::string name = vtab->columns[col].name;
  std::string type = vtab->columns[col].type;
  auto alias = vtab->aliases.find (name);
  if (alias != vtab->aliases.end ()) {
    type = vtab->columns[alias->second].type;
    name = vtab->columns[alias->second].name;
  }

  const PluginRow &row = cursor->rows[cursor->row];
  auto it = row.find (name);
  if (it == row.end ()) {
    sqlite3_result_null (ctx);
    return SQLITE_OK;
  }
  if (NormaliseColumnType (type) == "UNKNOWN")
    vtab->host->VtabLog ("Error unknown column type " + name);
  ConvertedValue value = ConvertValue (type, it->second);
  switch (value.kind) {
  case ConvertedValue::kText:
    sqlite3_result_text (ctx, value.text.data (), static_cast<int> (value.text.size ()),
                         SQLITE_TRANSIENT);
    break;
  case ConvertedValue::kInteger:
    sqlite3_result_int64 (ctx, value.integer);
    break;
  case ConvertedValue::kDouble:
    sqlite3_result_double (ctx, value.real);
    break;
  case ConvertedValue::kNull:
    sqlite3_result_null (ctx);
    break;
  }
  return SQLITE_OK;
}

/* xRowid: the row's "rowid" (base 10) if present, else its index */
int VtabRowid (sqlite3_vtab_cursor *base, sqlite3_int64 *pRowid) {
  auto *cursor = reinterpret_cast<Cursor *> (base);
  *pRowid = 0;
  if (cursor->row >= cursor->rows.size ())
    return SQLITE_ERROR;
  const PluginRow &row = cursor->rows[cursor->row];
  auto it = row.find ("rowid");
  if (it == row.end ()) {
    *pRowid = static_cast<sqlite3_int64> (cursor->row);
    return SQLITE_OK;
  }
  long long v = 0;
  if (!ParseLong (it->second, 10, &v))
    return SQLITE_ERROR;
  *pRowid = v;
  return SQLITE_OK;
}

sqlite3_module kModule = {
  /* iVersion */ 0,
  /* xCreate */ VtabCreate,
  /* xConnect */ VtabCreate,
  /* xBestIndex */ VtabBestIndex,
  /* xDisconnect */ VtabDestroy,
  /* xDestroy */ VtabDestroy,
  /* xOpen */ VtabOpen,
  /* xClose */ VtabClose,
  /* xFilter */ VtabFilter,
  /* xNext */ VtabNext,
  /* xEof */ VtabEof,
  /* xColumn */ VtabColumnValue,
  /* xRowid */ VtabRowid,
  /* xUpdate */ nullptr,
  /* xBegin */ nullptr,
  /* xSync */ nullptr,
  /* xCommit */ nullptr,
  /* xRollback */ nullptr,
  /* xFindFunction */ nullptr,
  /* xRename */ nullptr,
  /* xSavepoint */ nullptr,
  /* xRelease */ nullptr,
  /* xRollbackTo */ nullptr,
  /* xShadowName */ nullptr,
};

/*
 * version collations: osquery registers comparators for these collation
 * names; the stand-in's are close approximations (see README.md)
 */
int CompareSegments (const std::string &a, const std::string &b) {
  size_t i = 0, j = 0;
  while (i < a.size () || j < b.size ()) {
    while (i < a.size () && !std::isalnum (static_cast<unsigned char> (a[i])))
      i++;
    while (j < b.size () && !std::isalnum (static_cast<unsigned char> (b[j])))
      j++;
    if (i >= a.size () || j >= b.size ())
      return (i < a.size ()) - (j < b.size ());
    bool num_a = std::isdigit (static_cast<unsigned char> (a[i]));
    bool num_b = std::isdigit (static_cast<unsigned char> (b[j]));
    size_t si = i, sj = j;
    if (num_a && num_b) {
      while (i < a.size () && std::isdigit (static_cast<unsigned char> (a[i])))
        i++;
      while (j < b.size () && std::isdigit (static_cast<unsigned char> (b[j])))
        j++;
      std::string x = a.substr (si, i - si), y = b.substr (sj, j - sj);
      x.erase (0, std::min (x.find_first_not_of ('0'), x.size ()));
      y.erase (0, std::min (y.find_first_not_of ('0'), y.size ()));
      if (x.size () != y.size ())
        return x.size () < y.size () ? -1 : 1;
      int c = x.compare (y);
      if (c != 0)
        return c < 0 ? -1 : 1;
    } else if (num_a != num_b) {
      return num_a ? 1 : -1; /* numbers sort after letters, as rpmvercmp */
    } else {
      while (i < a.size () && std::isalpha (static_cast<unsigned char> (a[i])))
        i++;
      while (j < b.size () && std::isalpha (static_cast<unsigned char> (b[j])))
        j++;
      int c = a.substr (si, i - si).compare (b.substr (sj, j - sj));
      if (c != 0)
        return c < 0 ? -1 : 1;
    }
  }
  return 0;
}

/* dpkg's verrevcmp on one part (upstream or revision) */
int DpkgOrder (int c) {
  if (std::isdigit (c))
    return 0;
  if (std::isalpha (c))
    return c;
  if (c == '~')
    return -1;
  if (c)
    return c + 256;
  return 0;
}

int DpkgPart (const std::string &a, const std::string &b) {
  size_t i = 0, j = 0;
  while (i < a.size () || j < b.size ()) {
    int first_diff = 0;
    while ((i < a.size () && !std::isdigit (static_cast<unsigned char> (a[i]))) ||
           (j < b.size () && !std::isdigit (static_cast<unsigned char> (b[j])))) {
      int ac = i < a.size () ? DpkgOrder (static_cast<unsigned char> (a[i])) : 0;
      int bc = j < b.size () ? DpkgOrder (static_cast<unsigned char> (b[j])) : 0;
      if (ac != bc)
        return ac < bc ? -1 : 1;
      i++;
      j++;
    }
    while (i < a.size () && a[i] == '0')
      i++;
    while (j < b.size () && b[j] == '0')
      j++;
    while (i < a.size () && j < b.size () && std::isdigit (static_cast<unsigned char> (a[i])) &&
           std::isdigit (static_cast<unsigned char> (b[j]))) {
      if (!first_diff)
        first_diff = a[i] - b[j];
      i++;
      j++;
    }
    if (i < a.size () && std::isdigit (static_cast<unsigned char> (a[i])))
      return 1;
    if (j < b.size () && std::isdigit (static_cast<unsigned char> (b[j])))
      return -1;
    if (first_diff)
      return first_diff < 0 ? -1 : 1;
  }
  return 0;
}

int DpkgCompare (const std::string &a, const std::string &b) {
  auto split = [] (const std::string &v, long *epoch, std::string *up, std::string *rev) {
    std::string rest = v;
    *epoch = 0;
    auto colon = rest.find (':');
    if (colon != std::string::npos) {
      *epoch = std::strtol (rest.substr (0, colon).c_str (), nullptr, 10);
      rest = rest.substr (colon + 1);
    }
    auto dash = rest.rfind ('-');
    *up = dash == std::string::npos ? rest : rest.substr (0, dash);
    *rev = dash == std::string::npos ? "" : rest.substr (dash + 1);
  };
  long ea, eb;
  std::string ua, ub, ra, rb;
  split (a, &ea, &ua, &ra);
  split (b, &eb, &ub, &rb);
  if (ea != eb)
    return ea < eb ? -1 : 1;
  int c = DpkgPart (ua, ub);
  return c != 0 ? c : DpkgPart (ra, rb);
}

int CollateGeneric (void *, int na, const void *pa, int nb, const void *pb) {
  return CompareSegments (std::string (static_cast<const char *> (pa), na),
                          std::string (static_cast<const char *> (pb), nb));
}

int CollateDpkg (void *, int na, const void *pa, int nb, const void *pb) {
  return DpkgCompare (std::string (static_cast<const char *> (pa), na),
                      std::string (static_cast<const char *> (pb), nb));
}

}  // namespace

std::string NormaliseColumnType (const std::string &type) {
  for (const char *name : kTypeNames) {
    if (type == name)
      return type;
  }
  return "UNKNOWN";
}

std::string ColumnDefinition (const PluginResponse &routes) {
  std::vector<VtabColumn> columns;
  std::map<std::string, std::string> column_types;
  for (const auto &row : routes) {
    bool has_id = false, has_name = false, has_type = false;
    std::string id = Lookup (row, "id", &has_id);
    if (!has_id)
      continue;
    std::string cname = Lookup (row, "name", &has_name);
    std::string ctype = Lookup (row, "type", &has_type);
    if (id == "column" && has_name && has_type) {
      std::string type = NormaliseColumnType (ctype);
      long long op = 0;
      auto it = row.find ("op");
      /* tryTo<int>: a value outside int stays DEFAULT */
      std::int64_t options = kOptDefault;
      if (it != row.end () && ParseLong (it->second, 10, &op) && op >= INT32_MIN && op <= INT32_MAX)
        options = op;
      columns.push_back ({cname, type, options});
      column_types[cname] = type;
    } else if (id == "columnAlias" && has_name) {
      bool has_target = false;
      std::string target = Lookup (row, "target", &has_target);
      if (!has_target)
        continue;
      auto target_type = column_types.find (target);
      if (target_type != column_types.end ())
        columns.push_back ({cname, target_type->second, kOptHidden});
    }
  }

  bool indexed = false;
  bool without_rowid = false;
  std::vector<std::string> pkeys;
  std::string statement = "(";
  for (size_t i = 0; i < columns.size (); i++) {
    const auto &column = columns[i];
    statement += "`" + column.name + "` " + column.type;
    if (column.options & kOptIndex)
      indexed = true;
    if (column.options & (kOptIndex | kOptAdditional)) {
      pkeys.push_back (column.name);
      without_rowid = true;
    }
    if (column.options & kOptHidden)
      statement += " HIDDEN";
    if (column.options & kOptCollateBinary)
      statement += " COLLATE BINARY";
    if (column.options & kOptCollateNocase)
      statement += " COLLATE NOCASE";
    if (column.options & kOptCollateRtrim)
      statement += " COLLATE RTRIM";
    if (column.options & kOptCollateVersion)
      statement += " COLLATE VERSION";
    if (column.options & kOptCollateVersionArch)
      statement += " COLLATE VERSION_ARCH";
    if (column.options & kOptCollateVersionDpkg)
      statement += " COLLATE VERSION_DPKG";
    if (column.options & kOptCollateVersionRhel)
      statement += " COLLATE VERSION_RHEL";
    if (i + 1 < columns.size ())
      statement += ", ";
  }
  /* only ADDITIONAL columns: the whole row is the key */
  if (!indexed && without_rowid) {
    pkeys.clear ();
    for (const auto &column : columns)
      pkeys.push_back (column.name);
  }
  if (!pkeys.empty ()) {
    statement += ", PRIMARY KEY (";
    for (size_t i = 0; i < pkeys.size (); i++) {
      statement += "`" + pkeys[i] + "`";
      if (i + 1 < pkeys.size ())
        statement += ", ";
    }
    statement += ")";
  }
  /* extension tables keep their rowid: no WITHOUT ROWID */
  statement += ")";
  return statement;
}

std::string SqliteReturnCodeString (int rc) {
  static const std::map<int, std::string> kCodes = {
    {0, "SQLITE_OK: Successful result"},
    {1, "SQLITE_ERROR: SQL error or missing database"},
    {2, "SQLITE_INTERNAL: Internal logic error in SQLite"},
    {3, "SQLITE_PERM: Access permission denied"},
    {4, "SQLITE_ABORT: Callback routine requested an abort"},
    {5, "SQLITE_BUSY: The database file is locked"},
    {6, "SQLITE_LOCKED: A table in the database is locked"},
    {7, "SQLITE_NOMEM: A malloc() failed"},
    {8, "SQLITE_READONLY: Attempt to write a readonly database"},
    {9, "SQLITE_INTERRUPT: Operation terminated by sqlite3_interrupt()"},
    {10, "SQLITE_IOERR: Some kind of disk I/O error occurred"},
    {11, "SQLITE_CORRUPT: The database disk image is malformed"},
    {12, "SQLITE_NOTFOUND: Unknown opcode in sqlite3_file_control()"},
    {13, "SQLITE_FULL: Insertion failed because database is full"},
    {14, "SQLITE_CANTOPEN: Unable to open the database file"},
    {15, "SQLITE_PROTOCOL: Database lock protocol error"},
    {16, "SQLITE_EMPTY: Database is empty"},
    {17, "SQLITE_SCHEMA: The database schema changed"},
    {18, "SQLITE_TOOBIG: String or BLOB exceeds size limit"},
    {19, "SQLITE_CONSTRAINT: Abort due to constraint violation"},
    {20, "SQLITE_MISMATCH: Data type mismatch"},
    {21, "SQLITE_MISUSE: Library used incorrectly"},
    {22, "SQLITE_NOLFS: Uses OS features not supported on host"},
    {23, "SQLITE_AUTH: Authorization denied"},
    {24, "SQLITE_FORMAT: Auxiliary database format error"},
    {25, "SQLITE_RANGE: 2nd parameter to sqlite3_bind out of range"},
    {26, "SQLITE_NOTADB: File opened that is not a database file"},
    {27, "SQLITE_NOTICE: Notifications from sqlite3_log()"},
    {28, "SQLITE_WARNING: Warnings from sqlite3_log()"},
    {100, "SQLITE_ROW: sqlite3_step() has another row ready"},
    {101, "SQLITE_DONE: sqlite3_step() has finished executing"},
  };
  auto it = kCodes.find (rc);
  if (it != kCodes.end ())
    return it->second;
  return "Error: " + std::to_string (rc) + " is not a valid SQLite result code";
}

std::string JsonString (const std::string &s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
      } else {
        out += static_cast<char> (c);
      }
    }
  }
  out += '"';
  return out;
}

ConvertedValue ConvertValue (const std::string &type, const std::string &value) {
  ConvertedValue out;
  if (type == "TEXT" || type == "BLOB") {
    out.kind = ConvertedValue::kText;
    out.text = value;
  } else if (type == "INTEGER") {
    /* std::stol base 0, handed to sqlite3_result_int: only the low 32 bits survive */
    long long v = 0;
    if (ParseLong (value, 0, &v)) {
      out.kind = ConvertedValue::kInteger;
      out.integer = static_cast<int> (v);
    }
  } else if (type == "BIGINT" || type == "UNSIGNED BIGINT") {
    long long v = 0;
    if (ParseLong (value, 0, &v)) {
      out.kind = ConvertedValue::kInteger;
      out.integer = v;
    }
  } else if (type == "DOUBLE") {
    char *end = nullptr;
    double v = std::strtod (value.c_str (), &end);
    if (end != nullptr && end != value.c_str () && *end == '\0') {
      out.kind = ConvertedValue::kDouble;
      out.real = v;
    }
  }
  return out;
}

void RegisterCollations (sqlite3 *db) {
  sqlite3_create_collation (db, "VERSION", SQLITE_UTF8, nullptr, CollateGeneric);
  sqlite3_create_collation (db, "VERSION_ARCH", SQLITE_UTF8, nullptr, CollateGeneric);
  sqlite3_create_collation (db, "VERSION_RHEL", SQLITE_UTF8, nullptr, CollateGeneric);
  sqlite3_create_collation (db, "VERSION_DPKG", SQLITE_UTF8, nullptr, CollateDpkg);
}

int AttachTable (sqlite3 *db, VtabHost *host, const std::string &name,
                 const std::string &definition) {
  int rc = sqlite3_create_module_v2 (db, name.c_str (), &kModule, new ModuleAux{host},
                                     [] (void *p) { delete static_cast<ModuleAux *> (p); });
  if (rc != SQLITE_OK && rc != SQLITE_MISUSE) {
    host->VtabLog ("Error attaching table: " + name + " (" + std::to_string (rc) + ")");
    return rc;
  }
  std::string sql = "CREATE VIRTUAL TABLE temp." + name + " USING " + name + definition;
  return sqlite3_exec (db, sql.c_str (), nullptr, nullptr, nullptr);
}

int DetachTable (sqlite3 *db, const std::string &name) {
  std::string sql = "DROP TABLE IF EXISTS temp." + name;
  return sqlite3_exec (db, sql.c_str (), nullptr, nullptr, nullptr);
}

}  // namespace po_standin
