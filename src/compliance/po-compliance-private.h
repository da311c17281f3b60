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
  PoRuntime   *runtime;
  PoCatalogue *catalogue;
  GHashTable  *owners;    /* PoProduct* / PoVendor* set */
  guint        sources;   /* mask of PoFindingSource allowed by the query */
} PoCollectRequest;

/* the sources some owner has indicators for (or could match by vendor name) */
guint     po_compliance_sources_needed (const PoCollectRequest *request);

/*
 * Runs the collectors of `sources` and appends a PoFinding* per match to
 * findings.  ret_complete: the sources whose collector ran without a
 * warning (so what it did not report is not there).
 */
void      po_compliance_collect        (const PoCollectRequest *request,
                                        guint                   sources,
                                        GPtrArray              *findings,
                                        guint                  *ret_complete);

/* deadlines, status and advice of one policy (po-compliance-status.c) */
void      po_policy_result_compute     (PoPolicyResult         *result,
                                        PoProfile              *profile,
                                        GDateTime              *now,
                                        gboolean                history);
void      po_policy_result_free        (PoPolicyResult         *result);

G_END_DECLS
