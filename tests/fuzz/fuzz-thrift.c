/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The extension's socket: bytes from a peer into phaseout.ext's request
 * path, exactly as a connection's worker runs it (po-ext-server.c):
 * PoSocketTransport over one end of a socketpair, PoBoundedProtocol, the
 * generated OsqueryExtensionProcessor and PoExtHandler over a runtime,
 * requests served until the transport or the protocol gives up.  A thread
 * plays the peer: it sends the input, half-closes, and reads the replies.
 *
 * The socket is 0600 and osqueryd is the only peer meant to reach it, but
 * a misbehaving or compromised manager, or a bug in one, must not take a
 * root process down.  Tables are generated over an empty scratch root (so
 * runs are quick and independent of this machine).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "po-ext-handler.h"
#include "po-ext-protocol.h"
#include "po-ext-server.h"
#include "po-ext-transport.h"
#include "po-fuzz.h"

static PoExtHandler *handler;

static void
on_shutdown (gpointer user_data)
{
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr (PoRuntime) runtime = NULL;
  g_autofree gchar *root = NULL;

  po_fuzz_init_logging ();
  root = g_build_filename (po_fuzz_scratch_dir (), "root", NULL);
  g_mkdir_with_parents (root, 0755);
  runtime = po_fuzz_runtime_new ("root", root, "now", "2018-06-01T00:00:00Z", NULL);
  handler = po_ext_handler_new (runtime, on_shutdown, NULL);
  po_ext_handler_set_uuid (handler, 42);
  return 0;
}

typedef struct {
  int fd;
  const uint8_t *data;
  size_t size;
  gsize received;
} Peer;

static gpointer
peer_main (gpointer user_data)
{
  Peer *peer = user_data;
  gsize sent = 0;
  char buffer[65536];

  while (sent < peer->size)
    {
      ssize_t n = send (peer->fd, peer->data + sent, peer->size - sent, MSG_NOSIGNAL);
      if (n <= 0)
        break; /* the server hung up early: that is allowed */
      sent += (gsize) n;
    }
  shutdown (peer->fd, SHUT_WR);
  for (;;)
    {
      ssize_t n = recv (peer->fd, buffer, sizeof buffer, 0);
      if (n <= 0)
        break;
      peer->received += (gsize) n;
    }
  return NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (PoSocketTransport) transport = NULL;
  g_autoptr (PoBoundedProtocol) protocol = NULL;
  g_autoptr (OsqueryExtensionProcessor) processor = NULL;
  GThread *thread;
  Peer peer;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    abort ();
  peer.fd = fds[1];
  peer.data = data;
  peer.size = size;
  peer.received = 0;
  thread = g_thread_new ("fuzz-peer", peer_main, &peer);

  transport = po_socket_transport_new (fds[0], 10 * 1000, PO_EXT_SERVER_MAX_MESSAGE);
  protocol = po_bounded_protocol_new (THRIFT_TRANSPORT (transport));
  processor = g_object_new (OSQUERY_TYPE_EXTENSION_PROCESSOR, "handler", handler, NULL);
  po_bounded_protocol_set_server_methods (protocol, po_ext_handler_methods);
  for (;;)
    {
      g_autoptr (GError) error = NULL;

      if (!thrift_transport_peek (THRIFT_TRANSPORT (transport), &error))
        break;
      if (!thrift_processor_process (THRIFT_PROCESSOR (processor), THRIFT_PROTOCOL (protocol),
                                     THRIFT_PROTOCOL (protocol), &error))
        break;
    }
  /* closing our end ends the peer's reading */
  g_clear_object (&processor);
  g_clear_object (&protocol);
  g_clear_object (&transport);
  g_thread_join (thread);
  close (fds[1]);
  if (po_fuzz_verbose ())
    fprintf (stderr, "  %zu bytes in, %" G_GSIZE_FORMAT " bytes of replies\n", size, peer.received);
  return 0;
}
