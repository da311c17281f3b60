/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-indicator.h"
#include "po-policy.h"

G_BEGIN_DECLS

/*
 * Vendors and their products, as the catalogue's files define them:
 * immutable once loaded; vendors are refcounted and own their products
 * and indicators.
 */
PoVendor *po_vendor_ref (PoVendor *vendor);
void po_vendor_unref (PoVendor *vendor);
const gchar *po_vendor_get_id (PoVendor *vendor);
const gchar *po_vendor_get_name (PoVendor *vendor);
/* other names the vendor trades or signs as; never NULL */
const gchar *const *po_vendor_get_aliases (PoVendor *vendor);
/* PoProduct* */
GPtrArray *po_vendor_get_products (PoVendor *vendor);
/* vendor-wide indicators, PoIndicator* */
GPtrArray *po_vendor_get_indicators (PoVendor *vendor);
const PoSource *po_vendor_get_sources (PoVendor *vendor, guint *ret_n_sources);
const gchar *po_vendor_get_origin (PoVendor *vendor);
const gchar *po_vendor_get_sha256 (PoVendor *vendor);

const gchar *po_product_get_id (PoProduct *product);
const gchar *po_product_get_name (PoProduct *product);
const gchar *po_product_get_category (PoProduct *product);
const gchar *po_product_get_confidence (PoProduct *product);
const gchar *po_product_get_notes (PoProduct *product);
PoVendor *po_product_get_vendor (PoProduct *product);
/* PoIndicator* */
GPtrArray *po_product_get_indicators (PoProduct *product);

/*
 * How to remove the software, per platform: "linux", "windows", "macos"
 * (the platforms of indicators) and "mobile" (what an MDM does; phaseout
 * never runs there).  NULL when the file gives no text for platform.
 */
const gchar *const *po_remediation_platforms (void);
const gchar *po_vendor_get_remediation (PoVendor *vendor, const gchar *platform);
const gchar *po_product_get_remediation (PoProduct *product, const gchar *platform);
/* the product's text for platform, else its vendor's (product NULL: a
 * vendor-wide finding), else NULL */
const gchar *po_remediation_for (PoVendor *vendor, PoProduct *product, const gchar *platform);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoVendor, po_vendor_unref)

G_END_DECLS
