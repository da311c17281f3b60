/* SPDX-License-Identifier: Apache-2.0 */
/*
 * banned_software: the findings of the applicable policies, one row per
 * finding per policy (src/compliance/ does the work).
 *
 * Pushdown: '=' and IN on policy_id, vendor, category and source become
 * the scan filter, so they limit the policies evaluated and the collectors
 * run.  An IN list arrives as one generate call per value.  Other
 * constraints are left to SQLite, which re-checks them all.
 */
#include "po-compliance.h"
#include "po-schemas.h"
#include "po-table.h"

/* the sources a query's '=' constraints on source allow */
static guint
sources_allowed (PoQueryContext *query)
{
  const gchar *const *values = po_query_context_get_equals (query, COL_BANNED_SOFTWARE_SOURCE);
  guint sources = 0;

  if (values == NULL)
    return PO_FINDING_SOURCES_ALL;
  for (guint i = 0; values[i] != NULL; i++)
    {
      PoFindingSource source;
      if (po_finding_source_from_string (values[i], &source))
        sources |= 1u << source;
    }
  /* 0 (only unknown sources asked for): nothing can match and nothing runs */
  return sources;
}

/* an instant as osquery gives one, unix seconds; 0 (unknown) is NULL */
static void
set_time (PoRows *rows, guint column, gint64 seconds)
{
  if (seconds > 0)
    po_rows_set_int (rows, column, seconds);
}

gboolean
po_table_banned_software_generate (PoRuntime *runtime, PoQueryContext *query, PoRows *rows,
                                   GError **error)
{
  PoScanFilter filter = PO_SCAN_FILTER_INIT;
  g_autoptr (PoScan) scan = NULL;

  filter.policy_ids = po_query_context_get_equals (query, COL_BANNED_SOFTWARE_POLICY_ID);
  filter.vendors = po_query_context_get_equals (query, COL_BANNED_SOFTWARE_VENDOR);
  filter.categories = po_query_context_get_equals (query, COL_BANNED_SOFTWARE_CATEGORY);
  filter.sources = sources_allowed (query);
  if (!po_runtime_scan (runtime, &filter, &scan, error))
    return FALSE;

  for (guint i = 0; i < scan->matches->len; i++)
    {
      PoMatch *match = g_ptr_array_index (scan->matches, i);
      PoFinding *finding = match->finding;
      PoPolicyResult *policy = match->policy;

      po_rows_add (rows);
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_POLICY_ID, po_policy_get_id (policy->policy));
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_APPLICABILITY,
                        po_applicability_to_string (policy->applicability));
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_VENDOR, po_vendor_get_id (finding->vendor));
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_VENDOR_NAME,
                        po_vendor_get_name (finding->vendor));
      if (finding->product != NULL)
        {
          po_rows_set_text (rows, COL_BANNED_SOFTWARE_PRODUCT,
                            po_product_get_id (finding->product));
          po_rows_set_text (rows, COL_BANNED_SOFTWARE_PRODUCT_NAME,
                            po_product_get_name (finding->product));
          po_rows_set_text (rows, COL_BANNED_SOFTWARE_CATEGORY,
                            po_product_get_category (finding->product));
        }
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_SOURCE,
                        po_finding_source_to_string (finding->source));
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_NAME, finding->name);
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_VERSION, finding->version);
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_PATH, finding->path);
      if (finding->pid >= 0)
        po_rows_set_int (rows, COL_BANNED_SOFTWARE_PID, finding->pid);
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_INDICATOR, finding->indicator);
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_CONFIDENCE, finding->confidence);
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_FINDING, finding->key);
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_REQUIRED_ACTION,
                        po_finding_is_confirmed (finding) ? policy->required_action
                                                          : policy->unconfirmed_action);
      /* phaseout.ext runs on Linux: the product's Linux text, else the vendor's */
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_REMEDIATION,
                        po_remediation_for (finding->vendor, finding->product, "linux"));
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_NEXT_MILESTONE, policy->next_milestone);
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_NEXT_MILESTONE_DATE, policy->next_milestone_date);
      set_time (rows, COL_BANNED_SOFTWARE_NEXT_MILESTONE_AT, policy->next_milestone_at);
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_DEADLINE, policy->deadline);
      set_time (rows, COL_BANNED_SOFTWARE_DEADLINE_AT, policy->deadline_at);
      if (policy->has_days)
        po_rows_set_int (rows, COL_BANNED_SOFTWARE_DAYS_REMAINING, policy->days_remaining);
      if (scan->history)
        {
          set_time (rows, COL_BANNED_SOFTWARE_FIRST_SEEN, match->first_seen);
          set_time (rows, COL_BANNED_SOFTWARE_LAST_SEEN, match->last_seen);
        }
      po_rows_set_text (rows, COL_BANNED_SOFTWARE_ENGINE, "extension");
    }
  return TRUE;
}
