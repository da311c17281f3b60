/* SPDX-License-Identifier: Apache-2.0 */
/* `phaseout fleet report`: the report for people */
#include "po-fleet-internal.h"

#define PO_FLEET_TEXT_HOSTS 20

static gchar *
format_time (gint64 unix_time)
{
  g_autoptr (GDateTime) time = unix_time > 0 ? g_date_time_new_from_unix_utc (unix_time) : NULL;

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("never");
}

static void
render_policy (const PoFleetReport *report, const PoFleetPolicyReport *policy, GString *out)
{
  gchar day[16];
  guint listed = 0, needing = 0;

  g_string_append_printf (out, "%s\n", policy->policy_id);
  g_string_append_printf (out, "  deadline        %s\n",
                          policy->deadline != NULL ? policy->deadline : "none");
  if (policy->zero_reached)
    g_string_append_printf (out, "  zero reached    %s\n",
                            po_fleet_day_format (policy->projected_zero, day));
  else if (policy->projected_zero != G_MININT64)
    {
      gint64 deadline;
      gboolean late = policy->deadline != NULL && po_fleet_day_parse (policy->deadline, &deadline)
                      && policy->projected_zero > deadline;
      g_string_append_printf (out, "  projected zero  %s%s (least squares over %u days)\n",
                              po_fleet_day_format (policy->projected_zero, day),
                              late ? ", after the deadline" : "", report->trend_days);
    }
  else
    g_string_append_printf (out, "  projected zero  none: the number of hosts with findings "
                                 "is not falling\n");
  g_string_append_printf (out, "  hosts           %u:", policy->hosts_total);
  for (guint b = 0; b < PO_FLEET_BUCKET_N; b++)
    g_string_append_printf (out, "%s %s %u", b > 0 ? "," : "", po_fleet_bucket_to_string (b),
                            policy->hosts[b]);
  g_string_append_c (out, '\n');
  if (policy->burn_down->len > 0)
    {
      const PoFleetBurnPoint *last = &g_array_index (policy->burn_down, PoFleetBurnPoint,
                                                     policy->burn_down->len - 1);
      guint back = MIN (policy->burn_down->len - 1, report->trend_days);
      const PoFleetBurnPoint *before = last - back;

      g_string_append_printf (out, "  with findings   %u on %s", last->hosts_with_findings,
                              po_fleet_day_format (last->day, day));
      if (back > 0)
        g_string_append_printf (out, ", %u on %s", before->hosts_with_findings,
                                po_fleet_day_format (before->day, day));
      g_string_append_c (out, '\n');
    }
  if (policy->products->len > 0)
    {
      g_string_append (out, "  products       ");
      for (guint i = 0; i < policy->products->len; i++)
        {
          const PoFleetProduct *product = g_ptr_array_index (policy->products, i);
          g_string_append_printf (out, "%s %s (%u %s)", i > 0 ? "," : "", product->product,
                                  product->hosts, product->hosts == 1 ? "host" : "hosts");
        }
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < policy->hosts_list->len; i++)
    {
      const PoFleetHost *host = g_ptr_array_index (policy->hosts_list, i);
      g_autofree gchar *seen = NULL;

      if (host->bucket != PO_FLEET_BUCKET_OVERDUE && host->bucket != PO_FLEET_BUCKET_ACTION_REQUIRED
          && host->bucket != PO_FLEET_BUCKET_STALE)
        continue;
      needing++;
      if (listed == PO_FLEET_TEXT_HOSTS)
        continue;
      if (listed++ == 0)
        g_string_append (out,
                         "  hosts to act on or chase (host, status, findings, last report):\n");
      seen = format_time (host->last_seen);
      g_string_append_printf (out, "    %-32s %-16s %3" G_GINT64_FORMAT "  %s\n", host->hostname,
                              host->bucket == PO_FLEET_BUCKET_STALE ? "stale" : host->status,
                              host->findings, seen);
    }
  if (needing > listed)
    g_string_append_printf (out, "    ... and %u more (--json or --csv lists them all)\n",
                            needing - listed);
  g_string_append_c (out, '\n');
}

void
po_fleet_report_render_text (const PoFleetReport *report, GString *out)
{
  gchar day[16];

  g_string_append_printf (out,
                          "Fleet compliance as of %s (a host is stale after %u days "
                          "without a report)\n\n",
                          po_fleet_day_format (report->as_of, day), report->stale_days);
  if (report->policies->len == 0)
    g_string_append (out, "No phaseout_status rows in the store up to that day: ingest the "
                          "result logs first (phaseout fleet ingest).\n");
  for (guint i = 0; i < report->policies->len; i++)
    render_policy (report, g_ptr_array_index (report->policies, i), out);
}
