/* SPDX-License-Identifier: Apache-2.0 */
#include "export-test-util.h"

#include <json-glib/json-glib.h>

namespace po_test {

ProcessResult
run_export_cli (const std::vector<std::string> &args, const std::string &policy_dir)
{
  std::vector<std::string> full = { build_path ("cli/phaseout"), "export" };

  full.insert (full.end (), args.begin (), args.end ());
  full.push_back ("--policy-dir");
  full.push_back (policy_dir);
  return run_process (full);
}

namespace {

struct ObjectUnref {
  void
  operator() (gpointer p) const
  {
    g_object_unref (p);
  }
};

std::string
schema_dir ()
{
  return PO_EXPORT_SCHEMA_DIR;
}

/* whether osquery release a ("5.16.0") comes before b ("5.17.0") */
bool
version_before (const std::string &a, const std::string &b)
{
  gchar **x = g_strsplit (a.c_str (), ".", -1);
  gchar **y = g_strsplit (b.c_str (), ".", -1);
  int order = 0;

  for (guint i = 0; order == 0 && (x[i] != NULL || y[i] != NULL); i++)
    {
      long p = x[i] != NULL ? strtol (x[i], NULL, 10) : 0;
      long q = y[i] != NULL ? strtol (y[i], NULL, 10) : 0;
      order = p < q ? -1 : p > q ? 1 : 0;
      if (x[i] == NULL || y[i] == NULL)
        break;
    }
  g_strfreev (x);
  g_strfreev (y);
  return order < 0;
}

/* the columns a table has on platform, as "name TYPE [COLLATE ...]": the
 * common ones, then the platform's; none osquery_version lacks */
std::vector<std::pair<std::string, std::string>>
schema_columns (JsonObject *schema, const char *platform, const std::string &osquery_version)
{
  std::vector<std::pair<std::string, std::string>> columns;
  auto add = [&] (JsonArray *array) {
    for (guint i = 0; i < json_array_get_length (array); i++)
      {
        JsonObject *column = json_array_get_object_element (array, i);
        std::string type = json_object_get_string_member (column, "type");

        if (!osquery_version.empty () && json_object_has_member (column, "since")
            && version_before (osquery_version, json_object_get_string_member (column, "since")))
          continue;
        if (json_object_has_member (column, "collate"))
          type += std::string (" COLLATE ") + json_object_get_string_member (column, "collate");
        columns.emplace_back (json_object_get_string_member (column, "name"), type);
      }
  };

  add (json_object_get_array_member (schema, "columns"));
  if (json_object_has_member (schema, "extended"))
    {
      JsonObject *extended = json_object_get_object_member (schema, "extended");
      if (json_object_has_member (extended, platform))
        add (json_object_get_array_member (extended, platform));
    }
  return columns;
}

bool
on_platform (JsonObject *schema, const char *platform)
{
  JsonArray *platforms = json_object_get_array_member (schema, "platforms");
  for (guint i = 0; i < json_array_get_length (platforms); i++)
    if (g_str_equal (json_array_get_string_element (platforms, i), platform))
      return true;
  return false;
}

std::string
quote_identifier (const std::string &name)
{
  std::string out = "\"";
  for (char c : name)
    {
      if (c == '"')
        out += '"';
      out += c;
    }
  return out + "\"";
}

}  // namespace

OsqueryDb::OsqueryDb (PoExportPlatform platform, const std::string &osquery_version)
    : platform_ (platform)
{
  const char *name = po_export_platform_to_string (platform);
  GError *error = NULL;
  GDir *dir;
  const gchar *entry;

  if (sqlite3_open (":memory:", &db_) != SQLITE_OK)
    {
      ADD_FAILURE () << "sqlite3_open failed";
      return;
    }
  dir = g_dir_open (schema_dir ().c_str (), 0, &error);
  if (dir == NULL)
    {
      ADD_FAILURE () << error->message;
      g_error_free (error);
      return;
    }
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      if (!g_str_has_suffix (entry, ".json"))
        continue;
      std::string path = schema_dir () + "/" + entry;
      std::unique_ptr<JsonParser, ObjectUnref> parser (json_parser_new ());
      if (!json_parser_load_from_file (parser.get (), path.c_str (), &error))
        {
          ADD_FAILURE () << path << ": " << error->message;
          g_clear_error (&error);
          continue;
        }
      JsonObject *schema = json_node_get_object (json_parser_get_root (parser.get ()));
      if (!on_platform (schema, name))
        continue;
      std::string table = json_object_get_string_member (schema, "table");
      std::string sql = "CREATE TABLE " + quote_identifier (table) + " (";
      bool first = true;
      for (const auto &column : schema_columns (schema, name, osquery_version))
        {
          sql += (first ? "" : ", ") + quote_identifier (column.first) + " " + column.second;
          first = false;
        }
      sql += ")";
      char *message = NULL;
      if (sqlite3_exec (db_, sql.c_str (), NULL, NULL, &message) != SQLITE_OK)
        {
          ADD_FAILURE () << sql << ": " << message;
          sqlite3_free (message);
        }
      /* osquery answers its index and required columns by lookup, not by
       * scanning: so does the test database */
      JsonArray *columns = json_object_get_array_member (schema, "columns");
      for (guint c = 0; c < json_array_get_length (columns); c++)
        {
          JsonObject *column = json_array_get_object_element (columns, c);
          const char *column_name = json_object_get_string_member (column, "name");
          if (!json_object_get_boolean_member_with_default (column, "index", FALSE)
              && !json_object_get_boolean_member_with_default (column, "required", FALSE))
            continue;
          std::string index = "CREATE INDEX " + quote_identifier (table + "_" + column_name)
                              + " ON " + quote_identifier (table) + " ("
                              + quote_identifier (column_name) + ")";
          if (sqlite3_exec (db_, index.c_str (), NULL, NULL, &message) != SQLITE_OK)
            {
              ADD_FAILURE () << index << ": " << message;
              sqlite3_free (message);
            }
        }
      tables_.insert (table);
    }
  g_dir_close (dir);
}

OsqueryDb::~OsqueryDb ()
{
  if (db_ != nullptr)
    sqlite3_close (db_);
}

void
OsqueryDb::load (const std::string &name)
{
  std::string path = fixture_path (
    std::string ("export/") + po_export_platform_to_string (platform_) + "/" + name + ".json");
  load_json (read_file (path));
}

void
OsqueryDb::load_json (const std::string &text)
{
  std::unique_ptr<JsonParser, ObjectUnref> parser (json_parser_new ());
  GError *error = NULL;

  if (!json_parser_load_from_data (parser.get (), text.c_str (), -1, &error))
    {
      ADD_FAILURE () << error->message;
      g_error_free (error);
      return;
    }
  JsonObject *tables = json_node_get_object (json_parser_get_root (parser.get ()));
  GList *names = json_object_get_members (tables);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *table = (const char *) l->data;
      JsonArray *rows = json_object_get_array_member (tables, table);

      EXPECT_TRUE (tables_.count (table) == 1) << "fixture table " << table << " is not an osquery "
                                               << "table on this platform";
      for (guint r = 0; r < json_array_get_length (rows); r++)
        {
          JsonObject *row = json_array_get_object_element (rows, r);
          GList *columns = json_object_get_members (row);
          std::string names_sql, values_sql;
          sqlite3_stmt *stmt = NULL;
          int index = 1;

          for (GList *c = columns; c != NULL; c = c->next)
            {
              names_sql += (names_sql.empty () ? "" : ", ")
                           + quote_identifier ((const char *) c->data);
              values_sql += values_sql.empty () ? "?" : ", ?";
            }
          std::string sql = "INSERT INTO " + quote_identifier (table) + " (" + names_sql
                            + ") VALUES (" + values_sql + ")";
          if (sqlite3_prepare_v2 (db_, sql.c_str (), -1, &stmt, NULL) != SQLITE_OK)
            {
              ADD_FAILURE () << sql << ": " << sqlite3_errmsg (db_);
              g_list_free (columns);
              continue;
            }
          for (GList *c = columns; c != NULL; c = c->next, index++)
            {
              JsonNode *value = json_object_get_member (row, (const char *) c->data);
              if (JSON_NODE_HOLDS_NULL (value))
                sqlite3_bind_null (stmt, index);
              else if (json_node_get_value_type (value) == G_TYPE_INT64)
                sqlite3_bind_int64 (stmt, index, json_node_get_int (value));
              else if (json_node_get_value_type (value) == G_TYPE_DOUBLE)
                sqlite3_bind_double (stmt, index, json_node_get_double (value));
              else if (json_node_get_value_type (value) == G_TYPE_BOOLEAN)
                sqlite3_bind_int (stmt, index, json_node_get_boolean (value));
              else
                sqlite3_bind_text (stmt, index, json_node_get_string (value), -1, SQLITE_TRANSIENT);
            }
          EXPECT_EQ (sqlite3_step (stmt), SQLITE_DONE) << sqlite3_errmsg (db_);
          sqlite3_finalize (stmt);
          g_list_free (columns);
        }
    }
  g_list_free (names);
}

void
OsqueryDb::set_time (long long unix_time)
{
  GDateTime *time = g_date_time_new_from_unix_utc (unix_time);
  gchar *iso = g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
  gchar *weekday = g_date_time_format (time, "%A");
  gchar *sql = g_strdup_printf (
    "DELETE FROM time; INSERT INTO time (weekday, year, month, day, hour, minutes, seconds, "
    "timezone, local_timezone, unix_time, iso_8601) VALUES ('%s', %d, %d, %d, %d, %d, %d, "
    "'UTC', 'UTC', %lld, '%s')",
    weekday, g_date_time_get_year (time), g_date_time_get_month (time),
    g_date_time_get_day_of_month (time), g_date_time_get_hour (time), g_date_time_get_minute (time),
    g_date_time_get_second (time), unix_time, iso);
  char *message = NULL;

  if (sqlite3_exec (db_, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      ADD_FAILURE () << sql << ": " << message;
      sqlite3_free (message);
    }
  g_free (sql);
  g_free (weekday);
  g_free (iso);
  g_date_time_unref (time);
}

::testing::AssertionResult
OsqueryDb::prepares (const std::string &sql)
{
  sqlite3_stmt *stmt = NULL;
  const char *tail = NULL;

  if (sqlite3_prepare_v2 (db_, sql.c_str (), -1, &stmt, &tail) != SQLITE_OK)
    return ::testing::AssertionFailure () << sqlite3_errmsg (db_) << " in:\n" << sql;
  sqlite3_finalize (stmt);
  /* one statement, nothing after it but a semicolon or blanks */
  for (; tail != NULL && *tail != '\0'; tail++)
    if (!g_ascii_isspace (*tail) && *tail != ';')
      return ::testing::AssertionFailure () << "text after the statement: " << tail;
  return ::testing::AssertionSuccess ();
}

std::vector<Row>
OsqueryDb::query (const std::string &sql)
{
  std::vector<Row> rows;
  sqlite3_stmt *stmt = NULL;
  int status;

  if (sqlite3_prepare_v2 (db_, sql.c_str (), -1, &stmt, NULL) != SQLITE_OK)
    {
      ADD_FAILURE () << sqlite3_errmsg (db_) << " in:\n" << sql;
      return rows;
    }
  while ((status = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Row row;
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        {
          const unsigned char *text = sqlite3_column_text (stmt, c);
          row[sqlite3_column_name (stmt, c)] = text != NULL ? (const char *) text : "<NULL>";
        }
      rows.push_back (row);
    }
  EXPECT_EQ (status, SQLITE_DONE) << sqlite3_errmsg (db_);
  sqlite3_finalize (stmt);
  return rows;
}

PoCatalogue *
builtin_catalogue ()
{
  static PoCatalogue *catalogue = po_catalogue_new_builtin ();
  return catalogue;
}

std::string
tux_policy_file (const std::string &linux_indicators)
{
  return R"json({
    "format": 1,
    "vendors": [{"id": "tux", "name": "Tux", "products": [
      {"id": "tuxav", "name": "Tux AV", "category": "antivirus",
       "indicators": {"linux": {)json"
         + linux_indicators + R"json(}}}]}],
    "policies": [{
      "id": "no-tux", "title": "No Tux", "issuer": "Test issuer", "jurisdiction": "*",
      "instrument": "Test instrument", "issued": "2020-01-01", "binding": true,
      "vendors": ["tux"], "categories": ["antivirus"],
      "scope": {"binds": ["all"], "advises": [], "excludes": []}, "milestones": [],
      "sources": [{"title": "Test source", "url": "https://example.org/tux"}]
    }]
  })json";
}

CataloguePtr
catalogue_with (const std::string &dir, bool builtin)
{
  PoCatalogueOptions *options = po_catalogue_options_new ();
  po_catalogue_options_set_builtin (options, builtin);
  po_catalogue_options_set_permissions (options, FALSE, 0);
  po_catalogue_options_set_log_problems (options, FALSE);
  po_catalogue_options_add_policy_dir (options, dir.c_str (), TRUE);
  CataloguePtr catalogue (po_catalogue_load (options, NULL));
  po_catalogue_options_free (options);

  GPtrArray *problems = po_catalogue_get_problems (catalogue.get ());
  for (guint i = 0; i < problems->len; i++)
    ADD_FAILURE () << ((PoCatalogueProblem *) g_ptr_array_index (problems, i))->message;
  return catalogue;
}

ExportQueryPtr
compile (PoCatalogue *catalogue, const std::string &policy_id, PoExportPlatform platform)
{
  PoPolicy *policy = po_catalogue_lookup_policy (catalogue, policy_id.c_str ());
  EXPECT_TRUE (policy != NULL) << policy_id;
  if (policy == NULL)
    return ExportQueryPtr ();
  return ExportQueryPtr (po_export_query_new (catalogue, policy, platform));
}

std::vector<Row>
finding_rows (OsqueryDb &db, PoExportQuery *query)
{
  const gchar *sql = po_export_query_get_findings_sql (query);
  if (sql == NULL)
    return {};
  return db.query (sql);
}

std::set<std::string>
found (OsqueryDb &db, PoExportQuery *query)
{
  std::set<std::string> out;
  for (const auto &row : finding_rows (db, query))
    out.insert (row.at ("source") + ":" + row.at ("name"));
  return out;
}

std::vector<std::string>
builtin_policy_ids ()
{
  std::vector<std::string> ids;
  GPtrArray *policies = po_catalogue_get_policies (builtin_catalogue ());
  for (guint i = 0; i < policies->len; i++)
    ids.push_back (po_policy_get_id ((PoPolicy *) g_ptr_array_index (policies, i)));
  return ids;
}

::testing::AssertionResult
Contains (const std::string &haystack, const std::string &needle)
{
  if (haystack.find (needle) != std::string::npos)
    return ::testing::AssertionSuccess ();
  return ::testing::AssertionFailure () << "\"" << needle << "\" not found in:\n" << haystack;
}

}  // namespace po_test
