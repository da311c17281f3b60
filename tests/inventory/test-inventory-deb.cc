/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory-test-util.h"

using namespace po_test;

namespace {

ArrayPtr
collect_deb (const std::string &root, GPtrArray *warnings)
{
  RuntimePtr runtime = make_runtime ({ { "root", root } });
  return ArrayPtr (po_inventory_collect_deb (inventory_of (runtime), warnings));
}

}  // namespace

TEST (InventoryDeb, KasperskyInstallAmongOrdinaryPackages)
{
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages = collect_deb (fixture_path ("inventory/kesl-host"), warnings.get ());

  EXPECT_EQ (count_real_warnings (warnings.get ()), 0u) << warnings_text (warnings.get ());
  ASSERT_EQ (packages->len, 9u);

  auto *kesl = find_named<PoPackage> (packages.get (), "kesl");
  ASSERT_NE (kesl, nullptr);
  EXPECT_EQ (kesl->kind, PO_PACKAGE_KIND_DEB);
  EXPECT_STREQ (kesl->version, "12.1.0-1297");
  EXPECT_STREQ (kesl->architecture, "amd64");
  EXPECT_STREQ (kesl->maintainer, "AO Kaspersky Lab <support@kaspersky.com>");
  EXPECT_STREQ (kesl->source, "kesl"); /* no Source field: the package is its own source */
  EXPECT_STREQ (kesl->status, "install ok installed");
  EXPECT_TRUE (kesl->installed);
  EXPECT_EQ (kesl->path, nullptr);

  /* held packages are installed all the same */
  auto *agent = find_named<PoPackage> (packages.get (), "klnagent64");
  ASSERT_NE (agent, nullptr);
  EXPECT_STREQ (agent->status, "hold ok installed");
  EXPECT_TRUE (agent->installed);
  EXPECT_STREQ (agent->version, "14.2.0-35148");

  /* Source: glibc */
  auto *libc = find_named<PoPackage> (packages.get (), "libc6");
  ASSERT_NE (libc, nullptr);
  EXPECT_STREQ (libc->source, "glibc");
}

TEST (InventoryDeb, RemovedButNotPurgedIsReportedNotInstalled)
{
  ArrayPtr packages = collect_deb (fixture_path ("inventory/kesl-host"), nullptr);

  auto *gui = find_named<PoPackage> (packages.get (), "kesl-gui");
  ASSERT_NE (gui, nullptr);
  EXPECT_STREQ (gui->status, "deinstall ok config-files");
  EXPECT_FALSE (gui->installed);
  EXPECT_STREQ (gui->version, "12.1.0-1297");

  /* unpacked but never configured: files on disk, not installed */
  auto *nginx = find_named<PoPackage> (packages.get (), "nginx");
  ASSERT_NE (nginx, nullptr);
  EXPECT_FALSE (nginx->installed);

  /* purged: only a name and a status remain */
  auto *telnet = find_named<PoPackage> (packages.get (), "telnet");
  ASSERT_NE (telnet, nullptr);
  EXPECT_FALSE (telnet->installed);
  EXPECT_EQ (telnet->version, nullptr);

  guint installed = 0;
  for (guint i = 0; i < packages->len; i++)
    installed += item<PoPackage> (packages.get (), i)->installed ? 1 : 0;
  EXPECT_EQ (installed, 6u);
}

TEST (InventoryDeb, UpdatesJournalOverridesStatus)
{
  ArrayPtr packages = collect_deb (fixture_path ("inventory/kesl-host"), nullptr);
  auto *uu = find_named<PoPackage> (packages.get (), "unattended-upgrades");
  ASSERT_NE (uu, nullptr);
  EXPECT_STREQ (uu->version, "2.9.1+nmu4");
  EXPECT_STREQ (uu->architecture, "all");
  guint n = 0;
  for (guint i = 0; i < packages->len; i++)
    n += g_strcmp0 (item<PoPackage> (packages.get (), i)->name, "unattended-upgrades") == 0;
  EXPECT_EQ (n, 1u);
}

TEST (InventoryDeb, CountsOneRunPerCall)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.deb"), 0u);
  ArrayPtr a (po_inventory_collect_deb (inventory_of (runtime), nullptr));
  ArrayPtr b (po_inventory_collect_deb (inventory_of (runtime), nullptr));
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.deb"), 2u);
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.rpm"), 0u);
}

TEST (InventoryDeb, HostileStatusFileKeepsTheGoodStanzas)
{
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages = collect_deb (fixture_path ("inventory/hostile"), warnings.get ());

  /* coreutils and sed are whole; the nameless stanza, the binary one, the
   * one with terminal escapes, the one without a status, the one with an
   * unknown state, the one whose name is not a package name and the
   * truncated kesl stanza are not */
  ASSERT_EQ (packages->len, 2u) << warnings_text (warnings.get ());
  EXPECT_NE (find_named<PoPackage> (packages.get (), "coreutils"), nullptr);
  auto *sed = find_named<PoPackage> (packages.get (), "sed");
  ASSERT_NE (sed, nullptr);
  /* a latin-1 maintainer is kept, made valid UTF-8 */
  EXPECT_STREQ (sed->maintainer, "Cl\xef\xbf\xbdment Dupont <sed@example.org>");
  EXPECT_EQ (find_named<PoPackage> (packages.get (), "kesl"), nullptr);
  EXPECT_EQ (find_named<PoPackage> (packages.get (), "escape"), nullptr);

  /* one warning for the file, naming it and counting what was skipped */
  ASSERT_EQ (count_real_warnings (warnings.get ()), 1u) << warnings_text (warnings.get ());
  auto *w = item<PoInventoryWarning> (warnings.get (), 0);
  EXPECT_STREQ (w->collector, "deb");
  EXPECT_STREQ (w->path, "/var/lib/dpkg/status");
  EXPECT_NE (strstr (w->message, "skipped 7 unusable stanzas"), nullptr) << w->message;
  EXPECT_NE (strstr (w->message, "no Package field"), nullptr) << w->message;
}

TEST (InventoryDeb, ParserEdgeCases)
{
  static const char kNulData[] = "Package: a1\nStatus: install ok inst\0alled\nVersion: 1\n\n";
  struct Case {
    const char *name;
    std::string data;
    guint expect_packages;
    guint expect_warnings;
  } cases[] = {
    { "empty file", "", 0, 0 },
    { "blank lines only", "\n\n\n", 0, 0 },
    { "no final blank line", "Package: a1\nStatus: install ok installed\nVersion: 1\n", 1, 0 },
    { "no final newline at all", "Package: a1\nStatus: install ok installed\nVersion: 1", 0, 1 },
    { "CRLF blank separators", "Package: a1\r\nStatus: install ok installed\r\nVersion: 1\r\n", 0,
      1 },
    { "continuation without field",
      " orphan\nPackage: a1\nStatus: install ok installed\n"
      "Version: 1\n",
      0, 1 },
    { "field twice", "Package: a1\nPackage: b1\nStatus: install ok installed\nVersion: 1\n\n", 0,
      1 },
    { "installed without version", "Package: a1\nStatus: install ok installed\n\n", 0, 1 },
    { "folded maintainer",
      "Package: a1\nStatus: install ok installed\nVersion: 1\n"
      "Maintainer: A\n B <b@example.org>\n\n",
      1, 0 },
    { "comment lines", "# comment\nPackage: a1\nStatus: install ok installed\nVersion: 1\n\n", 1,
      0 },
    { "nul inside", std::string (kNulData, sizeof kNulData - 1), 0, 1 },
    { "lower-case field names", "package: a1\nstatus: install ok installed\nversion: 1\n\n", 1, 0 },
    { "two architectures of one package",
      "Package: a1\nStatus: install ok installed\n"
      "Version: 1\nArchitecture: amd64\n\nPackage: a1\nStatus: install ok installed\n"
      "Version: 1\nArchitecture: i386\n\n",
      2, 0 },
  };
  for (const auto &c : cases)
    {
      ArrayPtr packages (g_ptr_array_new_with_free_func ((GDestroyNotify) po_package_free));
      ArrayPtr warnings = new_warnings ();
      g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            nullptr);
      po_inventory_parse_dpkg_status (c.data.data (), c.data.size (), "/status", packages.get (),
                                      index, warnings.get ());
      EXPECT_EQ (packages->len, c.expect_packages) << c.name << "\n"
                                                   << warnings_text (warnings.get ());
      EXPECT_EQ (warnings->len, c.expect_warnings) << c.name << "\n"
                                                   << warnings_text (warnings.get ());
    }
}

TEST (InventoryDeb, FoldedFieldIsJoined)
{
  std::string data = "Package: a1\nStatus: install ok installed\nVersion: 1\n"
                     "Maintainer: A\n B <b@example.org>\n\n";
  ArrayPtr packages (g_ptr_array_new_with_free_func ((GDestroyNotify) po_package_free));
  g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, nullptr);
  po_inventory_parse_dpkg_status (data.data (), data.size (), "/status", packages.get (), index,
                                  nullptr);
  ASSERT_EQ (packages->len, 1u);
  EXPECT_STREQ (item<PoPackage> (packages.get (), 0)->maintainer, "A B <b@example.org>");
}

TEST (InventoryDeb, MissingDatabaseIsAnAbsentNotice)
{
  ScratchDir empty;
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages = collect_deb (empty.path (), warnings.get ());
  EXPECT_EQ (packages->len, 0u);
  ASSERT_EQ (warnings->len, 1u);
  EXPECT_TRUE (item<PoInventoryWarning> (warnings.get (), 0)->absent);
  EXPECT_STREQ (item<PoInventoryWarning> (warnings.get (), 0)->path, "/var/lib/dpkg/status");
}

TEST (InventoryDeb, UnreadableDatabaseIsAWarning)
{
  /* a directory where the file should be: not absent, unreadable */
  ScratchDir root;
  ASSERT_EQ (g_mkdir_with_parents (root.file ("var/lib/dpkg/status").c_str (), 0755), 0);
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages = collect_deb (root.path (), warnings.get ());
  EXPECT_EQ (packages->len, 0u);
  ASSERT_EQ (warnings->len, 1u);
  EXPECT_FALSE (item<PoInventoryWarning> (warnings.get (), 0)->absent);
}

TEST (InventoryDeb, OversizedStatusFileIsRefused)
{
  /* a sparse 300 MiB file: refused by size before anything is read */
  ScratchDir root;
  root.write ("var/lib/dpkg/status", "Package: a1\n");
  ASSERT_EQ (truncate (root.file ("var/lib/dpkg/status").c_str (), 300ll * 1024 * 1024), 0);
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages = collect_deb (root.path (), warnings.get ());
  EXPECT_EQ (packages->len, 0u);
  ASSERT_EQ (warnings->len, 1u);
  EXPECT_FALSE (item<PoInventoryWarning> (warnings.get (), 0)->absent);
  EXPECT_NE (strstr (item<PoInventoryWarning> (warnings.get (), 0)->message, "more than"), nullptr);
}

TEST (InventoryDeb, StatusLinkedOutOfTheRootIsNotFollowedOut)
{
  /* /var/lib/dpkg/status -> /etc/shadow must mean the root's /etc/shadow */
  ScratchDir root;
  ASSERT_EQ (g_mkdir_with_parents (root.file ("var/lib/dpkg").c_str (), 0755), 0);
  ASSERT_EQ (symlink ("/etc/os-release", root.file ("var/lib/dpkg/status").c_str ()), 0);
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages = collect_deb (root.path (), warnings.get ());
  EXPECT_EQ (packages->len, 0u);
  ASSERT_EQ (warnings->len, 1u);
  EXPECT_TRUE (item<PoInventoryWarning> (warnings.get (), 0)->absent);
}
