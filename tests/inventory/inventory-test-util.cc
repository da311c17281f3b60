/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory-test-util.h"

#include <fcntl.h>
#include <errno.h>
#include <unistd.h>
#include <rpm/header.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmts.h>
#include <sqlite3.h>

namespace po_test {

std::string
warnings_text (GPtrArray *warnings)
{
  std::string out;
  for (guint i = 0; i < warnings->len; i++)
    {
      auto *w = item<PoInventoryWarning> (warnings, i);
      g_autofree gchar *line = po_inventory_warning_to_string (w);
      out += std::string (w->absent ? "[absent] " : "") + line + "\n";
    }
  return out;
}

guint
count_warnings (GPtrArray *warnings, const std::string &needle, bool absent_too)
{
  guint n = 0;
  for (guint i = 0; i < warnings->len; i++)
    {
      auto *w = item<PoInventoryWarning> (warnings, i);
      if (w->absent && !absent_too)
        continue;
      if ((w->path != nullptr && strstr (w->path, needle.c_str ()) != nullptr)
          || strstr (w->message, needle.c_str ()) != nullptr)
        n++;
    }
  return n;
}

guint
count_real_warnings (GPtrArray *warnings)
{
  guint n = 0;
  for (guint i = 0; i < warnings->len; i++)
    if (!item<PoInventoryWarning> (warnings, i)->absent)
      n++;
  return n;
}

FixtureRoot::FixtureRoot (const std::string &name)
{
  /* cp -a keeps the symlinks (exe links, /lib -> usr/lib) as links */
  copy_fixture ("inventory/" + name, tmp_.path ());
}

RuntimePtr
FixtureRoot::runtime () const
{
  return make_runtime ({ { "root", tmp_.path () } });
}

void
build_module_fixtures (const std::string &root, const std::string &release)
{
  std::string script = std::string (PO_TEST_SOURCE_DIR) + "/inventory/build-module-fixtures.sh";
  /* depmod lives in /usr/sbin, which a test environment's PATH may lack */
  const gchar *old_path = g_getenv ("PATH");
  std::string path = std::string (old_path != nullptr ? old_path : "/usr/bin:/bin")
                     + ":/usr/sbin:/sbin";
  run_or_fail ({ "env", "PATH=" + path, "sh", script, root, release });
}

void
build_rpm_database (const std::string &root, const std::vector<RpmFixturePackage> &packages)
{
  /* rpm's own "rpm --initdb": every table and index of a real rpmdb.sqlite */
  ASSERT_EQ (rpmReadConfigFiles (nullptr, nullptr), 0);
  rpmPushMacro (nullptr, "_dbpath", nullptr, "/var/lib/rpm", RMIL_CMDLINE);
  rpmPushMacro (nullptr, "_db_backend", nullptr, "sqlite", RMIL_CMDLINE);
  rpmts ts = rpmtsCreate ();
  rpmtsSetRootDir (ts, root.c_str ());
  int rc = rpmtsInitDB (ts, 0644);
  rpmtsFree (ts);
  rpmPopMacro (nullptr, "_db_backend");
  rpmPopMacro (nullptr, "_dbpath");
  ASSERT_EQ (rc, 0);

  /* then the packages, as rpm stores them: the exported header blob with
   * its immutable region, one row of Packages each, indexed by Name */
  std::string file = root + "/var/lib/rpm/rpmdb.sqlite";
  sqlite3 *db = nullptr;
  ASSERT_EQ (sqlite3_open (file.c_str (), &db), SQLITE_OK);
  for (const auto &p : packages)
    {
      Header h = headerNew ();
      headerPutString (h, RPMTAG_NAME, p.name.c_str ());
      headerPutString (h, RPMTAG_VERSION, p.version.c_str ());
      headerPutString (h, RPMTAG_RELEASE, p.release.c_str ());
      headerPutString (h, RPMTAG_ARCH, p.arch.c_str ());
      if (!p.vendor.empty ())
        headerPutString (h, RPMTAG_VENDOR, p.vendor.c_str ());
      std::string srpm = p.name + "-" + p.version + "-" + p.release + ".src.rpm";
      headerPutString (h, RPMTAG_SOURCERPM, srpm.c_str ());
      if (p.epoch >= 0)
        {
          uint32_t epoch = (uint32_t) p.epoch;
          headerPutUint32 (h, RPMTAG_EPOCH, &epoch, 1);
        }
      h = headerReload (h, RPMTAG_HEADERIMMUTABLE);
      ASSERT_NE (h, nullptr);
      unsigned int length = 0;
      void *blob = headerExport (h, &length);
      sqlite3_stmt *stmt = nullptr;
      ASSERT_EQ (sqlite3_prepare_v2 (db, "INSERT INTO Packages (blob) VALUES (?)", -1, &stmt,
                                     nullptr),
                 SQLITE_OK);
      sqlite3_bind_blob (stmt, 1, blob, (int) length, SQLITE_TRANSIENT);
      EXPECT_EQ (sqlite3_step (stmt), SQLITE_DONE);
      sqlite3_finalize (stmt);
      sqlite3_int64 hnum = sqlite3_last_insert_rowid (db);
      ASSERT_EQ (sqlite3_prepare_v2 (db, "INSERT INTO Name (key, hnum, idx) VALUES (?, ?, 0)", -1,
                                     &stmt, nullptr),
                 SQLITE_OK);
      sqlite3_bind_text (stmt, 1, p.name.c_str (), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, hnum);
      EXPECT_EQ (sqlite3_step (stmt), SQLITE_DONE);
      sqlite3_finalize (stmt);
      free (blob);
      headerFree (h);
    }
  sqlite3_close (db);
}

}  // namespace po_test
