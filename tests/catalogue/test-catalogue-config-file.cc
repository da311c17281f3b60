/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The --config file as the runtime reads it: opened once and judged on what
 * was opened (a link swapped between a check and a read), never waiting on
 * a FIFO, bounded in size, and a rejected profile (the file, or an osquery
 * option) shown where the fleet looks (phaseout_info.config_problem, the
 * reasons), never passed off as "no profile configured".
 */
#include "catalogue-test-util.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

using namespace po_test;

namespace {

struct ResultDeleter {
  void
  operator() (PoResult *r) const
  {
    po_result_free (r);
  }
};
using ResultPtr = std::unique_ptr<PoResult, ResultDeleter>;

/* every row of a query as maps by column name ("<NULL>" for NULL) */
std::vector<std::map<std::string, std::string>>
query (PoRuntime *runtime, const std::string &sql)
{
  PoResult *result = NULL;
  GError *error = NULL;
  std::vector<std::map<std::string, std::string>> rows;

  if (!po_engine_query (runtime, sql.c_str (), &result, &error))
    {
      ADD_FAILURE () << sql << ": " << error->message;
      g_error_free (error);
      return rows;
    }
  ResultPtr owner (result);
  for (guint r = 0; r < result->rows->len; r++)
    {
      GPtrArray *cells = (GPtrArray *) g_ptr_array_index (result->rows, r);
      std::map<std::string, std::string> row;
      for (guint c = 0; c < result->column_names->len; c++)
        {
          const gchar *value = (const gchar *) g_ptr_array_index (cells, c);
          row[(const gchar *) g_ptr_array_index (result->column_names, c)] = value != NULL
                                                                               ? value
                                                                               : "<NULL>";
        }
      rows.push_back (row);
    }
  return rows;
}

std::string
config_problem (PoRuntime *runtime)
{
  auto rows = query (runtime, "SELECT config_problem FROM phaseout_info");
  return rows.empty () ? "<no row>" : rows[0]["config_problem"];
}

/* every reason of phaseout_policies and phaseout_status, one per line */
std::string
all_reasons (PoRuntime *runtime)
{
  std::string text;
  for (const char *sql :
       { "SELECT reason FROM phaseout_policies", "SELECT reason FROM phaseout_status" })
    for (auto &row : query (runtime, sql))
      text += row["reason"] + "\n";
  return text;
}

ProfilePtr
runtime_profile (PoRuntime *runtime)
{
  PoProfile *profile = NULL;
  GError *error = NULL;

  if (!po_runtime_get_profile (runtime, &profile, &error))
    {
      ADD_FAILURE () << error->message;
      g_error_free (error);
    }
  return ProfilePtr (profile);
}

bool
has_type (PoProfile *profile, const char *type)
{
  return profile != NULL && po_profile_has_organisation_type (profile, type);
}

/* "the reasons never pretend that nothing was configured" */
::testing::AssertionResult
ReasonsAdmitTheRejection (const std::string &reasons, const std::string &named)
{
  for (const char *claim : { "no organisation profile configured",
                             "the organisation profile names no organisation type" })
    if (reasons.find (claim) != std::string::npos)
      return ::testing::AssertionFailure () << "a reason claims \"" << claim << "\":\n" << reasons;
  if (reasons.find (named) == std::string::npos)
    return ::testing::AssertionFailure () << "the reasons do not name " << named << ":\n"
                                          << reasons;
  return ::testing::AssertionSuccess ();
}

class ConfigFile : public ::testing::Test {
 protected:
  RuntimePtr
  runtime_for (const std::string &config)
  {
    return make_runtime (
      { { "policy-dir", dir_.file ("policies") }, { "root", dir_.path () }, { "config", config } });
  }

  TempDir dir_;
};

}  // namespace

/*
 * A FIFO at the --config path used to hold every query forever (open()
 * waits for a writer).  The query runs on a thread; if it has not answered
 * in a minute the test fails and a writer is opened and closed so that the
 * thread can finish.
 */
TEST_F (ConfigFile, FifoIsRefusedWithoutWaiting)
{
  std::string fifo = dir_.file ("phaseout.conf");
  ASSERT_EQ (mkfifo (fifo.c_str (), 0600), 0);
  RuntimePtr runtime = runtime_for (fifo);

  auto answer = std::async (std::launch::async, [&] { return config_problem (runtime.get ()); });
  if (answer.wait_for (std::chrono::seconds (60)) != std::future_status::ready)
    {
      ADD_FAILURE () << "a query over a FIFO as --config did not return";
      while (answer.wait_for (std::chrono::milliseconds (100)) != std::future_status::ready)
        {
          int fd = open (fifo.c_str (), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
          if (fd >= 0)
            close (fd);
        }
      return;
    }
  std::string problem = answer.get ();
  EXPECT_TRUE (Contains (problem, fifo + ": a FIFO, not a regular file"));
  EXPECT_TRUE (Contains (problem, "no organisation profile from it is in force"));
}

/* a 100 MB one-line profile used to be read and parsed whole */
TEST_F (ConfigFile, LargerThanOneMebibyteIsRefused)
{
  std::string name = "[profile]\nname=" + std::string (2 * 1024 * 1024, 'x') + "\n";
  dir_.write ("big.conf", name);
  RuntimePtr big = runtime_for (dir_.file ("big.conf"));
  EXPECT_TRUE (
    Contains (config_problem (big.get ()), dir_.file ("big.conf") + ": larger than 1048576 bytes"));
  ProfilePtr profile = runtime_profile (big.get ());
  ASSERT_TRUE (profile != nullptr) << "a rejected profile is reported, not dropped";
  EXPECT_EQ (po_profile_get_name (profile.get ()), nullptr);

  /* a long but reasonable one is read */
  dir_.write ("long.conf", "[profile]\norganisation-types=municipality\nname="
                             + std::string (512 * 1024, 'y') + "\n");
  RuntimePtr long_one = runtime_for (dir_.file ("long.conf"));
  EXPECT_EQ (config_problem (long_one.get ()), "");
  EXPECT_TRUE (has_type (runtime_profile (long_one.get ()).get (), "municipality"));
}

/* a directory, or a device, where the file belongs: refused and said so */
TEST_F (ConfigFile, NotARegularFileIsRefused)
{
  ASSERT_EQ (mkdir (dir_.file ("conf.d").c_str (), 0755), 0);
  RuntimePtr directory = runtime_for (dir_.file ("conf.d"));
  EXPECT_TRUE (Contains (config_problem (directory.get ()),
                         dir_.file ("conf.d") + ": a directory, not a regular file"));
  RuntimePtr device = runtime_for ("/dev/zero");
  EXPECT_TRUE (
    Contains (config_problem (device.get ()), "/dev/zero: a character device, not a regular file"));
}

/*
 * As root, the profile is root's only.  A link at the --config path that an
 * attacker points now at a root-owned file, now at a user's, used to win
 * now and then: the owner was checked on the path, then the path opened
 * again (51 of 300 tries in the audit).  A thread flips the link for as long
 * as the queries run; the user's profile must never be in force.
 */
TEST_F (ConfigFile, SwappedLinkNeverLetsAUsersProfileIn)
{
  if (geteuid () != 0)
    GTEST_SKIP () << "the ownership check applies when running as root";
  dir_.write ("root.conf", "[profile]\njurisdictions=NL\norganisation-types=municipality\n");
  dir_.write ("user.conf", "[profile]\njurisdictions=NL\norganisation-types=x-attacker\n");
  ASSERT_EQ (chown (dir_.file ("user.conf").c_str (), 1000, 1000), 0);
  ASSERT_EQ (symlink ("root.conf", dir_.file ("phaseout.conf").c_str ()), 0);
  ASSERT_EQ (symlink ("user.conf", dir_.file ("other.conf").c_str ()), 0);
  RuntimePtr runtime = runtime_for (dir_.file ("phaseout.conf"));
  ASSERT_TRUE (has_type (runtime_profile (runtime.get ()).get (), "municipality"));

  /*
   * One system call a flip: the two links trade places.  The flipper and
   * the queries are kept on CPUs of their own where there are two, so that
   * they run at the same time rather than by turns (by turns, the window
   * between a check and a read is never hit).
   */
  cpu_set_t allowed, first, second;
  ASSERT_EQ (sched_getaffinity (0, sizeof (allowed), &allowed), 0);
  CPU_ZERO (&first);
  CPU_ZERO (&second);
  for (int cpu = 0, found = 0; cpu < CPU_SETSIZE && found < 2; cpu++)
    if (CPU_ISSET (cpu, &allowed))
      CPU_SET (cpu, found++ == 0 ? &first : &second);
  bool pinned = CPU_COUNT (&second) == 1;
  std::atomic<bool> stop{ false };
  std::thread flipper ([&] {
    std::string link = dir_.file ("phaseout.conf"), other = dir_.file ("other.conf");
    if (pinned)
      sched_setaffinity (0, sizeof (second), &second);
    while (!stop.load ())
      renameat2 (AT_FDCWD, other.c_str (), AT_FDCWD, link.c_str (), RENAME_EXCHANGE);
  });
  if (pinned)
    sched_setaffinity (0, sizeof (first), &first);
  /* at least 30000 tries, and on until the user's file was met (and refused) */
  int users = 0, refusals = 0, tries = 0;
  for (; tries < 30000 || (refusals == 0 && tries < 200000); tries++)
    {
      if (has_type (runtime_profile (runtime.get ()).get (), "x-attacker"))
        users++;
      g_autofree gchar *problem = po_runtime_get_profile_problem (runtime.get ());
      if (problem != NULL && strstr (problem, "refused: owned by uid 1000") != NULL)
        refusals++;
    }
  stop = true;
  flipper.join ();
  sched_setaffinity (0, sizeof (allowed), &allowed);
  EXPECT_EQ (users, 0) << "the user's profile was in force " << users << " times in " << tries;
  EXPECT_GT (refusals, 0) << "the user's file was never met: the race was not run";
}

/*
 * A rejected profile used to be a warning on stderr only: the tables then
 * said "no organisation profile configured".  Each way a file can be
 * rejected is in phaseout_info.config_problem, naming the file and the
 * problem, and the reasons say the profile was rejected.
 */
TEST_F (ConfigFile, RejectedProfileIsShownAndNotPassedOffAsNone)
{
  struct Case {
    const char *name;
    std::string contents;
    const char *problem;
    bool needs_root;
  } cases[] = {
    { "unknown-type.conf", "[profile]\njurisdictions=NL\norganisation-types=muncipality\n",
      "unknown organisation type 'muncipality'", false },
    { "unknown-key.conf", "[profile]\njurisdiction=NL\ncolour=blue\n", "unknown key 'colour'",
      false },
    { "not-a-key-file.conf", "jurisdictions=NL\n", "not-a-key-file.conf: ", false },
    { "foreign.conf", "[profile]\njurisdictions=NL\norganisation-types=municipality\n",
      "refused: owned by uid 1000", true },
    { "writable.conf", "[profile]\njurisdictions=NL\norganisation-types=municipality\n",
      "refused: writable by others", true },
  };
  for (const Case &c : cases)
    {
      SCOPED_TRACE (c.name);
      if (c.needs_root && geteuid () != 0)
        continue;
      dir_.write (c.name, c.contents, g_str_equal (c.name, "writable.conf") ? 0666 : 0644);
      ASSERT_EQ (chmod (dir_.file (c.name).c_str (),
                        g_str_equal (c.name, "writable.conf") ? 0666 : 0644),
                 0);
      if (g_str_equal (c.name, "foreign.conf"))
        {
          ASSERT_EQ (chown (dir_.file (c.name).c_str (), 1000, 1000), 0);
        }
      RuntimePtr runtime = runtime_for (dir_.file (c.name));
      std::string problem = config_problem (runtime.get ());
      EXPECT_TRUE (Contains (problem, "configuration file " + dir_.file (c.name)));
      EXPECT_TRUE (Contains (problem, c.problem));
      EXPECT_TRUE (Contains (problem, "no organisation profile from it is in force"));
      EXPECT_TRUE (ReasonsAdmitTheRejection (all_reasons (runtime.get ()), dir_.file (c.name)));
    }
}

/* an edit that breaks the file keeps the profile in force, and says so */
TEST_F (ConfigFile, BrokenEditKeepsTheLastGoodProfileAndSaysSo)
{
  dir_.write ("phaseout.conf", "[profile]\njurisdictions=NL\norganisation-types=municipality\n");
  RuntimePtr runtime = runtime_for (dir_.file ("phaseout.conf"));
  EXPECT_EQ (config_problem (runtime.get ()), "");

  dir_.write ("phaseout.conf", "[profile]\njurisdictions=NL\norganisation-types=muncipality\n");
  struct stat st;
  ASSERT_EQ (stat (dir_.file ("phaseout.conf").c_str (), &st), 0);
  struct timespec later[2] = { st.st_atim, st.st_mtim };
  later[1].tv_sec += 10;
  ASSERT_EQ (utimensat (AT_FDCWD, dir_.file ("phaseout.conf").c_str (), later, 0), 0);

  std::string problem = config_problem (runtime.get ());
  EXPECT_TRUE (Contains (problem, "unknown organisation type 'muncipality'"));
  EXPECT_TRUE (Contains (problem, "keeping the organisation profile read from it before"));
  ProfilePtr profile = runtime_profile (runtime.get ());
  EXPECT_TRUE (has_type (profile.get (), "municipality"));
  ASSERT_TRUE (profile != nullptr);
  EXPECT_TRUE (Contains (po_profile_get_problem (profile.get ()), "the one read before is kept"));

  /* fixed: the problem goes */
  dir_.write ("phaseout.conf", "[profile]\njurisdictions=NL\norganisation-types=province\n");
  later[1].tv_sec += 10;
  ASSERT_EQ (utimensat (AT_FDCWD, dir_.file ("phaseout.conf").c_str (), later, 0), 0);
  EXPECT_EQ (config_problem (runtime.get ()), "");
  profile = runtime_profile (runtime.get ());
  EXPECT_TRUE (has_type (profile.get (), "province"));
  EXPECT_EQ (po_profile_get_problem (profile.get ()), nullptr);
}

/*
 * A bad custom_phaseout_* option (osquery's, through phaseout.ext) used to
 * be dropped with a warning: the profile then named no organisation type,
 * and the reasons said so.  It is kept as a problem and named.
 */
TEST_F (ConfigFile, RejectedOptionIsShownAndNotPassedOffAsNone)
{
  dir_.write ("phaseout.conf", "[profile]\njurisdictions=NL\n");
  RuntimePtr runtime = runtime_for (dir_.file ("phaseout.conf"));
  GError *error = NULL;
  EXPECT_FALSE (po_runtime_set_profile_option (runtime.get (), "phaseout_organisation_types",
                                               "muncipality", &error));
  ASSERT_TRUE (error != NULL);
  g_clear_error (&error);

  std::string problem = config_problem (runtime.get ());
  EXPECT_TRUE (Contains (problem, "option 'phaseout_organisation_types'"));
  EXPECT_TRUE (Contains (problem, "unknown organisation type 'muncipality'"));
  EXPECT_TRUE (Contains (problem, "the option is ignored"));
  EXPECT_TRUE (ReasonsAdmitTheRejection (all_reasons (runtime.get ()),
                                         "option phaseout_organisation_types was rejected"));

  /* set again, correctly (osqueryd sends options again on a refresh) */
  ASSERT_TRUE (po_runtime_set_profile_option (runtime.get (), "phaseout_organisation_types",
                                              "municipality", &error));
  EXPECT_EQ (config_problem (runtime.get ()), "");
  EXPECT_TRUE (has_type (runtime_profile (runtime.get ()).get (), "municipality"));
}

/* nothing configured at all is still "no organisation profile configured" */
TEST_F (ConfigFile, NothingConfiguredIsStillSaidSo)
{
  dir_.write ("phaseout.conf", "# nothing\n");
  RuntimePtr runtime = runtime_for (dir_.file ("phaseout.conf"));
  EXPECT_EQ (config_problem (runtime.get ()), "");
  EXPECT_TRUE (runtime_profile (runtime.get ()) == nullptr);
  EXPECT_TRUE (Contains (all_reasons (runtime.get ()), "no organisation profile configured"));
}

/* a missing --config fails the tables, but phaseout_info says why instead of failing */
TEST_F (ConfigFile, MissingExplicitConfigIsShownInPhaseoutInfo)
{
  RuntimePtr runtime = runtime_for (dir_.file ("absent.conf"));
  EXPECT_TRUE (Contains (config_problem (runtime.get ()),
                         dir_.file ("absent.conf") + ": No such file or directory"));
}
