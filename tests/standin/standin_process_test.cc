/* SPDX-License-Identifier: Apache-2.0 */

/*
 * Launching extensions as osqueryd does (argv, environment, signals,
 * descriptors), stopping them, and the po-osqueryd command.
 */

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "osqueryd_standin.h"
#include "standin_test_extension.h"

namespace {

using namespace po_standin;
using namespace po_standin_test;

const std::chrono::seconds kWait{20};

/* "key value" lines the probe wrote, waiting until it has finished writing */
std::vector<std::pair<std::string, std::string>> ReadProbe (const std::string &path) {
  auto deadline = std::chrono::steady_clock::now () + kWait;
  for (;;) {
    std::ifstream in (path);
    std::vector<std::pair<std::string, std::string>> lines;
    std::string line;
    bool done = false;
    while (std::getline (in, line)) {
      auto space = line.find (' ');
      lines.emplace_back (line.substr (0, space), line.substr (space + 1));
      done = done || lines.back ().first == "done";
    }
    if (done || std::chrono::steady_clock::now () > deadline)
      return lines;
    std::this_thread::sleep_for (std::chrono::milliseconds (10));
  }
}

std::string Value (const std::vector<std::pair<std::string, std::string>> &lines,
                   const std::string &key) {
  for (const auto &l : lines) {
    if (l.first == key)
      return l.second;
  }
  return "(missing)";
}

std::vector<std::string> Argv (const std::vector<std::pair<std::string, std::string>> &lines) {
  std::vector<std::string> out;
  for (const auto &l : lines) {
    if (l.first == "argv")
      out.push_back (l.second);
  }
  return out;
}

class StandinProcess : public ::testing::Test {
 protected:
  void SetUp () override {
    StandinOptions options;
    options.extensions_interval = "3600";
    standin_ = std::make_unique<OsquerydStandin> (options);
    ASSERT_TRUE (standin_->Start (socket ()));
  }
  std::string socket () const { return dir_.file ("osquery.em"); }

  ScratchDir dir_;
  std::unique_ptr<OsquerydStandin> standin_;
};

TEST_F (StandinProcess, LaunchesWithOsquerydsArgvAndEnvironment) {
  /* a blocked and an ignored signal here must not reach the child */
  sigset_t block, old_mask;
  sigemptyset (&block);
  sigaddset (&block, SIGUSR1);
  pthread_sigmask (SIG_BLOCK, &block, &old_mask);
  auto old_usr2 = signal (SIGUSR2, SIG_IGN);
  auto old_pipe = signal (SIGPIPE, SIG_IGN);

  std::string out = dir_.file ("probe.txt");
  std::string error;
  pid_t pid = standin_->LaunchExtension (
    PO_ARGV_PROBE, false, "3", "7",
    {{"PO_PROBE_OUT", out}, {"PO_PROBE_EXIT", "0"}, {"OSQUERY_EXTENSION", "overridden"}}, &error);
  pthread_sigmask (SIG_SETMASK, &old_mask, nullptr);
  signal (SIGUSR2, old_usr2);
  signal (SIGPIPE, old_pipe);
  ASSERT_GT (pid, 0) << error;

  int status = 0;
  ASSERT_TRUE (standin_->WaitForExit (pid, kWait, &status));
  EXPECT_TRUE (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  auto lines = ReadProbe (out);
  EXPECT_EQ (Argv (lines), (std::vector<std::string>{PO_ARGV_PROBE, "--socket", socket (),
                                                     "--timeout", "3", "--interval", "7"}));
  EXPECT_EQ (Value (lines, "env"), std::to_string (pid));
  EXPECT_EQ (Value (lines, "pid"), std::to_string (pid));
  for (const auto &l : lines) {
    EXPECT_NE (l, std::make_pair (std::string ("blocked"), std::to_string (SIGUSR1)));
    EXPECT_NE (l, std::make_pair (std::string ("ignored"), std::to_string (SIGUSR2)));
    EXPECT_NE (l, std::make_pair (std::string ("ignored"), std::to_string (SIGPIPE)));
  }
  EXPECT_LE (std::stoi (Value (lines, "fds")), 3);
}

TEST_F (StandinProcess, VerboseComesFirst) {
  std::string out = dir_.file ("probe.txt");
  pid_t pid = standin_->LaunchExtension (PO_ARGV_PROBE, true, "3", "3",
                                         {{"PO_PROBE_OUT", out}, {"PO_PROBE_EXIT", "0"}});
  ASSERT_GT (pid, 0);
  ASSERT_TRUE (standin_->WaitForExit (pid, kWait));
  auto argv = Argv (ReadProbe (out));
  ASSERT_EQ (argv.size (), 8u);
  EXPECT_EQ (argv[1], "--verbose");
  EXPECT_EQ (argv[2], "--socket");
}

TEST_F (StandinProcess, ExecFailureIsReported) {
  std::string error;
  EXPECT_EQ (standin_->LaunchExtension (dir_.file ("missing.ext"), {}, &error), -1);
  EXPECT_NE (error.find ("No such file or directory"), std::string::npos) << error;
}

TEST_F (StandinProcess, StopExtensionsTermsThenKills) {
  std::string polite = dir_.file ("polite.txt");
  std::string stubborn = dir_.file ("stubborn.txt");
  pid_t p1 = standin_->LaunchExtension (PO_ARGV_PROBE, {{"PO_PROBE_OUT", polite}});
  pid_t p2 = standin_->LaunchExtension (
    PO_ARGV_PROBE, {{"PO_PROBE_OUT", stubborn}, {"PO_PROBE_IGNORE_TERM", "1"}});
  ASSERT_GT (p1, 0);
  ASSERT_GT (p2, 0);
  ReadProbe (polite);
  ReadProbe (stubborn);
  auto killed = standin_->StopExtensions (std::chrono::milliseconds (500));
  EXPECT_EQ (killed, std::vector<pid_t>{p2});
  auto statuses = standin_->ReapedStatuses ();
  ASSERT_EQ (statuses.count (p1), 1u);
  EXPECT_TRUE (WIFSIGNALED (statuses[p1]) && WTERMSIG (statuses[p1]) == SIGTERM);
  EXPECT_TRUE (WIFSIGNALED (statuses[p2]) && WTERMSIG (statuses[p2]) == SIGKILL);
}

/* runs po-osqueryd, returning its exit status and stdout */
int RunCli (const std::string &args, std::string *out) {
  std::string command = std::string (PO_OSQUERYD) + " " + args + " 2>/dev/null";
  FILE *pipe = popen (command.c_str (), "r");
  if (pipe == nullptr)
    return -1;
  char buffer[4096];
  size_t n;
  while ((n = fread (buffer, 1, sizeof (buffer), pipe)) > 0)
    out->append (buffer, n);
  int status = pclose (pipe);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

TEST (StandinCli, QueriesAsJsonLines) {
  ScratchDir dir;
  std::string out;
  EXPECT_EQ (RunCli ("--socket " + dir.file ("em") +
                       " --json --query \"SELECT 1 AS x, NULL AS y, 'a\\\"b' AS z\"",
                     &out),
             0);
  EXPECT_EQ (out, "{\"x\":\"1\",\"y\":null,\"z\":\"a\\\"b\"}\n");
}

TEST (StandinCli, TextTableAndFailures) {
  ScratchDir dir;
  std::string out;
  EXPECT_EQ (RunCli ("--socket " + dir.file ("em") + " --query \"SELECT 'abc' AS name\"", &out), 0);
  EXPECT_EQ (out, "+------+\n| name |\n+------+\n| abc  |\n+------+\n");
  out.clear ();
  EXPECT_EQ (RunCli ("--socket " + dir.file ("em") + " --query \"SELECT * FROM nope\"", &out), 1);
  EXPECT_EQ (
    RunCli ("--socket " + dir.file ("em") + " --wait-registered nobody --wait-timeout 0", &out), 1);
  EXPECT_EQ (RunCli ("--query x", &out), 2);
}

TEST (StandinCli, LaunchesAndStopsExtensions) {
  ScratchDir dir;
  std::string out;
  std::string probe_out = dir.file ("probe.txt");
  std::string env = "PO_PROBE_OUT=" + probe_out + " ";
  /* the probe never registers; it is launched, then stopped by SIGTERM */
  EXPECT_EQ (
    RunCli ("--socket " + dir.file ("em") + " --extension " + PO_ARGV_PROBE + " --serve-seconds 1",
            &out),
    1)
    << "without PO_PROBE_OUT the probe exits early, which is a failure";
  std::string command = env + PO_OSQUERYD + std::string (" --socket ") + dir.file ("em") +
                        " --extension " + PO_ARGV_PROBE + " --serve-seconds 2 >/dev/null 2>&1";
  int status = std::system (command.c_str ());
  EXPECT_TRUE (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  auto lines = ReadProbe (probe_out);
  EXPECT_EQ (Value (lines, "done"), "1");
}

}  // namespace
