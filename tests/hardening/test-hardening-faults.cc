/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Faults around phaseout.ext, beyond tests/integration/test-extension.cc
 * (which covers one idle client, hang-ups and garbage one at a time,
 * SIGTERM and the manager's socket vanishing while idle): the same under
 * load and together, the manager killed outright mid-query, the server's
 * idle timeout, SIGTERM in the middle of queries, the state database
 * killed mid-write, corrupt, read-only and on a full disk, policy
 * directories that cannot be used, and /proc entries vanishing while they
 * are read.  Durations are recorded, never asserted; the bounds asserted
 * are generous multiples of phaseout's own timeouts.
 */
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <random>
#include <thread>

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

#include "Extension.h"
#include "po-hardening.h"
#include "po-test-wire.h"

namespace po_test {
namespace {

/* a generate call on its own connection with the C++ Thrift client, as
 * osqueryd makes it; false on any failure (a status or the transport) */
bool
generate_directly (const std::string &socket_path, const std::string &table)
{
  using namespace apache::thrift;
  try
    {
      auto socket = std::make_shared<transport::TSocket> (socket_path);
      socket->setRecvTimeout (30000);
      socket->setSendTimeout (30000);
      auto transport = std::make_shared<transport::TBufferedTransport> (socket);
      auto protocol = std::make_shared<protocol::TBinaryProtocol> (transport);
      osquery::extensions::ExtensionClient client (protocol);
      transport->open ();
      osquery::extensions::ExtensionResponse response;
      client.call (response, "table", table, { { "action", "generate" } });
      transport->close ();
      return response.status.code == 0;
    }
  catch (const std::exception &)
    {
      return false;
    }
}

class Faults : public HardeningFixture {
 protected:
  std::string
  Root ()
  {
    std::string root = fixture_path ("compliance/kes-host");
    return access (root.c_str (), F_OK) == 0 ? root : fixture_path ("inventory/kesl-host");
  }

  void
  LaunchOnFixture (const std::string &more = "")
  {
    LaunchWith ("--root '" + Root () + "' --now 2018-06-01 --state-db '" + dir.file ("state.db")
                + "' " + more);
  }

  /* runs `clients` well-behaved clients until stop; returns (calls, failures) */
  struct Clients {
    std::atomic<bool> stop{ false };
    std::atomic<long> calls{ 0 };
    std::atomic<long> failures{ 0 };
    std::string first_failure;
    std::mutex mu;
    std::vector<std::thread> threads;

    void
    Start (po_standin::OsquerydStandin &standin, po_standin::RouteUUID uuid, int n)
    {
      auto workload = std::make_shared<Workload> (standin);
      for (int c = 0; c < n; c++)
        threads.emplace_back ([this, &standin, uuid, workload, c, n] {
          for (unsigned i = (unsigned) c; !stop.load (); i += (unsigned) n)
            {
              std::string error;
              bool ok = workload->Run (standin, uuid, i, &error);
              calls++;
              if (!ok && failures++ == 0)
                {
                  std::lock_guard<std::mutex> lock (mu);
                  first_failure = error;
                }
            }
        });
    }
    void
    Stop ()
    {
      stop = true;
      for (auto &t : threads)
        t.join ();
      threads.clear ();
    }
    ~Clients () { Stop (); }
  };
};

/*
 * Idle connections, clients hanging up before the reply, garbage and a
 * client trickling a request one byte at a time, all at once, beside 16
 * well-behaved clients: none of those calls may fail.  The misbehaving
 * ones pause 100 ms between connections: a flood of connections is another
 * matter (it fills the listen backlog, osqueryd's watcher's ping can then
 * fail and osqueryd drops the extension, as it should for one that does
 * not answer).
 */
TEST_F (Faults, MisbehavingClientsBesideTheLoadCostNothing)
{
  LaunchOnFixture ();
  std::string socket_path = standin.ExtensionSocket (uuid);
  Clients good;
  std::atomic<bool> stop{ false };
  std::atomic<long> misbehaved{ 0 };
  std::vector<std::thread> bad;

  good.Start (standin, uuid, 16);
  for (int i = 0; i < 8; i++) /* idle: connect, say nothing, hold, let go */
    bad.emplace_back ([&] {
      while (!stop.load ())
        {
          int fd = connect_to (socket_path);
          std::this_thread::sleep_for (500ms);
          if (fd >= 0)
            close (fd);
          misbehaved++;
        }
    });
  for (int i = 0; i < 4; i++) /* hang up before the reply */
    bad.emplace_back ([&] {
      std::string request = generate_call ("phaseout_policies");
      while (!stop.load ())
        {
          int fd = connect_to (socket_path);
          if (fd >= 0)
            {
              ::send (fd, request.data (), request.size (), MSG_NOSIGNAL);
              close (fd);
            }
          misbehaved++;
          std::this_thread::sleep_for (100ms);
        }
    });
  for (int i = 0; i < 4; i++) /* garbage */
    bad.emplace_back ([&, i] {
      std::mt19937 random (i);
      while (!stop.load ())
        {
          std::string bytes (1 + random () % 512, '\0');
          for (auto &b : bytes)
            b = (char) random ();
          if (random () % 2 == 0)
            bytes = be32 (0x80010001) + tstr ("call") + be32 (1) + bytes;
          int fd = connect_to (socket_path);
          if (fd >= 0)
            {
              ::send (fd, bytes.data (), bytes.size (), MSG_NOSIGNAL);
              shutdown (fd, SHUT_WR);
              char buffer[256];
              while (recv (fd, buffer, sizeof buffer, 0) > 0)
                ;
              close (fd);
            }
          misbehaved++;
          std::this_thread::sleep_for (100ms);
        }
    });
  bad.emplace_back ([&] { /* a request trickling in, a byte every 50 ms */
                          std::string request = generate_call ("phaseout_info");
                          while (!stop.load ())
                            {
                              int fd = connect_to (socket_path);
                              if (fd < 0)
                                std::this_thread::sleep_for (100ms);
                              for (size_t b = 0; fd >= 0 && b < request.size () && !stop.load ();
                                   b++)
                                {
                                  ::send (fd, &request[b], 1, MSG_NOSIGNAL);
                                  std::this_thread::sleep_for (50ms);
                                }
                              if (fd >= 0)
                                close (fd);
                              misbehaved++;
                            }
  });

  std::this_thread::sleep_for (10s);
  stop = true;
  for (auto &t : bad)
    t.join ();
  good.Stop ();

  EXPECT_EQ (good.failures.load (), 0) << good.first_failure;
  EXPECT_GT (good.calls.load (), 0);
  EXPECT_TRUE (standin.PingExtension (uuid).ok ());
  RecordProperty ("good_calls", (int) good.calls.load ());
  RecordProperty ("misbehaving_connections", (int) misbehaved.load ());
  printf ("misbehaving clients: %ld good calls, %ld failed, beside %ld misbehaving connections\n",
          good.calls.load (), good.failures.load (), misbehaved.load ());
}

/*
 * A client that connects and sends nothing is dropped after the server's
 * receive timeout (PoExtServer: 30 s), and serves nobody in the meantime
 * less well.  The bound asserted is twice the timeout.
 */
TEST_F (Faults, IdleConnectionIsDroppedAfterTheServerTimeout)
{
  LaunchOnFixture ();
  std::string socket_path = standin.ExtensionSocket (uuid);
  int idle = connect_to (socket_path);
  int half = connect_to (socket_path);
  ASSERT_GE (idle, 0);
  ASSERT_GE (half, 0);
  std::string request = generate_call ("phaseout_info");
  ASSERT_EQ (::send (half, request.data (), 10, MSG_NOSIGNAL), 10); /* half a header */

  auto start = std::chrono::steady_clock::now ();
  struct timeval limit = { 60, 0 };
  setsockopt (idle, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  setsockopt (half, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  /* meanwhile everyone else is served */
  for (int i = 0; i < 20; i++)
    EXPECT_TRUE (standin.Query ("SELECT version FROM phaseout_info").ok ());

  char byte;
  EXPECT_EQ (recv (idle, &byte, 1, 0), 0)
    << "the idle connection was not closed: " << g_strerror (errno);
  auto idle_closed = std::chrono::steady_clock::now () - start;
  EXPECT_EQ (recv (half, &byte, 1, 0), 0) << "the half-sent request was not dropped";
  close (idle);
  close (half);
  EXPECT_TRUE (standin.PingExtension (uuid).ok ());
  int seconds = (int) std::chrono::duration_cast<std::chrono::seconds> (idle_closed).count ();
  RecordProperty ("idle_dropped_after_s", seconds);
  printf ("idle connection dropped after %d s (server timeout 30 s)\n", seconds);
}

/* SIGTERM while 16 clients have queries in flight: exit 0, socket removed, no longer registered */
TEST_F (Faults, SigtermDuringQueriesExitsZeroAndRemovesItsSocket)
{
  LaunchOnFixture ();
  std::string socket_path = standin.ExtensionSocket (uuid);
  Clients clients;
  clients.Start (standin, uuid, 16);
  std::this_thread::sleep_for (2s);
  long before = clients.calls.load ();

  auto start = std::chrono::steady_clock::now ();
  ASSERT_TRUE (standin.Kill (pid, SIGTERM));
  int status = WaitExit (10s);
  auto took = std::chrono::steady_clock::now () - start;
  clients.Stop (); /* every client call returns: none hangs */

  ASSERT_TRUE (WIFEXITED (status)) << "not an exit: status " << status;
  EXPECT_EQ (WEXITSTATUS (status), 0);
  EXPECT_NE (access (socket_path.c_str (), F_OK), 0) << "socket left behind";
  /* deregistering at exit is best effort (500 ms, and the manager is busy
   * with the load): osqueryd must forget it either way, by then or at its
   * watcher's next look */
  for (int i = 0; i < 200 && standin.Extensions ().count (uuid) != 0; i++)
    std::this_thread::sleep_for (50ms);
  EXPECT_EQ (standin.Extensions ().count (uuid), 0u) << "still registered";
  EXPECT_GT (before, 0);
  int ms = (int) std::chrono::duration_cast<std::chrono::milliseconds> (took).count ();
  RecordProperty ("sigterm_under_load_exit_ms", ms);
  printf ("SIGTERM under load: exit 0 after %d ms (%ld calls made before)\n", ms, before);
}

/*
 * osqueryd killed outright (SIGKILL) while generate calls are in flight:
 * its socket file stays but nothing answers.  phaseout.ext, launched by
 * the po-osqueryd command as osqueryd launches it, notices within its
 * --interval, exits by itself and removes its socket; the calls in flight
 * return.  This process is made a subreaper to wait for the orphan.
 */
TEST_F (Faults, ManagerKilledMidQueryEndsTheExtension)
{
  ASSERT_EQ (prctl (PR_SET_CHILD_SUBREAPER, 1), 0);
  std::string manager_socket = dir.file ("killed.em");
  std::string pid_file = dir.file ("extension.pid");
  std::string wrapper = "#!/bin/sh\necho $$ > '" + pid_file + "'\nexec "
                        + build_path ("extension/phaseout.ext") + " \"$@\" --root '" + Root ()
                        + "' --now 2018-06-01 --state-db '" + dir.file ("state.db") + "'\n";
  dir.write ("phaseout-killed.ext", wrapper, 0755);
  std::string command = build_path ("tests/standin/po-osqueryd") + " --socket " + manager_socket
                        + " --extension " + dir.file ("phaseout-killed.ext")
                        + " --interval 1 --timeout 5 --wait-registered phaseout --serve-seconds -1";
  gchar **argv = NULL;
  ASSERT_TRUE (g_shell_parse_argv (command.c_str (), NULL, &argv, NULL));
  GPid manager = 0;
  GError *error = NULL;
  ASSERT_TRUE (
    g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &manager, &error))
    << error->message;
  g_strfreev (argv);

  /* the extension's socket: <manager socket>.<uuid> */
  std::string extension_socket;
  for (int i = 0; i < 200 && extension_socket.empty (); i++)
    {
      g_autoptr (GDir) listing = g_dir_open (dir.path ().c_str (), 0, NULL);
      const gchar *name;
      while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
        if (g_str_has_prefix (name, "killed.em."))
          extension_socket = dir.file (name);
      if (extension_socket.empty ())
        std::this_thread::sleep_for (50ms);
    }
  ASSERT_FALSE (extension_socket.empty ()) << "phaseout.ext did not start serving";
  pid_t extension = (pid_t) std::stol (read_file (pid_file));
  ASSERT_TRUE (generate_directly (extension_socket, "phaseout_info"));

  std::atomic<bool> stop{ false };
  std::atomic<long> calls{ 0 };
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; c++)
    clients.emplace_back ([&, c] {
      const char *tables[] = { "banned_software", "phaseout_policies", "phaseout_status",
                               "phaseout_info" };
      for (int i = c; !stop.load (); i++)
        {
          generate_directly (extension_socket, tables[i % 4]);
          calls++;
        }
    });
  std::this_thread::sleep_for (1s);
  ASSERT_EQ (kill (manager, SIGKILL), 0);
  int manager_status;
  ASSERT_EQ (waitpid (manager, &manager_status, 0), manager);
  auto killed = std::chrono::steady_clock::now ();

  int status = -1;
  bool exited = false;
  while (std::chrono::steady_clock::now () - killed < 30s)
    {
      pid_t reaped = waitpid (extension, &status, WNOHANG);
      if (reaped == extension)
        {
          exited = true;
          break;
        }
      std::this_thread::sleep_for (50ms);
    }
  auto took = std::chrono::steady_clock::now () - killed;
  stop = true;
  for (auto &t : clients)
    t.join ();
  if (!exited)
    {
      kill (extension, SIGKILL);
      waitpid (extension, NULL, 0);
    }
  prctl (PR_SET_CHILD_SUBREAPER, 0);

  ASSERT_TRUE (exited) << "phaseout.ext outlived its manager by 30 s";
  EXPECT_TRUE (WIFEXITED (status)) << "killed by a signal: " << status;
  EXPECT_NE (access (extension_socket.c_str (), F_OK), 0) << "socket left behind";
  int ms = (int) std::chrono::duration_cast<std::chrono::milliseconds> (took).count ();
  RecordProperty ("manager_killed_exit_ms", ms);
  printf ("manager killed mid-query: phaseout.ext exited (status %d) %d ms later, %ld calls made\n",
          WIFEXITED (status) ? WEXITSTATUS (status) : -1, ms, calls.load ());
}

/* ---- the state database ------------------------------------------------ */

/* rows of phaseout_history as "policy finding first_seen removed_at" lines */
std::vector<std::string>
history (po_standin::OsquerydStandin &standin)
{
  auto result = standin.Query (
    "SELECT policy_id, finding, first_seen, removed_at FROM phaseout_history "
    "ORDER BY policy_id, finding, first_seen");
  EXPECT_TRUE (result.ok ()) << result.message;
  std::vector<std::string> lines;
  for (auto &row : result.rows)
    lines.push_back (row["policy_id"].value_or ("-") + " " + row["finding"].value_or ("-") + " "
                     + row["first_seen"].value_or ("-") + " " + row["removed_at"].value_or ("-"));
  return lines;
}

std::string
integrity (const std::string &path)
{
  sqlite3 *db = NULL;
  std::string result = "cannot open";
  if (sqlite3_open_v2 (path.c_str (), &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
    {
      sqlite3_stmt *statement = NULL;
      if (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &statement, NULL) == SQLITE_OK
          && sqlite3_step (statement) == SQLITE_ROW)
        result = (const char *) sqlite3_column_text (statement, 0);
      sqlite3_finalize (statement);
    }
  sqlite3_close (db);
  return result;
}

class StateFaults : public Faults {
 protected:
  void
  SetUp () override
  {
    if (!HasTableInThisBuild ("phaseout_history"))
      GTEST_SKIP () << "no phaseout_history table in this build";
  }

  static bool
  HasTableInThisBuild (const char *name)
  {
    return po_tables_lookup (name) != NULL;
  }

  void
  Relaunch (const std::string &now, const std::string &state_db = "")
  {
    LaunchAgainWith ("--root '" + Root () + "' --now " + now + " --state-db '"
                     + (state_db.empty () ? dir.file ("state.db") : state_db) + "'");
  }
};

/*
 * SIGKILL while scans are being recorded, five times, each run a day later:
 * on restart the history is intact (every episode seen before is still
 * there with its first_seen, none is duplicated or lost) and SQLite's
 * integrity check passes.
 */
TEST_F (StateFaults, KilledMidWriteHistoryIntactOnRestart)
{
  LaunchOnFixture ();
  ASSERT_TRUE (standin.Query ("SELECT * FROM banned_software").ok ());
  auto before = history (standin);
  ASSERT_FALSE (before.empty ()) << "the fixture has findings: the history must have rows";

  std::mt19937 random (7);
  long writes = 0;
  for (int round = 0; round < 5; round++)
    {
      std::atomic<bool> stop{ false };
      std::atomic<long> queries{ 0 };
      std::vector<std::thread> writers;
      for (int c = 0; c < 8; c++)
        writers.emplace_back ([&] {
          while (!stop.load ())
            {
              standin.Query ("SELECT name FROM banned_software");
              queries++;
            }
        });
      std::this_thread::sleep_for (std::chrono::milliseconds (200 + random () % 600));
      ASSERT_TRUE (standin.Kill (pid, SIGKILL));
      WaitExit (5s);
      stop = true;
      for (auto &w : writers)
        w.join ();
      writes += queries.load ();
      Relaunch ("2018-06-0" + std::to_string (2 + round));
    }

  EXPECT_EQ (integrity (dir.file ("state.db")), "ok");
  ASSERT_TRUE (standin.Query ("SELECT * FROM banned_software").ok ());
  auto after = history (standin);
  EXPECT_EQ (after, before) << "history changed across the kills";
  RecordProperty ("kills", 5);
  RecordProperty ("recording_queries_killed_among", (int) writes);
  printf ("state db: 5 SIGKILLs among %ld recording queries; %zu episodes intact, integrity ok\n",
          writes, after.size ());
}

/* a state.db that is not a database: every table answers, history NULL */
TEST_F (StateFaults, CorruptDatabaseTablesStillAnswer)
{
  std::string garbage (64 * 1024, '\0');
  std::mt19937 random (3);
  for (auto &b : garbage)
    b = (char) random ();
  dir.write ("state.db", garbage, 0600);
  LaunchOnFixture ();
  auto rows = standin.Query ("SELECT name, first_seen FROM banned_software");
  ASSERT_TRUE (rows.ok ()) << rows.message;
  ASSERT_FALSE (rows.rows.empty ());
  for (auto &row : rows.rows)
    EXPECT_EQ (row["first_seen"], std::nullopt);
  auto status = standin.Query ("SELECT policy_id, status FROM phaseout_status");
  EXPECT_TRUE (status.ok ()) << status.message;
  auto episodes = standin.Query ("SELECT * FROM phaseout_history");
  EXPECT_TRUE (episodes.ok ()) << episodes.message;
  EXPECT_TRUE (episodes.rows.empty ());
  /* the damaged file is left for the administrator */
  EXPECT_EQ (read_file (dir.file ("state.db")), garbage);
}

/* a read-only (immutable) state.db: every table answers */
TEST_F (StateFaults, ReadOnlyDatabaseTablesStillAnswer)
{
  LaunchOnFixture ();
  ASSERT_TRUE (standin.Query ("SELECT * FROM banned_software").ok ());
  auto before = history (standin);
  standin.Kill (pid, SIGTERM);
  WaitExit (10s);
  /* root ignores file modes: make the file immutable instead */
  std::string chattr = "chattr +i '" + dir.file ("state.db") + "' 2>/dev/null";
  if (system (chattr.c_str ()) != 0)
    GTEST_SKIP () << "chattr +i is not available on this file system";
  struct Unlock {
    std::string path;
    ~Unlock () { (void) !system (("chattr -i '" + path + "'").c_str ()); }
  } unlock{ dir.file ("state.db") };

  Relaunch ("2018-07-01");
  auto rows = standin.Query ("SELECT name, first_seen FROM banned_software");
  ASSERT_TRUE (rows.ok ()) << rows.message;
  EXPECT_FALSE (rows.rows.empty ());
  EXPECT_TRUE (standin.Query ("SELECT * FROM phaseout_status").ok ());
  EXPECT_TRUE (standin.Query ("SELECT * FROM phaseout_history").ok ());
}

/* the state database on a full file system: every table answers */
TEST_F (StateFaults, FullDiskTablesStillAnswer)
{
  std::string mount_point = dir.file ("full");
  ASSERT_EQ (mkdir (mount_point.c_str (), 0700), 0);
  if (mount ("tmpfs", mount_point.c_str (), "tmpfs", 0, "size=512k,mode=0700") != 0)
    GTEST_SKIP () << "cannot mount a small tmpfs here: " << g_strerror (errno);
  struct Unmount {
    std::string path;
    ~Unmount () { umount2 (path.c_str (), MNT_DETACH); }
  } unmount{ mount_point };

  LaunchWith ("--root '" + Root () + "' --now 2018-06-01 --state-db '" + mount_point
              + "/state.db'");
  ASSERT_TRUE (standin.Query ("SELECT * FROM banned_software").ok ());
  /* fill what is left */
  {
    int fd = open ((mount_point + "/filler").c_str (), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE (fd, 0);
    std::string block (4096, 'x');
    while (write (fd, block.data (), block.size ()) > 0)
      ;
    EXPECT_EQ (errno, ENOSPC);
    close (fd);
  }
  for (int day = 2; day <= 9; day++)
    {
      /* a later --now makes every scan a write */
      standin.Kill (pid, SIGTERM);
      WaitExit (10s);
      Relaunch ("2018-06-0" + std::to_string (day), mount_point + "/state.db");
      auto rows = standin.Query ("SELECT name, first_seen FROM banned_software");
      ASSERT_TRUE (rows.ok ()) << rows.message;
      EXPECT_FALSE (rows.rows.empty ());
      EXPECT_TRUE (standin.Query ("SELECT * FROM phaseout_status").ok ());
      EXPECT_TRUE (standin.Query ("SELECT * FROM phaseout_history").ok ());
    }
  EXPECT_EQ (integrity (mount_point + "/state.db"), "ok");
}

/* ---- policies and /proc ---------------------------------------------------- */

/*
 * Policy directories that cannot be used (owned by another user, writable
 * by others, a file, missing): the built-in catalogue still answers, as
 * it does with no directory at all.
 */
TEST_F (Faults, UnusablePolicyDirectoriesLeaveTheBuiltInCatalogue)
{
  dir.write ("foreign/10-x.json", read_file (fixture_path ("catalogue/good/one-policy.json")));
  ASSERT_EQ (chown (dir.file ("foreign").c_str (), 1000, 1000), 0);
  dir.write ("open/10-x.json", read_file (fixture_path ("catalogue/good/one-policy.json")));
  ASSERT_EQ (chmod (dir.file ("open").c_str (), 0777), 0);
  dir.write ("a-file", "{}");
  LaunchOnFixture ("--policy-dir '" + dir.file ("foreign") + "' --policy-dir '" + dir.file ("open")
                   + "' --policy-dir '" + dir.file ("a-file") + "' --policy-dir '"
                   + dir.file ("missing") + "'");
  auto policies = standin.Query ("SELECT id FROM phaseout_policies");
  ASSERT_TRUE (policies.ok ()) << policies.message;
  EXPECT_GE (policies.rows.size (), 8u) << "the built-in policies";
  for (auto &row : policies.rows)
    EXPECT_NE (row["id"], std::optional<std::string> ("fixture-good")) << "a refused file was read";
  if (HasTable ("banned_software"))
    {
      EXPECT_TRUE (standin.Query ("SELECT * FROM banned_software").ok ());
    }
}

/*
 * The same as an unprivileged user, for whom a 0700 directory really is
 * unreadable: the CLI answers, with the built-in catalogue.
 */
TEST_F (Faults, UnreadablePolicyDirectoryAsAnotherUser)
{
  if (geteuid () != 0 || !g_file_test ("/usr/bin/setpriv", G_FILE_TEST_IS_EXECUTABLE))
    GTEST_SKIP () << "needs root and setpriv";
  TempDir open_dir;
  ASSERT_EQ (chmod (open_dir.path ().c_str (), 0755), 0);
  open_dir.write ("policies/10-x.json",
                  read_file (fixture_path ("catalogue/good/one-policy.json")));
  ASSERT_EQ (chmod (open_dir.file ("policies").c_str (), 0700), 0);
  std::string command = "setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent "
                        + build_path ("cli/phaseout")
                        + " query --json 'SELECT count(*) AS n FROM "
                          "phaseout_policies' --policy-dir "
                        + open_dir.file ("policies") + " --root " + open_dir.path ();
  gchar *out = NULL, *err = NULL;
  gint status = -1;
  ASSERT_TRUE (g_spawn_command_line_sync (command.c_str (), &out, &err, &status, NULL));
  EXPECT_TRUE (g_spawn_check_wait_status (status, NULL)) << err;
  EXPECT_NE (strstr (out, "\"n\""), nullptr) << out;
  EXPECT_NE (strstr (err, "ermission denied"), nullptr) << "the problem is reported: " << err;
  g_free (out);
  g_free (err);
}

/*
 * /proc entries vanishing: processes come and go while banned_software
 * reads them, in a fixture /proc (a thread creating and deleting
 * /proc/<pid> directories, their files written at any moment) and on this
 * machine's /proc (a thread starting short-lived processes).  No query
 * fails; every process row has its pid and name.
 */
TEST_F (Faults, ProcEntriesVanishingWhileRead)
{
  if (!HasTable ("banned_software") && po_tables_lookup ("banned_software") == NULL)
    GTEST_SKIP () << "no banned_software table in this build";
  /* a copy of the fixture whose /proc we can churn */
  std::string root = dir.file ("root");
  std::string copy = "cp -a '" + Root () + "' '" + root + "'";
  ASSERT_EQ (system (copy.c_str ()), 0);
  LaunchWith ("--root '" + root + "' --now 2018-06-01 --state-db '" + dir.file ("state.db") + "'");

  std::atomic<bool> stop{ false };
  std::atomic<long> churned{ 0 };
  std::thread churn ([&] {
    std::mt19937 random (11);
    while (!stop.load ())
      {
        int n = 20000 + (int) (random () % 200);
        std::string proc_dir = root + "/proc/" + std::to_string (n);
        if (g_file_test (proc_dir.c_str (), G_FILE_TEST_IS_DIR))
          {
            for (const char *f : { "comm", "status", "cmdline", "exe" })
              unlink ((proc_dir + "/" + f).c_str ());
            rmdir (proc_dir.c_str ());
          }
        else
          {
            mkdir (proc_dir.c_str (), 0755);
            /* kesl's name and path, so these are findings when whole */
            g_file_set_contents ((proc_dir + "/comm").c_str (), "kesl\n", -1, NULL);
            if (random () % 2)
              g_file_set_contents ((proc_dir + "/status").c_str (),
                                   "Name:\tkesl\nPPid:\t1\nUid:\t0\t0\t0\t0\n", -1, NULL);
            if (random () % 2)
              (void) !symlink ("/opt/kaspersky/kesl/libexec/kesl", (proc_dir + "/exe").c_str ());
          }
        churned++;
      }
  });
  long rows_seen = 0;
  for (int i = 0; i < 50; i++)
    {
      auto result = standin.Query (
        "SELECT pid, name FROM banned_software WHERE source = 'process'");
      ASSERT_TRUE (result.ok ()) << result.message;
      for (auto &row : result.rows)
        {
          EXPECT_TRUE (row["pid"].has_value ());
          EXPECT_TRUE (row["name"].has_value () && !row["name"]->empty ());
        }
      rows_seen += (long) result.rows.size ();
    }
  stop = true;
  churn.join ();
  EXPECT_TRUE (standin.PingExtension (uuid).ok ());

  /* this machine's /proc, with processes starting and exiting all along */
  standin.Kill (pid, SIGKILL);
  WaitExit (5s);
  LaunchAgainWith ("--root / --state-db '" + dir.file ("host-state.db") + "'");
  stop = false;
  std::atomic<long> spawned{ 0 };
  std::thread spawner ([&] {
    while (!stop.load ())
      {
        pid_t child = fork ();
        if (child == 0)
          _exit (0);
        if (child > 0)
          waitpid (child, NULL, 0);
        spawned++;
      }
  });
  for (int i = 0; i < 50; i++)
    {
      auto result = standin.Query (
        "SELECT pid, name FROM banned_software WHERE source = 'process'");
      EXPECT_TRUE (result.ok ()) << result.message;
    }
  stop = true;
  spawner.join ();
  RecordProperty ("fixture_proc_changes", (int) churned.load ());
  RecordProperty ("host_processes_spawned", (int) spawned.load ());
  printf (
    "/proc churn: 50 queries over %ld fixture changes (%ld rows), 50 over %ld host processes\n",
    churned.load (), rows_seen, spawned.load ());
}

}  // namespace
}  // namespace po_test
