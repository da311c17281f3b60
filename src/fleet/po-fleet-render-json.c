/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `phaseout fleet report --json`: the report as one JSON object
 * (docs/fleet.md), written straight into the output: a json-glib tree of
 * 60,000 hosts (10,000 hosts, six policies) took 190 MB, this takes the
 * size of the text.  One burn-down point, product or host per line.
 */
#include "po-fleet-internal.h"

static void
append_string (GString *out, const gchar *text)
{
  g_autofree gchar *valid = NULL;

  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);
  g_string_append_c (out, '"');
  for (const guchar *c = (const guchar *) text; *c != '\0'; c++)
    switch (*c)
      {
      case '"':
        g_string_append (out, "\\\"");
        break;
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      case '\t':
        g_string_append (out, "\\t");
        break;
      default:
        if (*c < 0x20 || *c == 0x7f)
          g_string_append_printf (out, "\\u%04x", *c);
        else
          g_string_append_c (out, (gchar) *c);
      }
  g_string_append_c (out, '"');
}

static void
append_day (GString *out, gint64 day)
{
  gchar buf[16];

  if (day == G_MININT64)
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "\"%s\"", po_fleet_day_format (day, buf));
}

static void
append_time (GString *out, gint64 unix_time)
{
  g_autoptr (GDateTime) time = unix_time > 0 ? g_date_time_new_from_unix_utc (unix_time) : NULL;
  g_autofree gchar *text = time != NULL ? g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ") : NULL;

  append_string (out, text);
}

typedef struct {
  GString *out;
  PoFleetWriteFunc write;
  gpointer data;
  gboolean ok;
} Sink;

/* hands what is buffered to the writer once it is worth a write */
static void
sink_flush (Sink *sink, gsize threshold)
{
  if (sink->write == NULL || sink->out->len < threshold)
    return;
  if (sink->ok && !sink->write (sink->out->str, sink->out->len, sink->data))
    sink->ok = FALSE;
  g_string_truncate (sink->out, 0);
}

static void
append_policy (Sink *sink, const PoFleetPolicyReport *policy)
{
  GString *out = sink->out;

  g_string_append (out, "    {\n      \"policy_id\": ");
  append_string (out, policy->policy_id);
  g_string_append (out, ",\n      \"deadline\": ");
  append_string (out, policy->deadline);
  g_string_append_printf (out, ",\n      \"hosts\": {\"total\": %u", policy->hosts_total);
  for (guint b = 0; b < PO_FLEET_BUCKET_N; b++)
    g_string_append_printf (out, ", \"%s\": %u", po_fleet_bucket_to_string (b), policy->hosts[b]);
  g_string_append (out, "},\n      \"burn_down\": [");
  for (guint i = 0; i < policy->burn_down->len; i++)
    {
      const PoFleetBurnPoint *point = &g_array_index (policy->burn_down, PoFleetBurnPoint, i);

      g_string_append (out, i > 0 ? ",\n        {\"date\": " : "\n        {\"date\": ");
      append_day (out, point->day);
      g_string_append_printf (out, ", \"hosts_with_findings\": %u}", point->hosts_with_findings);
    }
  g_string_append (out, policy->burn_down->len > 0 ? "\n      ],\n" : "],\n");
  g_string_append (out, "      \"projected_zero\": ");
  append_day (out, policy->projected_zero);
  g_string_append (out, ",\n      \"products\": [");
  for (guint i = 0; i < policy->products->len; i++)
    {
      const PoFleetProduct *product = g_ptr_array_index (policy->products, i);

      g_string_append (out, i > 0 ? ",\n        {\"product\": " : "\n        {\"product\": ");
      append_string (out, product->product);
      g_string_append_printf (out, ", \"hosts\": %u}", product->hosts);
    }
  g_string_append (out, policy->products->len > 0 ? "\n      ],\n" : "],\n");
  g_string_append (out, "      \"hosts_list\": [");
  for (guint i = 0; i < policy->hosts_list->len; i++)
    {
      const PoFleetHost *host = g_ptr_array_index (policy->hosts_list, i);

      g_string_append (out, i > 0 ? ",\n        {\"host\": " : "\n        {\"host\": ");
      append_string (out, host->host_key);
      g_string_append (out, ", \"hostname\": ");
      append_string (out, host->hostname);
      g_string_append (out, ", \"status\": ");
      append_string (out, host->status);
      g_string_append_printf (out, ", \"findings\": %" G_GINT64_FORMAT ", \"deadline\": ",
                              host->findings);
      append_string (out, host->deadline);
      g_string_append (out, ", \"last_seen\": ");
      append_time (out, host->last_seen);
      g_string_append_printf (out, ", \"stale\": %s, \"engine\": ",
                              host->bucket == PO_FLEET_BUCKET_STALE ? "true" : "false");
      append_string (out, host->engine);
      g_string_append_c (out, '}');
      sink_flush (sink, 65536);
    }
  g_string_append (out, policy->hosts_list->len > 0 ? "\n      ]\n    }" : "]\n    }");
}

static void
render (const PoFleetReport *report, Sink *sink)
{
  GString *out = sink->out;

  g_string_append (out, "{\n  \"as_of\": ");
  append_day (out, report->as_of);
  g_string_append_printf (out, ",\n  \"stale_days\": %u,\n  \"trend_days\": %u,\n  \"store\": ",
                          report->stale_days, report->trend_days);
  append_string (out, report->store_kind);
  g_string_append (out, ",\n  \"policies\": [");
  for (guint i = 0; i < report->policies->len; i++)
    {
      g_string_append (out, i > 0 ? ",\n" : "\n");
      append_policy (sink, g_ptr_array_index (report->policies, i));
    }
  g_string_append (out, report->policies->len > 0 ? "\n  ]\n}\n" : "]\n}\n");
  sink_flush (sink, 0);
}

void
po_fleet_report_render_json (const PoFleetReport *report, GString *out)
{
  Sink sink = { out, NULL, NULL, TRUE };

  render (report, &sink);
}

gboolean
po_fleet_report_write_json (const PoFleetReport *report, PoFleetWriteFunc write, gpointer data)
{
  g_autoptr (GString) buffer = g_string_sized_new (65536 + 4096);
  Sink sink = { buffer, write, data, TRUE };

  render (report, &sink);
  return sink.ok;
}
