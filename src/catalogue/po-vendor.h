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
PoVendor           *po_vendor_ref              (PoVendor  *vendor);
void                po_vendor_unref            (PoVendor  *vendor);
const gchar        *po_vendor_get_id           (PoVendor  *vendor);
const gchar        *po_vendor_get_name         (PoVendor  *vendor);
/* other names the vendor trades or signs as; never NULL */
const gchar *const *po_vendor_get_aliases      (PoVendor  *vendor);
/* PoProduct* */
GPtrArray          *po_vendor_get_products     (PoVendor  *vendor);
/* vendor-wide indicators, PoIndicator* */
GPtrArray          *po_vendor_get_indicators   (PoVendor  *vendor);
const PoSource     *po_vendor_get_sources      (PoVendor  *vendor,
                                                guint     *ret_n_sources);
const gchar        *po_vendor_get_origin       (PoVendor  *vendor);
const gchar        *po_vendor_get_sha256       (PoVendor  *vendor);

const gchar        *po_product_get_id          (PoProduct *product);
const gchar        *po_product_get_name        (PoProduct *product);
const gchar        *po_product_get_category    (PoProduct *product);
const gchar        *po_product_get_confidence  (PoProduct *product);
const gchar        *po_product_get_notes       (PoProduct *product);
PoVendor           *po_product_get_vendor      (PoProduct *product);
/* PoIndicator* */
GPtrArray          *po_product_get_indicators  (PoProduct *product);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoVendor, po_vendor_unref)

G_END_DECLS
