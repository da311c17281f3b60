/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a loaded catalogue answers: its policies and vendors, the files and
 * problems of its load, what each file defines, and indicator matches
 * (PoMatcher).
 */
#include "po-catalogue-private.h"

GPtrArray *
po_catalogue_get_policies (PoCatalogue *catalogue)
{
  return catalogue->policies;
}

PoPolicy *
po_catalogue_lookup_policy (PoCatalogue *catalogue, const gchar *id)
{
  return id != NULL ? g_hash_table_lookup (catalogue->policy_by_id, id) : NULL;
}

GPtrArray *
po_catalogue_get_vendors (PoCatalogue *catalogue)
{
  return catalogue->vendors;
}

PoVendor *
po_catalogue_lookup_vendor (PoCatalogue *catalogue, const gchar *id)
{
  return id != NULL ? g_hash_table_lookup (catalogue->vendor_by_id, id) : NULL;
}

GPtrArray *
po_catalogue_get_problems (PoCatalogue *catalogue)
{
  return catalogue->problems;
}

GPtrArray *
po_catalogue_get_files (PoCatalogue *catalogue)
{
  return catalogue->file_names;
}

guint
po_catalogue_get_n_indicators (PoCatalogue *catalogue)
{
  return po_matcher_get_size (catalogue->matcher);
}

gboolean
po_catalogue_get_file_objects (PoCatalogue *catalogue, const gchar *file, GPtrArray **ret_policies,
                               GPtrArray **ret_vendors)
{
  PoCatalogueContent *content = po_catalogue_get_file_content (catalogue, file);

  if (content == NULL)
    return FALSE;
  if (ret_policies != NULL)
    *ret_policies = content->policies;
  if (ret_vendors != NULL)
    *ret_vendors = content->vendors;
  return TRUE;
}

gboolean
po_catalogue_match (PoCatalogue *catalogue, PoIndicatorKind kind, const gchar *value,
                    GPtrArray **ret_matches)
{
  g_autoptr (GPtrArray) matches = NULL;

  g_return_val_if_fail (catalogue != NULL, FALSE);
  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, FALSE);

  if (!po_matcher_match (catalogue->matcher, kind, value, &matches))
    {
      if (ret_matches != NULL)
        *ret_matches = NULL;
      return FALSE;
    }
  if (ret_matches != NULL)
    *ret_matches = g_steal_pointer (&matches);
  return TRUE;
}

GPtrArray *
po_catalogue_get_indicators (PoCatalogue *catalogue, PoIndicatorKind kind)
{
  g_return_val_if_fail (catalogue != NULL, NULL);
  return po_matcher_get_indicators (catalogue->matcher, kind);
}

guint
po_catalogue_get_owner_sources (PoCatalogue *catalogue, PoVendor *vendor, PoProduct *product)
{
  g_return_val_if_fail (catalogue != NULL, 0);
  return po_matcher_get_owner_sources (catalogue->matcher, product != NULL
                                                             ? (gconstpointer) product
                                                             : (gconstpointer) vendor);
}

GPtrArray *
po_catalogue_get_policies_for_product (PoCatalogue *catalogue, PoProduct *product)
{
  GPtrArray *policies = g_ptr_array_new ();

  for (guint i = 0; i < catalogue->policies->len; i++)
    {
      PoPolicy *policy = g_ptr_array_index (catalogue->policies, i);
      if (po_policy_covers (policy, product->vendor->id, product->id, product->category))
        g_ptr_array_add (policies, policy);
    }
  return policies;
}
