/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout.ext under valgrind memcheck, serving a few thousand calls as
 * osqueryd makes them (a ping probe and a new connection per call): no
 * leak that phaseout owns, and no invalid access.  c_glib 0.17's generated
 * code leaks about 240 bytes per request without the build's mending, so
 * this test fails on an unmended build.
 */
#include <fstream>
#include <sstream>

#include "po-ext-fixture.h"

namespace po_test {
namespace {

class Memcheck : public ExtensionFixture {
 protected:
  void
  SetUp () override
  {
    /* osqueryd execs the path it is given: give it a wrapper that execs
     * valgrind on the real extension with the same argv */
    log = dir.file ("memcheck.log");
    std::string wrapper =
      "#!/bin/sh\nexec " PO_VALGRIND " --quiet --leak-check=full "
      "--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect "
      "--error-exitcode=99 --log-file="
      + log + " " + build_path ("extension/phaseout.ext") + " \"$@\"\n";
    dir.write ("phaseout-memcheck.ext", wrapper, 0755);
    Launch (dir.file ("phaseout-memcheck.ext"));
  }

  std::string log;
};

TEST_F (Memcheck, ThousandsOfCallsLeakNothing)
{
  const int n_calls = 2000;
  int failures = 0;
  for (int i = 0; i < n_calls; i++)
    {
      bool ok;
      switch (i % 4)
        {
        case 0:
          ok = standin.Query ("SELECT * FROM phaseout_policies WHERE id = 'us-dhs-bod-17-01'")
                 .ok ();
          break;
        case 1:
          ok = standin.CallTable ("phaseout_info", { { "action", "columns" } }).ok ();
          break;
        case 2:
          ok = standin.CallExtension (uuid, "table", "nope", { { "action", "generate" } }).code
               == 1;
          break;
        default:
          ok = standin.Query ("SELECT version FROM phaseout_info").ok ();
        }
      if (!ok)
        failures++;
    }
  EXPECT_EQ (failures, 0);
  ASSERT_TRUE (standin.Kill (pid, SIGTERM));
  int status = WaitExit (60s);
  std::string report = read_file (log);
  ASSERT_TRUE (WIFEXITED (status)) << report;
  EXPECT_EQ (WEXITSTATUS (status), 0) << "valgrind found errors or leaks:\n" << report;
  EXPECT_EQ (report.find ("definitely lost"), std::string::npos) << report;
  EXPECT_EQ (report.find ("Invalid "), std::string::npos) << report;
}

}  // namespace
}  // namespace po_test
