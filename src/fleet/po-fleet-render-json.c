/* SPDX-License-Identifier: Apache-2.0 */
/* `phaseout fleet report --json`: the report as one JSON object (docs/fleet.md) */
#include "po-fleet-internal.h"

static void
add_day (JsonBuilder *builder, const gchar *member, gint64 day)
{
  gchar buf[16];

  json_builder_set_member_name (builder, member);
  if (day == G_MININT64)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, po_fleet_day_format (day, buf));
}

static void
add_string_or_null (JsonBuilder *builder, const gchar *member, const gchar *value)
{
  json_builder_set_member_name (builder, member);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

static void
add_time (JsonBuilder *builder, const gchar *member, gint64 unix_time)
{
  g_autoptr(GDateTime) time = unix_time > 0 ? g_date_time_new_from_unix_utc (unix_time) : NULL;
  g_autofree gchar *text = time != NULL ? g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ") : NULL;

  add_string_or_null (builder, member, text);
}

static void
add_policy (JsonBuilder *builder, const PoFleetPolicyReport *policy)
{
  json_builder_begin_object (builder);
  add_string_or_null (builder, "policy_id", policy->policy_id);
  add_string_or_null (builder, "deadline", policy->deadline);

  json_builder_set_member_name (builder, "hosts");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, policy->hosts_total);
  for (guint b = 0; b < PO_FLEET_BUCKET_N; b++)
    {
      json_builder_set_member_name (builder, po_fleet_bucket_to_string (b));
      json_builder_add_int_value (builder, policy->hosts[b]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "burn_down");
  json_builder_begin_array (builder);
  for (guint i = 0; i < policy->burn_down->len; i++)
    {
      const PoFleetBurnPoint *point = &g_array_index (policy->burn_down, PoFleetBurnPoint, i);

      json_builder_begin_object (builder);
      add_day (builder, "date", point->day);
      json_builder_set_member_name (builder, "hosts_with_findings");
      json_builder_add_int_value (builder, point->hosts_with_findings);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_day (builder, "projected_zero", policy->projected_zero);

  json_builder_set_member_name (builder, "products");
  json_builder_begin_array (builder);
  for (guint i = 0; i < policy->products->len; i++)
    {
      const PoFleetProduct *product = g_ptr_array_index (policy->products, i);

      json_builder_begin_object (builder);
      add_string_or_null (builder, "product", product->product);
      json_builder_set_member_name (builder, "hosts");
      json_builder_add_int_value (builder, product->hosts);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "hosts_list");
  json_builder_begin_array (builder);
  for (guint i = 0; i < policy->hosts_list->len; i++)
    {
      const PoFleetHost *host = g_ptr_array_index (policy->hosts_list, i);

      json_builder_begin_object (builder);
      add_string_or_null (builder, "host", host->host_key);
      add_string_or_null (builder, "hostname", host->hostname);
      add_string_or_null (builder, "status", host->status);
      json_builder_set_member_name (builder, "findings");
      json_builder_add_int_value (builder, host->findings);
      add_string_or_null (builder, "deadline", host->deadline);
      add_time (builder, "last_seen", host->last_seen);
      json_builder_set_member_name (builder, "stale");
      json_builder_add_boolean_value (builder, host->bucket == PO_FLEET_BUCKET_STALE);
      add_string_or_null (builder, "engine", host->engine);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

void
po_fleet_report_render_json (const PoFleetReport *report, GString *out)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree gchar *text = NULL;

  json_builder_begin_object (builder);
  add_day (builder, "as_of", report->as_of);
  json_builder_set_member_name (builder, "stale_days");
  json_builder_add_int_value (builder, report->stale_days);
  json_builder_set_member_name (builder, "trend_days");
  json_builder_add_int_value (builder, report->trend_days);
  add_string_or_null (builder, "store", report->store_kind);
  json_builder_set_member_name (builder, "policies");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->policies->len; i++)
    add_policy (builder, g_ptr_array_index (report->policies, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_string_append (out, text);
  g_string_append_c (out, '\n');
}
