/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory-test-util.h"

#include <sys/stat.h>
#include <unistd.h>

using namespace po_test;

namespace {

PoProcess *
find_pid (GPtrArray *processes, gint pid)
{
  for (guint i = 0; i < processes->len; i++)
    if (item<PoProcess> (processes, i)->pid == pid)
      return item<PoProcess> (processes, i);
  return nullptr;
}

}  // namespace

TEST (InventoryProcess, KasperskyProcessesInFixtureProc)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr processes (po_inventory_collect_processes (inventory_of (runtime), warnings.get ()));

  EXPECT_EQ (warnings->len, 0u) << warnings_text (warnings.get ());
  ASSERT_EQ (processes->len, 7u);
  /* sorted by pid; "sys" and "modules" are not processes */
  EXPECT_EQ (item<PoProcess> (processes.get (), 0)->pid, 1);
  EXPECT_EQ (item<PoProcess> (processes.get (), 6)->pid, 1600);

  PoProcess *kesl = find_pid (processes.get (), 812);
  ASSERT_NE (kesl, nullptr);
  EXPECT_STREQ (kesl->name, "kesl");
  EXPECT_EQ (kesl->ppid, 790);
  EXPECT_EQ (kesl->uid, 0);
  EXPECT_STREQ (kesl->path, "/opt/kaspersky/kesl/libexec/kesl");
  EXPECT_FALSE (kesl->deleted);
  EXPECT_STREQ (kesl->cmdline, "/opt/kaspersky/kesl/libexec/kesl -d");
  EXPECT_FALSE (kesl->cmdline_truncated);

  PoProcess *agent = find_pid (processes.get (), 901);
  ASSERT_NE (agent, nullptr);
  EXPECT_STREQ (agent->name, "klnagent");
  EXPECT_STREQ (agent->path, "/opt/kaspersky/klnagent64/sbin/klnagent");

  PoProcess *bash = find_pid (processes.get (), 1500);
  ASSERT_NE (bash, nullptr);
  EXPECT_EQ (bash->uid, 1000);
  EXPECT_STREQ (bash->cmdline, "-bash");
}

TEST (InventoryProcess, DeletedExecutable)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
  ArrayPtr processes (po_inventory_collect_processes (inventory_of (runtime), nullptr));
  PoProcess *control = find_pid (processes.get (), 1600);
  ASSERT_NE (control, nullptr);
  EXPECT_STREQ (control->name, "kesl-control");
  EXPECT_STREQ (control->path, "/opt/kaspersky/kesl/bin/kesl-control");
  EXPECT_TRUE (control->deleted);
  EXPECT_STREQ (control->cmdline, "/opt/kaspersky/kesl/bin/kesl-control --app-info");
}

TEST (InventoryProcess, KernelThreadHasNoPathNorCmdline)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
  ArrayPtr processes (po_inventory_collect_processes (inventory_of (runtime), nullptr));
  PoProcess *kthreadd = find_pid (processes.get (), 2);
  ASSERT_NE (kthreadd, nullptr);
  EXPECT_STREQ (kthreadd->name, "kthreadd");
  EXPECT_EQ (kthreadd->path, nullptr);
  EXPECT_EQ (kthreadd->cmdline, nullptr);
  EXPECT_EQ (kthreadd->ppid, 0);
}

TEST (InventoryProcess, HostileEntries)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/hostile") } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr processes (po_inventory_collect_processes (inventory_of (runtime), warnings.get ()));

  /* /proc/4242 has none of its files: skipped, with a warning naming it */
  EXPECT_EQ (find_pid (processes.get (), 4242), nullptr);
  EXPECT_EQ (count_warnings (warnings.get (), "/proc/4242"), 1u) << warnings_text (warnings.get ());
  ASSERT_EQ (processes->len, 2u);

  /* a name with a newline, a tab and a byte that is not UTF-8 */
  PoProcess *evil = find_pid (processes.get (), 666);
  ASSERT_NE (evil, nullptr);
  EXPECT_STREQ (evil->name, "evil\\nname\\t\xef\xbf\xbd");
  EXPECT_TRUE (g_utf8_validate (evil->name, -1, nullptr));
  EXPECT_STREQ (evil->cmdline, "evil\\x1b[2J --flag");
  EXPECT_STREQ (evil->path, "/tmp/.hidden/evil\\nname");
  EXPECT_TRUE (evil->deleted);

  /* no comm: the status Name, unescaped then sanitised the same way */
  PoProcess *status_only = find_pid (processes.get (), 667);
  ASSERT_NE (status_only, nullptr);
  EXPECT_STREQ (status_only->name, "status\\only");
  EXPECT_EQ (status_only->uid, 1000);
  EXPECT_EQ (status_only->ppid, 666);
  EXPECT_EQ (status_only->cmdline, nullptr);
}

TEST (InventoryProcess, LongCmdlineIsBoundedAndFlagged)
{
  ScratchDir root;
  root.write ("proc/77/comm", "long\n");
  std::string cmdline;
  for (int i = 0; i < 20000; i++)
    cmdline += std::string ("argument") + '\0';
  root.write ("proc/77/cmdline", cmdline);
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr processes (po_inventory_collect_processes (inventory_of (runtime), nullptr));
  ASSERT_EQ (processes->len, 1u);
  PoProcess *p = item<PoProcess> (processes.get (), 0);
  EXPECT_TRUE (p->cmdline_truncated);
  EXPECT_EQ (strlen (p->cmdline), 128u * 1024);
}

TEST (InventoryProcess, NoProcIsAnAbsentNotice)
{
  ScratchDir root;
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr processes (po_inventory_collect_processes (inventory_of (runtime), warnings.get ()));
  EXPECT_EQ (processes->len, 0u);
  ASSERT_EQ (warnings->len, 1u);
  EXPECT_TRUE (item<PoInventoryWarning> (warnings.get (), 0)->absent);
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.process"), 1u);
}

/* the machine the tests run on: validate the shape of every row */
TEST (InventoryProcess, RealHostShape)
{
  RuntimePtr runtime = make_runtime ({});
  ArrayPtr warnings = new_warnings ();
  ArrayPtr processes (po_inventory_collect_processes (inventory_of (runtime), warnings.get ()));
  if (processes->len == 0)
    GTEST_SKIP () << "no /proc here: " << warnings_text (warnings.get ());

  PoProcess *self = find_pid (processes.get (), getpid ());
  ASSERT_NE (self, nullptr) << "the test process itself is missing";
  g_autofree gchar *exe = g_file_read_link ("/proc/self/exe", nullptr);
  EXPECT_STREQ (self->path, exe);
  EXPECT_FALSE (self->deleted);
  ASSERT_NE (self->cmdline, nullptr);
  EXPECT_NE (strstr (self->cmdline, "test-inventory"), nullptr) << self->cmdline;
  EXPECT_EQ (self->ppid, getppid ());
  EXPECT_EQ (self->uid, (gint64) getuid ());

  gint previous = 0;
  for (guint i = 0; i < processes->len; i++)
    {
      PoProcess *p = item<PoProcess> (processes.get (), i);
      EXPECT_GT (p->pid, previous);
      previous = p->pid;
      ASSERT_NE (p->name, nullptr);
      EXPECT_TRUE (g_utf8_validate (p->name, -1, nullptr));
      EXPECT_GE (p->ppid, 0) << p->pid;
      if (p->path != nullptr)
        {
          EXPECT_EQ (p->path[0], '/') << p->path;
          EXPECT_FALSE (g_str_has_suffix (p->path, " (deleted)"));
        }
      if (p->cmdline != nullptr)
        {
          EXPECT_TRUE (g_utf8_validate (p->cmdline, -1, nullptr));
          EXPECT_LE (strlen (p->cmdline), 4u * 128 * 1024);
        }
    }
}
