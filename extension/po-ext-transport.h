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
 *   - EINTR is retried; SO_RCVTIMEO/SO_SNDTIMEO bound every wait;
 *   - one message may not read more than max_message_bytes, so a declared
 *     size or a stream of garbage cannot make the reader allocate or loop
 *     without bound (reset at each read_end).
 * The transport owns the descriptor and closes it when finalized.
 */
#define PO_TYPE_SOCKET_TRANSPORT (po_socket_transport_get_type ())
G_DECLARE_FINAL_TYPE (PoSocketTransport, po_socket_transport, PO, SOCKET_TRANSPORT, ThriftTransport)

/* timeout_ms 0: no timeout */
PoSocketTransport *po_socket_transport_new     (int          fd,
                                                guint        timeout_ms,
                                                gsize        max_message_bytes);

/* a new connection to a UNIX socket path (checked against sun_path) */
PoSocketTransport *po_socket_transport_connect (const gchar *path,
                                                guint        timeout_ms,
                                                gsize        max_message_bytes,
                                                GError     **error);

int                po_socket_transport_get_fd  (PoSocketTransport *transport);

G_END_DECLS
