/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * A running phaseout.ext under the osqueryd stand-in: the manager on a
 * socket in a temp dir, the built extension launched with osqueryd's argv
 * and registered.  Shared by the integration tests.
 */
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "osqueryd_standin.h"
#include "po-test-shim.h"

namespace po_test {

using namespace std::chrono_literals;

inline po_standin::StandinOptions
fast_standin_options ()
{
  po_standin::StandinOptions options;
  options.extensions_interval = "1";
  options.extensions_timeout = "5";
  /* a hang must fail the test, not stall it for osqueryd's 300 s */
  options.thrift_timeout = 30;
  return options;
}

class ExtensionFixture : public ::testing::Test {
 protected:
  void
  SetUp () override
  {
    Launch ();
  }

  void
  Launch (const std::string &extension = build_path ("extension/phaseout.ext"))
  {
    std::string error;
    ASSERT_TRUE (standin.Start (dir.file ("osquery.em"), &error)) << error;
    pid = standin.LaunchExtension (extension, false, "5", "1", {}, &error);
    ASSERT_GT (pid, 0) << error;
    auto registered = standin.WaitForRegistration ("phaseout", 20s);
    ASSERT_TRUE (registered.has_value ()) << "phaseout.ext did not register";
    uuid = *registered;
    /* it serves right after registering; wait until the socket answers */
    for (int i = 0; i < 500 && !standin.PingExtension (uuid).ok (); i++)
      usleep (10 * 1000);
    ASSERT_TRUE (standin.PingExtension (uuid).ok ());
  }

  void
  TearDown () override
  {
    if (pid > 0 && !exited)
      {
        standin.Kill (pid, SIGKILL);
        standin.WaitForExit (pid, 5s);
      }
    standin.Stop ();
  }

  /* waits for the extension to exit; its waitpid status */
  int
  WaitExit (std::chrono::milliseconds timeout = 10s)
  {
    int status = -1;
    EXPECT_TRUE (standin.WaitForExit (pid, timeout, &status)) << "phaseout.ext did not exit";
    exited = true;
    return status;
  }

  /* a raw connection to the extension's socket, for misbehaving clients */
  int
  RawConnect ()
  {
    std::string path = standin.ExtensionSocket (uuid);
    struct sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    strncpy (address.sun_path, path.c_str (), sizeof address.sun_path - 1);
    int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_GE (fd, 0);
    EXPECT_EQ (connect (fd, (struct sockaddr *) &address, sizeof address), 0) << path;
    return fd;
  }

  TempDir dir;
  po_standin::OsquerydStandin standin{ fast_standin_options () };
  pid_t pid = -1;
  po_standin::RouteUUID uuid = 0;
  bool exited = false;
};

}  // namespace po_test
