/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "po-ext-thrift.h"

G_BEGIN_DECLS

/*
 * The calls phaseout.ext makes to osqueryd's extension manager.  Each
 * opens its own connection and closes it, as osquery's own SDK does (a
 * connection shared between threads or reused after a timeout is how
 * "out of order sequence response" errors happen).  timeout_ms bounds
 * connect, send and receive.
 */

gboolean po_ext_manager_ping (const gchar *socket_path, guint timeout_ms, GError **error);

/* status code != 0 is an error carrying osqueryd's message */
gboolean po_ext_manager_register (const gchar *socket_path, guint timeout_ms, const gchar *name,
                                  const gchar *version, GHashTable *registry, gint64 *ret_uuid,
                                  GError **error);

gboolean po_ext_manager_deregister (const gchar *socket_path, guint timeout_ms, gint64 uuid,
                                    GError **error);

/* whether uuid is among the extensions osqueryd has registered now */
gboolean po_ext_manager_is_registered (const gchar *socket_path, guint timeout_ms, gint64 uuid,
                                       gboolean *ret_registered, GError **error);

/* osqueryd's options: name -> value (gchar* -> gchar*) */
gboolean po_ext_manager_get_options (const gchar *socket_path, guint timeout_ms,
                                     GHashTable **ret_options, GError **error);

G_END_DECLS
