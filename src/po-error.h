/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * phaseout's own error domain.  Host I/O failures use G_IO_ERROR and
 * G_FILE_ERROR as GLib reports them; this domain is for what only phaseout
 * can judge (a malformed policy, a bad flag, an unknown table).
 */
#define PO_ERROR (po_error_quark ())

typedef enum {
  PO_ERROR_FAILED,           /* anything without a better code */
  PO_ERROR_INVALID_ARGUMENT, /* a flag, request or query context that makes no sense */
  PO_ERROR_INVALID_DATA,     /* a file or message that does not parse or validate */
  PO_ERROR_NOT_FOUND,        /* unknown table, action, policy, ... */
  PO_ERROR_PERMISSION,       /* a file that fails the ownership/mode rules */
  PO_ERROR_TOO_LARGE,        /* input over one of the bounded-read limits */
} PoError;

GQuark po_error_quark (void);

G_END_DECLS
