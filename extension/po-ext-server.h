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
 * handler.  Every connection has receive and send timeouts, so an idle or
 * stuck peer costs one thread for a bounded time and blocks nobody.
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
#define PO_EXT_SERVER_TIMEOUT_MS (30 * 1000)
#define PO_EXT_SERVER_MAX_MESSAGE (64 * 1024 * 1024)

PoExtServer *po_ext_server_new     (const gchar             *staging_path,
                                    OsqueryExtensionHandler *handler,
                                    GError                 **error);

/* moves the socket to path, replacing a stale socket left there by a
 * killed process (never anything that is not a socket) */
gboolean     po_ext_server_publish (PoExtServer             *server,
                                    const gchar             *path,
                                    GError                 **error);

/* stops accepting, ends open connections, removes the socket file;
 * returns within about a second whatever the peers do */
void         po_ext_server_stop    (PoExtServer             *server);
void         po_ext_server_free    (PoExtServer             *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoExtServer, po_ext_server_free)

G_END_DECLS
