/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The inventory matched against the catalogue: one PoFinding per thing on
 * the host and vendor/product that an indicator attributes it to.
 *
 * Each collector's items are offered to the catalogue's matcher under the
 * names the catalogue defines for them (a package name, a process name and
 * executable, a unit name, a module name, signer and author).  Of all the
 * indicators that match one item, each owner (product, or vendor for the
 * vendor-wide indicators) keeps its best (see rank below), and a product
 * match makes the same vendor's vendor-wide match redundant: "kesl" is
 * more than "something by Kaspersky".  README.md has the rules per source.
 */
#include "po-compliance-private.h"

void
po_finding_free (PoFinding *finding)
{
  if (finding == NULL)
    return;
  g_free (finding->indicator);
  g_free (finding->key);
  g_free (finding->name);
  g_free (finding->version);
  g_free (finding->path);
  g_free (finding);
}

/* ---- free text ---------------------------------------------------------- */

/* "Kaspersky Lab <support@kaspersky.com>" -> "Kaspersky Lab" */
gchar *
po_compliance_strip_email (const gchar *text)
{
  g_autoptr (GString) out = g_string_new (NULL);
  gboolean in_angle = FALSE;

  for (const gchar *p = text; *p != '\0'; p++)
    {
      if (*p == '<')
        in_angle = TRUE;
      else if (*p == '>')
        in_angle = FALSE;
      else if (!in_angle)
        g_string_append_c (out, *p);
    }
  return g_strstrip (g_string_free (g_steal_pointer (&out), FALSE));
}

/* ---- candidates --------------------------------------------------------- */


static void
candidate_clear (PoCandidate *candidate)
{
  g_free (candidate->indicator);
}

GArray *
po_candidates_new (void)
{
  GArray *candidates = g_array_new (FALSE, TRUE, sizeof (PoCandidate));
  g_array_set_clear_func (candidates, (GDestroyNotify) candidate_clear);
  return candidates;
}

gboolean
po_compliance_owner_wanted (GHashTable *owners, PoVendor *vendor, PoProduct *product)
{
  /* owners == NULL: every vendor and product (vendor_drivers) */
  return owners == NULL
         || g_hash_table_contains (owners,
                                   product != NULL ? (gpointer) product : (gpointer) vendor);
}

/* every indicator of kind matching value, at rank (globs one lower) */
void
po_candidates_add_indicator_matches (PoCatalogue *catalogue, GHashTable *owners, GArray *candidates,
                                     PoIndicatorKind kind, const gchar *value, guint rank)
{
  g_autoptr (GPtrArray) matches = NULL;

  if (value == NULL || *value == '\0' || !po_catalogue_match (catalogue, kind, value, &matches))
    return;
  for (guint i = 0; i < matches->len; i++)
    {
      const PoIndicator *indicator = g_ptr_array_index (matches, i);
      PoCandidate candidate = { 0 };

      candidate.vendor = po_indicator_get_vendor (indicator);
      candidate.product = po_indicator_get_product (indicator);
      if (!po_compliance_owner_wanted (owners, candidate.vendor, candidate.product))
        continue;
      candidate.indicator = g_strdup_printf ("%s:%s", po_indicator_kind_to_string (kind),
                                             po_indicator_get_pattern (indicator));
      candidate.confidence = po_indicator_get_confidence (indicator);
      candidate.rank = rank + (po_indicator_is_glob (indicator) ? 1 : 0);
      g_array_append_val (candidates, candidate);
    }
}

/*
 * A signer or author that is one of a vendor's names (its name or an
 * alias, compared as free text): a vendor-wide match.  Organisation names
 * are what vendors sign and publish as, so this needs no indicator per
 * vendor; "Kaspersky Lab, Inc." and "kaspersky  lab, inc." are equal.  The
 * index of names is built once per catalogue (po-compliance-index.c).
 */
static void
add_vendor_name_matches (PoComplianceIndex *index, GHashTable *owners, GArray *candidates,
                         const gchar *value, guint rank)
{
  const PoVendorName *names;
  guint n_names;

  if (value == NULL || *value == '\0')
    return;
  names = po_compliance_index_lookup_vendor_name (index, value, &n_names);
  for (guint i = 0; i < n_names; i++)
    {
      const PoVendorName *entry = &names[i];
      PoCandidate candidate = { 0 };

      if (!po_compliance_owner_wanted (owners, entry->vendor, NULL))
        continue;
      candidate.vendor = entry->vendor;
      candidate.indicator = g_strdup_printf ("vendor-name:%s", entry->name);
      candidate.confidence = "corroborated";
      candidate.rank = rank;
      g_array_append_val (candidates, candidate);
    }
}

/* an author field: whole (without e-mail addresses), then each comma-separated name */
static void
add_author_name_matches (PoComplianceIndex *index, GHashTable *owners, GArray *candidates,
                         const gchar *author, guint rank)
{
  g_autofree gchar *whole = NULL;
  g_auto (GStrv) parts = NULL;

  if (author == NULL)
    return;
  whole = po_compliance_strip_email (author);
  add_vendor_name_matches (index, owners, candidates, whole, rank);
  parts = g_strsplit (whole, ",", -1);
  for (guint i = 0; parts[i] != NULL && parts[1] != NULL; i++)
    add_vendor_name_matches (index, owners, candidates, g_strstrip (parts[i]), rank);
}

/*
 * The chosen matches of one item: per owner the best-ranked candidate, and
 * no vendor-wide candidate of a vendor that also has a product candidate.
 * Returns indexes into candidates, in the order owners first matched.
 */
GArray *
po_candidates_resolve (GArray *candidates)
{
  GArray *chosen = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < candidates->len; i++)
    {
      PoCandidate *c = &g_array_index (candidates, PoCandidate, i);
      gboolean keep = TRUE;

      for (guint j = 0; j < candidates->len && keep; j++)
        {
          PoCandidate *other = &g_array_index (candidates, PoCandidate, j);
          if (j == i || other->vendor != c->vendor)
            continue;
          if (other->product == c->product)
            keep = other->rank > c->rank || (other->rank == c->rank && j > i);
          else if (c->product == NULL)
            keep = FALSE;
        }
      if (keep)
        g_array_append_val (chosen, i);
    }
  return chosen;
}

/* ---- findings ----------------------------------------------------------- */

PoFinding *
po_finding_new_from_candidate (PoFindingSource source, const PoCandidate *candidate,
                               const gchar *name)
{
  PoFinding *finding = g_new0 (PoFinding, 1);

  finding->source = source;
  finding->vendor = candidate->vendor;
  finding->product = candidate->product;
  finding->indicator = g_strdup (candidate->indicator);
  finding->confidence = candidate->confidence;
  finding->name = g_strdup (name);
  finding->key = g_strdup_printf ("%s:%s", po_finding_source_to_string (source), name);
  finding->pid = -1;
  return finding;
}

/* one finding per chosen candidate, each filled in by the caller's template */
void
po_compliance_add_findings (GPtrArray *findings, GArray *candidates, PoFindingSource source,
                            const gchar *name, const gchar *version, const gchar *path, gint64 pid)
{
  g_autoptr (GArray) chosen = po_candidates_resolve (candidates);

  for (guint i = 0; i < chosen->len; i++)
    {
      guint index = g_array_index (chosen, guint, i);
      const PoCandidate *c = &g_array_index (candidates, PoCandidate, index);
      PoFinding *finding = po_finding_new_from_candidate (source, c, name);
      finding->version = g_strdup (version);
      finding->path = g_strdup (path);
      finding->pid = pid;
      g_ptr_array_add (findings, finding);
    }
}

gboolean
po_compliance_warnings_complete (GPtrArray *warnings)
{
  for (guint i = 0; i < warnings->len; i++)
    if (!((PoInventoryWarning *) g_ptr_array_index (warnings, i))->absent)
      return FALSE;
  return TRUE;
}

/* the catalogue candidates for a module: name, then signer, then author */
void
po_candidates_add_module (PoComplianceIndex *index, GHashTable *owners,
                          const PoKernelModule *module, GArray *candidates)
{
  PoCatalogue *catalogue = po_compliance_index_get_catalogue (index);

  po_candidates_add_indicator_matches (catalogue, owners, candidates, PO_INDICATOR_KERNEL_MODULE,
                                       module->name, 0);
  po_candidates_add_indicator_matches (catalogue, owners, candidates,
                                       PO_INDICATOR_KERNEL_MODULE_SIGNER, module->signer, 2);
  add_vendor_name_matches (index, owners, candidates, module->signer, 4);
  po_candidates_add_indicator_matches (catalogue, owners, candidates,
                                       PO_INDICATOR_KERNEL_MODULE_AUTHOR, module->author, 6);
  add_author_name_matches (index, owners, candidates, module->author, 8);
}
