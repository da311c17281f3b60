/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout_policies: the policy catalogue as a table, one row per policy,
 * each evaluated against this endpoint's organisation profile.
 *
 * A constraint id = '...' (or id IN (...)) skips the other policies; every
 * other constraint is left to SQLite, which re-checks them all anyway.  A
 * policy file that could not be loaded does not fail the query: the
 * catalogue has already logged it, and the table shows what is in force.
 */
#include "po-catalogue.h"
#include "po-schemas.h"
#include "po-table.h"

gboolean
po_table_phaseout_policies_generate (PoRuntime *runtime, PoQueryContext *query, PoRows *rows,
                                     GError **error)
{
  g_autoptr (PoCatalogue) catalogue = po_runtime_get_catalogue (runtime, error);
  g_autoptr (PoProfile) profile = NULL;
  g_autoptr (GDateTime) now = NULL;
  GPtrArray *policies;

  if (catalogue == NULL)
    return FALSE;
  if (!po_runtime_get_profile (runtime, &profile, error))
    return FALSE;
  now = po_runtime_now (runtime);

  policies = po_catalogue_get_policies (catalogue);
  for (guint i = 0; i < policies->len; i++)
    {
      PoPolicy *policy = g_ptr_array_index (policies, i);
      const PoMilestone *deadline = po_policy_get_final_milestone (policy);
      g_autofree gchar *vendors = NULL;
      g_autofree gchar *categories = NULL;
      g_autofree gchar *devices = NULL;
      g_autofree gchar *milestones = NULL;
      g_autofree gchar *scope = NULL;
      g_autofree gchar *reason = NULL;
      g_autofree gchar *urls = NULL;
      PoApplicability applicability;

      if (!po_query_context_matches (query, COL_PHASEOUT_POLICIES_ID, po_policy_get_id (policy)))
        continue;

      vendors = g_strjoinv (",", (gchar **) po_policy_get_vendors (policy));
      categories = g_strjoinv (",", (gchar **) po_policy_get_categories (policy));
      devices = g_strjoinv (",", (gchar **) po_policy_get_devices (policy));
      milestones = po_policy_milestones_to_json (policy);
      scope = po_policy_scope_to_json (policy);
      urls = po_policy_get_source_urls (policy);
      po_policy_evaluate (policy, profile, now, &applicability, &reason);

      po_rows_add (rows);
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_ID, po_policy_get_id (policy));
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_TITLE, po_policy_get_title (policy));
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_ISSUER, po_policy_get_issuer (policy));
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_JURISDICTION,
                        po_policy_get_jurisdiction (policy));
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_INSTRUMENT, po_policy_get_instrument (policy));
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_ISSUED, po_policy_get_issued (policy));
      po_rows_set_bool (rows, COL_PHASEOUT_POLICIES_BINDING, po_policy_get_binding (policy));
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_CONFIDENCE, po_policy_get_confidence (policy));
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_VENDORS, vendors);
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_CATEGORIES, categories);
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_DEVICES, devices);
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_MILESTONES, milestones);
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_DEADLINE,
                        deadline != NULL ? deadline->day : "");
      if (deadline != NULL)
        po_rows_set_int (rows, COL_PHASEOUT_POLICIES_DEADLINE_AT, deadline->passed_at);
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_SCOPE, scope);
      po_rows_set_bool (rows, COL_PHASEOUT_POLICIES_APPLIES,
                        po_applicability_applies (applicability));
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_APPLICABILITY,
                        po_applicability_to_string (applicability));
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_REASON, reason);
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_SOURCE, urls);
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_REPLACEMENT,
                        po_policy_get_replacement (policy));
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_ORIGIN, po_policy_get_origin (policy));
      po_rows_set_text (rows, COL_PHASEOUT_POLICIES_SHA256, po_policy_get_sha256 (policy));
    }
  return TRUE;
}
