/* SPDX-License-Identifier: Apache-2.0 */
#include "compliance-test-util.h"

#include <algorithm>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <unistd.h>

namespace po_test {

const char *const kUsFederal = "jurisdictions=US\norganisation-types=federal-executive\n";
const char *const kNlCentral = "jurisdictions=NL\norganisation-types=central-government\n";
const char *const kNlMunicipality = "jurisdictions=NL\norganisation-types=municipality\n";
const char *const kNlVitalSector = "jurisdictions=NL\norganisation-types=vital-sector\n";

World::World (const std::string &fixture, const std::string &profile)
{
  root_ = tmp_.file ("root");
  config_ = tmp_.file ("phaseout.conf");
  policy_dir_ = tmp_.file ("policies.d");
  state_db_ = tmp_.file ("state.db");
  EXPECT_EQ (g_mkdir (root_.c_str (), 0755), 0);
  EXPECT_EQ (g_mkdir (policy_dir_.c_str (), 0755), 0);
  /* cp -a keeps the exe links and lib -> usr/lib as links */
  copy_fixture ("compliance/" + fixture, root_);
  set_profile (profile);
}

void
World::set_profile (const std::string &profile) const
{
  tmp_.write ("phaseout.conf",
              profile.empty () ? std::string ("# no profile\n") : "[profile]\n" + profile);
}

RuntimePtr
World::runtime (const std::string &now,
                const std::vector<std::pair<std::string, std::string>> &extra) const
{
  std::vector<std::pair<std::string, std::string>> flags = { { "root", root_ },
                                                             { "config", config_ },
                                                             { "policy-dir", policy_dir_ },
                                                             { "state-db", state_db_ },
                                                             { "now", now } };
  flags.insert (flags.end (), extra.begin (), extra.end ());
  return make_runtime (flags);
}

RuntimePtr
World::runtime_without_state (const std::string &now) const
{
  return make_runtime (
    { { "root", root_ }, { "config", config_ }, { "policy-dir", policy_dir_ }, { "now", now } });
}

void
World::remove_package (const std::string &package) const
{
  std::string path = host_file ("var/lib/dpkg/status");
  g_autofree gchar *contents = nullptr;
  ASSERT_TRUE (g_file_get_contents (path.c_str (), &contents, nullptr, nullptr));
  g_auto (GStrv) stanzas = g_strsplit (contents, "\n\n", -1);
  std::string kept;
  for (guint i = 0; stanzas[i] != nullptr; i++)
    {
      std::string stanza = stanzas[i];
      if (stanza.empty () || stanza.rfind ("Package: " + package + "\n", 0) == 0)
        continue;
      kept += stanza + "\n\n";
    }
  ASSERT_TRUE (g_file_set_contents (path.c_str (), kept.c_str (), -1, nullptr));
}

void
World::remove_path (const std::string &relative) const
{
  std::string path = host_file (relative);
  ASSERT_FALSE (relative.empty ());
  ASSERT_EQ (access (path.c_str (), F_OK), 0) << path;
  remove_tree (path);
}

void
World::write (const std::string &relative, const std::string &contents) const
{
  tmp_.write ("root/" + relative, contents);
}

std::vector<Row>
query (PoRuntime *runtime, const std::string &sql)
{
  return po_test::engine_rows (runtime, sql);
}

std::vector<Row>
where (const std::vector<Row> &rows, const std::string &column, const std::string &value)
{
  std::vector<Row> out;
  for (const auto &row : rows)
    {
      auto it = row.find (column);
      if (it != row.end () && it->second == value)
        out.push_back (row);
    }
  return out;
}

std::vector<std::string>
values (const std::vector<Row> &rows, const std::string &column)
{
  std::vector<std::string> out;
  for (const auto &row : rows)
    {
      auto it = row.find (column);
      std::string value = it != row.end () ? it->second : "<missing>";
      if (std::find (out.begin (), out.end (), value) == out.end ())
        out.push_back (value);
    }
  std::sort (out.begin (), out.end ());
  return out;
}

std::vector<Row>
banned (PoRuntime *runtime, const std::string &where_clause)
{
  return query (runtime, "SELECT * FROM banned_software " + where_clause);
}

std::vector<std::string>
findings (const std::vector<Row> &rows)
{
  std::vector<std::string> out;
  for (const auto &row : rows)
    out.push_back (row.at ("source") + " " + row.at ("name"));
  std::sort (out.begin (), out.end ());
  return out;
}

static const char *const kCollectors[] = { "deb",     "rpm",     "snap", "flatpak",
                                           "process", "systemd", "path", "kmod" };

std::string
collector_counts (PoRuntime *runtime)
{
  std::string out;
  for (const char *name : kCollectors)
    {
      std::string counter = std::string ("collector.") + name;
      out += std::string (name) + "="
             + std::to_string (po_runtime_get_count (runtime, counter.c_str ())) + " ";
    }
  return out;
}

guint64
collectors_run (PoRuntime *runtime)
{
  guint64 total = 0;
  for (const char *name : kCollectors)
    total += po_runtime_get_count (runtime, (std::string ("collector.") + name).c_str ());
  return total;
}

WarningCounter::WarningCounter ()
{
  id_ = g_log_set_handler ("phaseout",
                           (GLogLevelFlags) (G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL
                                             | G_LOG_FLAG_RECURSION),
                           handler, this);
}

WarningCounter::~WarningCounter ()
{
  g_log_remove_handler ("phaseout", id_);
}

void
WarningCounter::handler (const gchar *, GLogLevelFlags, const gchar *message, gpointer data)
{
  auto *self = static_cast<WarningCounter *> (data);
  self->count_++;
  self->last_ = message != nullptr ? message : "";
}

std::vector<Row>
read_state (const std::string &path, const std::string &where_clause)
{
  std::vector<Row> rows;
  sqlite3 *db = nullptr;
  sqlite3_stmt *statement = nullptr;
  std::string sql = "SELECT policy_id, finding, vendor, product, source, first_seen, last_seen,"
                    " removed_at FROM findings "
                    + where_clause + " ORDER BY id";

  if (sqlite3_open_v2 (path.c_str (), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    {
      ADD_FAILURE () << path << ": " << sqlite3_errmsg (db);
      sqlite3_close (db);
      return rows;
    }
  if (sqlite3_prepare_v2 (db, sql.c_str (), -1, &statement, nullptr) != SQLITE_OK)
    ADD_FAILURE () << sql << ": " << sqlite3_errmsg (db);
  while (statement != nullptr && sqlite3_step (statement) == SQLITE_ROW)
    {
      Row row;
      for (int c = 0; c < sqlite3_column_count (statement); c++)
        {
          const unsigned char *value = sqlite3_column_text (statement, c);
          row[sqlite3_column_name (statement, c)] = value != nullptr ? (const char *) value
                                                                     : "<NULL>";
        }
      rows.push_back (row);
    }
  sqlite3_finalize (statement);
  sqlite3_close (db);
  return rows;
}

std::string
unix_time (const std::string &iso8601)
{
  GDateTime *time = g_date_time_new_from_iso8601 (iso8601.c_str (), NULL);
  EXPECT_NE (time, nullptr) << iso8601;
  if (time == NULL)
    return "";
  std::string out = std::to_string (g_date_time_to_unix (time));
  g_date_time_unref (time);
  return out;
}

}  // namespace po_test
