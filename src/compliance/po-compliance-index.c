/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PoComplianceIndex: what compliance derives from one catalogue once, not
 * per query.  The catalogue is immutable, so what is derived from it stays
 * valid for as long as it does; the runtime keeps the index of the
 * catalogue in force and builds a new one when the catalogue is reloaded.
 *
 *   vendor names   normalised name -> the vendors with that name or alias,
 *                  so a module's signer costs one lookup however many
 *                  vendors the catalogue holds (po-compliance-match.c);
 *   attributions   kernel modules already attributed (vendor_drivers):
 *                  they depend on nothing but the catalogue and the
 *                  module's name, signer, author and whether it is in
 *                  tree, and a host's few hundred modules are the same from
 *                  one query to the next (po-compliance-attribution.c);
 *   path plan      the path indicators by the directories that rule them
 *                  out, so a scan skips those under a missing vendor
 *                  directory without looking at them (po-compliance-paths.c).
 */
#include "po-compliance-private.h"

/* attributions kept at most; emptied when it would pass (never on a real host) */
#define MAX_ATTRIBUTIONS 16384

struct _PoComplianceIndex {
  gatomicrefcount ref_count;
  PoCatalogue *catalogue;
  GHashTable *vendor_names; /* normalised name -> GArray of PoVendorName */
  GMutex attributions_lock;
  GHashTable *attributions; /* key (attribution_key) -> PoAttribution* */
  PoPathPlan *path_plan;
};

/*
 * In vendor order, each vendor once per name (its name before its
 * aliases), so candidates come out in the order they always did.
 */
static GHashTable *
vendor_names_build (PoCatalogue *catalogue)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_array_unref);
  GPtrArray *vendors = po_catalogue_get_vendors (catalogue);

  for (guint i = 0; i < vendors->len; i++)
    {
      PoVendor *vendor = g_ptr_array_index (vendors, i);
      const gchar *const *aliases = po_vendor_get_aliases (vendor);

      for (gint a = -1; a < 0 || aliases[a] != NULL; a++)
        {
          PoVendorName entry = { vendor, a < 0 ? po_vendor_get_name (vendor) : aliases[a] };
          g_autofree gchar *key = po_text_normalise (entry.name, PO_TEXT_FREE, PO_TEXT_UNICODE);
          GArray *entries = g_hash_table_lookup (index, key);
          gboolean known = FALSE;

          if (entries == NULL)
            {
              entries = g_array_new (FALSE, FALSE, sizeof (PoVendorName));
              g_hash_table_insert (index, g_steal_pointer (&key), entries);
            }
          for (guint e = 0; e < entries->len && !known; e++)
            known = g_array_index (entries, PoVendorName, e).vendor == vendor;
          if (!known)
            g_array_append_val (entries, entry);
        }
    }
  return index;
}

static void
attribution_free (PoAttribution *attribution)
{
  po_attribution_clear (attribution);
  g_free (attribution);
}

PoComplianceIndex *
po_compliance_index_new (PoCatalogue *catalogue, GError **error)
{
  PoComplianceIndex *index;

  g_return_val_if_fail (catalogue != NULL, NULL);

  index = g_new0 (PoComplianceIndex, 1);
  g_atomic_ref_count_init (&index->ref_count);
  index->catalogue = po_catalogue_ref (catalogue);
  index->vendor_names = vendor_names_build (catalogue);
  index->path_plan = po_path_plan_new (catalogue);
  g_mutex_init (&index->attributions_lock);
  index->attributions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) attribution_free);
  return index;
}

PoComplianceIndex *
po_compliance_index_ref (PoComplianceIndex *index)
{
  g_atomic_ref_count_inc (&index->ref_count);
  return index;
}

void
po_compliance_index_unref (PoComplianceIndex *index)
{
  if (index == NULL || !g_atomic_ref_count_dec (&index->ref_count))
    return;
  /* both borrow the catalogue's vendors and products: they go first */
  g_hash_table_unref (index->attributions);
  g_mutex_clear (&index->attributions_lock);
  g_hash_table_unref (index->vendor_names);
  po_path_plan_free (index->path_plan);
  po_catalogue_unref (index->catalogue);
  g_free (index);
}

PoCatalogue *
po_compliance_index_get_catalogue (PoComplianceIndex *index)
{
  return index->catalogue;
}

const PoPathPlan *
po_compliance_index_get_path_plan (PoComplianceIndex *index)
{
  return index->path_plan;
}

const PoVendorName *
po_compliance_index_lookup_vendor_name (PoComplianceIndex *index, const gchar *name,
                                        guint *ret_n_names)
{
  g_autofree gchar *wanted = po_text_normalise (name, PO_TEXT_FREE, PO_TEXT_UNICODE);
  GArray *entries = *wanted != '\0' ? g_hash_table_lookup (index->vendor_names, wanted) : NULL;

  *ret_n_names = entries != NULL ? entries->len : 0;
  return entries != NULL ? (const PoVendorName *) entries->data : NULL;
}

static void
attribution_copy (const PoAttribution *from, PoAttribution *to)
{
  *to = *from;
  to->vendor_name = g_strdup (from->vendor_name);
  to->indicator = g_strdup (from->indicator);
}

gboolean
po_compliance_index_lookup_attribution (PoComplianceIndex *index, const gchar *key,
                                        PoAttribution *ret_attribution)
{
  PoAttribution *known;

  g_mutex_lock (&index->attributions_lock);
  known = g_hash_table_lookup (index->attributions, key);
  if (known != NULL)
    attribution_copy (known, ret_attribution);
  g_mutex_unlock (&index->attributions_lock);
  return known != NULL;
}

void
po_compliance_index_insert_attribution (PoComplianceIndex *index, const gchar *key,
                                        const PoAttribution *attribution)
{
  PoAttribution *copy = g_new0 (PoAttribution, 1);

  attribution_copy (attribution, copy);
  g_mutex_lock (&index->attributions_lock);
  if (g_hash_table_size (index->attributions) >= MAX_ATTRIBUTIONS)
    g_hash_table_remove_all (index->attributions);
  g_hash_table_replace (index->attributions, g_strdup (key), copy);
  g_mutex_unlock (&index->attributions_lock);
}
