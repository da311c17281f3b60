/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout.ext as osqueryd runs it: registration, columns, generate with
 * constraints, bad requests, concurrency, misbehaving clients, and every
 * way the process is asked or forced to stop.
 */
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "po-ext-fixture.h"
#include "po-test-wire.h"

namespace po_test {
namespace {

class Extension : public ExtensionFixture {};

po_standin::PluginResponse
schema_routes (const PoTableSchema *schema)
{
  po_standin::PluginResponse routes;
  GPtrArray *rows = po_table_schema_route_rows (schema);
  for (guint i = 0; i < rows->len; i++)
    {
      po_standin::PluginRow row;
      GHashTableIter iter;
      gpointer key, value;
      g_hash_table_iter_init (&iter, static_cast<GHashTable *> (rows->pdata[i]));
      while (g_hash_table_iter_next (&iter, &key, &value))
        row[(const char *) key] = (const char *) value;
      routes.push_back (row);
    }
  g_ptr_array_unref (rows);
  return routes;
}

TEST_F (Extension, RegistersEveryTableWithItsColumns)
{
  guint n_tables;
  const PoTable *const *tables = po_tables_get_all (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      auto routes = standin.TableRoutes (tables[i]->schema->name);
      ASSERT_TRUE (routes.has_value ()) << tables[i]->schema->name;
      EXPECT_EQ (*routes, schema_routes (tables[i]->schema)) << tables[i]->schema->name;
      EXPECT_EQ (standin.TableOwner (tables[i]->schema->name), uuid);
    }
  auto extensions = standin.Extensions ();
  ASSERT_EQ (extensions.count (uuid), 1u);
  EXPECT_EQ (extensions[uuid].version, PHASEOUT_VERSION);
}

TEST_F (Extension, SocketIsPrivate)
{
  struct stat st;
  ASSERT_EQ (lstat (standin.ExtensionSocket (uuid).c_str (), &st), 0);
  EXPECT_TRUE (S_ISSOCK (st.st_mode));
  EXPECT_EQ (st.st_mode & 0777, 0600u);
  EXPECT_EQ (st.st_uid, geteuid ());
}

TEST_F (Extension, ColumnsActionMatchesRegistration)
{
  auto result = standin.CallTable ("phaseout_info", { { "action", "columns" } });
  ASSERT_TRUE (result.ok ()) << result.message;
  EXPECT_EQ (result.response, schema_routes (&po_schema_phaseout_info));

  /* a second SQLite connection attaches the tables through "columns" */
  std::string error;
  auto connection = standin.OpenConnection (&error);
  ASSERT_NE (connection, nullptr) << error;
  auto rows = connection->Query ("SELECT version FROM phaseout_info");
  ASSERT_TRUE (rows.ok ()) << rows.message;
  ASSERT_EQ (rows.rows.size (), 1u);
  EXPECT_EQ (rows.rows[0]["version"], std::optional<std::string> (PHASEOUT_VERSION));
}

TEST_F (Extension, GenerateThroughSqlWithConstraints)
{
  auto all = standin.Query ("SELECT id FROM phaseout_policies");
  ASSERT_TRUE (all.ok ()) << all.message;
  ASSERT_GE (all.rows.size (), 2u);

  auto one = standin.Query ("SELECT id, binding FROM phaseout_policies "
                            "WHERE id = 'us-dhs-bod-17-01'");
  ASSERT_TRUE (one.ok ()) << one.message;
  ASSERT_EQ (one.rows.size (), 1u);
  EXPECT_EQ (one.rows[0]["id"], std::optional<std::string> ("us-dhs-bod-17-01"));
  EXPECT_EQ (one.rows[0]["binding"], std::optional<std::string> ("1"));

  auto in_list = standin.Query ("SELECT id FROM phaseout_policies WHERE id IN "
                                "('nl-kamerbrief-2018', 'us-dhs-bod-17-01', 'no-such')");
  ASSERT_TRUE (in_list.ok ()) << in_list.message;
  EXPECT_EQ (in_list.rows.size (), 2u);

  auto info = standin.Query ("SELECT typeof(pid) AS t, pid FROM phaseout_info");
  ASSERT_TRUE (info.ok ()) << info.message;
  EXPECT_EQ (info.rows[0]["t"], std::optional<std::string> ("integer"));
  EXPECT_EQ (info.rows[0]["pid"], std::optional<std::string> (std::to_string (pid)));
}

TEST_F (Extension, BadRequestsGetAnErrorStatus)
{
  auto no_table = standin.CallExtension (uuid, "table", "no_such_table",
                                         { { "action", "generate" } });
  EXPECT_EQ (no_table.code, 1);
  EXPECT_NE (no_table.message.find ("no table \"no_such_table\""), std::string::npos)
    << no_table.message;

  auto bad_action = standin.CallExtension (uuid, "table", "phaseout_info",
                                           { { "action", "explode" } });
  EXPECT_EQ (bad_action.code, 1);
  EXPECT_NE (bad_action.message.find ("Unknown table plugin action: explode"), std::string::npos);

  auto no_action = standin.CallExtension (uuid, "table", "phaseout_info", {});
  EXPECT_EQ (no_action.code, 1);

  auto bad_registry = standin.CallExtension (uuid, "logger", "phaseout_info",
                                             { { "action", "generate" } });
  EXPECT_EQ (bad_registry.code, 1);

  auto bad_context = standin.CallExtension (uuid, "table", "phaseout_info",
                                            { { "action", "generate" },
                                              { "context", "{\"constraints\":" } });
  EXPECT_EQ (bad_context.code, 1);
  EXPECT_NE (bad_context.message.find ("query context"), std::string::npos) << bad_context.message;

  /* and the extension is still there */
  EXPECT_TRUE (standin.PingExtension (uuid).ok ());
}

TEST_F (Extension, FiftyConcurrentClients)
{
  std::atomic<int> failures{ 0 };
  std::atomic<int> calls{ 0 };
  std::vector<std::thread> clients;
  for (int c = 0; c < 50; c++)
    clients.emplace_back ([&, c] {
      for (int i = 0; i < 10; i++)
        {
          bool ok;
          if ((c + i) % 2 == 0)
            ok = standin.Query ("SELECT id FROM phaseout_policies WHERE id = 'us-ndaa18-1634'")
                   .ok ();
          else
            ok = standin.CallTable ("phaseout_info", { { "action", "generate" } }).ok ();
          calls++;
          if (!ok)
            failures++;
        }
    });
  for (auto &client : clients)
    client.join ();
  EXPECT_EQ (calls.load (), 500);
  EXPECT_EQ (failures.load (), 0);
}

TEST_F (Extension, IdleClientsBlockNobody)
{
  std::vector<int> idle;
  for (int i = 0; i < 10; i++)
    idle.push_back (RawConnect ());
  /* with c_glib's one-connection server this would wait for the idle ones */
  auto result = standin.CallTable ("phaseout_info", { { "action", "generate" } });
  EXPECT_TRUE (result.ok ()) << result.message;
  for (int fd : idle)
    close (fd);
}

TEST_F (Extension, ClientHangingUpMidCallDoesNotKillIt)
{
  for (int i = 0; i < 20; i++)
    {
      int fd = RawConnect ();
      std::string request = generate_call ("phaseout_policies");
      ASSERT_EQ (::send (fd, request.data (), request.size (), MSG_NOSIGNAL),
                 (ssize_t) request.size ());
      close (fd); /* before the reply: the reply's send must fail, not SIGPIPE */
    }
  EXPECT_TRUE (standin.PingExtension (uuid).ok ());
  EXPECT_TRUE (standin.Query ("SELECT version FROM phaseout_info").ok ());
}

TEST_F (Extension, GarbageOnTheSocketIsSurvived)
{
  std::vector<std::string> garbage = {
    "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    std::string (4096, '\xff'),
    be32 (0x80010001) + be32 (0x7ffffff0) + "call", /* 2 GiB method name */
    be32 (0x80010001) + be32 (4) + "call" + be32 (1) + std::string ("\x0f\x00\x01", 3),
  };
  /* a deeply nested list in an unknown field: c_glib's skip() would recurse */
  std::string nested = be32 (0x80010001) + be32 (4) + "call" + be32 (1)
                       + std::string ("\x0f\x00\x09", 3);
  for (int i = 0; i < 100000; i++)
    nested += std::string ("\x0f", 1) + be32 (1);
  garbage.push_back (nested);
  garbage.push_back (generate_call ("phaseout_policies").substr (0, 30)); /* truncated */

  for (const auto &bytes : garbage)
    {
      int fd = RawConnect ();
      ::send (fd, bytes.data (), bytes.size (), MSG_NOSIGNAL);
      shutdown (fd, SHUT_WR);
      char buffer[256];
      while (recv (fd, buffer, sizeof buffer, 0) > 0)
        ;
      close (fd);
      ASSERT_TRUE (standin.PingExtension (uuid).ok ()) << "after " << bytes.size () << " bytes";
    }
  EXPECT_TRUE (standin.Query ("SELECT version FROM phaseout_info").ok ());
}

TEST_F (Extension, SigtermRemovesSocketDeregistersAndExitsZero)
{
  std::string socket = standin.ExtensionSocket (uuid);
  auto start = std::chrono::steady_clock::now ();
  ASSERT_TRUE (standin.Kill (pid, SIGTERM));
  int status = WaitExit (5s);
  auto took = std::chrono::steady_clock::now () - start;
  ASSERT_TRUE (WIFEXITED (status)) << status;
  EXPECT_EQ (WEXITSTATUS (status), 0);
  EXPECT_NE (access (socket.c_str (), F_OK), 0) << "socket left behind";
  EXPECT_EQ (standin.Extensions ().count (uuid), 0u) << "still registered";
  /* a report, not a timing assertion: the brief says within a second */
  RecordProperty ("sigterm_exit_ms",
                  (int) std::chrono::duration_cast<std::chrono::milliseconds> (took).count ());
}

/* osqueryi in a terminal: Ctrl-C reaches the extension too */
TEST_F (Extension, SigintRemovesSocketDeregistersAndExitsZero)
{
  std::string socket = standin.ExtensionSocket (uuid);
  ASSERT_TRUE (standin.Kill (pid, SIGINT));
  int status = WaitExit (5s);
  ASSERT_TRUE (WIFEXITED (status)) << status;
  EXPECT_EQ (WEXITSTATUS (status), 0);
  EXPECT_NE (access (socket.c_str (), F_OK), 0) << "socket left behind";
  EXPECT_EQ (standin.Extensions ().count (uuid), 0u) << "still registered";
}

TEST_F (Extension, ShutdownCallExitsZero)
{
  auto result = standin.CallExtension (uuid, "", "", {}); /* warm-up: an error status */
  EXPECT_EQ (result.code, 1);
  std::string socket = standin.ExtensionSocket (uuid);
  standin.Stop (); /* the watcher calls shutdown() on every extension */
  int status = WaitExit (10s);
  ASSERT_TRUE (WIFEXITED (status)) << status;
  EXPECT_EQ (WEXITSTATUS (status), 0);
  EXPECT_NE (access (socket.c_str (), F_OK), 0);
}

TEST_F (Extension, ExitsWhenTheManagerForgetsIt)
{
  /* a restarted osqueryd no longer lists our uuid */
  ASSERT_TRUE (standin.DeregisterExtension (uuid).ok ());
  int status = WaitExit (10s);
  ASSERT_TRUE (WIFEXITED (status)) << status;
  EXPECT_NE (WEXITSTATUS (status), 0);
}

TEST_F (Extension, ExitsWhenTheManagerSocketDisappears)
{
  ASSERT_EQ (unlink (standin.socket_path ().c_str ()), 0);
  int status = WaitExit (10s);
  ASSERT_TRUE (WIFEXITED (status)) << status;
}

TEST_F (Extension, SecondInstanceIsRefusedAsDuplicate)
{
  std::string error;
  pid_t second = standin.LaunchExtension (build_path ("extension/phaseout.ext"), false, "5", "1",
                                          {}, &error);
  ASSERT_GT (second, 0) << error;
  int status = -1;
  ASSERT_TRUE (standin.WaitForExit (second, 15s, &status));
  ASSERT_TRUE (WIFEXITED (status));
  EXPECT_EQ (WEXITSTATUS (status), 1);
  EXPECT_TRUE (standin.PingExtension (uuid).ok ()) << "the first instance must be unaffected";
}

TEST (ExtensionStartup, GivesUpWhenNoManagerAnswers)
{
  TempDir dir;
  ProcessResult run = run_process ({ build_path ("extension/phaseout.ext"), "--socket",
                                     dir.file ("missing.em"), "--timeout", "1", "--interval",
                                     "1" });
  std::string output = run.out + run.err;
  EXPECT_EQ (run.status, 1);
  EXPECT_NE (output.find ("did not answer within 1 s"), std::string::npos) << output;
}

}  // namespace
}  // namespace po_test
