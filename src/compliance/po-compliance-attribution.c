/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel module attribution for vendor_drivers: who a module belongs to,
 * from the catalogue's candidates (po-compliance-match.c) or, failing
 * them, from what the module says of itself; memoised per catalogue.
 */
#include "po-compliance-private.h"

#include <string.h>

const gchar *
po_attribution_kind_to_string (PoAttributionKind kind)
{
  switch (kind)
    {
    case PO_ATTRIBUTION_CATALOGUE: return "catalogue";
    case PO_ATTRIBUTION_SIGNER: return "signer";
    case PO_ATTRIBUTION_AUTHOR: return "author";
    case PO_ATTRIBUTION_IN_TREE: return "in_tree";
    case PO_ATTRIBUTION_NONE:
      return NULL;
    }
  return NULL;
}

void
po_attribution_clear (PoAttribution *attribution)
{
  g_clear_pointer (&attribution->vendor_name, g_free);
  g_clear_pointer (&attribution->indicator, g_free);
  memset (attribution, 0, sizeof *attribution);
}

/*
 * For vendor_drivers.  The catalogue first (it is the only attribution a
 * policy can act on), then in-tree (the code is the kernel's, whoever
 * built and signed it), then the author before the signer: on Linux a
 * third-party module is usually signed on the machine itself by a DKMS or
 * MOK key ("DKMS module signing key"), which names the machine, not the
 * vendor; the author field is the vendor's own statement.
 */
static void
attribute_module (PoCatalogue *catalogue, const PoKernelModule *module,
                  PoAttribution *ret_attribution)
{
  g_autoptr(GArray) candidates = po_candidates_new ();
  PoAttribution attribution = { 0 };

  po_candidates_add_module (catalogue, NULL, module, candidates);
  if (candidates->len > 0)
    {
      g_autoptr(GArray) chosen = po_candidates_resolve (candidates);
      const PoCandidate *best = NULL;
      for (guint i = 0; i < chosen->len; i++)
        {
          guint index = g_array_index (chosen, guint, i);
          const PoCandidate *c = &g_array_index (candidates, PoCandidate, index);
          if (best == NULL || (c->product != NULL && best->product == NULL)
              || ((c->product != NULL) == (best->product != NULL) && c->rank < best->rank))
            best = c;
        }
      attribution.kind = best->rank < 2 ? PO_ATTRIBUTION_CATALOGUE
                         : best->rank < 6 ? PO_ATTRIBUTION_SIGNER : PO_ATTRIBUTION_AUTHOR;
      attribution.vendor = best->vendor;
      attribution.product = best->product;
      attribution.vendor_name = g_strdup (po_vendor_get_name (best->vendor));
      attribution.indicator = g_strdup (best->indicator);
      attribution.confidence = best->confidence;
    }
  else if (module->in_tree || module->builtin)
    {
      attribution.kind = PO_ATTRIBUTION_IN_TREE;
      attribution.vendor_name = g_strdup ("Linux kernel");
    }
  else if (module->author != NULL && *module->author != '\0')
    {
      g_autofree gchar *author = po_compliance_strip_email (module->author);
      attribution.kind = PO_ATTRIBUTION_AUTHOR;
      attribution.vendor_name = g_strdup (*author != '\0' ? author : module->author);
    }
  else if (module->signer != NULL && *module->signer != '\0')
    {
      attribution.kind = PO_ATTRIBUTION_SIGNER;
      attribution.vendor_name = g_strdup (module->signer);
    }
  *ret_attribution = attribution;
}

/*
 * Attributions already made with this catalogue: they depend on nothing but
 * the catalogue and the module's name, signer, author and whether it is in
 * tree, and a host's few hundred modules are the same from one query to
 * the next.  Bounded: emptied when it would pass MAX_ATTRIBUTIONS.
 */
#define MAX_ATTRIBUTIONS 16384

typedef struct {
  GMutex      lock;
  GHashTable *table;  /* key (attribution_key) -> PoAttribution* */
} Attributions;

static void
attribution_free (PoAttribution *attribution)
{
  po_attribution_clear (attribution);
  g_free (attribution);
}

static gpointer
attributions_new (PoCatalogue *catalogue, gpointer user_data)
{
  Attributions *memo = g_new0 (Attributions, 1);
  g_mutex_init (&memo->lock);
  memo->table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) attribution_free);
  return memo;
}

static void
attributions_free (Attributions *memo)
{
  g_hash_table_unref (memo->table);
  g_mutex_clear (&memo->lock);
  g_free (memo);
}

static void
attribution_copy (const PoAttribution *from, PoAttribution *to)
{
  *to = *from;
  to->vendor_name = g_strdup (from->vendor_name);
  to->indicator = g_strdup (from->indicator);
}

void
po_compliance_attribute_module (PoCatalogue *catalogue, const PoKernelModule *module,
                                PoAttribution *ret_attribution)
{
  Attributions *memo = po_catalogue_get_memo (catalogue, "compliance.module-attributions",
                                              attributions_new, NULL,
                                              (GDestroyNotify) attributions_free);
  /* NUL cannot occur in these strings: \x01 keeps NULL and "" apart */
  g_autofree gchar *key = g_strconcat (module->name, "\x01", module->signer != NULL ? "=" : "",
                                       module->signer != NULL ? module->signer : "", "\x01",
                                       module->author != NULL ? "=" : "",
                                       module->author != NULL ? module->author : "",
                                       module->in_tree || module->builtin ? "\x01t" : "\x01f",
                                       NULL);
  PoAttribution *known;

  g_mutex_lock (&memo->lock);
  known = g_hash_table_lookup (memo->table, key);
  if (known != NULL)
    attribution_copy (known, ret_attribution);
  g_mutex_unlock (&memo->lock);
  if (known != NULL)
    return;

  attribute_module (catalogue, module, ret_attribution);
  known = g_new0 (PoAttribution, 1);
  attribution_copy (ret_attribution, known);
  g_mutex_lock (&memo->lock);
  if (g_hash_table_size (memo->table) >= MAX_ATTRIBUTIONS)
    g_hash_table_remove_all (memo->table);
  g_hash_table_replace (memo->table, g_steal_pointer (&key), known);
  g_mutex_unlock (&memo->lock);
}
