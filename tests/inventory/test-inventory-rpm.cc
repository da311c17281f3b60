/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory-test-util.h"

#include <atomic>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace po_test;

namespace {

void
make_kesl_rpmdb (const std::string &root)
{
  build_rpm_database (root, {
                              { "kesl", "12.1.0", "1297", "x86_64", "AO Kaspersky Lab" },
                              { "klnagent64", "14.2.0", "35148", "x86_64", "AO Kaspersky Lab" },
                              { "bash", "5.2.26", "3.fc40", "x86_64", "Fedora Project" },
                              { "shadow-utils", "4.15.1", "3.fc40", "x86_64", "Fedora Project", 2 },
                              { "gpg-pubkey", "a15b79cc", "63d04c2c", "(none)", "" },
                            });
}

}  // namespace

TEST (InventoryRpm, ReadsTheDatabaseReadOnly)
{
  ScratchDir root;
  make_kesl_rpmdb (root.path ());
  std::string db = root.file ("var/lib/rpm/rpmdb.sqlite");
  ASSERT_EQ (chmod (db.c_str (), 0444), 0);
  struct stat before;
  ASSERT_EQ (stat (db.c_str (), &before), 0);

  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages (po_inventory_collect_rpm (inventory_of (runtime), warnings.get ()));

  EXPECT_EQ (warnings->len, 0u) << warnings_text (warnings.get ());
  /* gpg-pubkey is a key, not software */
  ASSERT_EQ (packages->len, 4u);
  auto *kesl = find_named<PoPackage> (packages.get (), "kesl");
  ASSERT_NE (kesl, nullptr);
  EXPECT_EQ (kesl->kind, PO_PACKAGE_KIND_RPM);
  EXPECT_STREQ (kesl->version, "12.1.0-1297");
  EXPECT_STREQ (kesl->architecture, "x86_64");
  EXPECT_STREQ (kesl->maintainer, "AO Kaspersky Lab");
  EXPECT_STREQ (kesl->source, "kesl-12.1.0-1297.src.rpm");
  EXPECT_STREQ (kesl->status, "installed");
  EXPECT_TRUE (kesl->installed);
  EXPECT_STREQ (find_named<PoPackage> (packages.get (), "shadow-utils")->version,
                "2:4.15.1-3.fc40");
  EXPECT_EQ (find_named<PoPackage> (packages.get (), "gpg-pubkey"), nullptr);

  /* nothing written: same file, no lock file, no journal */
  struct stat after;
  ASSERT_EQ (stat (db.c_str (), &after), 0);
  EXPECT_EQ (before.st_mtim.tv_sec, after.st_mtim.tv_sec);
  EXPECT_EQ (before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
  EXPECT_EQ (before.st_size, after.st_size);

  /* librpm did not leave signal handlers behind */
  struct sigaction sa;
  ASSERT_EQ (sigaction (SIGTERM, nullptr, &sa), 0);
  EXPECT_EQ (sa.sa_handler, SIG_DFL);
  ASSERT_EQ (sigaction (SIGINT, nullptr, &sa), 0);
  EXPECT_EQ (sa.sa_handler, SIG_DFL);
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.rpm"), 1u);
}

TEST (InventoryRpm, DoesNotBlockOnATransactionLock)
{
  /* hold rpm's transaction lock, as a running dnf would */
  ScratchDir root;
  make_kesl_rpmdb (root.path ());
  std::string lock = root.file ("var/lib/rpm/.rpm.lock");
  int fd = open (lock.c_str (), O_RDWR | O_CREAT, 0644);
  ASSERT_GE (fd, 0);
  struct flock fl = {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  ASSERT_EQ (fcntl (fd, F_SETLK, &fl), 0);
  ASSERT_EQ (flock (fd, LOCK_EX | LOCK_NB), 0);

  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr packages (po_inventory_collect_rpm (inventory_of (runtime), nullptr));
  EXPECT_EQ (packages->len, 4u);
  close (fd);
}

TEST (InventoryRpm, NoDatabaseIsSkippedWithoutCreatingOne)
{
  ScratchDir root;
  ASSERT_EQ (g_mkdir_with_parents (root.file ("var/lib").c_str (), 0755), 0);
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages (po_inventory_collect_rpm (inventory_of (runtime), warnings.get ()));
  EXPECT_EQ (packages->len, 0u);
  ASSERT_EQ (warnings->len, 1u);
  EXPECT_TRUE (item<PoInventoryWarning> (warnings.get (), 0)->absent);
  /* librpm would have created /var/lib/rpm/rpmdb.sqlite if asked */
  EXPECT_FALSE (g_file_test (root.file ("var/lib/rpm").c_str (), G_FILE_TEST_EXISTS));
}

TEST (InventoryRpm, CorruptDatabaseIsAWarning)
{
  ScratchDir root;
  root.write ("var/lib/rpm/rpmdb.sqlite", "this is not an sqlite database, not at all\n");
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages (po_inventory_collect_rpm (inventory_of (runtime), warnings.get ()));
  EXPECT_EQ (packages->len, 0u);
  EXPECT_EQ (count_real_warnings (warnings.get ()), 1u) << warnings_text (warnings.get ());
}

/*
 * librpm is never given a path it would walk outside the root: an image
 * whose /var/lib/rpm is an absolute link is read as RESOLVE_IN_ROOT reads
 * it (the link's target inside the image), never the host's directory of
 * that name.  Before, librpm opened <root>/var/lib/rpm by plain path and
 * so read the database outside.
 */
TEST (InventoryRpm, DatabaseLinkedOutOfTheRootIsReadInsideIt)
{
  ScratchDir outside;
  build_rpm_database (outside.path (), { { "outside-package", "1.0", "1", "x86_64", "Host" } });
  std::string target = outside.path () + "/var/lib/rpm";

  /* the image: /var/lib/rpm -> <target>, and <target> inside it holds its own database */
  ScratchDir root;
  build_rpm_database (root.path (), { { "inside-package", "2.0", "1", "x86_64", "Image" } });
  std::string inside_target = root.path () + target;
  g_autofree gchar *inside_parent = g_path_get_dirname (inside_target.c_str ());
  ASSERT_EQ (g_mkdir_with_parents (inside_parent, 0755), 0);
  ASSERT_EQ (rename (root.file ("var/lib/rpm").c_str (), inside_target.c_str ()), 0);
  ASSERT_EQ (symlink (target.c_str (), root.file ("var/lib/rpm").c_str ()), 0);

  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages (po_inventory_collect_rpm (inventory_of (runtime), warnings.get ()));
  EXPECT_EQ (warnings->len, 0u) << warnings_text (warnings.get ());
  ASSERT_EQ (packages->len, 1u) << warnings_text (warnings.get ());
  EXPECT_STREQ (item<PoPackage> (packages.get (), 0)->name, "inside-package");

  /* with nothing at the link's target inside the image: no database, not the host's */
  ASSERT_EQ (rename (inside_target.c_str (), (inside_target + ".gone").c_str ()), 0);
  ArrayPtr none (po_inventory_collect_rpm (inventory_of (runtime), nullptr));
  EXPECT_EQ (none->len, 0u);
  EXPECT_EQ (find_named<PoPackage> (none.get (), "outside-package"), nullptr);
}

/* librpm leaks ~100 KB per failed open of a corrupt rpmdb.sqlite: it is not asked twice */
TEST (InventoryRpm, CorruptDatabaseIsOpenedOnceWhileUnchanged)
{
  ScratchDir root;
  root.write ("var/lib/rpm/rpmdb.sqlite", "this is not an sqlite database, not at all\n");
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  std::string first_warning;
  for (int query = 0; query < 2; query++)
    {
      ArrayPtr warnings = new_warnings ();
      ArrayPtr packages (po_inventory_collect_rpm (inventory_of (runtime), warnings.get ()));
      EXPECT_EQ (packages->len, 0u);
      ASSERT_EQ (count_real_warnings (warnings.get ()), 1u) << warnings_text (warnings.get ());
      if (query == 0)
        first_warning = warnings_text (warnings.get ());
      else
        EXPECT_EQ (warnings_text (warnings.get ()), first_warning);
    }
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.rpm"), 2u);
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.rpm.open"), 1u);

  /* a changed file (rebuilt, repaired) is opened again */
  struct timespec times[2] = { { 0, UTIME_OMIT }, { 1700000000, 0 } };
  ASSERT_EQ (utimensat (AT_FDCWD, root.file ("var/lib/rpm/rpmdb.sqlite").c_str (), times, 0), 0);
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages (po_inventory_collect_rpm (inventory_of (runtime), warnings.get ()));
  EXPECT_EQ (count_real_warnings (warnings.get ()), 1u) << warnings_text (warnings.get ());
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.rpm.open"), 2u);

  /* and a repaired database is read */
  ASSERT_EQ (unlink (root.file ("var/lib/rpm/rpmdb.sqlite").c_str ()), 0);
  make_kesl_rpmdb (root.path ());
  ArrayPtr repaired (po_inventory_collect_rpm (inventory_of (runtime), nullptr));
  EXPECT_EQ (repaired->len, 4u);
}

TEST (InventoryRpm, ConcurrentCollectionsAreSerialised)
{
  ScratchDir root;
  make_kesl_rpmdb (root.path ());
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  std::vector<GThread *> threads;
  static std::atomic<int> total;
  total = 0;
  for (int i = 0; i < 4; i++)
    threads.push_back (g_thread_new (
      "rpm",
      [] (gpointer data) -> gpointer {
        for (int j = 0; j < 5; j++)
          {
            GPtrArray *packages = po_inventory_collect_rpm (static_cast<PoInventory *> (data),
                                                            nullptr);
            total += (int) packages->len;
            g_ptr_array_unref (packages);
          }
        return nullptr;
      },
      inventory_of (runtime)));
  for (GThread *t : threads)
    g_thread_join (t);
  EXPECT_EQ (total.load (), 4 * 5 * 4);
}

TEST (InventoryRpm, RealHostShape)
{
  RuntimePtr runtime = make_runtime ({});
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages (po_inventory_collect_rpm (inventory_of (runtime), warnings.get ()));
  if (packages->len == 0)
    GTEST_SKIP () << "no rpm database on this machine: " << warnings_text (warnings.get ());
  for (guint i = 0; i < packages->len; i++)
    {
      auto *p = item<PoPackage> (packages.get (), i);
      ASSERT_NE (p->name, nullptr);
      ASSERT_NE (p->version, nullptr);
      EXPECT_TRUE (p->installed);
    }
}
