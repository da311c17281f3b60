/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PoExtServer's bounds on what one peer can hold (po-ext-server.h), with
 * the limits shortened so each case takes a few seconds: a request
 * trickled a byte every half receive timeout is cut at its deadline, a
 * connection reused for ever stops at its lifetime, and connections past
 * the cap are refused, while a well-behaved ping beside them is answered.
 * The server is the one phaseout.ext runs, over the real handler, on a
 * socket in a scratch directory.
 */
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "po-test-shim.h"
#include "po-ext-handler.h"
#include "po-ext-manager.h"
#include "po-ext-server.h"
#include "po-test-wire.h"

using namespace std::chrono_literals;
using namespace po_test;
using Clock = std::chrono::steady_clock;

namespace {

constexpr guint kTimeoutMs = 1000;

/* ping() as osqueryd writes it: strict header, empty argument struct */
std::string
ping_request (guint32 seqid)
{
  return be32 (0x80010001) + be32 (4) + "ping" + be32 (seqid) + std::string (1, '\0');
}

/* call("table", "phaseout_info", {action: generate}) with a long padding
 * key, so trickling it whole would take minutes */
std::string
long_call_request ()
{
  std::string padding (400, 'x');
  return be32 (0x80010001) + tstr ("call") + be32 (1) + std::string ("\x0b\x00\x01", 3)
         + tstr ("table") + std::string ("\x0b\x00\x02", 3) + tstr ("phaseout_info")
         + std::string ("\x0d\x00\x03\x0b\x0b", 5) + be32 (2) + tstr (padding) + tstr ("")
         + tstr ("action") + tstr ("generate") + std::string (1, '\0');
}

/* whether the server closed fd within `wait` (end of stream or reset;
 * a reply's bytes are read past) */
bool
closed_within (int fd, std::chrono::milliseconds wait)
{
  auto until = Clock::now () + wait;
  for (;;)
    {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds> (until - Clock::now ());
      struct pollfd pfd = { fd, POLLIN, 0 };
      if (left.count () <= 0 || poll (&pfd, 1, (int) left.count ()) == 0)
        return false;
      char buffer[4096];
      ssize_t n = recv (fd, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        return true;
    }
}

class Deadlines : public ::testing::Test {
 protected:
  void
  Start (guint request_ms, guint lifetime_ms, guint max_connections)
  {
    PoExtServerLimits limits = { kTimeoutMs, request_ms, lifetime_ms, max_connections };
    if (!runtime)
      runtime = po_test::make_runtime ({ { "now", "2018-05-01" } });
    handler = po_ext_handler_new (
      runtime.get (), [] (gpointer) {}, nullptr);
    path = dir.file ("ext.sock");
    GError *raw = nullptr;
    server = po_ext_server_new_with_limits (path.c_str (), OSQUERY_EXTENSION_HANDLER (handler),
                                            &limits, &raw);
    po_test::ErrorPtr error (raw);
    ASSERT_NE (server, nullptr) << error->message;
  }
  void
  TearDown () override
  {
    po_ext_server_free (server);
    if (handler != nullptr)
      g_object_unref (handler);
  }

  /* a ping on its own connection, as osqueryd's probe makes it */
  bool
  Ping ()
  {
    GError *raw = nullptr;
    bool ok = po_ext_manager_ping (path.c_str (), 2 * kTimeoutMs, &raw);
    po_test::ErrorPtr error (raw);
    if (!ok)
      ADD_FAILURE () << "ping failed: " << error->message;
    return ok;
  }

  po_test::TempDir dir;
  po_test::RuntimePtr runtime;
  PoExtHandler *handler = nullptr;
  PoExtServer *server = nullptr;
  std::string path;
};

}  // namespace

/*
 * A byte every half receive timeout: no wait is long enough for the
 * receive timeout, so only the request's deadline ends it (here longer
 * than the timeout, to tell the two apart; phaseout.ext uses one timeout
 * for both).  Meanwhile pings on other connections are answered.
 */
TEST_F (Deadlines, TricklingRequestIsClosedAtItsDeadline)
{
  const guint request_ms = 5 * kTimeoutMs / 2;
  Start (request_ms, 0, PO_EXT_SERVER_MAX_CONNECTIONS);
  std::string request = long_call_request ();
  int fd = connect_to (path);
  ASSERT_GE (fd, 0);

  std::atomic<bool> trickling{ true };
  std::atomic<int> pings{ 0 };
  std::thread prober ([&] {
    while (trickling.load ())
      {
        if (Ping ())
          pings++;
        std::this_thread::sleep_for (100ms);
      }
  });

  auto first_byte = Clock::now ();
  bool closed = false;
  size_t sent = 0;
  /* 10 s of trickling: four times the deadline, and not a tenth of the request */
  while (!closed && sent < 20)
    {
      if (::send (fd, &request[sent], 1, MSG_NOSIGNAL) == 1)
        sent++;
      closed = closed_within (fd, std::chrono::milliseconds (kTimeoutMs / 2));
    }
  auto held = std::chrono::duration_cast<std::chrono::milliseconds> (Clock::now () - first_byte);
  trickling = false;
  prober.join ();
  close (fd);

  EXPECT_TRUE (closed) << "still open after " << sent << " bytes over " << held.count () << " ms";
  EXPECT_GE (held.count (), (long) request_ms * 9 / 10) << "closed before its deadline";
  EXPECT_LE (held.count (), (long) request_ms + 2 * kTimeoutMs);
  EXPECT_GT (pings.load (), 0);
  EXPECT_TRUE (Ping ());
  printf ("trickled request %s after %ld ms and %zu bytes (deadline %u ms); %d pings "
          "answered meanwhile\n",
          closed ? "closed" : "still open", (long) held.count (), sent, request_ms, pings.load ());
}

namespace {

/* a policy file of n policies, so phaseout_policies replies with megabytes */
void
write_bulk_policies (const std::string &path, int n)
{
  std::string json = "{\"format\": 1, \"policies\": [";
  for (int i = 0; i < n; i++)
    json += std::string (i > 0 ? "," : "") + "{\"id\": \"bulk-" + std::to_string (i)
            + "\", \"title\": \"A bulk policy for the reply deadline test\", "
              "\"issuer\": \"tests\", \"jurisdiction\": \"*\", \"instrument\": \"none\", "
              "\"issued\": \"2025-01-15\", \"binding\": true, \"vendors\": [\"kaspersky\"], "
              "\"categories\": [\"all\"], \"scope\": {\"binds\": [\"all\"], \"description\": \""
            + std::string (1000, 'x')
            + "\"}, \"milestones\": [{\"kind\": \"remove\", "
              "\"date\": \"2025-06-30\"}], \"sources\": [{\"title\": \"t\", "
              "\"url\": \"https://example.com/\"}]}";
  json += "]}";
  ASSERT_TRUE (g_file_set_contents (path.c_str (), json.c_str (), -1, nullptr));
}

}  // namespace

/*
 * A peer that asks for a large reply and reads it slowly, a little just
 * inside each send timeout: each send() makes progress, so only the
 * reply's own deadline ends it.  A peer reading promptly gets the whole
 * reply beside it.
 */
TEST_F (Deadlines, SlowlyReadReplyIsCutAtItsDeadline)
{
  const guint request_ms = 5 * kTimeoutMs / 2;
  write_bulk_policies (dir.file ("bulk.json"), 2000);
  runtime = po_test::make_runtime ({ { "now", "2018-05-01" }, { "policy-dir", dir.path () } });
  Start (request_ms, 0, PO_EXT_SERVER_MAX_CONNECTIONS);
  std::string request = generate_call ("phaseout_policies");

  /* the whole reply, read at once */
  int prompt = connect_to (path);
  ASSERT_GE (prompt, 0);
  ASSERT_EQ (::send (prompt, request.data (), request.size (), MSG_NOSIGNAL),
             (ssize_t) request.size ());
  size_t whole = 0;
  for (char buffer[65536];;)
    {
      /* loading 2,000 policies takes a while under a sanitizer: wait for
       * the first byte generously, then for each next one as a peer would */
      struct pollfd pfd = { prompt, POLLIN, 0 };
      if (poll (&pfd, 1, whole == 0 ? 60000 : 5 * kTimeoutMs) != 1)
        break;
      ssize_t n = recv (prompt, buffer, sizeof buffer, 0);
      if (n <= 0)
        break;
      whole += (size_t) n;
    }
  close (prompt);
  ASSERT_GT (whole, (size_t) 1 << 20) << "the reply should outgrow the socket's buffers";

  /* 16 KiB every half send timeout: 32 KiB/s, a reply of megabytes takes minutes */
  int slow = connect_to (path);
  ASSERT_GE (slow, 0);
  ASSERT_EQ (::send (slow, request.data (), request.size (), MSG_NOSIGNAL),
             (ssize_t) request.size ());
  /* the clock starts with the reply, not with its generate */
  struct pollfd first = { slow, POLLIN, 0 };
  ASSERT_EQ (poll (&first, 1, 60000), 1);
  auto replying = Clock::now ();
  size_t taken = 0;
  bool closed = false;
  while (!closed && Clock::now () - replying < 4 * std::chrono::milliseconds (request_ms))
    {
      std::this_thread::sleep_for (std::chrono::milliseconds (kTimeoutMs / 2));
      char buffer[16384];
      ssize_t n = recv (slow, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n > 0)
        taken += (size_t) n;
      /* the server's end closed, whatever of the reply is still queued here */
      struct pollfd pfd = { slow, POLLRDHUP, 0 };
      closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)
               || (poll (&pfd, 1, 0) == 1 && (pfd.revents & (POLLRDHUP | POLLHUP)) != 0);
    }
  auto held = std::chrono::duration_cast<std::chrono::milliseconds> (Clock::now () - replying);
  close (slow);

  EXPECT_TRUE (closed) << "still sending after " << held.count () << " ms, " << taken << " of "
                       << whole << " bytes taken";
  EXPECT_GE (held.count (), (long) request_ms * 8 / 10) << "cut before its deadline";
  EXPECT_LT (taken, whole);
  EXPECT_TRUE (Ping ());
  printf (
    "slowly read reply cut %ld ms after its first byte, %zu of %zu bytes taken (deadline %u ms)\n",
    (long) held.count (), taken, whole, request_ms);
}

/* the receive timeout still ends a peer that says nothing at all */
TEST_F (Deadlines, SilentConnectionIsClosedAfterTheReceiveTimeout)
{
  Start (kTimeoutMs, 0, PO_EXT_SERVER_MAX_CONNECTIONS);
  int fd = connect_to (path);
  ASSERT_GE (fd, 0);
  EXPECT_TRUE (closed_within (fd, std::chrono::milliseconds (3 * kTimeoutMs)));
  close (fd);
}

/*
 * Whole pings on one connection, each well inside the deadline, a little
 * less than a receive timeout apart: answered until the connection's
 * lifetime, then the connection is closed.
 */
TEST_F (Deadlines, ReusedConnectionEndsAtItsLifetime)
{
  const guint lifetime_ms = 3 * kTimeoutMs;
  Start (kTimeoutMs, lifetime_ms, PO_EXT_SERVER_MAX_CONNECTIONS);
  int fd = connect_to (path);
  ASSERT_GE (fd, 0);
  auto opened = Clock::now ();
  bool closed = false;
  int answered = 0;

  for (guint32 seqid = 1; !closed && seqid < 30; seqid++)
    {
      std::string request = ping_request (seqid);
      ::send (fd, request.data (), request.size (), MSG_NOSIGNAL);
      struct pollfd pfd = { fd, POLLIN, 0 };
      char reply[256];
      if (poll (&pfd, 1, 2 * kTimeoutMs) == 1 && recv (fd, reply, sizeof reply, 0) > 0)
        answered++;
      closed = closed_within (fd, std::chrono::milliseconds (kTimeoutMs * 3 / 4));
    }
  auto lived = std::chrono::duration_cast<std::chrono::milliseconds> (Clock::now () - opened);
  close (fd);

  EXPECT_TRUE (closed) << "still open after " << lived.count () << " ms";
  EXPECT_GE (answered, 2);
  EXPECT_GE (lived.count (), (long) lifetime_ms * 9 / 10);
  EXPECT_LE (lived.count (), (long) lifetime_ms + 3 * kTimeoutMs);
  EXPECT_TRUE (Ping ());
}

/* past the cap a connection is closed at once; a freed place serves again */
TEST_F (Deadlines, ConnectionsPastTheCapAreRefused)
{
  Start (kTimeoutMs, 0, 2);
  int held[2] = { connect_to (path), connect_to (path) };
  ASSERT_GE (held[0], 0);
  ASSERT_GE (held[1], 0);
  std::this_thread::sleep_for (100ms); /* both accepted */

  int refused = connect_to (path);
  ASSERT_GE (refused, 0); /* the kernel accepts; the server closes it */
  EXPECT_TRUE (closed_within (refused, 500ms));
  close (refused);

  close (held[0]);
  close (held[1]);
  std::this_thread::sleep_for (100ms); /* their workers notice */
  EXPECT_TRUE (Ping ());
}
