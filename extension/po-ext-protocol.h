/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "po-ext-thrift.h"
#include "po-rows.h"

G_BEGIN_DECLS

/*
 * PoBoundedProtocol: Thrift's binary protocol with the limits c_glib 0.17
 * lacks, so nothing a peer sends can crash or exhaust phaseout.ext:
 *   - nesting of structs, lists, maps and sets is limited (0.17's
 *     thrift_protocol_skip() recurses without bound on nested garbage);
 *   - a string or binary's declared length is checked before anything is
 *     allocated (0.17 allocates a declared 2 GiB first);
 *   - message headers are read in both the strict and the old non-strict
 *     form (0.17 leaves name/type/seqid unset for the latter).
 * Writing is the stock binary protocol's, strict, as osqueryd expects.
 */
#define PO_TYPE_BOUNDED_PROTOCOL (po_bounded_protocol_get_type ())
G_DECLARE_FINAL_TYPE (PoBoundedProtocol, po_bounded_protocol, PO, BOUNDED_PROTOCOL,
                      ThriftBinaryProtocol)

#define PO_PROTOCOL_MAX_DEPTH  64
#define PO_PROTOCOL_MAX_STRING (16 * 1024 * 1024)

PoBoundedProtocol *po_bounded_protocol_new (ThriftTransport *transport);

/*
 * A server's protocol: read_message_begin refuses every message but a call
 * (or oneway) to one of these methods, so the connection ends there.
 * c_glib 0.17's dispatcher leaks on everything else: the method name of a
 * message that is not a call, and for a call to an unknown method the name
 * plus the "Invalid method name" exception it answers with, on a
 * connection that stays open; with names of up to 16 MiB a peer could
 * exhaust memory.  Message types that do not exist are refused either way.
 * `methods` is NULL-terminated and must outlive the protocol.
 */
void po_bounded_protocol_set_server_methods (PoBoundedProtocol *protocol,
                                             const gchar *const *methods);

/*
 * Writes rows as the binary protocol writes the rows of an
 * ExtensionResponse (a list of string maps, a NULL cell left out, which
 * osquery reads back as NULL), straight from the PoRows.  Returns the
 * bytes written, or -1 with error set.
 */
gint32 po_protocol_write_rows (PoRows *rows, ThriftProtocol *protocol, GError **error);

G_END_DECLS
