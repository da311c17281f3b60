/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout_status: one row per policy in the catalogue with its status on
 * this endpoint (src/compliance/po-compliance-status.c has the rules).
 *
 * A constraint policy_id = '...' (or IN) evaluates only those policies;
 * the scan is otherwise complete, so it also records removals.
 */
#include "po-compliance.h"
#include "po-schemas.h"
#include "po-table.h"

gboolean
po_table_phaseout_status_generate (PoRuntime *runtime, PoQueryContext *query, PoRows *rows,
                                   GError **error)
{
  PoScanFilter filter = PO_SCAN_FILTER_INIT;
  g_autoptr (PoScan) scan = NULL;

  filter.policy_ids = po_query_context_get_equals (query, COL_PHASEOUT_STATUS_POLICY_ID);
  if (!po_runtime_scan (runtime, &filter, &scan, error))
    return FALSE;

  for (guint i = 0; i < scan->policies->len; i++)
    {
      PoPolicyResult *result = g_ptr_array_index (scan->policies, i);
      g_autofree gchar *urls = po_policy_get_source_urls (result->policy);

      po_rows_add (rows);
      po_rows_set_text (rows, COL_PHASEOUT_STATUS_POLICY_ID, po_policy_get_id (result->policy));
      po_rows_set_text (rows, COL_PHASEOUT_STATUS_TITLE, po_policy_get_title (result->policy));
      po_rows_set_bool (rows, COL_PHASEOUT_STATUS_BINDING, po_policy_get_binding (result->policy));
      po_rows_set_bool (rows, COL_PHASEOUT_STATUS_APPLIES, result->applies);
      po_rows_set_text (rows, COL_PHASEOUT_STATUS_APPLICABILITY,
                        po_applicability_to_string (result->applicability));
      po_rows_set_text (rows, COL_PHASEOUT_STATUS_REASON, result->reason);
      po_rows_set_uint (rows, COL_PHASEOUT_STATUS_FINDINGS, result->matches->len);
      po_rows_set_uint (rows, COL_PHASEOUT_STATUS_UNCONFIRMED, result->n_unconfirmed);
      po_rows_set_text (rows, COL_PHASEOUT_STATUS_STATUS, po_status_to_string (result->status));
      po_rows_set_text (rows, COL_PHASEOUT_STATUS_NEXT_MILESTONE, result->next_milestone);
      po_rows_set_text (rows, COL_PHASEOUT_STATUS_NEXT_MILESTONE_DATE, result->next_milestone_date);
      if (result->next_milestone_at != 0)
        po_rows_set_int (rows, COL_PHASEOUT_STATUS_NEXT_MILESTONE_AT, result->next_milestone_at);
      po_rows_set_text (rows, COL_PHASEOUT_STATUS_DEADLINE, result->deadline);
      if (result->deadline_at != 0)
        po_rows_set_int (rows, COL_PHASEOUT_STATUS_DEADLINE_AT, result->deadline_at);
      po_rows_set_text (rows, COL_PHASEOUT_STATUS_DEADLINE_SOURCE, result->deadline_source);
      if (result->has_days)
        po_rows_set_int (rows, COL_PHASEOUT_STATUS_DAYS_REMAINING, result->days_remaining);
      if (result->first_detected > 0)
        po_rows_set_int (rows, COL_PHASEOUT_STATUS_FIRST_DETECTED, result->first_detected);
      po_rows_set_text (rows, COL_PHASEOUT_STATUS_ACTION, result->advice);
      po_rows_set_text (rows, COL_PHASEOUT_STATUS_SOURCE, urls);
      po_rows_set_int (rows, COL_PHASEOUT_STATUS_EVALUATED_AT, g_date_time_to_unix (scan->now));
      po_rows_set_text (rows, COL_PHASEOUT_STATUS_ENGINE, "extension");
    }
  return TRUE;
}
