/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* shared by the files of src/export/ only */
#include "po-export.h"

G_BEGIN_DECLS

/* expr (a column or expression of SQL) normalised by rule, in SQL
 * (po-export-compare.c) */
gchar *po_export_key_sql           (PoTextRule               rule,
                                    const gchar             *expr);

/*
 * Appends one comparison of key (SQL) with patterns all exact (an = or
 * IN list) or one glob.  Literals are normalised by rule as
 * po_export_key_sql() normalises values (po-export-compare.c).
 */
void   po_export_append_comparison (GString                 *out,
                                    const gchar             *key,
                                    PoTextRule               rule,
                                    GPtrArray               *patterns,
                                    gboolean                 glob);

/*
 * The condition a vendor's name matches need on site, or NULL for none
 * (po-export-gate.c).  *ret_identity is the kind that is the identity
 * itself, whose own arms are not gated.
 */
gchar *po_export_gate_sql          (const PoOsquerySiteInfo *site,
                                    PoVendor                *vendor,
                                    PoIndicatorKind         *ret_identity);

G_END_DECLS
