/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-catalogue-load.h"

G_BEGIN_DECLS

/* matching names against a loaded catalogue, and what callers derive from it */

/*
 * Which indicators of kind match value.  Exact names are one hash lookup,
 * globs are indexed by their literal prefix, so the cost does not grow with
 * the number of indicators in the catalogue.  *ret_matches (may be NULL)
 * receives a new array of const PoIndicator* (borrowed from the catalogue:
 * keep a catalogue reference while using them), ordered by vendor, product
 * and pattern, or NULL when nothing matched.  Returns whether anything did.
 */
gboolean po_catalogue_match (PoCatalogue *catalogue, PoIndicatorKind kind, const gchar *value,
                             GPtrArray **ret_matches);

/* every indicator of kind, in catalogue order (vendors by id; a vendor's
 * vendor-wide indicators, then its products'): borrowed const PoIndicator* */
GPtrArray *po_catalogue_get_indicators (PoCatalogue *catalogue, PoIndicatorKind kind);

/*
 * The finding sources (PO_FINDING_SOURCE_BIT()s) a product's indicators
 * need, or with product NULL the vendor's vendor-wide indicators: what a
 * scan for that owner must collect.  Known once the catalogue is loaded,
 * so a query need not walk every indicator to find out.
 */
guint po_catalogue_get_owner_sources (PoCatalogue *catalogue, PoVendor *vendor, PoProduct *product);

/* the policies that cover this product (vendor and category): a new array
 * of borrowed PoPolicy* */
GPtrArray *po_catalogue_get_policies_for_product (PoCatalogue *catalogue, PoProduct *product);

G_END_DECLS
