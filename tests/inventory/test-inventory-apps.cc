/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory-test-util.h"

using namespace po_test;

TEST (InventorySnap, MountedAndUnmountedSnaps)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr snaps (po_inventory_collect_snap (inventory_of (runtime), warnings.get ()));

  EXPECT_EQ (warnings->len, 0u) << warnings_text (warnings.get ());
  ASSERT_EQ (snaps->len, 2u);

  auto *firefox = find_named<PoPackage> (snaps.get (), "firefox");
  ASSERT_NE (firefox, nullptr);
  EXPECT_EQ (firefox->kind, PO_PACKAGE_KIND_SNAP);
  EXPECT_STREQ (firefox->version, "124.0.1-1");
  EXPECT_STREQ (firefox->architecture, "amd64");
  EXPECT_STREQ (firefox->branch, "4173");
  EXPECT_STREQ (firefox->path, "/snap/firefox/4173");
  EXPECT_TRUE (firefox->installed);

  /* current revision not mounted (an offline image): known by its .snap file,
   * that of the current revision, not the older core22_1122.snap */
  auto *core = find_named<PoPackage> (snaps.get (), "core22");
  ASSERT_NE (core, nullptr);
  EXPECT_EQ (core->version, nullptr);
  EXPECT_STREQ (core->branch, "1380");
  EXPECT_STREQ (core->path, "/var/lib/snapd/snaps/core22_1380.snap");
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.snap"), 1u);
}

/* htop is disabled (snap disable: no current link, its revision and .snap
 * file stay); firefox keeps an older revision 4090 beside the current 4173 */
TEST (InventorySnap, DisabledSnapsAndOlderRevisionsAreNotInstalled)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr snaps (po_inventory_collect_snap (inventory_of (runtime), warnings.get ()));

  EXPECT_EQ (warnings->len, 0u) << warnings_text (warnings.get ());
  EXPECT_EQ (find_named<PoPackage> (snaps.get (), "htop"), nullptr);
  guint firefoxes = 0;
  for (guint i = 0; i < snaps->len; i++)
    if (g_str_equal (item<PoPackage> (snaps.get (), i)->name, "firefox"))
      {
        firefoxes++;
        EXPECT_STREQ (item<PoPackage> (snaps.get (), i)->branch, "4173");
        EXPECT_STREQ (item<PoPackage> (snaps.get (), i)->version, "124.0.1-1");
      }
  EXPECT_EQ (firefoxes, 1u);
}

/* .snap files with no snap directory at all (an install that never
 * finished, a removal that did not) are no installed snap */
TEST (InventorySnap, SnapFileAloneIsNotInstalled)
{
  ScratchDir root;
  ASSERT_EQ (g_mkdir_with_parents (root.file ("var/lib/snapd/snaps").c_str (), 0755), 0);
  ASSERT_TRUE (
    g_file_set_contents (root.file ("var/lib/snapd/snaps/kesl_12.snap").c_str (), "", 0, nullptr));
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr snaps (po_inventory_collect_snap (inventory_of (runtime), warnings.get ()));
  EXPECT_EQ (snaps->len, 0u);
  EXPECT_EQ (count_real_warnings (warnings.get ()), 0u) << warnings_text (warnings.get ());
}

TEST (InventoryFlatpak, SystemInstallation)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr apps (po_inventory_collect_flatpak (inventory_of (runtime), warnings.get ()));

  EXPECT_EQ (warnings->len, 0u) << warnings_text (warnings.get ());
  ASSERT_EQ (apps->len, 1u);
  auto *vlc = item<PoPackage> (apps.get (), 0);
  EXPECT_EQ (vlc->kind, PO_PACKAGE_KIND_FLATPAK);
  EXPECT_STREQ (vlc->name, "org.videolan.VLC");
  EXPECT_STREQ (vlc->version, "3.0.20");
  EXPECT_STREQ (vlc->architecture, "x86_64");
  EXPECT_STREQ (vlc->branch, "stable");
  EXPECT_STREQ (vlc->path, "/var/lib/flatpak/app/org.videolan.VLC/x86_64/stable");
  EXPECT_STREQ (po_package_kind_to_string (vlc->kind), "flatpak");
}

/*
 * The links of a flatpak installation are resolved beneath the root: an
 * absolute "active" link (flatpak writes relative ones; an image built by
 * other tools may not) leads to the fixture's commit, not the host's.
 */
TEST (InventoryFlatpak, LinksResolveBeneathTheRoot)
{
  ScratchDir root;
  const std::string app = "var/lib/flatpak/app/com.example.Scanner";
  ASSERT_EQ (g_mkdir_with_parents (root.file (app + "/x86_64/stable/c0ffee").c_str (), 0755), 0);
  ASSERT_EQ (symlink ("x86_64/stable", root.file (app + "/current").c_str ()), 0);
  ASSERT_EQ (symlink (("/" + app + "/x86_64/stable/c0ffee").c_str (),
                      root.file (app + "/x86_64/stable/active").c_str ()),
             0);
  ASSERT_TRUE (g_file_set_contents (root.file (app + "/x86_64/stable/c0ffee/metadata").c_str (),
                                    "[Application]\nname=com.example.Scanner\n", -1, nullptr));
  /* and one whose active link climbs out: it stays in the root and finds nothing */
  const std::string out = "var/lib/flatpak/app/com.example.Escape";
  ASSERT_EQ (g_mkdir_with_parents (root.file (out + "/x86_64/stable").c_str (), 0755), 0);
  ASSERT_EQ (symlink ("x86_64/stable", root.file (out + "/current").c_str ()), 0);
  ASSERT_EQ (symlink ("../../../../../../../../../../etc",
                      root.file (out + "/x86_64/stable/active").c_str ()),
             0);

  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr apps (po_inventory_collect_flatpak (inventory_of (runtime), warnings.get ()));
  ASSERT_EQ (apps->len, 1u) << warnings_text (warnings.get ());
  auto *scanner = item<PoPackage> (apps.get (), 0);
  EXPECT_STREQ (scanner->name, "com.example.Scanner");
  EXPECT_STREQ (scanner->path, "/var/lib/flatpak/app/com.example.Scanner/x86_64/stable");
  EXPECT_EQ (count_warnings (warnings.get (), "com.example.Escape", false), 1u)
    << warnings_text (warnings.get ());
}

TEST (InventoryApps, AbsentManagersAreNotices)
{
  ScratchDir root;
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr snaps (po_inventory_collect_snap (inventory_of (runtime), warnings.get ()));
  ArrayPtr apps (po_inventory_collect_flatpak (inventory_of (runtime), warnings.get ()));
  EXPECT_EQ (snaps->len, 0u);
  EXPECT_EQ (apps->len, 0u);
  EXPECT_EQ (count_real_warnings (warnings.get ()), 0u) << warnings_text (warnings.get ());
  EXPECT_EQ (warnings->len, 2u) << warnings_text (warnings.get ());
}

TEST (InventoryApps, BrokenEntriesAreWarnings)
{
  ScratchDir root;
  /* a snap whose current link points nowhere useful, a flatpak without metadata */
  ASSERT_EQ (g_mkdir_with_parents (root.file ("snap/evil").c_str (), 0755), 0);
  ASSERT_EQ (symlink ("../../etc", root.file ("snap/evil/current").c_str ()), 0);
  ASSERT_EQ (g_mkdir_with_parents (root
                                     .file ("var/lib/flatpak/app/org.example.Broken/x86_64/"
                                            "stable/abc")
                                     .c_str (),
                                   0755),
             0);
  ASSERT_EQ (symlink ("x86_64/stable",
                      root.file ("var/lib/flatpak/app/org.example.Broken/current").c_str ()),
             0);
  ASSERT_EQ (symlink ("abc", root
                               .file ("var/lib/flatpak/app/org.example.Broken/x86_64/stable/"
                                      "active")
                               .c_str ()),
             0);
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr snaps (po_inventory_collect_snap (inventory_of (runtime), warnings.get ()));
  ArrayPtr apps (po_inventory_collect_flatpak (inventory_of (runtime), warnings.get ()));
  EXPECT_EQ (snaps->len, 0u);
  EXPECT_EQ (apps->len, 0u);
  EXPECT_EQ (count_warnings (warnings.get (), "/snap/evil/current", false), 1u)
    << warnings_text (warnings.get ());
  EXPECT_EQ (count_warnings (warnings.get (), "org.example.Broken", false), 1u)
    << warnings_text (warnings.get ());
}

TEST (InventoryApps, RealHostShape)
{
  RuntimePtr runtime = make_runtime ({});
  ArrayPtr snaps (po_inventory_collect_snap (inventory_of (runtime), nullptr));
  ArrayPtr apps (po_inventory_collect_flatpak (inventory_of (runtime), nullptr));
  if (snaps->len == 0 && apps->len == 0)
    GTEST_SKIP () << "neither snaps nor flatpaks on this machine";
  for (GPtrArray *list : { snaps.get (), apps.get () })
    for (guint i = 0; i < list->len; i++)
      {
        auto *p = item<PoPackage> (list, i);
        ASSERT_NE (p->name, nullptr);
        EXPECT_TRUE (p->installed);
        ASSERT_NE (p->path, nullptr);
        EXPECT_EQ (p->path[0], '/');
        EXPECT_NE (p->branch, nullptr);
      }
}
