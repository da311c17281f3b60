/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A state database that cannot be written: SQLite opens such a file
 * read-only without a word, so history used to be lost silently, with
 * phaseout_info.state_db_problem empty.  Root passes every mode check, so
 * the tests make the file really unwritable: immutable (chattr +i, through
 * the FS_IOC_SETFLAGS ioctl), or on a read-only bind mount in a private
 * mount namespace (unshare).  Each skips, saying why, when its mechanism is
 * not available here; the immutable flag is always taken off again.
 */
#include "compliance-test-util.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sqlite3.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace po_test;

namespace {

/* sets or clears FS_IMMUTABLE_FL; errno on failure */
int
set_immutable (const std::string &path, bool immutable)
{
  int fd = open (path.c_str (), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  int flags = 0;
  int saved = 0;

  if (fd < 0)
    return errno;
  if (ioctl (fd, FS_IOC_GETFLAGS, &flags) != 0)
    saved = errno;
  else
    {
      flags = immutable ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
      if (ioctl (fd, FS_IOC_SETFLAGS, &flags) != 0)
        saved = errno;
    }
  close (fd);
  return saved;
}

/* takes the flag off when the test ends, however it ends (before the
 * world's temp dir is removed: an immutable file cannot be) */
struct Mutable {
  std::string path;
  ~Mutable () { set_immutable (path, false); }
};

std::string
state_db_problem (PoRuntime *runtime)
{
  auto rows = query (runtime, "SELECT state_db_problem FROM phaseout_info");
  return rows.empty () ? "<no row>" : rows[0]["state_db_problem"];
}

}  // namespace

TEST (UnwritableStateDatabase, ImmutableFileIsReportedInPhaseoutInfo)
{
  World world ("kes-host", kUsFederal);
  {
    auto first = world.runtime ("2017-12-01");
    ASSERT_FALSE (banned (first.get ()).empty ());
    ASSERT_EQ (state_db_problem (first.get ()), "");
  }
  Mutable undo{ world.state_db () };
  int error = set_immutable (world.state_db (), true);
  if (error != 0)
    GTEST_SKIP () << "cannot make " << world.state_db ()
                  << " immutable here (chattr +i: " << g_strerror (error) << ")";

  WarningCounter warnings;
  auto runtime = world.runtime ("2017-12-02");
  std::string problem = state_db_problem (runtime.get ());
  EXPECT_NE (problem.find ("state database " + world.state_db () + " cannot be written"),
             std::string::npos)
    << problem;
  EXPECT_NE (problem.find (g_strerror (EPERM)), std::string::npos) << problem;

  /* the tables answer from live data, without history, and the problem stays */
  auto rows = banned (runtime.get ());
  EXPECT_FALSE (rows.empty ());
  EXPECT_EQ (values (rows, "first_seen"), (std::vector<std::string>{ "<NULL>" }));
  EXPECT_NE (state_db_problem (runtime.get ()), "");
  EXPECT_EQ (warnings.count (), 1u) << warnings.last ();

  /* writable again: recorded again, the problem gone, without a restart */
  ASSERT_EQ (set_immutable (world.state_db (), false), 0);
  EXPECT_NE (values (banned (runtime.get ()), "first_seen"),
             (std::vector<std::string>{ "<NULL>" }));
  EXPECT_EQ (state_db_problem (runtime.get ()), "");
}

/* the same on a read-only mount, through the built command in a namespace of its own */
TEST (UnwritableStateDatabase, ReadOnlyMountIsReportedInPhaseoutInfo)
{
  World world ("kes-host", kUsFederal);
  {
    auto first = world.runtime ("2017-12-01");
    ASSERT_FALSE (banned (first.get ()).empty ());
  }
  if (system ("unshare -m --propagation private true 2>/dev/null") != 0)
    GTEST_SKIP () << "cannot create a mount namespace here (unshare -m)";

  g_autofree gchar *directory = g_path_get_dirname (world.state_db ().c_str ());
  g_autofree gchar *quoted_dir = g_shell_quote (directory);
  g_autofree gchar *quoted_db = g_shell_quote (world.state_db ().c_str ());
  g_autofree gchar *quoted_root = g_shell_quote (world.root ().c_str ());
  g_autofree gchar *quoted_config = g_shell_quote (world.config ().c_str ());
  g_autofree gchar *quoted_policies = g_shell_quote (world.policy_dir ().c_str ());
  g_autofree gchar *binary = g_shell_quote (build_path ("cli/phaseout").c_str ());
  std::string script = std::string ("mount --bind ") + quoted_dir + " " + quoted_dir
                       + " && mount -o remount,bind,ro " + quoted_dir + " " + quoted_dir
                       + " || exit 77; exec " + binary + " query --csv --root " + quoted_root
                       + " --config " + quoted_config + " --policy-dir " + quoted_policies
                       + " --state-db " + quoted_db + " --now 2017-12-02 "
                       + "'SELECT state_db_problem FROM phaseout_info'";
  const gchar *argv[] = { "unshare", "-m", "--propagation", "private",
                          "sh",      "-c", script.c_str (), NULL };
  g_autofree gchar *out = NULL;
  g_autofree gchar *err = NULL;
  gint status = -1;
  ASSERT_TRUE (g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                             &err, &status, NULL));
  if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
    GTEST_SKIP () << "cannot mount read-only here: " << err;
  EXPECT_TRUE (WIFEXITED (status) && WEXITSTATUS (status) == 0) << err;
  std::string text = out;
  EXPECT_NE (text.find ("state database " + world.state_db () + " cannot be written ("
                        + g_strerror (EROFS) + ")"),
             std::string::npos)
    << text << err;
}

/*
 * A database that opens but cannot take a scan (a full disk, an I/O error
 * on write): the scan is lost, and phaseout_info says so until one is
 * recorded.  The failing write is made by the database itself, with
 * triggers that refuse every change to the findings.
 */
TEST (UnwritableStateDatabase, UnrecordedScanIsReportedUntilOneIsRecorded)
{
  World world ("kes-host", kUsFederal);
  auto runtime = world.runtime ("2017-12-01");
  ASSERT_FALSE (banned (runtime.get ()).empty ());
  ASSERT_EQ (state_db_problem (runtime.get ()), "");

  auto sql = [&] (const char *statement) {
    sqlite3 *db = nullptr;
    ASSERT_EQ (sqlite3_open (world.state_db ().c_str (), &db), SQLITE_OK);
    char *message = nullptr;
    EXPECT_EQ (sqlite3_exec (db, statement, nullptr, nullptr, &message), SQLITE_OK) << message;
    sqlite3_free (message);
    sqlite3_close (db);
  };
  sql ("CREATE TRIGGER no_update BEFORE UPDATE ON findings"
       " BEGIN SELECT RAISE(ABORT, 'write refused (test)'); END;"
       "CREATE TRIGGER no_insert BEFORE INSERT ON findings"
       " BEGIN SELECT RAISE(ABORT, 'write refused (test)'); END;");
  WarningCounter warnings;
  auto rows = banned (runtime.get ());
  EXPECT_FALSE (rows.empty ());
  EXPECT_EQ (values (rows, "first_seen"), (std::vector<std::string>{ "<NULL>" }));
  std::string problem = state_db_problem (runtime.get ());
  EXPECT_NE (problem.find ("the last scan was not recorded: state database " + world.state_db ()),
             std::string::npos)
    << problem;
  EXPECT_NE (problem.find ("write refused (test)"), std::string::npos) << problem;
  EXPECT_EQ (warnings.count (), 1u) << warnings.last ();

  sql ("DROP TRIGGER no_update; DROP TRIGGER no_insert;");
  EXPECT_NE (values (banned (runtime.get ()), "first_seen"),
             (std::vector<std::string>{ "<NULL>" }));
  EXPECT_EQ (state_db_problem (runtime.get ()), "");
}
