/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory-test-util.h"

using namespace po_test;

TEST (InventoryCommon, SanitizeKeepsTextAndEscapesTheRest)
{
  struct Case {
    std::string in;
    const char *out;
  } cases[] = {
    { "kesl", "kesl" },
    { "Clément", "Clément" },
    { "a\nb\tc\rd", "a\\nb\\tc\\rd" },
    { "\x1b[2J", "\\x1b[2J" },
    { std::string ("nul\0byte", 8), "nul\\x00byte" },
    { "latin\xe9", "latin\xef\xbf\xbd" },
    { "\xc2\x9b"
      "csi",
      "\\u009bcsi" },
    { "", "" },
  };
  for (const auto &c : cases)
    {
      g_autofree gchar *out = po_inventory_sanitize (c.in.data (), (gssize) c.in.size ());
      EXPECT_STREQ (out, c.out);
      EXPECT_TRUE (g_utf8_validate (out, -1, nullptr));
    }
  EXPECT_EQ (po_inventory_sanitize (nullptr, -1), nullptr);
}

TEST (InventoryCommon, WarningsAreBounded)
{
  ArrayPtr warnings = new_warnings ();
  for (int i = 0; i < PO_INVENTORY_MAX_WARNINGS + 50; i++)
    po_inventory_warn (warnings.get (), "test", "/x", TRUE, "notice %d", i);
  EXPECT_EQ (warnings->len, (guint) PO_INVENTORY_MAX_WARNINGS);
  g_autofree gchar *text = po_inventory_warning_to_string (
    item<PoInventoryWarning> (warnings.get (), 0));
  EXPECT_STREQ (text, "test: /x: notice 0");
}

TEST (InventoryCommon, ReadPrefixFlagsTruncation)
{
  ScratchDir root;
  root.write ("f", "0123456789");
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  PoRoot *r = po_runtime_get_root (runtime.get ());
  for (gsize max : { (gsize) 4, (gsize) 10, (gsize) 64 })
    {
      g_autofree gchar *data = nullptr;
      gsize length = 0;
      gboolean truncated = FALSE;
      ASSERT_TRUE (po_inventory_read_prefix (r, "/f", max, &data, &length, &truncated, nullptr));
      EXPECT_EQ (length, MIN (max, (gsize) 10));
      EXPECT_EQ ((bool) truncated, max < 10);
      EXPECT_EQ (data[length], '\0');
    }
}

TEST (InventoryCommon, KernelReleaseFromTheRoot)
{
  RuntimePtr fixture = make_runtime ({ { "root", fixture_path ("inventory/kesl-host") } });
  g_autofree gchar *release = po_inventory_kernel_release (po_runtime_get_root (fixture.get ()),
                                                           nullptr);
  EXPECT_STREQ (release, kFixtureRelease);

  ScratchDir root;
  root.write ("proc/sys/kernel/osrelease", "../../../etc\n");
  RuntimePtr evil = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  g_autofree gchar *none = po_inventory_kernel_release (po_runtime_get_root (evil.get ()),
                                                        warnings.get ());
  EXPECT_EQ (none, nullptr);
  EXPECT_EQ (count_real_warnings (warnings.get ()), 1u);
}
