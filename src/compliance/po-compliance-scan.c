/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A compliance scan: which policies apply, what they find, what the
 * history says, and what follows for each policy.
 *
 * Pushdown.  The filter (banned_software's constraints on policy_id,
 * vendor, category and source) narrows the work before any collector
 * runs: only applicable policies the filter lets through are evaluated;
 * only their vendors' indicators (and of those only the products whose
 * category they cover and the filter allows) are matched; and only the
 * collectors those indicators need, within the filter's sources, run.  A
 * municipality's endpoint, where no built-in policy applies, runs none.
 *
 * Removals.  A scan closes an open finding of policy P from source S only
 * when it looked for everything P could find through S: P was evaluated,
 * S's collector ran without a warning (or P's indicators need no S), and
 * the filter restricted neither vendor, category nor source.  A constraint
 * on policy_id alone keeps the scan complete for the policies it names.
 * Every other constrained scan only adds and refreshes findings.
 */
#include "po-compliance-private.h"

void
po_scan_free (PoScan *scan)
{
  if (scan == NULL)
    return;
  g_clear_pointer (&scan->matches, g_ptr_array_unref);
  g_clear_pointer (&scan->findings, g_ptr_array_unref);
  g_clear_pointer (&scan->policies, g_ptr_array_unref);
  g_clear_pointer (&scan->now, g_date_time_unref);
  g_clear_pointer (&scan->profile, po_profile_unref);
  g_clear_pointer (&scan->catalogue, po_catalogue_unref);
  g_free (scan);
}

static gboolean
in_list (const gchar *const *list, const gchar *value)
{
  return list == NULL || (value != NULL && g_strv_contains (list, value));
}

/* the products and vendor-wide indicators a policy makes relevant */
static void
add_owners (PoCatalogue *catalogue, PoPolicy *policy, const PoScanFilter *filter,
            GHashTable *owners)
{
  const gchar *const *vendor_ids = po_policy_get_vendor_ids (policy);

  for (guint v = 0; vendor_ids[v] != NULL; v++)
    {
      PoVendor *vendor = po_catalogue_lookup_vendor (catalogue, vendor_ids[v]);
      GPtrArray *products;

      if (vendor == NULL || !in_list (filter->vendors, vendor_ids[v]))
        continue;
      /* vendor-wide findings have no category: only "all" policies covering
       * the whole vendor cover them, and a category constraint excludes them */
      if (filter->categories == NULL && po_compliance_policy_covers_owner (policy, vendor, NULL))
        g_hash_table_add (owners, vendor);
      products = po_vendor_get_products (vendor);
      for (guint p = 0; p < products->len; p++)
        {
          PoProduct *product = g_ptr_array_index (products, p);
          if (in_list (filter->categories, po_product_get_category (product))
              && po_compliance_policy_covers_owner (policy, vendor, product))
            g_hash_table_add (owners, product);
        }
    }
}

gboolean
po_compliance_policy_covers_owner (PoPolicy *policy, PoVendor *vendor, PoProduct *product)
{
  /* a vendor-wide owner has no category: only "all" policies cover it */
  return po_policy_covers (policy, po_vendor_get_id (vendor),
                           product != NULL ? po_product_get_id (product) : NULL,
                           product != NULL ? po_product_get_category (product) : NULL);
}

GPtrArray *
po_compliance_get_covering_policies (PoCatalogue *catalogue, PoProfile *profile, GDateTime *now,
                                     PoVendor *vendor, PoProduct *product)
{
  GPtrArray *policies = po_catalogue_get_policies (catalogue);
  GPtrArray *covering = g_ptr_array_new ();

  for (guint i = 0; i < policies->len; i++)
    {
      PoPolicy *policy = g_ptr_array_index (policies, i);
      PoApplicability applicability;
      g_autofree gchar *reason = NULL;

      if (!po_compliance_policy_covers_owner (policy, vendor, product))
        continue;
      po_policy_evaluate (policy, profile, now, &applicability, &reason);
      if (po_applicability_applies (applicability))
        g_ptr_array_add (covering, policy);
    }
  return covering;
}

/* writes the scan to the state database; FALSE when there is no history */
static gboolean
record_history (PoState *state, PoScan *scan, const PoScanFilter *filter, guint sources_run,
                guint sources_complete)
{
  g_autoptr (GArray) rows = g_array_sized_new (FALSE, TRUE, sizeof (PoStateFinding),
                                               scan->matches->len);
  g_autoptr (GArray) complete = g_array_new (FALSE, TRUE, sizeof (PoStateComplete));
  g_autoptr (GError) error = NULL;
  gboolean narrowed = filter->vendors != NULL || filter->categories != NULL
                      || filter->sources != PO_FINDING_SOURCES_ALL;

  for (guint i = 0; i < scan->matches->len; i++)
    {
      PoMatch *match = g_ptr_array_index (scan->matches, i);
      PoFinding *finding = match->finding;
      PoStateFinding row = { 0 };

      row.policy_id = po_policy_get_id (match->policy->policy);
      row.finding = finding->key;
      row.vendor = po_vendor_get_id (finding->vendor);
      row.product = finding->product != NULL ? po_product_get_id (finding->product) : NULL;
      row.category = finding->product != NULL ? po_product_get_category (finding->product) : NULL;
      row.source = po_finding_source_to_string (finding->source);
      row.name = finding->name;
      row.version = finding->version;
      row.path = finding->path;
      g_array_append_val (rows, row);
    }
  for (guint p = 0; p < scan->policies->len && !narrowed; p++)
    {
      PoPolicyResult *result = g_ptr_array_index (scan->policies, p);
      if (!result->applies)
        continue;
      for (guint s = 0; s < PO_FINDING_SOURCE_N; s++)
        {
          PoStateComplete entry;
          if ((sources_run & (1u << s)) && !(sources_complete & (1u << s)))
            continue;
          entry.policy_id = po_policy_get_id (result->policy);
          entry.source = po_finding_source_to_string ((PoFindingSource) s);
          g_array_append_val (complete, entry);
        }
    }

  if (!po_state_record_scan (state, g_date_time_to_unix (scan->now), (PoStateFinding *) rows->data,
                             rows->len, (const PoStateComplete *) complete->data, complete->len,
                             &error))
    return FALSE;
  for (guint i = 0; i < scan->matches->len; i++)
    {
      PoMatch *match = g_ptr_array_index (scan->matches, i);
      match->first_seen = g_array_index (rows, PoStateFinding, i).first_seen;
      match->last_seen = g_array_index (rows, PoStateFinding, i).last_seen;
    }
  return TRUE;
}

PoScan *
po_compliance_scan (const PoScanInputs *inputs, const PoScanFilter *filter)
{
  g_autoptr (PoScan) scan = g_new0 (PoScan, 1);
  g_autoptr (GHashTable) owners = g_hash_table_new (NULL, NULL);
  PoCollectRequest request = { 0 };
  GPtrArray *policies;
  guint sources_complete = 0;

  scan->catalogue = po_catalogue_ref (po_compliance_index_get_catalogue (inputs->index));
  scan->profile = inputs->profile != NULL ? po_profile_ref (inputs->profile) : NULL;
  scan->now = g_date_time_ref (inputs->now);
  scan->policies = g_ptr_array_new_with_free_func ((GDestroyNotify) po_policy_result_free);
  scan->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) po_finding_free);
  scan->matches = g_ptr_array_new_with_free_func (g_free);

  policies = po_catalogue_get_policies (scan->catalogue);
  for (guint i = 0; i < policies->len; i++)
    {
      PoPolicy *policy = g_ptr_array_index (policies, i);
      PoPolicyResult *result;

      if (!in_list (filter->policy_ids, po_policy_get_id (policy)))
        continue;
      result = g_new0 (PoPolicyResult, 1);
      result->policy = policy;
      result->matches = g_ptr_array_new ();
      po_policy_evaluate (policy, scan->profile, scan->now, &result->applicability,
                          &result->reason);
      result->applies = po_applicability_applies (result->applicability);
      g_ptr_array_add (scan->policies, result);
      if (result->applies)
        add_owners (scan->catalogue, policy, filter, owners);
    }

  request.inventory = inputs->inventory;
  request.index = inputs->index;
  request.catalogue = scan->catalogue;
  request.owners = owners;
  request.sources = filter->sources;
  scan->sources_run = g_hash_table_size (owners) > 0 ? po_compliance_sources_needed (&request) : 0;
  po_compliance_collect (&request, scan->sources_run, scan->findings, &sources_complete);

  for (guint p = 0; p < scan->policies->len; p++)
    {
      PoPolicyResult *result = g_ptr_array_index (scan->policies, p);
      if (!result->applies)
        continue;
      for (guint f = 0; f < scan->findings->len; f++)
        {
          PoFinding *finding = g_ptr_array_index (scan->findings, f);
          PoMatch *match;
          if (!po_compliance_policy_covers_owner (result->policy, finding->vendor, finding->product)
              || !in_list (filter->vendors, po_vendor_get_id (finding->vendor)))
            continue;
          match = g_new0 (PoMatch, 1);
          match->finding = finding;
          match->policy = result;
          g_ptr_array_add (scan->matches, match);
          g_ptr_array_add (result->matches, match);
        }
    }

  scan->history = record_history (inputs->state, scan, filter, scan->sources_run, sources_complete);
  for (guint p = 0; p < scan->policies->len; p++)
    po_policy_result_compute (g_ptr_array_index (scan->policies, p), scan->profile, scan->now,
                              scan->history);
  return g_steal_pointer (&scan);
}
