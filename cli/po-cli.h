/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-engine.h"

G_BEGIN_DECLS

typedef enum {
  PO_OUTPUT_TABLE,  /* aligned columns, for people */
  PO_OUTPUT_JSON,   /* an array of objects, values typed as SQLite returned them (text) */
  PO_OUTPUT_CSV,    /* RFC 4180 */
} PoOutputFormat;

void     po_cli_print_result (PoResult       *result,
                              PoOutputFormat  format,
                              GString        *out);

/* the readable compliance summary of `phaseout report` */
gboolean po_cli_report       (PoRuntime      *runtime,
                              GString        *out,
                              GError        **error);

G_END_DECLS
