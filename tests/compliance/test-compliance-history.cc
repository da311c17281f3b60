/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state database and phaseout_history: episodes, removals and what may
 * declare them, concurrency, and a database that is broken in various ways.
 */
#include "compliance-test-util.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

using namespace po_test;

namespace {

const char *const kBod = "us-dhs-bod-17-01";

/* removes KESL from a kes-host copy: package, process, unit and files */
void
uninstall_kesl (const World &world)
{
  world.remove_package ("kesl");
  world.remove_path ("proc/812");
  world.remove_path ("usr/lib/systemd/system/kesl.service");
  world.remove_path ("opt/kaspersky/kesl");
  world.remove_path ("var/opt/kaspersky/kesl");
}

void
uninstall_agent (const World &world)
{
  world.remove_package ("klnagent64");
  world.remove_path ("proc/901");
  world.remove_path ("usr/lib/systemd/system/klnagent64.service");
  world.remove_path ("opt/kaspersky");
  world.remove_path ("var/opt/kaspersky");
}

std::vector<Row>
history (PoRuntime *runtime, const std::string &where_clause = "")
{
  return query (runtime, "SELECT * FROM phaseout_history " + where_clause);
}

std::string
pragma (const std::string &path, const std::string &sql)
{
  sqlite3 *db = nullptr;
  sqlite3_stmt *statement = nullptr;
  std::string value = "<error>";
  if (sqlite3_open_v2 (path.c_str (), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK
      && sqlite3_prepare_v2 (db, sql.c_str (), -1, &statement, nullptr) == SQLITE_OK
      && sqlite3_step (statement) == SQLITE_ROW)
    value = (const char *) sqlite3_column_text (statement, 0);
  sqlite3_finalize (statement);
  sqlite3_close (db);
  return value;
}

}  // namespace

TEST (History, FirstAndLastSeen)
{
  World world ("kes-host", kUsFederal);
  auto first = world.runtime ("2017-12-01");
  query (first.get (), "SELECT * FROM banned_software");
  auto second = world.runtime ("2017-12-03T08:00:00Z");
  auto rows = where (query (second.get (), "SELECT * FROM banned_software"), "policy_id", kBod);
  ASSERT_EQ (rows.size (), 10u);
  for (const auto &row : rows)
    {
      EXPECT_EQ (row.at ("first_seen"), unix_time ("2017-12-01T00:00:00Z")) << row.at ("finding");
      EXPECT_EQ (row.at ("last_seen"), unix_time ("2017-12-03T08:00:00Z")) << row.at ("finding");
    }
  auto episodes = history (second.get (), "WHERE policy_id = 'us-dhs-bod-17-01'");
  EXPECT_EQ (episodes.size (), 10u);
  for (const auto &episode : episodes)
    {
      EXPECT_EQ (episode.at ("removed_at"), "<NULL>");
      EXPECT_EQ (episode.at ("present"), "1");
    }
  auto deb = where (episodes, "finding", "deb:kesl");
  ASSERT_EQ (deb.size (), 1u);
  EXPECT_EQ (deb[0].at ("version"), "12.1.0-1297");
  EXPECT_EQ (deb[0].at ("product"), "kesl");
  EXPECT_EQ (deb[0].at ("category"), "antivirus");
  EXPECT_EQ (deb[0].at ("source"), "deb");
}

/* the removal case: present in one query, gone in the next */
TEST (History, RemovalIsRecordedAndStatusTurnsCompliant)
{
  World world ("kes-host", kUsFederal);
  auto before = world.runtime ("2017-12-01");
  EXPECT_EQ (query (before.get (), "SELECT status FROM phaseout_status WHERE policy_id = "
                                   "'us-dhs-bod-17-01'")[0]["status"],
             "action_required");

  uninstall_kesl (world);
  auto after = world.runtime ("2017-12-05");
  auto rows = where (query (after.get (), "SELECT * FROM banned_software"), "policy_id", kBod);
  EXPECT_EQ (values (rows, "product"), (std::vector<std::string>{ "ksc-network-agent" }));

  auto episodes = history (after.get (), "WHERE policy_id = 'us-dhs-bod-17-01'");
  auto removed = where (episodes, "present", "0");
  std::vector<std::string> removed_findings;
  for (const auto &episode : removed)
    {
      removed_findings.push_back (episode.at ("finding"));
      EXPECT_EQ (episode.at ("removed_at"), unix_time ("2017-12-05T00:00:00Z"));
      EXPECT_EQ (episode.at ("first_seen"), unix_time ("2017-12-01T00:00:00Z"));
      EXPECT_EQ (episode.at ("last_seen"), unix_time ("2017-12-01T00:00:00Z"));
      EXPECT_EQ (episode.at ("product"), "kesl");
    }
  std::sort (removed_findings.begin (), removed_findings.end ());
  EXPECT_EQ (removed_findings,
             (std::vector<std::string>{ "deb:kesl", "path:/opt/kaspersky/kesl",
                                        "path:/var/opt/kaspersky/kesl", "process:kesl",
                                        "systemd_unit:kesl.service" }));
  EXPECT_EQ (where (episodes, "present", "1").size (), 5u);

  uninstall_agent (world);
  auto clean = world.runtime ("2017-12-20");
  auto status = query (clean.get (), "SELECT * FROM phaseout_status WHERE policy_id = "
                                     "'us-dhs-bod-17-01'");
  EXPECT_EQ (status[0]["status"], "compliant");
  EXPECT_EQ (status[0]["findings"], "0");
  episodes = history (clean.get (), "WHERE policy_id = 'us-dhs-bod-17-01'");
  EXPECT_EQ (episodes.size (), 10u);
  EXPECT_TRUE (where (episodes, "present", "1").empty ());
  EXPECT_EQ (where (episodes, "removed_at", unix_time ("2017-12-20T00:00:00Z")).size (), 5u);
}

/* a query constrained on source, vendor or category does not see everything: no removals */
TEST (History, ConstrainedQueriesNeverRemove)
{
  World world ("kes-host", kUsFederal);
  /* when BOD 17-01, the NDAA and the Commerce determination are all in force */
  auto before = world.runtime ("2024-07-01");
  query (before.get (), "SELECT * FROM banned_software");
  uninstall_kesl (world);

  auto after = world.runtime ("2024-07-05");
  for (const char *sql : { "SELECT * FROM banned_software WHERE source = 'deb'",
                           "SELECT * FROM banned_software WHERE source IN ('deb', 'process',"
                           " 'systemd_unit', 'path', 'kernel_module', 'rpm', 'snap', 'flatpak')",
                           "SELECT * FROM banned_software WHERE vendor = 'kaspersky'",
                           "SELECT * FROM banned_software WHERE category = 'antivirus'" })
    {
      query (after.get (), sql);
      EXPECT_TRUE (read_state (world.state_db (), "WHERE removed_at IS NOT NULL").empty ()) << sql;
    }
  /* the agent's findings were refreshed by those queries */
  auto agent = read_state (world.state_db (), "WHERE finding = 'deb:klnagent64'");
  ASSERT_FALSE (agent.empty ());
  EXPECT_EQ (agent[0].at ("last_seen"), std::to_string (1720137600)); /* 2024-07-05 */

  /* a policy_id constraint is complete for the policies it names */
  query (after.get (), "SELECT * FROM banned_software WHERE policy_id = 'us-ndaa18-1634'");
  auto removed = read_state (world.state_db (), "WHERE removed_at IS NOT NULL");
  EXPECT_EQ (values (removed, "policy_id"), (std::vector<std::string>{ "us-ndaa18-1634" }));
  EXPECT_EQ (removed.size (), 5u);

  /* an unconstrained query removes the rest */
  query (after.get (), "SELECT * FROM banned_software");
  EXPECT_EQ (read_state (world.state_db (), "WHERE removed_at IS NOT NULL").size (), 15u);
}

/* a collector that could not read its source does not declare its findings removed */
TEST (History, UnreadableSourceDoesNotRemove)
{
  World world ("kes-host", kUsFederal);
  /* when BOD 17-01, the NDAA and the Commerce determination are all in force */
  auto before = world.runtime ("2024-07-01");
  query (before.get (), "SELECT * FROM banned_software");

  /* a dpkg status file phaseout refuses to read: a directory where the file should be */
  world.remove_path ("var/lib/dpkg/status");
  ASSERT_EQ (g_mkdir (world.host_file ("var/lib/dpkg/status").c_str (), 0755), 0);
  auto after = world.runtime ("2024-07-05");
  auto rows = query (after.get (), "SELECT * FROM banned_software WHERE policy_id = "
                                   "'us-dhs-bod-17-01'");
  EXPECT_TRUE (where (rows, "source", "deb").empty ());
  auto deb = read_state (world.state_db (), "WHERE source = 'deb'");
  ASSERT_EQ (deb.size (), 6u);
  for (const auto &row : deb)
    EXPECT_EQ (row.at ("removed_at"), "<NULL>") << row.at ("finding");
}

/* seen again after a removal: a new episode; the old one keeps its dates */
TEST (History, ReappearanceOpensANewEpisode)
{
  World world ("kes-host", kUsFederal);
  std::string status = world.host_file ("var/lib/dpkg/status");
  g_autofree gchar *saved = nullptr;
  ASSERT_TRUE (g_file_get_contents (status.c_str (), &saved, nullptr, nullptr));

  auto t1 = world.runtime ("2017-12-01");
  query (t1.get (), "SELECT * FROM banned_software");
  world.remove_package ("kesl");
  auto t2 = world.runtime ("2017-12-02");
  query (t2.get (), "SELECT * FROM banned_software");
  ASSERT_TRUE (g_file_set_contents (status.c_str (), saved, -1, nullptr));
  auto t3 = world.runtime ("2017-12-03");
  auto rows = where (query (t3.get (), "SELECT * FROM banned_software WHERE policy_id = "
                                       "'us-dhs-bod-17-01'"),
                     "finding", "deb:kesl");
  ASSERT_EQ (rows.size (), 1u);
  EXPECT_EQ (rows[0]["first_seen"], unix_time ("2017-12-03T00:00:00Z"));

  auto episodes = history (t3.get (), "WHERE policy_id = 'us-dhs-bod-17-01'");
  auto kesl = where (episodes, "finding", "deb:kesl");
  ASSERT_EQ (kesl.size (), 2u);
  EXPECT_EQ (kesl[0]["first_seen"], unix_time ("2017-12-01T00:00:00Z"));
  EXPECT_EQ (kesl[0]["removed_at"], unix_time ("2017-12-02T00:00:00Z"));
  EXPECT_EQ (kesl[1]["first_seen"], unix_time ("2017-12-03T00:00:00Z"));
  EXPECT_EQ (kesl[1]["removed_at"], "<NULL>");
  /* the status counts from the present episode */
  auto status_row = query (t3.get (), "SELECT first_detected FROM phaseout_status WHERE "
                                      "policy_id = 'us-dhs-bod-17-01'");
  EXPECT_EQ (status_row[0]["first_detected"], unix_time ("2017-12-01T00:00:00Z"));
}

/* querying the history brings it up to date first */
TEST (History, HistoryQueryScansFirst)
{
  World world ("kes-host", kUsFederal);
  auto t1 = world.runtime ("2017-12-01");
  EXPECT_EQ (history (t1.get (), "WHERE policy_id = 'us-dhs-bod-17-01'").size (), 10u);
  uninstall_kesl (world);
  auto t2 = world.runtime ("2017-12-02");
  auto episodes = history (t2.get (), "WHERE policy_id = 'us-dhs-bod-17-01'");
  EXPECT_EQ (where (episodes, "present", "0").size (), 5u);
}

/* a policy that stops applying keeps its episodes as they were */
TEST (History, PolicyThatStopsApplyingIsLeftAlone)
{
  World world ("kes-host", kUsFederal);
  auto t1 = world.runtime ("2017-12-01");
  query (t1.get (), "SELECT * FROM banned_software");
  world.set_profile (kNlCentral);
  auto t2 = world.runtime ("2017-12-05");
  query (t2.get (), "SELECT * FROM banned_software");
  auto bod = read_state (world.state_db (), "WHERE policy_id = 'us-dhs-bod-17-01'");
  ASSERT_EQ (bod.size (), 10u);
  for (const auto &row : bod)
    EXPECT_EQ (row.at ("removed_at"), "<NULL>");
}

/* ---- the database file -------------------------------------------------- */

TEST (StateDatabase, CreatedPrivateWithWalAndSchemaVersion)
{
  World world ("clean-host", kUsFederal);
  auto runtime = world.runtime ("2019-01-01");
  query (runtime.get (), "SELECT * FROM phaseout_status");
  struct stat st;
  ASSERT_EQ (stat (world.state_db ().c_str (), &st), 0);
  EXPECT_EQ (st.st_mode & 0777, 0600u);
  EXPECT_EQ (pragma (world.state_db (), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ (pragma (world.state_db (), "PRAGMA user_version"), "1");
  if (stat ((world.state_db () + "-wal").c_str (), &st) == 0)
    {
      EXPECT_EQ (st.st_mode & 0777, 0600u);
    }
}

TEST (StateDatabase, ExistingFileKeepsItsMode)
{
  World world ("clean-host", kUsFederal);
  ASSERT_TRUE (g_file_set_contents (world.state_db ().c_str (), "", 0, nullptr));
  ASSERT_EQ (chmod (world.state_db ().c_str (), 0640), 0);
  auto runtime = world.runtime ("2019-01-01");
  query (runtime.get (), "SELECT * FROM phaseout_status");
  struct stat st;
  ASSERT_EQ (stat (world.state_db ().c_str (), &st), 0);
  EXPECT_EQ (st.st_mode & 0777, 0640u);
  EXPECT_EQ (pragma (world.state_db (), "PRAGMA user_version"), "1");
}

/* garbage where the database should be: reported once, tables answer with NULL history */
TEST (StateDatabase, CorruptDatabaseIsReportedAndTablesStillAnswer)
{
  World world ("kes-host", kUsFederal);
  std::string garbage (8192, '\x5a');
  ASSERT_TRUE (g_file_set_contents (world.state_db ().c_str (), garbage.data (),
                                    (gssize) garbage.size (), nullptr));
  WarningCounter warnings;
  auto runtime = world.runtime ("2017-12-01");
  auto rows = where (query (runtime.get (), "SELECT * FROM banned_software"), "policy_id", kBod);
  ASSERT_EQ (rows.size (), 10u);
  for (const auto &row : rows)
    {
      EXPECT_EQ (row.at ("first_seen"), "<NULL>");
      EXPECT_EQ (row.at ("last_seen"), "<NULL>");
    }
  auto status = query (runtime.get (), "SELECT * FROM phaseout_status WHERE policy_id = "
                                       "'us-dhs-bod-17-01'");
  EXPECT_EQ (status[0]["status"], "action_required");
  EXPECT_EQ (status[0]["first_detected"], "<NULL>");
  EXPECT_EQ (status[0]["days_remaining"], "11");
  EXPECT_TRUE (history (runtime.get ()).empty ());
  EXPECT_EQ (warnings.count (), 1u) << warnings.last ();
  EXPECT_NE (warnings.last ().find (world.state_db ()), std::string::npos) << warnings.last ();
  /* the fleet sees it too, not only the log */
  auto info = query (runtime.get (), "SELECT state_db, state_db_problem FROM phaseout_info");
  EXPECT_EQ (info[0]["state_db"], world.state_db ());
  EXPECT_NE (info[0]["state_db_problem"].find (world.state_db ()), std::string::npos)
    << info[0]["state_db_problem"];
  /* and the file is left for the administrator to look at */
  g_autofree gchar *contents = nullptr;
  gsize length = 0;
  ASSERT_TRUE (g_file_get_contents (world.state_db ().c_str (), &contents, &length, nullptr));
  EXPECT_EQ (std::string (contents, length), garbage);
}

TEST (StateDatabase, UnwritableLocationIsReportedAndTablesStillAnswer)
{
  World world ("kes-host", kUsFederal);
  for (const std::string &path :
       { world.root () + "/no/such/dir/state.db", world.root () + "/opt" /* a directory */ })
    {
      WarningCounter warnings;
      auto runtime = world.runtime ("2017-12-01", { { "state-db", path } });
      auto rows = query (runtime.get (), "SELECT * FROM banned_software");
      EXPECT_FALSE (rows.empty ()) << path;
      EXPECT_EQ (values (rows, "first_seen"), (std::vector<std::string>{ "<NULL>" })) << path;
      query (runtime.get (), "SELECT * FROM phaseout_status");
      EXPECT_EQ (warnings.count (), 1u) << path;
    }
}

TEST (StateDatabase, NewerSchemaIsRefused)
{
  World world ("kes-host", kUsFederal);
  sqlite3 *db = nullptr;
  ASSERT_EQ (sqlite3_open (world.state_db ().c_str (), &db), SQLITE_OK);
  ASSERT_EQ (sqlite3_exec (db, "CREATE TABLE future (x); PRAGMA user_version = 99", nullptr,
                           nullptr, nullptr),
             SQLITE_OK);
  sqlite3_close (db);
  WarningCounter warnings;
  auto runtime = world.runtime ("2017-12-01");
  auto rows = query (runtime.get (), "SELECT * FROM banned_software");
  EXPECT_FALSE (rows.empty ());
  EXPECT_EQ (values (rows, "first_seen"), (std::vector<std::string>{ "<NULL>" }));
  EXPECT_EQ (warnings.count (), 1u);
  EXPECT_NE (warnings.last ().find ("newer"), std::string::npos) << warnings.last ();
  EXPECT_EQ (pragma (world.state_db (), "PRAGMA user_version"), "99");
}

/* a database that becomes usable is picked up without a new runtime */
TEST (StateDatabase, RecoversWhenTheProblemGoesAway)
{
  World world ("kes-host", kUsFederal);
  std::string dir = world.root () + "/later";
  std::string path = dir + "/state.db";
  WarningCounter warnings;
  auto runtime = world.runtime ("2017-12-01", { { "state-db", path } });
  EXPECT_EQ (values (query (runtime.get (), "SELECT first_seen FROM banned_software"),
                     "first_seen"),
             (std::vector<std::string>{ "<NULL>" }));
  EXPECT_NE (query (runtime.get (),
                    "SELECT state_db_problem FROM phaseout_info")[0]["state_db_problem"],
             "");
  ASSERT_EQ (g_mkdir (dir.c_str (), 0700), 0);
  EXPECT_EQ (query (runtime.get (),
                    "SELECT state_db_problem FROM phaseout_info")[0]["state_db_problem"],
             "");
  EXPECT_EQ (values (query (runtime.get (), "SELECT first_seen FROM banned_software"),
                     "first_seen"),
             (std::vector<std::string>{ unix_time ("2017-12-01T00:00:00Z") }));
  EXPECT_EQ (warnings.count (), 1u);
}

/* --root names another tree: the host's default history must not record it */
TEST (StateDatabase, RootWithoutStateDbKeepsNoHistory)
{
  World world ("kes-host", kUsFederal);
  WarningCounter warnings;
  auto runtime = world.runtime_without_state ("2017-12-01");
  EXPECT_EQ (po_state_get_path (po_runtime_get_state (runtime.get (), nullptr)), nullptr);
  auto rows = query (runtime.get (), "SELECT * FROM banned_software");
  EXPECT_FALSE (rows.empty ());
  EXPECT_EQ (values (rows, "first_seen"), (std::vector<std::string>{ "<NULL>" }));
  EXPECT_TRUE (history (runtime.get ()).empty ());
  auto info = query (runtime.get (), "SELECT state_db, state_db_problem FROM phaseout_info");
  EXPECT_EQ (info[0]["state_db"], "");
  EXPECT_EQ (info[0]["state_db_problem"], "");
  EXPECT_EQ (warnings.count (), 0u) << warnings.last ();
}

TEST (StateDatabase, DefaultLocation)
{
  g_autofree gchar *path = po_settings_get_default_state_db ();
  ASSERT_NE (path, nullptr);
  EXPECT_TRUE (g_str_has_suffix (path, "/state.db")) << path;
  if (geteuid () != 0)
    {
      g_autofree gchar *expected = g_build_filename (g_get_user_state_dir (), "phaseout",
                                                     "state.db", NULL);
      EXPECT_STREQ (path, expected);
    }
  else
    EXPECT_FALSE (g_str_has_prefix (path, g_get_user_state_dir ())) << path;

  /* the host root without --state-db uses it */
  auto runtime = make_runtime ({ { "root", "/" } });
  EXPECT_STREQ (po_state_get_path (po_runtime_get_state (runtime.get (), nullptr)), path);
}

/* ---- concurrency -------------------------------------------------------- */

/*
 * Several runtimes (each its own connection, as separate processes would
 * be) and several threads per runtime scan at once with different clocks:
 * nothing fails, the database stays intact, each finding has one episode,
 * and the latest clock wins last_seen (no update is lost).
 */
TEST (StateDatabase, ConcurrentScansLoseNothing)
{
  World world ("kes-host", kUsFederal);
  constexpr int kRuntimes = 3, kThreadsPerRuntime = 2, kScans = 4;
  std::vector<RuntimePtr> runtimes;
  std::vector<std::thread> threads;
  std::atomic<int> failures{ 0 };
  WarningCounter warnings;

  for (int r = 0; r < kRuntimes; r++)
    runtimes.push_back (world.runtime ("2024-07-0" + std::to_string (r + 1) + "T00:00:00Z"));
  for (int r = 0; r < kRuntimes; r++)
    for (int t = 0; t < kThreadsPerRuntime; t++)
      threads.emplace_back ([&, r, t] {
        for (int i = 0; i < kScans; i++)
          {
            PoResult *result = nullptr;
            GError *error = nullptr;
            const char *sql = (i + t) % 2 == 0 ? "SELECT * FROM banned_software"
                                               : "SELECT * FROM phaseout_status";
            if (!po_engine_query (runtimes[r].get (), sql, &result, &error))
              {
                failures++;
                g_error_free (error);
              }
            po_result_free (result);
          }
      });
  for (auto &thread : threads)
    thread.join ();

  EXPECT_EQ (failures.load (), 0);
  EXPECT_EQ (warnings.count (), 0u) << warnings.last ();
  EXPECT_EQ (pragma (world.state_db (), "PRAGMA integrity_check"), "ok");
  auto rows = read_state (world.state_db ());
  /* 10 findings under each of BOD, NDAA and Commerce */
  EXPECT_EQ (rows.size (), 30u);
  for (const auto &row : rows)
    {
      EXPECT_EQ (row.at ("removed_at"), "<NULL>");
      EXPECT_EQ (row.at ("last_seen"), std::to_string (1719964800)); /* 2024-07-03 */
    }
}
