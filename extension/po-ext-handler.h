/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "po-ext-thrift.h"
#include "po-runtime.h"

G_BEGIN_DECLS

/*
 * PoExtHandler: the osquery Extension service (ping, call, shutdown)
 * answered from phaseout's table registry.
 *
 *   ping                         {0, "pong", uuid}
 *   call("table", t, columns)    the route rows registered for t
 *   call("table", t, generate)   t's rows for the request's context
 *   call("table", t, insert|update|delete)
 *                                one row {"status": "readonly"}: the tables
 *                                describe the host and cannot be written
 *   anything else                status 1 and a message naming the problem
 *   shutdown                     void reply, then the shutdown callback
 *
 * No request ever becomes a Thrift exception: osqueryd reports those as a
 * failed transport, so the answer is always a status.
 */
#define PO_TYPE_EXT_HANDLER (po_ext_handler_get_type ())
G_DECLARE_FINAL_TYPE (PoExtHandler, po_ext_handler, PO, EXT_HANDLER, OsqueryExtensionHandler)

typedef void (*PoExtShutdownFunc) (gpointer user_data);

PoExtHandler *po_ext_handler_new (PoRuntime *runtime, PoExtShutdownFunc on_shutdown,
                                  gpointer user_data);
void po_ext_handler_set_uuid (PoExtHandler *handler, gint64 uuid);

/* the one place a GError becomes an osquery status: code 1, its message */
void po_ext_status_set_error (OsqueryExtensionStatus *status, gint64 uuid, const GError *error);
void po_ext_status_set_ok (OsqueryExtensionStatus *status, gint64 uuid, const gchar *message);

/* the methods of the Extension service, NULL-terminated: "ping", "call",
 * "shutdown" (what a server's protocol accepts) */
extern const gchar *const po_ext_handler_methods[];

/* {"table": {name: route rows}} for registerExtension(), every table */
GHashTable *po_ext_handler_build_registry (void);

G_END_DECLS
