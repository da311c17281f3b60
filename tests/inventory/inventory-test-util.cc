/* SPDX-License-Identifier: Apache-2.0 */
#include "inventory-test-util.h"

#include <fcntl.h>
#include <errno.h>
#include <ftw.h>
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
      if ((w->path != nullptr && strstr (w->path, needle.c_str ()) != nullptr) ||
          strstr (w->message, needle.c_str ()) != nullptr)
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

std::string
run_or_fail (const std::vector<std::string> &argv)
{
  std::vector<gchar *> args;
  for (const auto &a : argv)
    args.push_back (const_cast<gchar *> (a.c_str ()));
  args.push_back (nullptr);
  g_autofree gchar *out = nullptr;
  g_autofree gchar *err = nullptr;
  gint status = 0;
  GError *error = nullptr;
  if (!g_spawn_sync (nullptr, args.data (), nullptr, G_SPAWN_SEARCH_PATH, nullptr, nullptr,
                     &out, &err, &status, &error))
    {
      ADD_FAILURE () << argv[0] << ": " << error->message;
      g_error_free (error);
      return "";
    }
  if (!g_spawn_check_wait_status (status, &error))
    {
      ADD_FAILURE () << argv[0] << " failed: " << error->message << "\n" << (err ? err : "");
      g_error_free (error);
    }
  return out != nullptr ? out : "";
}

bool
have_program (const std::string &program)
{
  g_autofree gchar *found = g_find_program_in_path (program.c_str ());
  if (found != nullptr)
    return true;
  for (const char *dir : { "/usr/sbin/", "/sbin/" })
    if (g_file_test ((std::string (dir) + program).c_str (), G_FILE_TEST_IS_EXECUTABLE))
      return true;
  return false;
}

static int
remove_entry (const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  if (ftw->level == 0)
    return 0;
  if (type == FTW_DP)
    {
      if (rmdir (path) != 0 && errno != ENOENT)
        ADD_FAILURE () << "rmdir " << path << ": " << g_strerror (errno);
    }
  else if (unlink (path) != 0 && errno != ENOENT)
    /* ENOENT: a daemon under test removed its own socket as it exited */
    ADD_FAILURE () << "unlink " << path << ": " << g_strerror (errno);
  return 0;
}

void
remove_tree_physically (const std::string &dir)
{
  if (dir.empty () || dir == "/")
    return;
  nftw (dir.c_str (), remove_entry, 32, FTW_PHYS | FTW_DEPTH | FTW_MOUNT);
}

ScratchDir::~ScratchDir ()
{
  remove_tree_physically (tmp_.path ());
}

FixtureRoot::FixtureRoot (const std::string &name)
{
  std::string source = fixture_path ("inventory/" + name);
  /* cp -a keeps the symlinks (exe links, /lib -> usr/lib) as links */
  run_or_fail ({ "cp", "-a", source + "/.", tmp_.path () });
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
  std::string path = std::string (old_path != nullptr ? old_path : "/usr/bin:/bin") +
                     ":/usr/sbin:/sbin";
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
                                     nullptr), SQLITE_OK);
      sqlite3_bind_blob (stmt, 1, blob, (int) length, SQLITE_TRANSIENT);
      EXPECT_EQ (sqlite3_step (stmt), SQLITE_DONE);
      sqlite3_finalize (stmt);
      sqlite3_int64 hnum = sqlite3_last_insert_rowid (db);
      ASSERT_EQ (sqlite3_prepare_v2 (db, "INSERT INTO Name (key, hnum, idx) VALUES (?, ?, 0)",
                                     -1, &stmt, nullptr), SQLITE_OK);
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
