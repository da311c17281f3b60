/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite loadable extension loaded the way users load it: into Debian's
 * sqlite3 shell and into Python's sqlite3 module (/usr/bin/python3), each in
 * a child process, so that a crash of the module is seen as what it is, a
 * host program killed by a signal.  phaseout_flag() is called with every
 * wrong kind of argument a query can pass; each must be an SQL error with a
 * message, and the host program must go on and exit normally.
 */
#include <glib/gstdio.h>
#include <sys/wait.h>

#include "po-test-shim.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace po_test;

namespace {

struct HostRun {
  bool exited = false; /* exited normally, not killed by a signal */
  int status = -1;     /* its exit status */
  int signal = 0;
  std::string out, err;
};

/*
 * runs argv; under the sanitizer build the module needs the ASan runtime
 * loaded first, which an uninstrumented host program does not do itself
 */
HostRun
spawn (const std::vector<std::string> &args)
{
  std::vector<char *> argv;
  gchar *out = NULL, *err = NULL;
  GError *error = NULL;
  gint wait_status = 0;
  HostRun run;
  gchar **envp = g_get_environ ();

#ifdef PO_ASAN_RUNTIME
  envp = g_environ_setenv (envp, "LD_PRELOAD", PO_ASAN_RUNTIME, TRUE);
  /* the host programs' own allocations are not phaseout's to answer for */
  envp = g_environ_setenv (envp, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
#endif
  for (const auto &arg : args)
    argv.push_back (const_cast<char *> (arg.c_str ()));
  argv.push_back (NULL);
  if (!g_spawn_sync (NULL, argv.data (), envp, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &wait_status, &error))
    {
      ADD_FAILURE () << args[0] << ": " << error->message;
      g_error_free (error);
      g_strfreev (envp);
      return run;
    }
  g_strfreev (envp);
  run.exited = WIFEXITED (wait_status);
  run.status = run.exited ? WEXITSTATUS (wait_status) : -1;
  run.signal = WIFSIGNALED (wait_status) ? WTERMSIG (wait_status) : 0;
  run.out = out;
  run.err = err;
  g_free (out);
  g_free (err);
  return run;
}

std::string
module ()
{
  return build_path ("sqlite/phaseout");
}

/* `sqlite3 -cmd '.load MODULE' :memory: SQL`, as the issue reports it */
HostRun
sqlite3_shell (const std::string &sql)
{
  return spawn ({ "sqlite3", "-bail", "-cmd", ".load " + module (), ":memory:", sql });
}

/* Python's sqlite3 module: loads the extension, runs each statement, and
 * prints the first column of each row, or "error: <message>" for an SQL
 * error, and goes on with the next statement */
HostRun
python_sqlite3 (const std::vector<std::string> &statements)
{
  static const char script[] = "import sqlite3, sys\n"
                               "db = sqlite3.connect(':memory:')\n"
                               "db.enable_load_extension(True)\n"
                               "db.load_extension(sys.argv[1])\n"
                               "for sql in sys.argv[2:]:\n"
                               "    try:\n"
                               "        for row in db.execute(sql):\n"
                               "            print(row[0])\n"
                               "    except sqlite3.Error as e:\n"
                               "        print('error:', e)\n";
  std::vector<std::string> args = { "/usr/bin/python3", "-c", script, module () };
  args.insert (args.end (), statements.begin (), statements.end ());
  return spawn (args);
}

bool
have (const char *program)
{
  gchar *path = g_find_program_in_path (program);
  bool found = path != NULL;
  g_free (path);
  return found;
}

struct BadCall {
  const char *sql;
  const char *message;
};

/* every wrong way to call it, and the message it gets */
const BadCall bad_calls[] = {
  { "SELECT phaseout_flag()", "phaseout_flag: takes a flag and its value" },
  { "SELECT phaseout_flag('--root', '/', 'extra')", "phaseout_flag: takes a flag and its value" },
  { "SELECT phaseout_flag(NULL)", "phaseout_flag: argument 1 must be text, not NULL" },
  { "SELECT phaseout_flag(NULL, NULL)", "phaseout_flag: argument 1 must be text, not NULL" },
  { "SELECT phaseout_flag('--root', NULL)", "phaseout_flag: argument 2 must be text, not NULL" },
  { "SELECT phaseout_flag(42)", "phaseout_flag: argument 1 must be text, not an integer" },
  { "SELECT phaseout_flag('--now', 20171201)",
    "phaseout_flag: argument 2 must be text, not an integer" },
  { "SELECT phaseout_flag('--now', 2.5)", "phaseout_flag: argument 2 must be text, not a real" },
  { "SELECT phaseout_flag(x'2d2d726f6f74', '/')",
    "phaseout_flag: argument 1 must be text, not a blob" },
  { "SELECT phaseout_flag('--root' || char(0) || 'x', '/')",
    "phaseout_flag: argument 1 contains a NUL character" },
  { "SELECT phaseout_flag('--root=/', '/')", "takes no second argument" },
  { "SELECT phaseout_flag('--root')", "--root needs a value" },
  { "SELECT phaseout_flag('--root=')", "--root needs a value" },
  { "SELECT phaseout_flag('--rooot=/x')", "unknown flag --rooot" },
  { "SELECT phaseout_flag('--now=soon')", "--now: \"soon\" is not an ISO 8601 date or time" },
};

}  // namespace

TEST (SqliteModule, Sqlite3ShellSurvivesEveryBadCall)
{
  if (!have ("sqlite3"))
    GTEST_SKIP () << "no sqlite3 shell (Debian: sqlite3)";
  for (const BadCall &call : bad_calls)
    {
      SCOPED_TRACE (call.sql);
      HostRun run = sqlite3_shell (call.sql);
      ASSERT_TRUE (run.exited) << "sqlite3 killed by signal " << run.signal << "\n" << run.err;
      EXPECT_EQ (run.status, 1);
      EXPECT_NE (run.err.find (call.message), std::string::npos) << run.err;
      EXPECT_EQ (run.out, "");
    }
}

TEST (SqliteModule, Sqlite3ShellTakesBothSpellings)
{
  if (!have ("sqlite3"))
    GTEST_SKIP () << "no sqlite3 shell (Debian: sqlite3)";
  TempDir dir;
  HostRun joined = sqlite3_shell ("SELECT phaseout_flag('--root=" + dir.path ()
                                  + "'); SELECT root FROM phaseout_info;");
  HostRun apart = sqlite3_shell ("SELECT phaseout_flag('--root', '" + dir.path ()
                                 + "'); SELECT root FROM phaseout_info;");
  /* a value may contain '=' itself; only the first one splits */
  ASSERT_EQ (g_mkdir ((dir.path () + "/a=b").c_str (), 0700), 0);
  HostRun equals = sqlite3_shell ("SELECT phaseout_flag('--root=" + dir.path ()
                                  + "/a=b'); SELECT root FROM phaseout_info;");

  ASSERT_TRUE (joined.exited);
  EXPECT_EQ (joined.status, 0) << joined.err;
  EXPECT_EQ (joined.out, "1\n" + dir.path () + "\n");
  ASSERT_TRUE (apart.exited);
  EXPECT_EQ (apart.status, 0) << apart.err;
  EXPECT_EQ (apart.out, joined.out);
  ASSERT_TRUE (equals.exited);
  EXPECT_EQ (equals.out, "1\n" + dir.path () + "/a=b\n") << equals.err;
}

/* a failed call changes nothing: the settings before it stay in force */
TEST (SqliteModule, BadCallKeepsTheSettings)
{
  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    GTEST_SKIP () << "no /usr/bin/python3";
  TempDir dir;
  HostRun run = python_sqlite3 (
    { "SELECT phaseout_flag('--root=" + dir.path () + "')",
      "SELECT phaseout_flag('--root', '/', 'extra')", "SELECT phaseout_flag('--root', NULL)",
      "SELECT phaseout_flag('--root=/nonexistent/x')", "SELECT root FROM phaseout_info" });
  ASSERT_TRUE (run.exited) << "killed by signal " << run.signal;
  gchar **lines = g_strsplit (run.out.c_str (), "\n", -1);
  ASSERT_EQ (g_strv_length (lines), 6u) << run.out;
  EXPECT_STREQ (lines[0], "1");
  EXPECT_EQ (g_str_has_prefix (lines[1], "error: "), TRUE) << lines[1];
  EXPECT_EQ (g_str_has_prefix (lines[2], "error: "), TRUE) << lines[2];
  EXPECT_EQ (g_str_has_prefix (lines[3], "error: "), TRUE) << lines[3];
  EXPECT_EQ (lines[4], dir.path ());
  g_strfreev (lines);
}

/* stored in a database file, a view or trigger must not change the settings */
TEST (SqliteModule, NotCallableFromASchema)
{
  if (!have ("sqlite3"))
    GTEST_SKIP () << "no sqlite3 shell (Debian: sqlite3)";
  HostRun run = sqlite3_shell ("CREATE VIEW v AS SELECT phaseout_flag('--root', '/tmp') AS x;"
                               "SELECT x FROM v;");
  ASSERT_TRUE (run.exited) << "killed by signal " << run.signal;
  EXPECT_EQ (run.status, 1);
  EXPECT_NE (run.err.find ("unsafe use of phaseout_flag()"), std::string::npos) << run.err;
}

TEST (SqliteModule, PythonSurvivesEveryBadCall)
{
  if (!g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE))
    GTEST_SKIP () << "no /usr/bin/python3";
  for (const BadCall &call : bad_calls)
    {
      SCOPED_TRACE (call.sql);
      HostRun run = python_sqlite3 ({ call.sql });
      ASSERT_TRUE (run.exited) << "python3 killed by signal " << run.signal << "\n" << run.err;
      EXPECT_EQ (run.status, 0) << run.err;
      EXPECT_EQ (run.out.rfind ("error: ", 0), 0u) << run.out;
      EXPECT_NE (run.out.find (call.message), std::string::npos) << run.out;
    }
  TempDir dir;
  HostRun joined = python_sqlite3 ({ "SELECT phaseout_flag('--root=" + dir.path () + "')" });
  EXPECT_EQ (joined.out, "1\n") << joined.err;
}
