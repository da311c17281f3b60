/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `phaseout fleet report --csv`: one row per policy (RFC 4180), wide, so a
 * spreadsheet gets the counts as columns and one line per day's run of
 * the report can be appended to a sheet.
 */
#include "po-csv.h"
#include "po-fleet-internal.h"

void
po_fleet_report_render_csv (const PoFleetReport *report, GString *out)
{
  gchar as_of[16];

  po_fleet_day_format (report->as_of, as_of);
  g_string_append (out, "as_of,policy_id,deadline,projected_zero,hosts_total");
  for (guint b = 0; b < PO_FLEET_BUCKET_N; b++)
    g_string_append_printf (out, ",%s", po_fleet_bucket_to_string (b));
  g_string_append (out, ",hosts_with_findings,products\r\n");
  for (guint i = 0; i < report->policies->len; i++)
    {
      const PoFleetPolicyReport *policy = g_ptr_array_index (report->policies, i);
      g_autoptr (GString) products = g_string_new (NULL);
      gchar projected[16];
      guint with_findings = 0;

      if (policy->burn_down->len > 0)
        with_findings = g_array_index (policy->burn_down, PoFleetBurnPoint,
                                       policy->burn_down->len - 1)
                          .hosts_with_findings;
      for (guint p = 0; p < policy->products->len; p++)
        {
          const PoFleetProduct *product = g_ptr_array_index (policy->products, p);
          g_string_append_printf (products, "%s%s: %u", p > 0 ? "; " : "", product->product,
                                  product->hosts);
        }
      g_string_append_printf (out, "%s,", as_of);
      po_csv_append_field (out, policy->policy_id);
      g_string_append_c (out, ',');
      po_csv_append_field (out, policy->deadline);
      g_string_append_c (out, ',');
      if (policy->projected_zero != G_MININT64)
        g_string_append (out, po_fleet_day_format (policy->projected_zero, projected));
      g_string_append_printf (out, ",%u", policy->hosts_total);
      for (guint b = 0; b < PO_FLEET_BUCKET_N; b++)
        g_string_append_printf (out, ",%u", policy->hosts[b]);
      g_string_append_printf (out, ",%u,", with_findings);
      po_csv_append_field (out, products->str);
      g_string_append (out, "\r\n");
    }
}
