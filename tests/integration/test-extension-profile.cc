/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout.ext as osqueryd runs it, on what the organisation profile and
 * the log look like from the fleet: a rejected custom_phaseout_* option and
 * a FIFO as --config are in phaseout_info.config_problem (a FIFO used to
 * hold every query while ping still answered), and the extension's log
 * names it and stays on stderr.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "po-ext-fixture.h"

namespace po_test {
namespace {

/* phaseout.ext started by the stand-in through a wrapper adding `tail` to its argv */
class ExtensionProfile : public ExtensionFixture {
 protected:
  void
  SetUp () override
  {
  }

  void
  LaunchWithTail (const std::string &tail)
  {
    dir.write ("root/.keep", "");
    dir.write ("policies/.keep", "");
    std::string wrapper = "#!/bin/sh\nexec " + build_path ("extension/phaseout.ext")
                          + " \"$@\" --root '" + dir.file ("root") + "' --policy-dir '"
                          + dir.file ("policies") + "' " + tail + "\n";
    dir.write ("phaseout-profile.ext", wrapper, 0755);
    Launch (dir.file ("phaseout-profile.ext"));
  }

  std::string
  One (const std::string &sql, const std::string &column)
  {
    auto result = standin.Query (sql);
    EXPECT_TRUE (result.ok ()) << sql << ": " << result.message;
    if (!result.ok () || result.rows.empty ())
      return "<no row>";
    auto value = result.rows[0][column];
    return value.has_value () ? *value : "<NULL>";
  }
};

/*
 * A typo in Fleet's agent options used to leave only a line in the
 * extension's log; the fleet saw "the organisation profile names no
 * organisation type".
 */
TEST_F (ExtensionProfile, RejectedOptionIsVisibleThroughOsquery)
{
  dir.write ("phaseout.conf", "[profile]\njurisdictions=NL\n");
  ASSERT_TRUE (standin.SetConfigOption ("custom_phaseout_organisation_types", "muncipality"));
  LaunchWithTail ("--config '" + dir.file ("phaseout.conf") + "'");

  std::string problem = One ("SELECT config_problem FROM phaseout_info", "config_problem");
  EXPECT_NE (problem.find ("option 'custom_phaseout_organisation_types': unknown organisation "
                           "type 'muncipality'"),
             std::string::npos)
    << problem;
  std::string reason = One ("SELECT reason FROM phaseout_status WHERE policy_id = "
                            "'nl-kamerbrief-2018'",
                            "reason");
  EXPECT_EQ (reason.find ("names no organisation type"), std::string::npos) << reason;
  EXPECT_NE (reason.find ("option custom_phaseout_organisation_types was rejected"),
             std::string::npos)
    << reason;
}

/*
 * A FIFO at the --config path: every query used to wait for a writer
 * (osqueryd's ping still answered, so it kept sending queries).  The
 * stand-in gives up on a call after 30 s, which fails the query.
 */
TEST_F (ExtensionProfile, FifoAsConfigDoesNotHoldQueries)
{
  ASSERT_EQ (mkfifo (dir.file ("phaseout.conf").c_str (), 0600), 0);
  LaunchWithTail ("--config '" + dir.file ("phaseout.conf") + "'");

  std::string problem = One ("SELECT config_problem FROM phaseout_info", "config_problem");
  EXPECT_NE (problem.find (dir.file ("phaseout.conf") + ": a FIFO, not a regular file"),
             std::string::npos)
    << problem;
  auto status = standin.Query ("SELECT policy_id, status FROM phaseout_status");
  EXPECT_TRUE (status.ok ()) << status.message;
  EXPECT_FALSE (status.rows.empty ());
}

/*
 * phaseout.ext's log: GLib printed "(process:PID)" for a program that did
 * not name itself, and put --verbose's debug lines on stdout.  Lines now
 * name phaseout.ext, and stdout stays empty.
 */
TEST_F (ExtensionProfile, LogNamesTheExtensionAndStaysOnStderr)
{
  dir.write ("phaseout.conf", "");
  LaunchWithTail ("--config '" + dir.file ("phaseout.conf") + "' --verbose --no-such-flag >'"
                  + dir.file ("stdout.txt") + "' 2>'" + dir.file ("stderr.txt") + "'");
  EXPECT_TRUE (standin.Query ("SELECT version FROM phaseout_info").ok ());
  ASSERT_TRUE (standin.Kill (pid, SIGTERM));
  int status = WaitExit ();
  EXPECT_TRUE (WIFEXITED (status) && WEXITSTATUS (status) == 0);

  std::string out = read_file (dir.file ("stdout.txt"));
  std::string err = read_file (dir.file ("stderr.txt"));
  EXPECT_EQ (out, "") << "stdout of phaseout.ext";
  EXPECT_EQ (err.find ("(process:"), std::string::npos) << err;
  /* a warning, and --verbose's debug lines, under the extension's name */
  EXPECT_NE (err.find ("(phaseout.ext:" + std::to_string (pid) + "): phaseout.ext-WARNING"),
             std::string::npos)
    << err;
  EXPECT_NE (err.find ("ignoring unknown argument --no-such-flag"), std::string::npos) << err;
  EXPECT_NE (err.find ("phaseout.ext-DEBUG"), std::string::npos) << err;
  EXPECT_NE (err.find ("registered as extension uuid"), std::string::npos) << err;
}

/* a malformed flag is a usage error, 2, as for the phaseout command */
TEST (ExtensionUsage, MalformedFlagExitsTwo)
{
  ProcessResult run = run_process ({ build_path ("extension/phaseout.ext"), "--timeout", "soon" });
  std::string output = run.out + run.err;
  EXPECT_EQ (run.status, 2) << output;
  EXPECT_NE (output.find ("--timeout: \"soon\" is not a number of seconds"), std::string::npos)
    << output;
}

}  // namespace
}  // namespace po_test
