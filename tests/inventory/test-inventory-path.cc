/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory-test-util.h"

#include <sys/stat.h>

using namespace po_test;

namespace {

std::unique_ptr<PoPathInfo, void (*) (PoPathInfo *)>
probe (PoRuntime *runtime, const char *path)
{
  PoPathInfo *info = nullptr;
  GError *error = nullptr;
  EXPECT_TRUE (po_inventory_probe_path (po_runtime_get_inventory (runtime), path, &info, &error))
    << path << ": " << (error != nullptr ? error->message : "");
  g_clear_error (&error);
  return { info, po_path_info_free };
}

std::vector<std::string>
pattern_paths (PoRuntime *runtime, const char *pattern, GPtrArray *warnings = nullptr)
{
  GPtrArray *infos = nullptr;
  GError *error = nullptr;
  std::vector<std::string> out;
  EXPECT_TRUE (po_inventory_probe_pattern (po_runtime_get_inventory (runtime), pattern, warnings,
                                           &infos, &error))
    << pattern << ": " << (error != nullptr ? error->message : "");
  g_clear_error (&error);
  if (infos == nullptr)
    return out;
  for (guint i = 0; i < infos->len; i++)
    out.push_back (item<PoPathInfo> (infos, i)->path);
  g_ptr_array_unref (infos);
  return out;
}

}  // namespace

TEST (InventoryPath, ProbesKasperskyPaths)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });

  auto dir = probe (runtime.get (), "/opt/kaspersky/kesl");
  ASSERT_NE (dir, nullptr);
  EXPECT_EQ (dir->type, PO_PATH_TYPE_DIRECTORY);
  EXPECT_STREQ (dir->path, "/opt/kaspersky/kesl");

  auto control = probe (runtime.get (), "/opt/kaspersky/kesl/bin/kesl-control");
  EXPECT_EQ (control->type, PO_PATH_TYPE_FILE);
  EXPECT_GT (control->size, 0u);
  EXPECT_TRUE (S_ISREG (control->mode));
  EXPECT_NE (control->mode & 0111, 0u);

  auto missing = probe (runtime.get (), "/opt/kaspersky/kav4fs/bin/kav4fs-control");
  EXPECT_EQ (missing->type, PO_PATH_TYPE_MISSING);
  EXPECT_STREQ (po_path_type_to_string (missing->type), "missing");

  /* lstat: the install-current link is a link, whatever it points to */
  auto current = probe (runtime.get (), "/var/opt/kaspersky/kesl/install-current");
  EXPECT_EQ (current->type, PO_PATH_TYPE_SYMLINK);
  EXPECT_STREQ (current->link_target, "/var/opt/kaspersky/kesl/install-12.1.0.1297");

  /* through the link, beneath the root */
  auto init = probe (runtime.get (), "/var/opt/kaspersky/kesl/install-current/etc/init.d/kesl");
  EXPECT_EQ (init->type, PO_PATH_TYPE_FILE);

  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.path"), 5u);
}

TEST (InventoryPath, LinksNeverLeaveTheRoot)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });

  /* /opt/kaspersky/hostetc -> /etc: the root's /etc, which has no passwd,
   * while the real /etc/passwd certainly exists */
  ASSERT_TRUE (g_file_test ("/etc/passwd", G_FILE_TEST_EXISTS));
  auto through = probe (runtime.get (), "/opt/kaspersky/hostetc/passwd");
  EXPECT_EQ (through->type, PO_PATH_TYPE_MISSING);

  /* ../../../../etc/passwd: ".." stops at the root */
  auto escape = probe (runtime.get (), "/opt/kaspersky/escape");
  EXPECT_EQ (escape->type, PO_PATH_TYPE_SYMLINK);
  EXPECT_STREQ (escape->link_target, "../../../../../../../../../../../etc/passwd");
  EXPECT_TRUE (pattern_paths (runtime.get (), "/opt/kaspersky/hostetc/*").size () > 0);
  for (const auto &p : pattern_paths (runtime.get (), "/opt/kaspersky/hostetc/*"))
    EXPECT_TRUE (g_str_has_prefix (p.c_str (), "/opt/kaspersky/hostetc/")) << p;
  EXPECT_TRUE (pattern_paths (runtime.get (), "/opt/kaspersky/hostetc/pass*").empty ());

  /* ".." in a probe is resolved beneath the root too */
  auto dots = probe (runtime.get (), "/../../../../etc/passwd");
  EXPECT_EQ (dots->type, PO_PATH_TYPE_MISSING);
}

TEST (InventoryPath, Patterns)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });

  std::vector<std::string> all = pattern_paths (runtime.get (), "/opt/kaspersky/*");
  std::vector<std::string> expected = { "/opt/kaspersky/escape", "/opt/kaspersky/hostetc",
                                        "/opt/kaspersky/kesl", "/opt/kaspersky/klnagent64" };
  EXPECT_EQ (all, expected);

  EXPECT_EQ (pattern_paths (runtime.get (), "/opt/kaspersky/*/bin/kesl-control"),
             std::vector<std::string> ({ "/opt/kaspersky/kesl/bin/kesl-control" }));
  EXPECT_EQ (pattern_paths (runtime.get (), "/var/opt/kaspersky/kesl/install-[0-9]*"),
             std::vector<std::string> ({ "/var/opt/kaspersky/kesl/install-12.1.0.1297" }));
  EXPECT_EQ (pattern_paths (runtime.get (), "/opt/kaspersky/kl?agent64/sbin/*"),
             std::vector<std::string> ({ "/opt/kaspersky/klnagent64/sbin/klnagent" }));
  /* no wildcard: a plain probe, missing paths left out */
  EXPECT_EQ (pattern_paths (runtime.get (), "/opt/kaspersky/kesl"),
             std::vector<std::string> ({ "/opt/kaspersky/kesl" }));
  EXPECT_TRUE (pattern_paths (runtime.get (), "/opt/kaspersky/kav4fs").empty ());
  EXPECT_TRUE (pattern_paths (runtime.get (), "/nonexistent/*/x").empty ());
}

TEST (InventoryPath, InvalidArguments)
{
  RuntimePtr runtime = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
  PoPathInfo *info = nullptr;
  GPtrArray *infos = nullptr;
  GError *error = nullptr;

  EXPECT_FALSE (po_inventory_probe_path (inventory_of (runtime), "opt/kaspersky", &info, &error));
  EXPECT_TRUE (g_error_matches (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT));
  g_clear_error (&error);
  EXPECT_EQ (info, nullptr);

  EXPECT_FALSE (
    po_inventory_probe_pattern (inventory_of (runtime), "/opt/../etc/*", nullptr, &infos, &error));
  EXPECT_TRUE (g_error_matches (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT));
  g_clear_error (&error);
  EXPECT_EQ (infos, nullptr);

  std::string long_path = "/" + std::string (5000, 'a');
  EXPECT_FALSE (
    po_inventory_probe_path (inventory_of (runtime), long_path.c_str (), &info, &error));
  g_clear_error (&error);
}

TEST (InventoryPath, PatternExpansionIsBounded)
{
  ScratchDir root;
  ASSERT_EQ (g_mkdir_with_parents (root.file ("many").c_str (), 0755), 0);
  for (int i = 0; i < 1200; i++)
    root.write ("many/f" + std::to_string (i), "");
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  std::vector<std::string> found = pattern_paths (runtime.get (), "/many/*", warnings.get ());
  EXPECT_EQ (found.size (), 1000u);
  EXPECT_EQ (count_warnings (warnings.get (), "incomplete"), 1u) << warnings_text (warnings.get ());
}

TEST (InventoryPath, RealHostShape)
{
  RuntimePtr runtime = make_runtime ({});
  auto root = probe (runtime.get (), "/");
  EXPECT_EQ (root->type, PO_PATH_TYPE_DIRECTORY);
  auto self = probe (runtime.get (), "/proc/self");
  EXPECT_EQ (self->type, PO_PATH_TYPE_SYMLINK);
  EXPECT_FALSE (pattern_paths (runtime.get (), "/etc/*").empty ());
}
