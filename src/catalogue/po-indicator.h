/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-indicator-kind.h"

G_BEGIN_DECLS

/*
 * An indicator: a name (or glob) of one kind that betrays a vendor's
 * product, or the vendor as a whole, on a host.  Owned by its vendor.
 */
typedef struct _PoVendor PoVendor;
typedef struct _PoProduct PoProduct;
typedef struct _PoIndicator PoIndicator;

PoIndicatorKind po_indicator_get_kind (const PoIndicator *indicator);
/* as written in the file */
const gchar *po_indicator_get_pattern (const PoIndicator *indicator);
gboolean po_indicator_is_glob (const PoIndicator *indicator);
/* "verified", "corroborated" or "weak" */
const gchar *po_indicator_get_confidence (const PoIndicator *indicator);
const gchar *po_indicator_get_note (const PoIndicator *indicator);
PoVendor *po_indicator_get_vendor (const PoIndicator *indicator);
/* NULL for a vendor-wide indicator (a publisher or Team ID that says
 * "Kaspersky" but not which product, so not which category) */
PoProduct *po_indicator_get_product (const PoIndicator *indicator);
/* does value match this indicator (same rules as po_catalogue_match()) */
gboolean po_indicator_matches (const PoIndicator *indicator, const gchar *value);

G_END_DECLS
