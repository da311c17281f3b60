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
 * normally root), after removing a stale socket left by a killed process.
 */
typedef struct _PoExtServer PoExtServer;

#define PO_EXT_SERVER_MAX_CONNECTIONS 256
#define PO_EXT_SERVER_TIMEOUT_MS (30 * 1000)
#define PO_EXT_SERVER_MAX_MESSAGE (64 * 1024 * 1024)

PoExtServer *po_ext_server_new  (const gchar             *path,
                                 OsqueryExtensionHandler *handler,
                                 GError                 **error);

/* stops accepting, ends open connections, removes the socket file;
 * returns within about a second whatever the peers do */
void         po_ext_server_stop (PoExtServer             *server);
void         po_ext_server_free (PoExtServer             *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoExtServer, po_ext_server_free)

G_END_DECLS
