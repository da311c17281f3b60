/* SPDX-License-Identifier: Apache-2.0 */
/*
 * osquery's rule for tables with required columns (file, hash,
 * authenticode, signature, ...): a query must constrain one of them, with =
 * (or IN) or LIKE, or osquery refuses it: xBestIndex gives such a plan the
 * highest cost and xFilter fails it with SQLITE_CONSTRAINT
 * ("... was queried without a required column in the WHERE clause",
 * osquery/sql/virtual_table.cpp, osquery commit
 * a5b14f63d98c0d4992ab8ae07d933e0d5ff008df).
 *
 * Here those tables are virtual tables whose xBestIndex refuses (with
 * SQLITE_CONSTRAINT) every plan that does not constrain a required column
 * by = or LIKE, so SQLite prepares a query only if every use of them is
 * constrained; the other tables are plain ones.  Every query phaseout
 * exports is prepared in such a database for its platform.
 */
#include "export-test-util.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include <string.h>

using namespace po_test;

namespace {

/* ---- a virtual table that needs a constraint on its required columns -------- */

struct RequiredVtab {
  sqlite3_vtab base;
  std::vector<int> *required;
};

struct EmptyCursor {
  sqlite3_vtab_cursor base;
};

/* a module argument as SQLite passes it: still in its quotes */
std::string
dequote (const char *argument)
{
  std::string out;
  size_t length = strlen (argument);
  if (length < 2 || argument[0] != '\'')
    return argument;
  for (size_t i = 1; i + 1 < length; i++)
    {
      out += argument[i];
      if (argument[i] == '\'' && argument[i + 1] == '\'')
        i++;
    }
  return out;
}

/* argv[3]: the CREATE TABLE text; argv[4]: the required columns' numbers */
int
required_connect (sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **ret,
                  char **error)
{
  (void) aux;
  (void) error;
  if (argc < 5 || sqlite3_declare_vtab (db, dequote (argv[3]).c_str ()) != SQLITE_OK)
    return SQLITE_ERROR;
  RequiredVtab *vtab = (RequiredVtab *) sqlite3_malloc (sizeof (RequiredVtab));
  memset (vtab, 0, sizeof *vtab);
  vtab->required = new std::vector<int> ();
  gchar **numbers = g_strsplit (dequote (argv[4]).c_str (), " ", -1);
  for (guint i = 0; numbers[i] != NULL; i++)
    if (numbers[i][0] != '\0')
      vtab->required->push_back (atoi (numbers[i]));
  g_strfreev (numbers);
  *ret = &vtab->base;
  return SQLITE_OK;
}

int
required_disconnect (sqlite3_vtab *base)
{
  RequiredVtab *vtab = (RequiredVtab *) base;
  delete vtab->required;
  sqlite3_free (vtab);
  return SQLITE_OK;
}

int
required_best_index (sqlite3_vtab *base, sqlite3_index_info *info)
{
  RequiredVtab *vtab = (RequiredVtab *) base;
  int argument = 0;

  for (int i = 0; i < info->nConstraint; i++)
    {
      const auto &constraint = info->aConstraint[i];
      bool required = false;
      for (int column : *vtab->required)
        required = required || constraint.iColumn == column;
      if (!constraint.usable || !required
          || (constraint.op != SQLITE_INDEX_CONSTRAINT_EQ
              && constraint.op != SQLITE_INDEX_CONSTRAINT_LIKE))
        continue;
      info->aConstraintUsage[i].argvIndex = ++argument;
    }
  if (argument == 0)
    return SQLITE_CONSTRAINT;
  info->estimatedCost = 1;
  return SQLITE_OK;
}

int
required_open (sqlite3_vtab *base, sqlite3_vtab_cursor **ret)
{
  (void) base;
  EmptyCursor *cursor = (EmptyCursor *) sqlite3_malloc (sizeof (EmptyCursor));
  memset (cursor, 0, sizeof *cursor);
  *ret = &cursor->base;
  return SQLITE_OK;
}

int
required_close (sqlite3_vtab_cursor *cursor)
{
  sqlite3_free (cursor);
  return SQLITE_OK;
}

int
required_filter (sqlite3_vtab_cursor *, int, const char *, int, sqlite3_value **)
{
  return SQLITE_OK;
}

int
required_next (sqlite3_vtab_cursor *)
{
  return SQLITE_OK;
}
int
required_eof (sqlite3_vtab_cursor *)
{
  return 1;
}
int
required_column (sqlite3_vtab_cursor *, sqlite3_context *ctx, int)
{
  sqlite3_result_null (ctx);
  return SQLITE_OK;
}
int
required_rowid (sqlite3_vtab_cursor *, sqlite3_int64 *rowid)
{
  *rowid = 0;
  return SQLITE_OK;
}

sqlite3_module required_module = {
  0,
  required_connect,
  required_connect,
  required_best_index,
  required_disconnect,
  required_disconnect,
  required_open,
  required_close,
  required_filter,
  required_next,
  required_eof,
  required_column,
  required_rowid,
  NULL,
  NULL,
  NULL,
  NULL,
  NULL,
  NULL,
  NULL,
  NULL,
  NULL,
  NULL,
  NULL,
};

std::string
quote (const std::string &name)
{
  return "\"" + name + "\"";
}

/* osquery's tables of platform: those with required columns as RequiredVtab */
class ConstrainedDb {
 public:
  explicit ConstrainedDb (PoExportPlatform platform)
  {
    const char *name = po_export_platform_to_string (platform);
    GDir *dir = g_dir_open (PO_EXPORT_SCHEMA_DIR, 0, NULL);
    const gchar *entry;

    sqlite3_open (":memory:", &db_);
    sqlite3_create_module (db_, "po_required", &required_module, NULL);
    while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
      {
        if (!g_str_has_suffix (entry, ".json"))
          continue;
        std::string path = std::string (PO_EXPORT_SCHEMA_DIR) + "/" + entry;
        JsonParser *parser = json_parser_new ();
        if (!json_parser_load_from_file (parser, path.c_str (), NULL))
          {
            ADD_FAILURE () << path;
            g_object_unref (parser);
            continue;
          }
        JsonObject *schema = json_node_get_object (json_parser_get_root (parser));
        JsonArray *platforms = json_object_get_array_member (schema, "platforms");
        bool here = false;
        for (guint i = 0; i < json_array_get_length (platforms); i++)
          here = here || g_str_equal (json_array_get_string_element (platforms, i), name);
        if (here)
          create (schema, name);
        g_object_unref (parser);
      }
    if (dir != NULL)
      g_dir_close (dir);
  }
  ~ConstrainedDb () { sqlite3_close (db_); }

  ::testing::AssertionResult
  prepares (const std::string &sql)
  {
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2 (db_, sql.c_str (), -1, &stmt, NULL) != SQLITE_OK)
      return ::testing::AssertionFailure () << sqlite3_errmsg (db_) << " in:\n" << sql;
    sqlite3_finalize (stmt);
    return ::testing::AssertionSuccess ();
  }

  const std::set<std::string> &
  constrained () const
  {
    return constrained_;
  }

 private:
  void
  create (JsonObject *schema, const char *platform)
  {
    std::string table = json_object_get_string_member (schema, "table");
    std::string columns, required;
    int number = 0;
    auto add = [&] (JsonArray *array) {
      for (guint i = 0; i < json_array_get_length (array); i++, number++)
        {
          JsonObject *column = json_array_get_object_element (array, i);
          columns += (columns.empty () ? "" : ", ")
                     + quote (json_object_get_string_member (column, "name")) + " "
                     + json_object_get_string_member (column, "type");
          if (json_object_get_boolean_member_with_default (column, "required", FALSE))
            required += std::to_string (number) + " ";
        }
    };
    add (json_object_get_array_member (schema, "columns"));
    if (json_object_has_member (schema, "extended")
        && json_object_has_member (json_object_get_object_member (schema, "extended"), platform))
      add (json_object_get_array_member (json_object_get_object_member (schema, "extended"),
                                         platform));
    std::string sql;
    if (required.empty ())
      sql = "CREATE TABLE " + quote (table) + " (" + columns + ")";
    else
      {
        /* module arguments cannot hold commas unquoted: the declaration
         * goes in as one quoted argument */
        std::string declaration = "CREATE TABLE x (" + columns + ")";
        std::string quoted;
        for (char c : declaration)
          quoted += c == '\'' ? std::string ("''") : std::string (1, c);
        sql = "CREATE VIRTUAL TABLE " + quote (table) + " USING po_required('" + quoted + "', '"
              + required + "')";
        constrained_.insert (table);
      }
    char *message = NULL;
    if (sqlite3_exec (db_, sql.c_str (), NULL, NULL, &message) != SQLITE_OK)
      {
        ADD_FAILURE () << sql << ": " << message;
        sqlite3_free (message);
      }
  }

  sqlite3 *db_ = nullptr;
  std::set<std::string> constrained_;
};

}  // namespace

/* the check itself can fail: an unconstrained file scan is refused */
TEST (ExportConstraints, TheCheckRefusesAnUnconstrainedScan)
{
  ConstrainedDb db (PO_EXPORT_PLATFORM_LINUX);

  EXPECT_TRUE (db.constrained ().count ("file"));
  EXPECT_FALSE (db.prepares ("SELECT path FROM file"));
  EXPECT_FALSE (db.prepares ("SELECT path FROM file WHERE uid = 0"));
  EXPECT_TRUE (db.prepares ("SELECT path FROM file WHERE path = '/etc/passwd'"));
  EXPECT_TRUE (db.prepares ("SELECT path FROM file WHERE directory = '/etc'"));
  EXPECT_TRUE (db.prepares ("SELECT path FROM file WHERE path LIKE '/etc/%'"));
  EXPECT_TRUE (db.prepares ("SELECT p.pid FROM processes AS p JOIN file AS f ON f.path = p.path"));
  ConstrainedDb windows (PO_EXPORT_PLATFORM_WINDOWS);
  EXPECT_TRUE (windows.constrained ().count ("authenticode"));
  EXPECT_FALSE (windows.prepares ("SELECT subject_name FROM authenticode"));
}

TEST (ExportConstraints, EveryExportedQueryConstrainsWhatOsqueryRequires)
{
  TempDir dir;
  g_mkdir (dir.file ("policies.d").c_str (), 0755);
  dir.write ("us.conf", "[profile]\njurisdictions=US\norganisation-types=federal-executive\n",
             0600);
  dir.write ("nl.conf", "[profile]\njurisdictions=NL\norganisation-types=central-government\n",
             0600);
  dir.write ("none.conf", "", 0600);

  for (PoExportPlatform platform : kPlatforms)
    {
      ConstrainedDb db (platform);
      const char *name = po_export_platform_to_string (platform);

      for (const std::string &id : builtin_policy_ids ())
        {
          ExportQueryPtr query = compile (builtin_catalogue (), id, platform);
          if (po_export_query_get_findings_sql (query.get ()) == NULL)
            continue;
          EXPECT_TRUE (db.prepares (po_export_query_get_findings_sql (query.get ()))) << id;
          EXPECT_TRUE (db.prepares (po_export_query_get_policy_sql (query.get ()))) << id;
        }
      for (const char *config : { "us.conf", "nl.conf", "none.conf" })
        for (const char *table : { "phaseout_status", "banned_software" })
          {
            ProcessResult result = run_process (
              { build_path ("cli/phaseout"), "export", "sql", "--table", table, "--platform", name,
                "--config", dir.file (config), "--policy-dir", dir.file ("policies.d") });
            ASSERT_EQ (result.status, 0) << result.err;
            EXPECT_TRUE (db.prepares (result.out)) << table << " " << config << " " << name;
          }
    }
}
