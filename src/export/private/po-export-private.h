/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* shared by the files of src/export/ only */
#include "po-export.h"

G_BEGIN_DECLS

/* expr (a column or expression of SQL) normalised by rule, in SQL
 * (po-export-compare.c) */
gchar *po_export_key_sql (PoTextRule rule, const gchar *expr);

/*
 * Appends one comparison of key (SQL) with patterns all exact (an = or
 * IN list) or one glob.  Literals are normalised by rule as
 * po_export_key_sql() normalises values (po-export-compare.c).
 */
void po_export_append_comparison (GString *out, const gchar *key, PoTextRule rule,
                                  GPtrArray *patterns, gboolean glob);

/*
 * The condition a vendor's name matches need on site, or NULL for none
 * (po-export-gate.c).  *ret_identity is the kind that is the identity
 * itself, whose own arms are not gated.
 */
gchar *po_export_gate_sql (const PoOsquerySiteInfo *site, PoVendor *vendor,
                           PoIndicatorKind *ret_identity);

/* who an indicator speaks for: a product, or its vendor as a whole */
typedef struct {
  PoVendor *vendor;
  PoProduct *product; /* NULL: vendor-wide */
} PoExportOwner;

/* a detailed query's next arm, for indicator of owner: its number */
guint po_export_add_arm (GArray *arms, const PoExportOwner *owner, const PoIndicator *indicator);

/*
 * banned_software's name for where a site's rows come from ("deb",
 * "process", "program", ...) and the SQL of their pid ("pid" or "NULL")
 * (po-export-detail.c).
 */
void po_export_site_source (const PoOsquerySiteInfo *site, const gchar **ret_source,
                            const gchar **ret_pid);

/*
 * Appends to findings (a UNION ALL member, in the detailed form's
 * columns) the Linux path probes of owners (PoExportOwner, products
 * first) through osquery's file table, as the extension probes its
 * linux.path indicators; adds their arms and marks the indicators in
 * compiled.  FALSE when no owner has a path indicator (po-export-detail.c).
 */
gboolean po_export_append_path_probes (GString *findings, GArray *owners, GArray *arms,
                                       GHashTable *compiled);

/* ---- the words around the queries (po-export-output.c) ------------------ */

/* "phaseout: <policy> - no <vendors> <categories> (<Platform>)" */
gchar *po_export_fleet_policy_name (PoCatalogue *catalogue, PoExportQuery *query);
/* the description of a Fleet policy (fleet) or of a pack's findings query */
gchar *po_export_describe (PoCatalogue *catalogue, PoExportQuery *query, gboolean fleet);
/* the resolution of a Fleet policy */
gchar *po_export_resolution (PoCatalogue *catalogue, PoExportQuery *query);
/* what a query of one of the extension's tables in SQL says it is */
gchar *po_export_table_description (PoExportTable table, PoExportPlatform platform);

typedef void (*PoExportEmitFunc) (PoCatalogue *catalogue, PoExportQuery *query,
                                  const PoExportOptions *options, gpointer user_data);

/*
 * Compiles every selected policy for every selected platform and part and
 * hands the queries with something to look for to emit; notes the rest.
 * need_policy_sql: the emitter writes the pass/fail query (Fleet), which
 * has only confirmed indicators.  Returns how many were emitted.
 */
guint po_export_for_each_query (PoCatalogue *catalogue, GPtrArray *policies,
                                const PoExportOptions *options, GString *notes,
                                gboolean need_policy_sql, PoExportEmitFunc emit,
                                gpointer user_data);
/* FALSE with PO_ERROR_NOT_FOUND: nothing to export */
gboolean po_export_nothing_exported (GError **error);

G_END_DECLS
