/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Vendors and their products.  A vendor owns its products and all
 * indicators (its own, vendor-wide ones and its products'); indicators
 * point back at both without owning them, so a match leads to the vendor
 * and product for as long as the catalogue holding the vendor lives.
 */
#include "po-catalogue-private.h"

static void
source_clear (PoSource *source)
{
  g_free ((gchar *) source->title);
  g_free ((gchar *) source->url);
}

GArray *
po_sources_new (void)
{
  GArray *sources = g_array_new (FALSE, TRUE, sizeof (PoSource));
  g_array_set_clear_func (sources, (GDestroyNotify) source_clear);
  return sources;
}

static void
remediation_clear (gchar **texts)
{
  for (guint i = 0; i < PO_REMEDIATION_N; i++)
    g_free (texts[i]);
}

static void
product_free (PoProduct *product)
{
  remediation_clear (product->remediation);
  g_free (product->id);
  g_free (product->name);
  g_free (product->notes);
  g_ptr_array_unref (product->indicators);
  g_array_unref (product->sources);
  g_free (product);
}

PoVendor *
po_vendor_new (void)
{
  PoVendor *vendor = g_new0 (PoVendor, 1);

  g_atomic_ref_count_init (&vendor->ref_count);
  vendor->aliases = g_new0 (gchar *, 1);
  vendor->products = g_ptr_array_new_with_free_func ((GDestroyNotify) product_free);
  vendor->indicators = g_ptr_array_new_with_free_func ((GDestroyNotify) po_indicator_free);
  vendor->sources = po_sources_new ();
  return vendor;
}

PoProduct *
po_product_new (PoVendor *vendor)
{
  PoProduct *product = g_new0 (PoProduct, 1);

  product->indicators = g_ptr_array_new_with_free_func ((GDestroyNotify) po_indicator_free);
  product->sources = po_sources_new ();
  product->vendor = vendor;
  return product;
}

PoVendor *
po_vendor_ref (PoVendor *vendor)
{
  g_return_val_if_fail (vendor != NULL, NULL);
  g_atomic_ref_count_inc (&vendor->ref_count);
  return vendor;
}

void
po_vendor_unref (PoVendor *vendor)
{
  if (vendor == NULL || !g_atomic_ref_count_dec (&vendor->ref_count))
    return;
  g_free (vendor->id);
  g_free (vendor->name);
  g_strfreev (vendor->aliases);
  g_free (vendor->notes);
  /* products first: their indicators are freed with them */
  g_ptr_array_unref (vendor->products);
  g_ptr_array_unref (vendor->indicators);
  g_array_unref (vendor->sources);
  g_free (vendor->origin);
  g_free (vendor->sha256);
  remediation_clear (vendor->remediation);
  g_free (vendor);
}

const gchar *
po_vendor_get_id (PoVendor *vendor)
{
  return vendor->id;
}

const gchar *
po_vendor_get_name (PoVendor *vendor)
{
  return vendor->name;
}

const gchar *const *
po_vendor_get_aliases (PoVendor *vendor)
{
  return (const gchar *const *) vendor->aliases;
}

GPtrArray *
po_vendor_get_products (PoVendor *vendor)
{
  return vendor->products;
}

GPtrArray *
po_vendor_get_indicators (PoVendor *vendor)
{
  return vendor->indicators;
}

const PoSource *
po_vendor_get_sources (PoVendor *vendor, guint *ret_n_sources)
{
  if (ret_n_sources != NULL)
    *ret_n_sources = vendor->sources->len;
  return (const PoSource *) vendor->sources->data;
}

const gchar *
po_vendor_get_origin (PoVendor *vendor)
{
  return vendor->origin;
}

const gchar *
po_vendor_get_sha256 (PoVendor *vendor)
{
  return vendor->sha256;
}

const gchar *
po_product_get_id (PoProduct *product)
{
  return product->id;
}

const gchar *
po_product_get_name (PoProduct *product)
{
  return product->name;
}

const gchar *
po_product_get_category (PoProduct *product)
{
  return product->category;
}

const gchar *
po_product_get_confidence (PoProduct *product)
{
  return product->confidence;
}

const gchar *
po_product_get_notes (PoProduct *product)
{
  return product->notes;
}

PoVendor *
po_product_get_vendor (PoProduct *product)
{
  return product->vendor;
}

GPtrArray *
po_product_get_indicators (PoProduct *product)
{
  return product->indicators;
}

/* ---- remediation ---- */

static const gchar *const remediation_platforms[PO_REMEDIATION_N + 1] = { "linux", "windows",
                                                                          "macos", "mobile", NULL };

const gchar *const *
po_remediation_platforms (void)
{
  return remediation_platforms;
}

static const gchar *
remediation_text (gchar *const *texts, const gchar *platform)
{
  for (guint i = 0; i < PO_REMEDIATION_N; i++)
    if (g_strcmp0 (remediation_platforms[i], platform) == 0)
      return texts[i];
  return NULL;
}

const gchar *
po_vendor_get_remediation (PoVendor *vendor, const gchar *platform)
{
  return remediation_text (vendor->remediation, platform);
}

const gchar *
po_product_get_remediation (PoProduct *product, const gchar *platform)
{
  return remediation_text (product->remediation, platform);
}

const gchar *
po_remediation_for (PoVendor *vendor, PoProduct *product, const gchar *platform)
{
  const gchar *text = product != NULL ? po_product_get_remediation (product, platform) : NULL;

  return text != NULL ? text : po_vendor_get_remediation (vendor, platform);
}
