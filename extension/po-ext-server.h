/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "po-ext-thrift.h"

G_BEGIN_DECLS

/*
 * PoExtServer: phaseout.ext's listening socket, <manager socket>.<uuid>.
 *
 * osqueryd opens a new connection for every RPC and probes with a ping on
 * yet another before each call, and its watcher, its queries and a
 * second SQLite connection's "columns" call can all arrive together.
 * c_glib 0.17 only has a server that serves one connection at a time, so
 * this is an accept loop with a worker thread per connection, each with
 * its own transport, protocol and processor over the shared (thread-safe)
 * handler.  What one connection can hold, whatever the peer does
 * (PoExtServerLimits; defaults below):
 *   - silence: receive_timeout_ms, before a request or within one;
 *   - a request: request_deadline_ms from its first byte to its last, so
 *     a byte trickled just inside each receive timeout no longer keeps a
 *     worker forever; its reply gets as long from its first send, so
 *     neither does a reply read a little at a time;
 *   - the connection: no new request after lifetime_ms;
 *   - the server: at most max_connections workers; more are refused
 *     (closed at once) with a warning.
 * osqueryd opens a connection per call and writes each request in one go,
 * so the time bounds never touch it.
 *
 * The socket file is created mode 0600 (osqueryd runs as the same user,
 * normally root).
 *
 * The uuid, and so the final path, is only known after registering, and
 * osqueryd may call the moment registration returns.  So the server
 * listens on a staging path first; po_ext_server_publish() then renames
 * the socket to <manager socket>.<uuid> in one step (a UNIX socket is
 * reached through its inode, so the listening socket keeps working under
 * the new name): there is no moment at which the extension is registered
 * but cannot be reached.
 */
typedef struct _PoExtServer PoExtServer;

#define PO_EXT_SERVER_MAX_CONNECTIONS 256
#define PO_EXT_SERVER_TIMEOUT_MS      (30 * 1000)
/* a request gets the time of one silence: osqueryd's arrive in one write,
 * microseconds apart, so only a trickling peer ever meets this */
#define PO_EXT_SERVER_REQUEST_DEADLINE_MS PO_EXT_SERVER_TIMEOUT_MS
/* osqueryd's own --thrift_timeout (300 s), the longest it waits on a call;
 * it sends one call per connection, so this only ends peers that reuse a
 * connection forever */
#define PO_EXT_SERVER_LIFETIME_MS (10 * PO_EXT_SERVER_TIMEOUT_MS)
#define PO_EXT_SERVER_MAX_MESSAGE (64 * 1024 * 1024)

typedef struct {
  guint receive_timeout_ms;  /* longest silence (and the send timeout) */
  guint request_deadline_ms; /* a whole request, from its first byte */
  guint lifetime_ms;         /* no new request on a connection older than this */
  guint max_connections;     /* workers at once */
} PoExtServerLimits;

/* the defaults above; tests pass shorter ones to po_ext_server_new_with_limits() */
extern const PoExtServerLimits po_ext_server_default_limits;

PoExtServer *po_ext_server_new (const gchar *staging_path, OsqueryExtensionHandler *handler,
                                GError **error);
PoExtServer *po_ext_server_new_with_limits (const gchar *staging_path,
                                            OsqueryExtensionHandler *handler,
                                            const PoExtServerLimits *limits, GError **error);

/* moves the socket to path, replacing a stale socket left there by a
 * killed process (never anything that is not a socket) */
gboolean po_ext_server_publish (PoExtServer *server, const gchar *path, GError **error);

/* stops accepting, ends open connections, removes the socket file;
 * returns within about a second whatever the peers do */
void po_ext_server_stop (PoExtServer *server);
void po_ext_server_free (PoExtServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoExtServer, po_ext_server_free)

G_END_DECLS
