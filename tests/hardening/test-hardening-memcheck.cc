/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout.ext under valgrind memcheck where tests/integration's memcheck
 * does not go: every table (the compliance tables scan this machine, read
 * its kernel modules through libkmod and write the state database), and
 * the bytes a misbehaving peer sends (the fuzz regressions and their
 * kind: replies, unknown methods, request maps cut after a key, refused
 * sizes, garbage, hang-ups).  No leak phaseout owns, no invalid access.
 */
#include <dirent.h>

#include "po-hardening.h"

namespace po_test {
namespace {

class HardeningMemcheck : public HardeningFixture {
 protected:
  void
  SetUp () override
  {
    /* PO_MEMCHECK_LOG keeps valgrind's report somewhere that outlives the test */
    const gchar *keep = g_getenv ("PO_MEMCHECK_LOG");
    log = keep != NULL ? keep : dir.file ("memcheck.log");
    /* this machine's root: valgrind 3.19 does not know openat2(2), and
     * phaseout refuses to read a fixture root without it (by design) */
    std::string root = "/";
    std::string wrapper =
      "#!/bin/sh\nexec " PO_VALGRIND " --quiet --leak-check=full "
      "--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect "
      "--error-exitcode=99 --log-file="
      + log + " " + build_path ("extension/phaseout.ext") + " \"$@\" --root '" + root
      + "' --now 2018-06-01 --state-db '" + dir.file ("state.db") + "'\n";
    dir.write ("phaseout-memcheck.ext", wrapper, 0755);
    Launch (dir.file ("phaseout-memcheck.ext"));
  }

  std::string log;
};

/* the committed fuzz inputs of the thrift target, and a few more kinds of bad bytes */
std::vector<std::string>
hostile_messages ()
{
  std::vector<std::string> messages;
  std::string dir = std::string (PO_TEST_SOURCE_DIR) + "/fuzz/";
  for (const char *sub : { "regressions/thrift", "corpus/thrift" })
    {
      g_autoptr (GDir) listing = g_dir_open ((dir + sub).c_str (), 0, NULL);
      const gchar *name;
      while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
        if (strstr (name, "shutdown") == NULL) /* that one ends the extension, rightly */
          messages.push_back (read_file (dir + sub + "/" + name));
    }
  return messages;
}

TEST_F (HardeningMemcheck, EveryTableAndHostileBytesLeakNothing)
{
  Workload workload (standin);
  int failures = 0;
  /* under valgrind a compliance scan takes a while: 60 calls of the mix */
  for (unsigned i = 0; i < 60; i++)
    {
      std::string error;
      if (!workload.Run (standin, uuid, i, &error))
        {
          ADD_FAILURE () << "call " << i << ": " << error;
          failures++;
        }
    }
  auto messages = hostile_messages ();
  ASSERT_FALSE (messages.empty ());
  for (int round = 0; round < 3; round++)
    for (const auto &bytes : messages)
      {
        int fd = RawConnect ();
        ::send (fd, bytes.data (), bytes.size (), MSG_NOSIGNAL);
        if (round == 2)
          {
            close (fd); /* hang up before the reply */
            continue;
          }
        shutdown (fd, SHUT_WR);
        char buffer[4096];
        while (recv (fd, buffer, sizeof buffer, 0) > 0)
          ;
        close (fd);
      }
  EXPECT_TRUE (standin.PingExtension (uuid).ok ());
  EXPECT_EQ (failures, 0);

  ASSERT_TRUE (standin.Kill (pid, SIGTERM));
  int status = WaitExit (120s);
  std::string report = read_file (log);
  ASSERT_TRUE (WIFEXITED (status)) << report;
  EXPECT_EQ (WEXITSTATUS (status), 0) << "valgrind found errors or leaks:\n" << report;
  EXPECT_EQ (report.find ("definitely lost"), std::string::npos) << report;
  EXPECT_EQ (report.find ("Invalid "), std::string::npos) << report;
  EXPECT_EQ (report.find ("uninitialised"), std::string::npos) << report;
  RecordProperty ("memcheck_calls", 60);
  RecordProperty ("memcheck_hostile_messages", (int) (3 * messages.size ()));
  printf ("memcheck: 60 calls of every table and %zu hostile messages: no leak, no error\n",
          3 * messages.size ());
}

}  // namespace
}  // namespace po_test
