/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory-test-util.h"

#include <signal.h>
#include <sys/wait.h>

using namespace po_test;

TEST (InventorySystemd, UnitFilesWithSystemdPrecedence)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr units (po_inventory_collect_units (inventory_of (runtime), warnings.get ()));

  EXPECT_EQ (warnings->len, 0u) << warnings_text (warnings.get ());
  /* bluetooth, graphical.target, kesl, klnagent64, ssh, sshd (alias); README,
   * getty@.service.d and multi-user.target.wants are not units */
  ASSERT_EQ (units->len, 6u);
  EXPECT_STREQ (item<PoUnit> (units.get (), 0)->name, "bluetooth.service");

  auto *kesl = find_named<PoUnit> (units.get (), "kesl.service");
  ASSERT_NE (kesl, nullptr);
  /* /lib is a link to usr/lib in the fixture, as on Debian 12; the first
   * directory that has it names it */
  EXPECT_STREQ (kesl->path, "/usr/lib/systemd/system/kesl.service");
  EXPECT_STREQ (kesl->description, "Kaspersky Endpoint Security for Linux");
  EXPECT_STREQ (kesl->exec_start, "/var/opt/kaspersky/kesl/install-current/etc/init.d/kesl start");
  EXPECT_FALSE (kesl->masked);
  /* a fixture root: systemd is not asked */
  EXPECT_EQ (kesl->active_state, nullptr);
  EXPECT_EQ (kesl->load_state, nullptr);

  auto *agent = find_named<PoUnit> (units.get (), "klnagent64.service");
  ASSERT_NE (agent, nullptr);
  EXPECT_STREQ (agent->exec_start, "/opt/kaspersky/klnagent64/sbin/klnagent -d");

  /* /etc/systemd/system wins over /usr/lib/systemd/system */
  auto *ssh = find_named<PoUnit> (units.get (), "ssh.service");
  ASSERT_NE (ssh, nullptr);
  EXPECT_STREQ (ssh->path, "/etc/systemd/system/ssh.service");
  EXPECT_STREQ (ssh->description, "OpenBSD Secure Shell server (site configuration)");
  EXPECT_STREQ (ssh->exec_start, "/usr/sbin/sshd -D -f /etc/ssh/sshd_config.site");

  /* masked in /etc: the /dev/null link wins over the packaged file */
  auto *bluetooth = find_named<PoUnit> (units.get (), "bluetooth.service");
  ASSERT_NE (bluetooth, nullptr);
  EXPECT_TRUE (bluetooth->masked);
  EXPECT_STREQ (bluetooth->path, "/etc/systemd/system/bluetooth.service");

  /* an alias link is followed beneath the root */
  auto *sshd = find_named<PoUnit> (units.get (), "sshd.service");
  ASSERT_NE (sshd, nullptr);
  EXPECT_STREQ (sshd->description, "OpenBSD Secure Shell server");

  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.systemd"), 1u);
}

TEST (InventorySystemd, MergesListUnitsReply)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
  ArrayPtr units (
    po_inventory_collect_units_full (inventory_of (runtime), PO_UNITS_BUS_NEVER, nullptr));

  GVariantBuilder builder;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssssssouso)"));
  g_variant_builder_add (&builder, "(ssssssouso)", "kesl.service",
                         "Kaspersky Endpoint Security for Linux", "loaded", "active", "running", "",
                         "/org/freedesktop/systemd1/unit/kesl_2eservice", 0u, "", "/");
  g_variant_builder_add (&builder, "(ssssssouso)", "run-user-1000.mount", "/run/user/1000",
                         "loaded", "active", "mounted", "",
                         "/org/freedesktop/systemd1/unit/run_2duser_2d1000_2emount", 0u, "", "/");
  g_autoptr (GVariant) reply = g_variant_ref_sink (g_variant_new ("(a(ssssssouso))", &builder));
  po_inventory_units_merge_list_units (units.get (), reply);

  ASSERT_EQ (units->len, 7u);
  auto *kesl = find_named<PoUnit> (units.get (), "kesl.service");
  ASSERT_NE (kesl, nullptr);
  EXPECT_STREQ (kesl->load_state, "loaded");
  EXPECT_STREQ (kesl->active_state, "active");
  EXPECT_STREQ (kesl->sub_state, "running");
  EXPECT_STREQ (kesl->path, "/usr/lib/systemd/system/kesl.service");

  /* known only to systemd: no file */
  auto *mount = find_named<PoUnit> (units.get (), "run-user-1000.mount");
  ASSERT_NE (mount, nullptr);
  EXPECT_EQ (mount->path, nullptr);
  EXPECT_STREQ (mount->active_state, "active");

  /* files systemd did not list are inactive; the masked one says so */
  auto *agent = find_named<PoUnit> (units.get (), "klnagent64.service");
  EXPECT_STREQ (agent->active_state, "inactive");
  EXPECT_STREQ (agent->load_state, "not-loaded");
  EXPECT_STREQ (find_named<PoUnit> (units.get (), "bluetooth.service")->load_state, "masked");

  /* a reply of the wrong type changes nothing */
  ArrayPtr fresh (
    po_inventory_collect_units_full (inventory_of (runtime), PO_UNITS_BUS_NEVER, nullptr));
  g_autoptr (GVariant) wrong = g_variant_ref_sink (g_variant_new ("(s)", "nonsense"));
  po_inventory_units_merge_list_units (fresh.get (), wrong);
  EXPECT_EQ (find_named<PoUnit> (fresh.get (), "kesl.service")->active_state, nullptr);
}

/*
 * the whole D-Bus path against a private dbus-daemon standing in for the
 * system bus, with a fake org.freedesktop.systemd1 on it
 */
namespace {

const char kManagerXml[] =
  "<node><interface name='org.freedesktop.systemd1.Manager'>"
  "<method name='ListUnits'><arg type='a(ssssssouso)' direction='out'/></method>"
  "</interface></node>";

void
handle_call (GDBusConnection *, const gchar *, const gchar *, const gchar *, const gchar *method,
             GVariant *, GDBusMethodInvocation *invocation, gpointer)
{
  if (g_strcmp0 (method, "ListUnits") != 0)
    {
      g_dbus_method_invocation_return_dbus_error (invocation, "org.freedesktop.DBus.Error.Failed",
                                                  "no");
      return;
    }
  GVariantBuilder builder;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ssssssouso)"));
  g_variant_builder_add (&builder, "(ssssssouso)", "klnagent64.service",
                         "Kaspersky Security Center Network Agent", "loaded", "failed", "failed",
                         "", "/org/freedesktop/systemd1/unit/klnagent64_2eservice", 0u, "", "/");
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a(ssssssouso))", &builder));
}

struct FakeSystemd {
  GMainContext *context = nullptr;
  GMainLoop *loop = nullptr;
  GThread *thread = nullptr;
  GDBusConnection *connection = nullptr;
  std::string address;
  GMutex lock;
  GCond ready;
  bool started = false;
};

gpointer
fake_systemd_thread (gpointer data)
{
  auto *fake = static_cast<FakeSystemd *> (data);
  g_main_context_push_thread_default (fake->context);
  GError *error = nullptr;
  /* the socket file appears at bind(), a moment before the daemon
   * listens: retry a refused connection for a while */
  for (int attempt = 0; attempt < 100 && fake->connection == nullptr; attempt++)
    {
      g_clear_error (&error);
      fake->connection = g_dbus_connection_new_for_address_sync (
        fake->address.c_str (),
        (GDBusConnectionFlags) (G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
        nullptr, nullptr, &error);
      if (fake->connection == nullptr)
        g_usleep (50 * 1000);
    }
  if (fake->connection != nullptr)
    {
      g_autoptr (GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (kManagerXml, nullptr);
      static const GDBusInterfaceVTable vtable = { handle_call, nullptr, nullptr, { nullptr } };
      g_dbus_connection_register_object (fake->connection, "/org/freedesktop/systemd1",
                                         node->interfaces[0], &vtable, nullptr, nullptr, nullptr);
      g_autoptr (GVariant) owned = g_dbus_connection_call_sync (
        fake->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "RequestName", g_variant_new ("(su)", "org.freedesktop.systemd1", 4u), nullptr,
        G_DBUS_CALL_FLAGS_NONE, 5000, nullptr, nullptr);
    }
  else
    g_error_free (error);
  g_mutex_lock (&fake->lock);
  fake->started = true;
  g_cond_signal (&fake->ready);
  g_mutex_unlock (&fake->lock);
  g_main_loop_run (fake->loop);
  if (fake->connection != nullptr)
    {
      g_dbus_connection_close_sync (fake->connection, nullptr, nullptr);
      g_object_unref (fake->connection);
    }
  g_main_context_pop_thread_default (fake->context);
  return nullptr;
}

}  // namespace

TEST (InventorySystemd, AsksSystemdOverTheBus)
{
  if (!have_program ("dbus-daemon"))
    GTEST_SKIP () << "dbus-daemon is not installed";

  ScratchDir dir;
  std::string config = dir.file ("bus.conf");
  std::string socket = dir.file ("bus.socket");
  dir.write ("bus.conf",
             "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\""
             " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
             "<busconfig><type>system</type><listen>unix:path="
               + socket
               + "</listen>"
                 "<auth>EXTERNAL</auth>"
                 "<policy context=\"default\"><allow user=\"*\"/><allow own=\"*\"/>"
                 "<allow send_type=\"method_call\"/><allow send_destination=\"*\"/>"
                 "<allow receive_sender=\"*\"/></policy></busconfig>\n");
  const gchar *argv[] = { "dbus-daemon", "--nofork", "--nopidfile", nullptr, nullptr };
  std::string config_arg = "--config-file=" + config;
  argv[3] = config_arg.c_str ();
  /* the daemon must never outlive the test, whatever assertion fails: a
   * left-over daemon holding ctest's output pipe hangs the whole run */
  struct DaemonGuard {
    GPid pid = 0;
    ~DaemonGuard ()
    {
      if (pid > 0)
        {
          kill (pid, SIGTERM);
          waitpid (pid, nullptr, 0);
          g_spawn_close_pid (pid);
        }
    }
  } daemon;
  GError *error = nullptr;
  ASSERT_TRUE (
    g_spawn_async (nullptr, (gchar **) argv, nullptr,
                   (GSpawnFlags) (G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                                  | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL),
                   nullptr, nullptr, &daemon.pid, &error))
    << error->message;
  for (int i = 0; i < 500 && !g_file_test (socket.c_str (), G_FILE_TEST_EXISTS); i++)
    g_usleep (10000);
  ASSERT_TRUE (g_file_test (socket.c_str (), G_FILE_TEST_EXISTS));

  FakeSystemd fake;
  fake.address = "unix:path=" + socket;
  fake.context = g_main_context_new ();
  fake.loop = g_main_loop_new (fake.context, FALSE);
  g_mutex_init (&fake.lock);
  g_cond_init (&fake.ready);
  fake.thread = g_thread_new ("fake-systemd", fake_systemd_thread, &fake);
  g_mutex_lock (&fake.lock);
  while (!fake.started)
    g_cond_wait (&fake.ready, &fake.lock);
  g_mutex_unlock (&fake.lock);
  ASSERT_NE (fake.connection, nullptr);

  ArrayPtr warnings = new_warnings ();
  ArrayPtr units;
  {
    ScopedEnv bus ("DBUS_SYSTEM_BUS_ADDRESS", fake.address);
    RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
    units.reset (po_inventory_collect_units_full (inventory_of (runtime), PO_UNITS_BUS_ALWAYS,
                                                  warnings.get ()));
  }

  g_main_loop_quit (fake.loop);
  g_thread_join (fake.thread);
  g_main_loop_unref (fake.loop);
  g_main_context_unref (fake.context);

  EXPECT_EQ (warnings->len, 0u) << warnings_text (warnings.get ());
  auto *agent = find_named<PoUnit> (units.get (), "klnagent64.service");
  ASSERT_NE (agent, nullptr);
  EXPECT_STREQ (agent->active_state, "failed");
  EXPECT_STREQ (agent->path, "/usr/lib/systemd/system/klnagent64.service");
  EXPECT_STREQ (find_named<PoUnit> (units.get (), "kesl.service")->active_state, "inactive");
}

TEST (InventorySystemd, NoBusFallsBackToFilesWithAWarning)
{
  ScratchDir dir;
  ArrayPtr warnings = new_warnings ();
  ArrayPtr units;
  {
    ScopedEnv bus ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + dir.file ("nobody-listens"));
    RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
    units.reset (po_inventory_collect_units_full (inventory_of (runtime), PO_UNITS_BUS_ALWAYS,
                                                  warnings.get ()));
  }

  EXPECT_EQ (units->len, 6u);
  EXPECT_EQ (find_named<PoUnit> (units.get (), "kesl.service")->active_state, nullptr);
  EXPECT_EQ (count_warnings (warnings.get (), "cannot ask systemd"), 1u)
    << warnings_text (warnings.get ());
}

TEST (InventorySystemd, RealHostShape)
{
  RuntimePtr runtime = make_runtime ({});
  ArrayPtr warnings = new_warnings ();
  ArrayPtr units (po_inventory_collect_units (inventory_of (runtime), warnings.get ()));
  if (units->len == 0)
    GTEST_SKIP () << "no systemd unit files here: " << warnings_text (warnings.get ());
  for (guint i = 0; i < units->len; i++)
    {
      auto *u = item<PoUnit> (units.get (), i);
      ASSERT_NE (u->name, nullptr);
      EXPECT_NE (strchr (u->name, '.'), nullptr) << u->name;
      if (i > 0)
        {
          EXPECT_LT (strcmp (item<PoUnit> (units.get (), i - 1)->name, u->name), 0);
        }
      if (u->path != nullptr)
        {
          EXPECT_TRUE (g_str_has_suffix (u->path, u->name)) << u->path;
        }
      /* states come together or not at all */
      EXPECT_EQ (u->active_state == nullptr, u->sub_state == nullptr) << u->name;
    }
}
