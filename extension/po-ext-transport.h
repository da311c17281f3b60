/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "po-ext-thrift.h"

G_BEGIN_DECLS

/*
 * PoSocketTransport: a ThriftTransport over a connected stream socket.
 *
 * It replaces c_glib's ThriftSocket + ThriftBufferedTransport pair, which
 * in 0.17 leak per connection, read one recv() per field, have no
 * timeouts, abort an RPC on EINTR and raise SIGPIPE.  Here:
 *   - reads go through a 64 KiB read-ahead buffer;
 *   - writes are buffered and sent with MSG_NOSIGNAL, in full;
 *   - EINTR is retried; every receive waits in poll() for at most
 *     timeout_ms of silence, and sends have SO_SNDTIMEO;
 *   - optionally (the server's side, po_socket_transport_set_deadlines())
 *     a whole message must arrive within a budget counted from its first
 *     byte, so a peer trickling a byte just inside each timeout cannot
 *     hold the connection, the reply must be taken within the same budget
 *     from its first send (sends then wait in poll(), not SO_SNDTIMEO),
 *     and no new message may begin once the connection has lived its
 *     lifetime;
 *   - one message may not read more than max_message_bytes, so a declared
 *     size or a stream of garbage cannot make the reader allocate or loop
 *     without bound (reset at each read_end).
 * The transport owns the descriptor and closes it when finalized.
 */
#define PO_TYPE_SOCKET_TRANSPORT (po_socket_transport_get_type ())
G_DECLARE_FINAL_TYPE (PoSocketTransport, po_socket_transport, PO, SOCKET_TRANSPORT, ThriftTransport)

#define PO_SOCKET_TRANSPORT_ERROR (po_socket_transport_error_quark ())
GQuark po_socket_transport_error_quark (void);

/* why a receive or a send gave up waiting */
typedef enum {
  PO_SOCKET_TRANSPORT_ERROR_SILENT,           /* nothing for timeout_ms */
  PO_SOCKET_TRANSPORT_ERROR_REQUEST_DEADLINE, /* a message not whole within its budget */
  PO_SOCKET_TRANSPORT_ERROR_LIFETIME,         /* no new message after the lifetime */
  PO_SOCKET_TRANSPORT_ERROR_REPLY_DEADLINE,   /* a reply not taken within the same budget */
} PoSocketTransportError;

/* timeout_ms 0: no timeout */
PoSocketTransport *po_socket_transport_new (int fd, guint timeout_ms, gsize max_message_bytes);

/* a new connection to a UNIX socket path (checked against sun_path) */
PoSocketTransport *po_socket_transport_connect (const gchar *path, guint timeout_ms,
                                                gsize max_message_bytes, GError **error);

/*
 * request_ms: each message must be read whole within this many ms of its
 * first byte (until read_end), and the peer must take the reply written
 * after it within as long from its first send; lifetime_ms: from now,
 * after which no new message may begin (one in progress is never cut
 * short).  0: unbounded.
 */
void po_socket_transport_set_deadlines (PoSocketTransport *transport, guint request_ms,
                                        guint lifetime_ms);

int po_socket_transport_get_fd (PoSocketTransport *transport);

G_END_DECLS
