/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory-test-util.h"

using namespace po_test;

TEST (InventorySnap, MountedAndUnmountedSnaps)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr snaps (po_inventory_collect_snap (runtime.get (), warnings.get ()));

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

  /* installed but not mounted: known by its .snap file only */
  auto *core = find_named<PoPackage> (snaps.get (), "core22");
  ASSERT_NE (core, nullptr);
  EXPECT_EQ (core->version, nullptr);
  EXPECT_STREQ (core->branch, "1380");
  EXPECT_STREQ (core->path, "/var/lib/snapd/snaps/core22_1380.snap");
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.snap"), 1u);
}

TEST (InventoryFlatpak, SystemInstallation)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr apps (po_inventory_collect_flatpak (runtime.get (), warnings.get ()));

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

TEST (InventoryApps, AbsentManagersAreNotices)
{
  ScratchDir root;
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr snaps (po_inventory_collect_snap (runtime.get (), warnings.get ()));
  ArrayPtr apps (po_inventory_collect_flatpak (runtime.get (), warnings.get ()));
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
  ASSERT_EQ (g_mkdir_with_parents (root.file ("var/lib/flatpak/app/org.example.Broken/x86_64/"
                                              "stable/abc").c_str (), 0755), 0);
  ASSERT_EQ (symlink ("x86_64/stable",
                      root.file ("var/lib/flatpak/app/org.example.Broken/current").c_str ()), 0);
  ASSERT_EQ (symlink ("abc", root.file ("var/lib/flatpak/app/org.example.Broken/x86_64/stable/"
                                        "active").c_str ()), 0);
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr snaps (po_inventory_collect_snap (runtime.get (), warnings.get ()));
  ArrayPtr apps (po_inventory_collect_flatpak (runtime.get (), warnings.get ()));
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
  ArrayPtr snaps (po_inventory_collect_snap (runtime.get (), nullptr));
  ArrayPtr apps (po_inventory_collect_flatpak (runtime.get (), nullptr));
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
