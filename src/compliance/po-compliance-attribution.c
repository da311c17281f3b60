/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel module attribution for vendor_drivers: who a module belongs to,
 * from the catalogue's candidates (po-compliance-match.c) or, failing
 * them, from what the module says of itself; remembered per catalogue
 * (po-compliance-index.c).
 */
#include "po-compliance-private.h"

#include <string.h>

const gchar *
po_attribution_kind_to_string (PoAttributionKind kind)
{
  switch (kind)
    {
    case PO_ATTRIBUTION_CATALOGUE:
      return "catalogue";
    case PO_ATTRIBUTION_SIGNER:
      return "signer";
    case PO_ATTRIBUTION_AUTHOR:
      return "author";
    case PO_ATTRIBUTION_IN_TREE:
      return "in_tree";
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
attribute_module (PoComplianceIndex *index, const PoKernelModule *module,
                  PoAttribution *ret_attribution)
{
  g_autoptr (GArray) candidates = po_candidates_new ();
  PoAttribution attribution = { 0 };

  po_candidates_add_module (index, NULL, module, candidates);
  if (candidates->len > 0)
    {
      g_autoptr (GArray) chosen = po_candidates_resolve (candidates);
      const PoCandidate *best = NULL;
      for (guint i = 0; i < chosen->len; i++)
        {
          guint index = g_array_index (chosen, guint, i);
          const PoCandidate *c = &g_array_index (candidates, PoCandidate, index);
          if (best == NULL || (c->product != NULL && best->product == NULL)
              || ((c->product != NULL) == (best->product != NULL) && c->rank < best->rank))
            best = c;
        }
      attribution.kind = best->rank < 2   ? PO_ATTRIBUTION_CATALOGUE
                         : best->rank < 6 ? PO_ATTRIBUTION_SIGNER
                                          : PO_ATTRIBUTION_AUTHOR;
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

void
po_compliance_attribute_module (PoComplianceIndex *index, const PoKernelModule *module,
                                PoAttribution *ret_attribution)
{
  /* NUL cannot occur in these strings: \x01 keeps NULL and "" apart */
  g_autofree gchar *key = g_strconcat (module->name, "\x01", module->signer != NULL ? "=" : "",
                                       module->signer != NULL ? module->signer : "", "\x01",
                                       module->author != NULL ? "=" : "",
                                       module->author != NULL ? module->author : "",
                                       module->in_tree || module->builtin ? "\x01t" : "\x01f",
                                       NULL);

  if (po_compliance_index_lookup_attribution (index, key, ret_attribution))
    return;
  attribute_module (index, module, ret_attribution);
  po_compliance_index_insert_attribution (index, key, ret_attribution);
}
