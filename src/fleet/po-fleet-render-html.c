/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `phaseout fleet report --html FILE`: one self-contained page, inline CSS
 * and SVG, no script and nothing fetched, to mail or archive as evidence.
 */
#include "po-fleet-internal.h"

#define PO_FLEET_HTML_HOSTS 200

static const gchar *const style =
  "body{font-family:DejaVu Sans,Liberation Sans,Arial,sans-serif;margin:24px;color:#222;"
  "max-width:820px}"
  "h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px;"
  "border-top:1px solid #ccc;padding-top:14px}"
  "p.meta{color:#555;margin:0 0 12px;font-size:13px}"
  "table{border-collapse:collapse;font-size:13px;margin:8px 0}"
  "td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f4f4}"
  "td.n{text-align:right}.legend span{display:inline-block;margin-right:14px;font-size:13px}"
  ".legend i{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px}"
  ".late{color:#c62828;font-weight:bold}";

static void
append_escaped (GString *out, const gchar *text)
{
  g_autofree gchar *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  g_string_append (out, escaped);
}

static void
render_policy (const PoFleetReport *report, const PoFleetPolicyReport *policy, GString *out)
{
  gchar day[16];
  gint64 deadline;
  gboolean has_deadline = policy->deadline != NULL
                          && po_fleet_day_parse (policy->deadline, &deadline);
  guint with_findings = 0, listed = 0, overdue = 0;

  if (policy->burn_down->len > 0)
    with_findings = g_array_index (policy->burn_down, PoFleetBurnPoint, policy->burn_down->len - 1)
                      .hosts_with_findings;
  g_string_append (out, "<section>\n<h2>");
  append_escaped (out, policy->policy_id);
  g_string_append (out, "</h2>\n<p class=\"meta\">Deadline: <b>");
  append_escaped (out, policy->deadline != NULL ? policy->deadline : "none");
  g_string_append (out, "</b> &middot; hosts with findings: <b>");
  g_string_append_printf (out, "%u</b> &middot; ", with_findings);
  if (policy->zero_reached)
    g_string_append_printf (out, "zero reached on <b>%s</b>",
                            po_fleet_day_format (policy->projected_zero, day));
  else if (policy->projected_zero != G_MININT64)
    g_string_append_printf (
      out, "projected zero: <b%s>%s</b>%s",
      has_deadline && policy->projected_zero > deadline ? " class=\"late\"" : "",
      po_fleet_day_format (policy->projected_zero, day),
      has_deadline && policy->projected_zero > deadline ? " (after the deadline)" : "");
  else
    g_string_append (out, "projected zero: <b class=\"late\">none, not falling</b>");
  g_string_append (out, "</p>\n");

  po_fleet_svg_burn_down (policy, report->as_of, out);
  g_string_append_printf (out, "<p class=\"meta\">%u %s</p>\n", policy->hosts_total,
                          policy->hosts_total == 1 ? "host" : "hosts");
  po_fleet_svg_status_bar (policy, out);
  g_string_append (out, "<p class=\"legend\">");
  for (guint b = 0; b < PO_FLEET_BUCKET_N; b++)
    g_string_append_printf (out, "<span><i style=\"background:%s\"></i>%s %u</span>",
                            po_fleet_bucket_colour (b), po_fleet_bucket_to_string (b),
                            policy->hosts[b]);
  g_string_append (out, "</p>\n");

  if (policy->products->len > 0)
    {
      g_string_append (out, "<table><tr><th>product still present</th><th>hosts</th></tr>\n");
      for (guint i = 0; i < policy->products->len; i++)
        {
          const PoFleetProduct *product = g_ptr_array_index (policy->products, i);

          g_string_append (out, "<tr><td>");
          append_escaped (out, product->product);
          g_string_append_printf (out, "</td><td class=\"n\">%u</td></tr>\n", product->hosts);
        }
      g_string_append (out, "</table>\n");
    }

  for (guint i = 0; i < policy->hosts_list->len; i++)
    {
      const PoFleetHost *host = g_ptr_array_index (policy->hosts_list, i);
      g_autoptr (GDateTime) seen = NULL;
      g_autofree gchar *seen_text = NULL;

      if (host->bucket != PO_FLEET_BUCKET_OVERDUE)
        continue;
      overdue++;
      if (listed == PO_FLEET_HTML_HOSTS)
        continue;
      if (listed++ == 0)
        g_string_append (out, "<table><tr><th>overdue host</th><th>findings</th>"
                              "<th>engine</th><th>last report (UTC)</th></tr>\n");
      seen = host->last_seen > 0 ? g_date_time_new_from_unix_utc (host->last_seen) : NULL;
      seen_text = seen != NULL ? g_date_time_format (seen, "%Y-%m-%d %H:%M") : g_strdup ("");
      g_string_append (out, "<tr><td>");
      append_escaped (out, host->hostname);
      g_string_append_printf (out, "</td><td class=\"n\">%" G_GINT64_FORMAT "</td><td>",
                              host->findings);
      append_escaped (out, host->engine != NULL ? host->engine : "");
      g_string_append_printf (out, "</td><td>%s</td></tr>\n", seen_text);
    }
  if (listed > 0)
    g_string_append (out, "</table>\n");
  if (overdue > listed)
    g_string_append_printf (out,
                            "<p class=\"meta\">... and %u more overdue %s "
                            "(<code>phaseout fleet report --json</code> lists them all)</p>\n",
                            overdue - listed, overdue - listed == 1 ? "host" : "hosts");
  g_string_append (out, "</section>\n");
}

void
po_fleet_report_render_html (const PoFleetReport *report, GString *out)
{
  gchar day[16];

  po_fleet_day_format (report->as_of, day);
  g_string_append_printf (out,
                          "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                          "<title>Fleet compliance as of %s</title>\n<style>%s</style>"
                          "</head>\n<body>\n",
                          day, style);
  g_string_append_printf (out, "<h1>Fleet compliance as of %s</h1>\n", day);
  g_string_append_printf (out,
                          "<p class=\"meta\">phaseout %s &middot; a host is stale after %u "
                          "days without a report &middot; projections are least-squares "
                          "lines over the last %u days</p>\n",
                          PHASEOUT_VERSION, report->stale_days, report->trend_days);
  if (report->policies->len == 0)
    g_string_append (out, "<p>No phaseout_status rows in the store up to that day.</p>\n");
  for (guint i = 0; i < report->policies->len; i++)
    render_policy (report, g_ptr_array_index (report->policies, i), out);
  g_string_append (out, "</body></html>\n");
}
