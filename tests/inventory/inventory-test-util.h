/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Shared pieces of the inventory tests: the C headers, RAII owners for the
 * arrays the collectors return, and fixture roots (a copy of a tree under
 * tests/fixtures/inventory/, optionally completed with what cannot live in
 * git: kernel modules built and signed at test time, an rpm database,
 * empty directories, FIFOs).
 */

#include "po-test-shim.h"

extern "C"
{
#include "po-inventory.h"
#include "po-inventory-private.h"
}

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace po_test {


inline ArrayPtr
new_warnings ()
{
  return ArrayPtr (po_inventory_warnings_new ());
}

template <typename T>
inline T *
item (GPtrArray *array, guint i)
{
  return static_cast<T *> (g_ptr_array_index (array, i));
}

/* the first item whose name is `name`, or nullptr */
template <typename T>
inline T *
find_named (GPtrArray *array, const std::string &name)
{
  for (guint i = 0; i < array->len; i++)
    {
      T *it = item<T> (array, i);
      if (it->name != nullptr && name == it->name)
        return it;
    }
  return nullptr;
}

inline std::string
str (const gchar *s)
{
  return s != nullptr ? std::string (s) : std::string ("<NULL>");
}

/* all warnings as "collector: path: message" lines, for failure messages */
std::string warnings_text (GPtrArray *warnings);
/* how many warnings (absent or not) mention `needle` in path or message */
guint count_warnings (GPtrArray *warnings, const std::string &needle, bool absent_too = true);
/* warnings that are not "absent" notices */
guint count_real_warnings (GPtrArray *warnings);

/*
 * A TempDir whose removal fails the test when something is left.  The
 * fixture trees hold links that point out of the root on purpose
 * (/opt/kaspersky/hostetc -> /etc, masked units -> /dev/null); the
 * removal (po_test_remove_tree()) unlinks links as links.
 */
class ScratchDir : public TempDir {
 public:
  ScratchDir () : TempDir (true) {}
};

/* a copy of tests/fixtures/inventory/<name> in a temp dir, symlinks kept */
class FixtureRoot {
 public:
  explicit FixtureRoot (const std::string &name);
  const std::string &
  path () const
  {
    return tmp_.path ();
  }
  std::string
  file (const std::string &relative) const
  {
    return tmp_.file (relative);
  }
  RuntimePtr runtime () const;

 private:
  ScratchDir tmp_;
};

/* the kernel release the kesl-host fixture claims */
constexpr const char *kFixtureRelease = "6.1.0-18-amd64";

/* builds the signed/compressed modules and runs depmod beneath root (build-module-fixtures.sh) */
void build_module_fixtures (const std::string &root, const std::string &release);

/* writes an rpm database beneath root/var/lib/rpm with these (name, version, release, arch,
 * vendor) packages, through librpm's own initdb and header export */
struct RpmFixturePackage {
  std::string name, version, release, arch, vendor;
  long epoch = -1;
};
void build_rpm_database (const std::string &root, const std::vector<RpmFixturePackage> &packages);

}  // namespace po_test
