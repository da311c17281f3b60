/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile host data, through both ways out: osqueryd's (phaseout.ext under
 * the stand-in) and the phaseout command's JSON.  A copy of the compliance
 * fixture (Kaspersky Endpoint Security installed and running as pid 812)
 * gets processes with names chosen to break things (newlines, tabs,
 * terminal escapes, invalid UTF-8, NUL bytes, 4 KiB names, names of
 * banned software on a user's process), symlinks that point out of the
 * root, loop or lead where a directory is probed, and huge, endless or
 * blocking files where small ones are expected (a sparse 300 MB status
 * file, a FIFO, a character device).
 *
 * Asserted: every query answers; every value is valid UTF-8 (and JSON
 * output parses); nothing hides the real findings (kesl's package, its
 * process 812, its unit and its install path are still reported); nothing
 * outside the root is read.  Recorded: how long the worst query took and
 * the command's peak memory.
 *
 * Also here: the socket and the policy files are checked as osquery checks
 * extensions, end to end as root.
 */
#include <json-glib/json-glib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <set>

#include "po-hardening.h"

namespace po_test {
namespace {

std::string
fixture_root ()
{
  std::string root = fixture_path ("compliance/kes-host");
  return access (root.c_str (), F_OK) == 0 ? root : fixture_path ("inventory/kesl-host");
}

/* one fake process under root/proc/<pid> */
void
add_process (const TempDir &dir, int pid, const std::string &comm, const std::string &cmdline,
             const std::string &exe, int uid = 1000)
{
  std::string base = "root/proc/" + std::to_string (pid) + "/";
  dir.write (base + "comm", comm + "\n");
  dir.write (base + "status", "Name:\t" + comm + "\nPPid:\t1\nUid:\t" + std::to_string (uid) + "\t"
                                + std::to_string (uid) + "\t0\t0\n");
  dir.write (base + "cmdline", cmdline);
  if (!exe.empty ())
    {
      EXPECT_EQ (symlink (exe.c_str (), dir.file (base + "exe").c_str ()), 0) << exe;
    }
}

/* the phaseout command's answer, how long it took and the peak memory of a child so far */
struct CliRun {
  bool ok = false;
  std::string out, err;
  int ms = 0;
  long max_rss_kib = 0;
};

class Hostile : public HardeningFixture {
 protected:
  void
  SetUp () override
  {
    root = dir.file ("root");
    ASSERT_EQ (mkdir (root.c_str (), 0755), 0);
    copy_tree (fixture_root (), root);

    /* names chosen to break logs, terminals, JSON and matchers */
    add_process (dir, 3001, "kesl\nrm -rf /", std::string ("kesl\0--fake\0", 12),
                 "/tmp/kesl\n(deleted)");
    add_process (dir, 3002, "ke\tsl\x1b[2J\x07", "\x1b]0;owned\x07", "/home/u/\xff\xfe");
    add_process (dir, 3003, std::string (4096 - 1, 'A'), std::string (1 << 20, 'B'), "");
    add_process (dir, 3004, "\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc", "\xed\xa0\x80",
                 "/x\xed\xa0\x80");
    add_process (dir, 3005, std::string ("ke\0sl", 5), std::string (100, '\0'), "/proc/self/exe");
    add_process (dir, 3006,
                 "\xe2\x80\xae"
                 "lsek",
                 "\xe2\x80\xae", "/opt/kaspersky/kesl/libexec/kesl (deleted)");
    /* a status file far over the 64 KiB read, and a comm that is a FIFO */
    dir.write ("root/proc/3007/status", "Name:\tbig\n");
    ASSERT_EQ (truncate (dir.file ("root/proc/3007/status").c_str (), 100 << 20), 0);
    ASSERT_EQ (mkdir (dir.file ("root/proc/3008").c_str (), 0755), 0);
    ASSERT_EQ (mkfifo (dir.file ("root/proc/3008/comm").c_str (), 0644), 0);
    ASSERT_EQ (mkfifo (dir.file ("root/proc/3008/cmdline").c_str (), 0644), 0);

    /* symlinks: out of the root, a loop, a directory swapped for a link */
    ASSERT_EQ (symlink ("/etc", dir.file ("root/opt/escape").c_str ()), 0);
    ASSERT_EQ (symlink ("../../../../../../../../etc/passwd",
                        dir.file ("root/opt/relative").c_str ()),
               0);
    ASSERT_EQ (symlink ("loop", dir.file ("root/opt/loop").c_str ()), 0);
    ASSERT_EQ (mkdir (dir.file ("root/var/lib/dpkg/updates").c_str (), 0755) == 0
                 || errno == EEXIST,
               true);
    ASSERT_EQ (symlink ("/etc/shadow", dir.file ("root/var/lib/dpkg/updates/0002").c_str ()), 0);
    ASSERT_EQ (symlink ("/proc/self/environ", dir.file ("root/proc/3001/environ").c_str ()), 0);

    /* the module list and a unit file as a FIFO and a character device */
    ASSERT_EQ (mkfifo (dir.file ("root/lib/systemd/system/fifo.service").c_str (), 0644), 0);
    ASSERT_EQ (mknod (dir.file ("root/lib/systemd/system/zero.service").c_str (), S_IFCHR | 0644,
                      makedev (1, 5)),
               0);
  }

  /* every value of every row valid UTF-8; the rows as name -> value */
  void
  CheckUtf8 (const po_standin::QueryResult &result, const std::string &what)
  {
    for (const auto &row : result.rows)
      for (const auto &cell : row)
        {
          if (cell.second.has_value ())
            {
              EXPECT_TRUE (
                g_utf8_validate (cell.second->data (), (gssize) cell.second->size (), NULL))
                << what << "." << cell.first << " is not UTF-8";
            }
        }
  }


  /* `phaseout query --json sql` over the root, at 2018-06-01 */
  CliRun
  run_cli_query (const std::string &sql) const
  {
    std::string command = build_path ("cli/phaseout") + " query --json '" + sql + "' --root '"
                          + root + "' --now 2018-06-01 --state-db '" + dir.file ("cli-state.db")
                          + "'";
    g_autofree gchar *out = NULL;
    g_autofree gchar *err = NULL;
    gint status = -1;
    struct rusage usage = {};
    CliRun run;

    auto start = std::chrono::steady_clock::now ();
    if (!g_spawn_command_line_sync (command.c_str (), &out, &err, &status, NULL))
      {
        ADD_FAILURE () << "cannot run " << command;
        return run;
      }
    run.ms = (int) std::chrono::duration_cast<std::chrono::milliseconds> (
               std::chrono::steady_clock::now () - start)
               .count ();
    getrusage (RUSAGE_CHILDREN, &usage);
    run.ok = g_spawn_check_wait_status (status, NULL);
    run.out = out != NULL ? out : "";
    run.err = err != NULL ? err : "";
    run.max_rss_kib = usage.ru_maxrss;
    return run;
  }

  std::string root;
};

/* the findings the fixture's real Kaspersky install gives, whatever else is there */
void
expect_real_findings (const std::set<std::string> &findings)
{
  EXPECT_TRUE (findings.count ("deb:kesl")) << "the kesl package was hidden";
  EXPECT_TRUE (findings.count ("process:kesl")) << "kesl's process was hidden";
}

TEST_F (Hostile, ProcessNamesSymlinksAndOddFilesThroughOsquery)
{
  LaunchWith ("--root '" + root + "' --now 2018-06-01 --state-db '" + dir.file ("state.db") + "'");
  if (!HasTable ("banned_software"))
    GTEST_SKIP () << "no banned_software table in this build";

  auto start = std::chrono::steady_clock::now ();
  auto result = standin.Query ("SELECT * FROM banned_software");
  auto took = std::chrono::steady_clock::now () - start;
  ASSERT_TRUE (result.ok ()) << result.message;
  CheckUtf8 (result, "banned_software");
  std::set<std::string> findings;
  bool pid_812 = false;
  for (auto &row : result.rows)
    {
      findings.insert (row["finding"].value_or (""));
      if (row["source"] == std::optional<std::string> ("process")
          && row["pid"] == std::optional<std::string> ("812"))
        pid_812 = true;
      /* nothing read through a link out of the root: no host file content */
      EXPECT_EQ (row["path"].value_or ("").find ("root:x:0:0"), std::string::npos);
    }
  expect_real_findings (findings);
  EXPECT_TRUE (pid_812) << "the real kesl process (pid 812) is not reported";

  for (const char *table :
       { "phaseout_status", "vendor_drivers", "phaseout_history", "phaseout_policies" })
    if (HasTable (table))
      {
        auto other = standin.Query (std::string ("SELECT * FROM ") + table);
        EXPECT_TRUE (other.ok ()) << table << ": " << other.message;
        CheckUtf8 (other, table);
      }
  int ms = (int) std::chrono::duration_cast<std::chrono::milliseconds> (took).count ();
  RecordProperty ("hostile_banned_software_ms", ms);
  printf ("hostile root through osquery: %zu banned_software rows in %d ms, all UTF-8\n",
          result.rows.size (), ms);
}

/*
 * The phaseout command over the same root, with its JSON output: it parses,
 * it is UTF-8, the real findings are there; and the command's peak memory
 * stays far below the largest read bound (the 300 MB status file is refused
 * by its size, not read).
 */
TEST_F (Hostile, ProcessNamesSymlinksAndOddFilesThroughTheCommand)
{
  if (po_tables_lookup ("banned_software") == NULL)
    GTEST_SKIP () << "no banned_software table in this build";
  /* a dpkg journal entry far over its 16 MiB bound, sparse */
  dir.write ("root/var/lib/dpkg/updates/0003", "Package: x\n");
  ASSERT_EQ (truncate (dir.file ("root/var/lib/dpkg/updates/0003").c_str (), 300 << 20), 0);

  CliRun run = run_cli_query ("SELECT finding, name, path, pid FROM banned_software");
  EXPECT_TRUE (run.ok) << run.err;
  EXPECT_TRUE (g_utf8_validate (run.out.c_str (), -1, NULL));
  g_autoptr (JsonParser) parser = json_parser_new ();
  ASSERT_TRUE (json_parser_load_from_data (parser, run.out.c_str (), -1, NULL)) << run.out;
  JsonArray *rows = json_node_get_array (json_parser_get_root (parser));
  std::set<std::string> findings;
  for (guint i = 0; i < json_array_get_length (rows); i++)
    findings.insert (
      json_object_get_string_member (json_array_get_object_element (rows, i), "finding"));
  expect_real_findings (findings);
  RecordProperty ("hostile_cli_ms", run.ms);
  RecordProperty ("hostile_cli_max_rss_kib", (int) run.max_rss_kib);
  printf ("hostile root through the command: %u rows in %d ms, peak RSS %ld KiB\n",
          json_array_get_length (rows), run.ms, run.max_rss_kib);
}

/*
 * A character device where the dpkg database should be (a container image
 * can ship one; --root reads it): the read is bounded, the query answers,
 * the other sources still report.  Recorded: time and peak memory, since a
 * device is read up to the 256 MiB bound of the status file.
 */
TEST_F (Hostile, EndlessDeviceAsTheDpkgDatabase)
{
  if (po_tables_lookup ("banned_software") == NULL)
    GTEST_SKIP () << "no banned_software table in this build";
  ASSERT_EQ (unlink (dir.file ("root/var/lib/dpkg/status").c_str ()), 0);
  ASSERT_EQ (mknod (dir.file ("root/var/lib/dpkg/status").c_str (), S_IFCHR | 0644, makedev (1, 5)),
             0);
  CliRun run = run_cli_query ("SELECT finding FROM banned_software");
  EXPECT_TRUE (run.ok) << run.err;
  EXPECT_NE (run.out.find ("process:kesl"), std::string::npos)
    << "the other sources still report: " << run.out;
  EXPECT_EQ (run.out.find ("deb:kesl"), std::string::npos);
  RecordProperty ("dev_zero_status_ms", run.ms);
  RecordProperty ("dev_zero_status_max_rss_kib", (int) run.max_rss_kib);
  printf ("/dev/zero as the dpkg database: answered in %d ms, peak RSS %ld KiB\n", run.ms,
          run.max_rss_kib);
}

/*
 * A user's own process named like banned software, from a program in the
 * user's home: not a finding (an unprivileged user can neither hide a
 * finding nor make one up), and the real kesl is still reported.
 */
TEST_F (Hostile, UserProcessNamedLikeBannedSoftware)
{
  if (po_tables_lookup ("banned_software") == NULL)
    GTEST_SKIP () << "no banned_software table in this build";
  dir.write ("root/home/user/kesl", "\x7f"
                                    "ELF");
  if (geteuid () == 0)
    {
      ASSERT_EQ (chown (dir.file ("root/home/user/kesl").c_str (), 1000, 1000), 0);
    }
  else
    {
      /* not root: a file of one's own is trusted, a writable one is not */
      ASSERT_EQ (chmod (dir.file ("root/home/user/kesl").c_str (), 0666), 0);
    }
  add_process (dir, 4001, "kesl", std::string ("kesl\0", 5), "/home/user/kesl", 1000);
  LaunchWith ("--root '" + root + "' --now 2018-06-01 --state-db '" + dir.file ("state.db") + "'");
  auto result = standin.Query ("SELECT pid, path FROM banned_software WHERE source = 'process'");
  ASSERT_TRUE (result.ok ()) << result.message;
  std::set<std::string> pids;
  for (auto &row : result.rows)
    pids.insert (row["pid"].value_or (""));
  EXPECT_TRUE (pids.count ("812")) << "the real kesl process";
  EXPECT_FALSE (pids.count ("4001")) << "a user's look-alike is reported as banned software";
}

/* ---- socket and file permissions, as osquery checks extensions -------- */

class Permissions : public HardeningFixture {};

/* the socket is 0600 and phaseout.ext's, whatever umask osqueryd gave it */
TEST_F (Permissions, SocketIsPrivateWhateverTheUmask)
{
  LaunchWith ("", "umask 000\n");
  std::string path = standin.ExtensionSocket (uuid);
  struct stat st;
  ASSERT_EQ (lstat (path.c_str (), &st), 0);
  EXPECT_TRUE (S_ISSOCK (st.st_mode));
  EXPECT_EQ (st.st_mode & 07777, 0600u);
  EXPECT_EQ (st.st_uid, geteuid ());
  EXPECT_EQ (st.st_gid, getegid ());
}

/* as another user, the socket cannot even be connected to */
TEST_F (Permissions, OtherUsersCannotConnect)
{
  if (geteuid () != 0 || !g_file_test ("/usr/bin/setpriv", G_FILE_TEST_IS_EXECUTABLE))
    GTEST_SKIP () << "needs root and setpriv";
  LaunchWith ("");
  /* the temp dir is 0700: open the path up to the socket, as /var/osquery would be */
  ASSERT_EQ (chmod (dir.path ().c_str (), 0755), 0);
  std::string path = standin.ExtensionSocket (uuid);
  /* phaseout.ext itself as the client: it pings what --socket names */
  std::string command = "setpriv --reuid=65534 --regid=65534 --clear-groups "
                        + build_path ("extension/phaseout.ext") + " --socket '" + path
                        + "' --timeout 1 2>&1";
  gchar *out = NULL;
  gint status = -1;
  ASSERT_TRUE (
    g_spawn_command_line_sync (("sh -c \"" + command + "\"").c_str (), &out, NULL, &status, NULL));
  EXPECT_FALSE (g_spawn_check_wait_status (status, NULL)) << out;
  EXPECT_NE (strstr (out, "Permission denied"), nullptr) << out;
  g_free (out);
  ASSERT_EQ (chmod (dir.path ().c_str (), 0700), 0);
}

/*
 * Policy files and directories are checked as osquery checks an extension
 * (owned by root, not writable by group or others), end to end through
 * the command run as root: each bad one is refused, named in the report,
 * and the built-in catalogue still answers.
 */
TEST_F (Permissions, PolicyFilesCheckedAsOsqueryChecksExtensions)
{
  if (geteuid () != 0)
    GTEST_SKIP () << "the checks apply when running as root";
  std::string good = read_file (fixture_path ("catalogue/good/one-policy.json"));
  ASSERT_FALSE (good.empty ());
  struct Case {
    std::string name;
    std::string setup;
    bool refused;
  };
  std::vector<Case> cases = {
    { "good", "", false },
    { "foreign-file", "chown 1000:1000 FILE", true },
    { "world-writable-file", "chmod 0666 FILE", true },
    { "group-writable-file", "chmod 0620 FILE", true },
    { "foreign-dir", "chown 1000:1000 DIR", true },
    { "world-writable-dir", "chmod 0777 DIR", true },
    /* a root-owned link to a user's file: the file opened is what counts */
    { "link-to-foreign-file",
      "mv FILE DIR/../user.json && chown 1000:1000 DIR/../user.json && "
      "ln -s ../user.json FILE",
      true },
  };
  for (const auto &c : cases)
    {
      TempDir scratch;
      ASSERT_EQ (chmod (scratch.path ().c_str (), 0755), 0);
      scratch.write ("policies/10-x.json", good, 0644);
      std::string file = scratch.file ("policies/10-x.json");
      std::string directory = scratch.file ("policies");
      ASSERT_EQ (chmod (directory.c_str (), 0755), 0);
      std::string setup = c.setup;
      for (auto [from, to] :
           { std::pair<std::string, std::string>{ "FILE", file }, { "DIR", directory } })
        for (size_t at = setup.find (from); at != std::string::npos;
             at = setup.find (from, at + to.size ()))
          setup.replace (at, from.size (), to);
      if (!setup.empty ())
        {
          ASSERT_EQ (system (setup.c_str ()), 0) << setup;
        }

      std::string command = build_path ("cli/phaseout") + " policy list --policy-dir '" + directory
                            + "' --root '" + scratch.path () + "'";
      gchar *out = NULL, *err = NULL;
      gint status = -1;
      ASSERT_TRUE (g_spawn_command_line_sync (command.c_str (), &out, &err, &status, NULL));
      std::string output = std::string (out) + err;
      bool listed = output.find ("fixture-good") != std::string::npos
                    && output.find ("refused") == std::string::npos;
      EXPECT_EQ (!listed, c.refused) << c.name << ":\n" << output;
      if (c.refused)
        {
          EXPECT_NE (output.find ("refused"), std::string::npos)
            << c.name << ": the refusal is reported:\n"
            << output;
        }
      /* the built-in catalogue answers either way */
      EXPECT_NE (output.find ("us-dhs-bod-17-01"), std::string::npos) << c.name;
      g_free (out);
      g_free (err);
    }
}

/* the --config file too: a user's or a writable one is not read */
TEST_F (Permissions, ConfigFileCheckedAsOsqueryChecksExtensions)
{
  if (geteuid () != 0)
    GTEST_SKIP () << "the checks apply when running as root";
  for (const char *setup : { "", "chown 1000:1000 FILE", "chmod 0666 FILE" })
    {
      TempDir scratch;
      scratch.write ("phaseout.conf",
                     "[profile]\njurisdictions=NL\norganisation-types=municipality\n", 0644);
      std::string file = scratch.file ("phaseout.conf");
      std::string command = setup;
      if (!command.empty ())
        {
          command.replace (command.find ("FILE"), 4, file);
          ASSERT_EQ (system (command.c_str ()), 0);
        }
      std::string list = build_path ("cli/phaseout") + " policy list --config '" + file
                         + "' --root '" + scratch.path () + "'";
      gchar *out = NULL, *err = NULL;
      gint status = -1;
      ASSERT_TRUE (g_spawn_command_line_sync (list.c_str (), &out, &err, &status, NULL));
      std::string output = std::string (out) + err;
      bool profile_read = output.find ("municipality") != std::string::npos;
      EXPECT_EQ (profile_read, *setup == '\0') << (*setup ? setup : "root-owned 0644") << ":\n"
                                               << output;
      g_free (out);
      g_free (err);
    }
}

}  // namespace
}  // namespace po_test
