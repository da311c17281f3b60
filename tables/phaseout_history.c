/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout_history: the episodes of the state database (src/state/).
 *
 * The history is brought up to date first with a complete scan (of the
 * policies a policy_id constraint names, or all), so a product removed
 * since the last query of banned_software shows as removed here too.
 * Without a usable state database the table is empty, never an error.
 */
#include "po-compliance.h"
#include "po-schemas.h"
#include "po-state.h"
#include "po-table.h"

/* an instant as osquery gives one, unix seconds; 0 (none) is NULL */
static void
set_time (PoRows *rows, guint column, gint64 seconds)
{
  if (seconds > 0)
    po_rows_set_int (rows, column, seconds);
}

gboolean
po_table_phaseout_history_generate (PoRuntime *runtime, PoQueryContext *query, PoRows *rows,
                                    GError **error)
{
  PoState *state = po_runtime_get_state (runtime, error);
  PoScanFilter filter = PO_SCAN_FILTER_INIT;
  g_autoptr (PoScan) scan = NULL;
  g_autoptr (GPtrArray) episodes = NULL;

  if (state == NULL)
    return FALSE;
  if (po_state_get_path (state) == NULL)
    return TRUE;
  filter.policy_ids = po_query_context_get_equals (query, COL_PHASEOUT_HISTORY_POLICY_ID);
  if (!po_runtime_scan (runtime, &filter, &scan, error))
    return FALSE;
  /* unusable: already reported by the state database */
  if (!po_state_get_episodes (state, filter.policy_ids, &episodes, NULL))
    return TRUE;

  for (guint i = 0; i < episodes->len; i++)
    {
      PoStateEpisode *episode = g_ptr_array_index (episodes, i);

      po_rows_add (rows);
      po_rows_set_text (rows, COL_PHASEOUT_HISTORY_POLICY_ID, episode->policy_id);
      po_rows_set_text (rows, COL_PHASEOUT_HISTORY_FINDING, episode->finding);
      po_rows_set_text (rows, COL_PHASEOUT_HISTORY_VENDOR, episode->vendor);
      po_rows_set_text (rows, COL_PHASEOUT_HISTORY_PRODUCT, episode->product);
      po_rows_set_text (rows, COL_PHASEOUT_HISTORY_CATEGORY, episode->category);
      po_rows_set_text (rows, COL_PHASEOUT_HISTORY_SOURCE, episode->source);
      po_rows_set_text (rows, COL_PHASEOUT_HISTORY_NAME, episode->name);
      po_rows_set_text (rows, COL_PHASEOUT_HISTORY_VERSION, episode->version);
      po_rows_set_text (rows, COL_PHASEOUT_HISTORY_PATH, episode->path);
      set_time (rows, COL_PHASEOUT_HISTORY_FIRST_SEEN, episode->first_seen);
      set_time (rows, COL_PHASEOUT_HISTORY_LAST_SEEN, episode->last_seen);
      set_time (rows, COL_PHASEOUT_HISTORY_REMOVED_AT, episode->removed_at);
      po_rows_set_bool (rows, COL_PHASEOUT_HISTORY_PRESENT, episode->removed_at == 0);
    }
  return TRUE;
}
