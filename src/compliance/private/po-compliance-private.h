/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* shared by the files of src/compliance/ only */
#include "po-compliance.h"

G_BEGIN_DECLS

/*
 * What the collectors are asked to look for: the "owners" whose indicators
 * count (a PoProduct*, or a PoVendor* standing for that vendor's
 * vendor-wide indicators), and which collectors may run.
 */
typedef struct {
  PoInventory *inventory;
  PoComplianceIndex *index;
  PoCatalogue *catalogue; /* the index's */
  GHashTable *owners;     /* PoProduct* / PoVendor* set */
  guint sources;          /* mask of PoFindingSource allowed by the query */
} PoCollectRequest;

/* the sources some owner has indicators for (or could match by vendor name) */
guint po_compliance_sources_needed (const PoCollectRequest *request);

/*
 * Runs the collectors of `sources` and appends a PoFinding* per match to
 * findings.  ret_complete: the sources whose collector ran without a
 * warning (so what it did not report is not there).
 */
void po_compliance_collect (const PoCollectRequest *request, guint sources, GPtrArray *findings,
                            guint *ret_complete);

/* ---- candidates and findings (po-compliance-match.c) ---- */

/*
 * One way an item matched.  rank orders the ways within one owner, lower
 * first: the item's own name before names derived from it, exact names
 * before globs.
 */
typedef struct {
  PoVendor *vendor;
  PoProduct *product;
  gchar *indicator;
  const gchar *confidence;
  guint rank;
} PoCandidate;

/* a new array of PoCandidate that frees their strings */
GArray *po_candidates_new (void);
/* whether owners (NULL: every one) holds product, or vendor when product is NULL */
gboolean po_compliance_owner_wanted (GHashTable *owners, PoVendor *vendor, PoProduct *product);
/* every indicator of kind matching value, at rank (globs one lower) */
void po_candidates_add_indicator_matches (PoCatalogue *catalogue, GHashTable *owners,
                                          GArray *candidates, PoIndicatorKind kind,
                                          const gchar *value, guint rank);
/* the candidates for a module: name, then signer, then author (indicators
 * and vendor names) */
void po_candidates_add_module (PoComplianceIndex *index, GHashTable *owners,
                               const PoKernelModule *module, GArray *candidates);
/* the chosen candidates of one item (indexes, guint) */
GArray *po_candidates_resolve (GArray *candidates);
PoFinding *po_finding_new_from_candidate (PoFindingSource source, const PoCandidate *candidate,
                                          const gchar *name);
/* one finding per chosen candidate */
void po_compliance_add_findings (GPtrArray *findings, GArray *candidates, PoFindingSource source,
                                 const gchar *name, const gchar *version, const gchar *path,
                                 gint64 pid);
/* TRUE when no warning but "absent" ones: the collector saw everything */
gboolean po_compliance_warnings_complete (GPtrArray *warnings);
/* "Kaspersky Lab <support@kaspersky.com>" -> "Kaspersky Lab" */
gchar *po_compliance_strip_email (const gchar *text);

/* the path collector (po-compliance-paths.c) */
gboolean po_compliance_collect_paths (const PoCollectRequest *request, GPtrArray *findings);

/* the catalogue's path indicators planned by the directories that rule
 * them out (po-compliance-paths.c); the index builds and keeps it */
typedef struct _PoPathPlan PoPathPlan;

PoPathPlan *po_path_plan_new (PoCatalogue *catalogue);
void po_path_plan_free (PoPathPlan *plan);

/* ---- the catalogue's index (po-compliance-index.c) ---- */

/* a vendor under one of its names */
typedef struct {
  PoVendor *vendor;
  const gchar *name; /* as the catalogue writes it: the name or an alias */
} PoVendorName;

/* the vendors whose name or an alias is name (compared as free text), in
 * vendor order; *ret_n_names 0 and NULL when none */
const PoVendorName *po_compliance_index_lookup_vendor_name (PoComplianceIndex *index,
                                                            const gchar *name, guint *ret_n_names);
/* the catalogue's path plan, built with the index */
const PoPathPlan *po_compliance_index_get_path_plan (PoComplianceIndex *index);
/* a copy of the attribution made for key, when there is one */
gboolean po_compliance_index_lookup_attribution (PoComplianceIndex *index, const gchar *key,
                                                 PoAttribution *ret_attribution);
void po_compliance_index_insert_attribution (PoComplianceIndex *index, const gchar *key,
                                             const PoAttribution *attribution);

/* deadlines, status and advice of one policy (po-compliance-status.c) */
void po_policy_result_compute (PoPolicyResult *result, PoProfile *profile, GDateTime *now,
                               gboolean history);
void po_policy_result_free (PoPolicyResult *result);

G_END_DECLS
