/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The dpkg database read in pieces (po_root_read_stream() and the deb
 * parser fed piece by piece): lines cut between two pieces, lines longer
 * than a piece, a file cut off in the middle of a piece, and the filtered
 * collection (only wanted packages copied out) giving the same packages
 * and the same warnings as the whole one.
 */
#include "inventory-test-util.h"

#include <map>

using namespace po_test;

namespace {

/* name -> "version|arch|maintainer|source|status|installed" */
std::map<std::string, std::string>
summary (GPtrArray *packages)
{
  std::map<std::string, std::string> out;
  auto s = [] (const char *v) { return std::string (v != nullptr ? v : "<NULL>"); };
  for (guint i = 0; i < packages->len; i++)
    {
      auto *p = item<PoPackage> (packages, i);
      out[s (p->name) + ":" + s (p->architecture)] = s (p->version) + "|" + s (p->maintainer) + "|"
                                                     + s (p->source) + "|" + s (p->status) + "|"
                                                     + (p->installed ? "1" : "0");
    }
  return out;
}

/* a status file of n stanzas whose lengths vary, so that piece boundaries
 * fall at every kind of place; with problems, some are unusable */
std::string
status_file (int n, bool with_problems = true)
{
  std::string out;
  for (int i = 0; i < n; i++)
    {
      std::string name = "pkg" + std::to_string (i);
      out += "Package: " + name + "\n";
      out += with_problems && i % 7 == 3 ? "Status: install ok bogus\n"
                                         : "Status: install ok installed\n";
      out += "Priority: optional\nSection: utils\n";
      out += "Maintainer: Maint " + std::to_string (i) + " <m@example.org>\n";
      out += std::string ("Architecture: ") + (i % 3 ? "amd64" : "all") + "\n";
      if (i % 4 == 0)
        out += "Source: src" + std::to_string (i) + " (1." + std::to_string (i) + ")\n";
      out += "Version: 1." + std::to_string (i) + "-1\n";
      out += "Description: package " + std::to_string (i) + "\n";
      for (int l = 0; l < i % 37; l++)
        out += " " + std::string ((size_t) (l * 13 + i) % 181, 'x') + "\n";
      if (with_problems && i % 11 == 5)
        out += "Maintainer:\n continued maintainer\n"; /* given twice: skipped */
      out += "\n";
    }
  return out;
}

ArrayPtr
collect (PoRuntime *runtime, PoPackageNameFunc wanted, GPtrArray *warnings)
{
  return ArrayPtr (po_inventory_collect_deb_filtered (po_runtime_get_inventory (runtime), wanted,
                                                      nullptr, warnings));
}

}  // namespace

TEST (InventoryDebStream, PiecesGiveWhatTheWholeFileGives)
{
  ScratchDir root;
  std::string status = status_file (3000);
  ASSERT_GT (status.size (), 10u * 64 * 1024) << "several pieces";
  root.write ("var/lib/dpkg/status", status);
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });

  ArrayPtr streamed_warnings = new_warnings ();
  ArrayPtr streamed = collect (runtime.get (), nullptr, streamed_warnings.get ());

  ArrayPtr whole (g_ptr_array_new_with_free_func ((GDestroyNotify) po_package_free));
  ArrayPtr whole_warnings = new_warnings ();
  g_autoptr (GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, nullptr);
  po_inventory_parse_dpkg_status (status.data (), status.size (), "/var/lib/dpkg/status",
                                  whole.get (), index, whole_warnings.get ());

  EXPECT_EQ (summary (streamed.get ()), summary (whole.get ()));
  EXPECT_GT (streamed->len, 2000u);
  ASSERT_EQ (count_real_warnings (streamed_warnings.get ()), 1u)
    << warnings_text (streamed_warnings.get ());
  EXPECT_EQ (warnings_text (streamed_warnings.get ()), warnings_text (whole_warnings.get ()));
}

TEST (InventoryDebStream, LinesLongerThanAPiece)
{
  ScratchDir root;
  /* a description line of 300 KiB is text like any other; a kept field
   * over 64 KiB is not a value */
  std::string status = "Package: long-description\nStatus: install ok installed\nVersion: 1\n"
                       "Description: x\n "
                       + std::string (300 * 1024, 'd')
                       + "\n\n"
                         "Package: long-version\nStatus: install ok installed\nVersion: "
                       + std::string (100 * 1024, '1')
                       + "\n\n"
                         "Package: after\nStatus: install ok installed\nVersion: 2\n\n";
  root.write ("var/lib/dpkg/status", status);
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages = collect (runtime.get (), nullptr, warnings.get ());

  EXPECT_NE (find_named<PoPackage> (packages.get (), "long-description"), nullptr);
  EXPECT_EQ (find_named<PoPackage> (packages.get (), "long-version"), nullptr);
  EXPECT_NE (find_named<PoPackage> (packages.get (), "after"), nullptr);
  EXPECT_EQ (count_warnings (warnings.get (), "field too long"), 1u)
    << warnings_text (warnings.get ());
}

TEST (InventoryDebStream, AFileCutOffInAPieceLosesItsLastStanza)
{
  ScratchDir root;
  std::string status = status_file (600, false);
  /* cut in the middle of the last stanza, past the first piece */
  status.resize (status.size () - 30);
  ASSERT_GT (status.size (), 64u * 1024);
  root.write ("var/lib/dpkg/status", status);
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });
  ArrayPtr warnings = new_warnings ();
  ArrayPtr packages = collect (runtime.get (), nullptr, warnings.get ());

  EXPECT_EQ (find_named<PoPackage> (packages.get (), "pkg599"), nullptr);
  EXPECT_NE (find_named<PoPackage> (packages.get (), "pkg598"), nullptr);
  EXPECT_EQ (count_warnings (warnings.get (), "truncated"), 1u) << warnings_text (warnings.get ());
}

/* only the wanted packages are copied out; the rest is checked all the same */
TEST (InventoryDebStream, FilteredCollectionKeepsTheWantedAndTheWarnings)
{
  ScratchDir root;
  root.write ("var/lib/dpkg/status", status_file (500));
  /* the journal replaces a wanted package and an unwanted one */
  root.write ("var/lib/dpkg/updates/0001",
              "Package: pkg40\nStatus: install ok installed\nVersion: 9.9\n"
              "Architecture: amd64\n\n"
              "Package: pkg41\nStatus: deinstall ok config-files\nVersion: 9.9\n"
              "Architecture: amd64\n\n");
  RuntimePtr runtime = make_runtime ({ { "root", root.path () } });

  ArrayPtr all_warnings = new_warnings ();
  ArrayPtr all = collect (runtime.get (), nullptr, all_warnings.get ());
  ArrayPtr some_warnings = new_warnings ();
  ArrayPtr some = collect (
    runtime.get (),
    [] (const gchar *name, gpointer) -> gboolean { return g_str_has_suffix (name, "0"); },
    some_warnings.get ());

  auto expected = summary (all.get ());
  for (auto it = expected.begin (); it != expected.end ();)
    it = it->first.substr (0, it->first.find (':')).back () == '0' ? std::next (it)
                                                                   : expected.erase (it);
  EXPECT_EQ (summary (some.get ()), expected);
  EXPECT_EQ (summary (some.get ())["pkg40:amd64"], "9.9|<NULL>|pkg40|install ok installed|1");
  EXPECT_EQ (warnings_text (some_warnings.get ()), warnings_text (all_warnings.get ()));
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.deb"), 2u);
}
