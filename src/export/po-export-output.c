/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `phaseout export` writes around the compiled queries: the names,
 * descriptions and resolutions taken from the policy data, the selection
 * of policies and platforms, and the osquery query pack (JSON, from
 * json-glib).  The Fleet YAML is written in po-export-fleet.c.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "po-error.h"
#include "po-export-private.h"

/* ---- the words around the queries ---------------------------------------- */

/* the name of a vendors entry: the vendor's ("Kaspersky"), or for
 * vendor/product the product's ("TikTok") */
static const gchar *
entry_name (PoCatalogue *catalogue, const gchar *entry)
{
  g_auto (GStrv) parts = g_strsplit (entry, "/", 2);
  PoVendor *vendor = po_catalogue_lookup_vendor (catalogue, parts[0]);
  GPtrArray *products;

  if (vendor == NULL)
    return entry;
  if (parts[1] == NULL)
    return po_vendor_get_name (vendor);
  products = po_vendor_get_products (vendor);
  for (guint p = 0; p < products->len; p++)
    if (g_str_equal (po_product_get_id (g_ptr_array_index (products, p)), parts[1]))
      return po_product_get_name (g_ptr_array_index (products, p));
  return entry;
}

/* "Kaspersky", "Kaspersky, Acme" or "TikTok" */
static gchar *
vendor_names (PoCatalogue *catalogue, PoPolicy *policy)
{
  const gchar *const *entries = po_policy_get_vendors (policy);
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; entries[i] != NULL; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", entry_name (catalogue, entries[i]));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
covers_all (PoPolicy *policy)
{
  return g_strv_contains (po_policy_get_categories (policy), "all");
}

/* "antivirus", "antivirus/edr", or "software" for every category */
static gchar *
category_words (PoPolicy *policy)
{
  if (covers_all (policy))
    return g_strdup ("software");
  return g_strjoinv ("/", (gchar **) po_policy_get_categories (policy));
}

/* the words a part adds to a name: ", Store apps" */
static const gchar *
part_title (PoExportQuery *query)
{
  const gchar *part = po_export_query_get_part (query);

  if (part == NULL)
    return "";
  if (g_str_equal (part, "store_apps"))
    return ", Store apps";
  return part;
}

gchar *
po_export_fleet_policy_name (PoCatalogue *catalogue, PoExportQuery *query)
{
  PoPolicy *policy = po_export_query_get_policy (query);
  g_autofree gchar *vendors = vendor_names (catalogue, policy);
  g_autofree gchar *categories = category_words (policy);

  return g_strdup_printf ("phaseout: %s - no %s %s (%s%s)", po_policy_get_id (policy), vendors,
                          categories,
                          po_export_platform_get_title (po_export_query_get_platform (query)),
                          part_title (query));
}

/* the pack's name for the query: phaseout_<policy>_<platform>[_<part>] */
static gchar *
pack_name (PoExportQuery *query)
{
  g_autofree gchar *name = po_export_pack_query_name (po_export_query_get_policy (query),
                                                      po_export_query_get_platform (query));
  const gchar *part = po_export_query_get_part (query);

  if (part == NULL)
    return g_steal_pointer (&name);
  return g_strdup_printf ("%s_%s", name, part);
}

static void
append_list (GString *out, const gchar *const *items)
{
  for (guint i = 0; items[i] != NULL; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", items[i]);
}

/* "Deadline: ..." and the milestones, one line each */
static void
append_dates (GString *out, PoPolicy *policy)
{
  guint n_milestones = 0;
  const PoMilestone *milestones = po_policy_get_milestones (policy, &n_milestones);
  const PoMilestone *final = po_policy_get_final_milestone (policy);
  g_autofree gchar *deadline = NULL;

  if (final == NULL)
    {
      g_string_append (out, "Deadline: none; the instrument sets no date.\n");
      return;
    }
  deadline = po_milestone_format_readable (final);
  g_string_append_printf (out, "Deadline: %s (%s).\n", deadline, final->kind);
  for (guint i = 0; i < n_milestones; i++)
    {
      g_autofree gchar *date = po_milestone_format_readable (&milestones[i]);
      g_string_append_printf (out, "- %s %s%s%s\n", date, milestones[i].kind,
                              milestones[i].description != NULL ? ": " : "",
                              milestones[i].description != NULL ? milestones[i].description : "");
    }
}

/* who the policy binds, advises and excludes, in one line */
static void
append_scope (GString *out, PoPolicy *policy)
{
  const gchar *const *binds = po_policy_get_binds (policy);
  const gchar *const *advises = po_policy_get_advises (policy);
  const gchar *const *excludes = po_policy_get_excludes (policy);

  g_string_append (out, po_policy_get_binding (policy) ? "Binding instrument."
                                                       : "Guidance, not binding.");
  if (binds[0] != NULL)
    {
      g_string_append (out, " Binds: ");
      append_list (out, binds);
      g_string_append_c (out, '.');
    }
  if (advises[0] != NULL)
    {
      g_string_append (out, " Advises: ");
      append_list (out, advises);
      g_string_append_c (out, '.');
    }
  if (excludes[0] != NULL)
    {
      g_string_append (out, " Excludes: ");
      append_list (out, excludes);
      g_string_append_c (out, '.');
    }
  g_string_append_c (out, '\n');
}

static const gchar *
first_url (PoPolicy *policy)
{
  guint n_sources = 0;
  const PoSource *sources = po_policy_get_sources (policy, &n_sources);

  for (guint i = 0; i < n_sources; i++)
    if (sources[i].url != NULL)
      return sources[i].url;
  return NULL;
}

gchar *
po_export_describe (PoCatalogue *catalogue, PoExportQuery *query, gboolean fleet)
{
  PoPolicy *policy = po_export_query_get_policy (query);
  PoExportPlatform platform = po_export_query_get_platform (query);
  g_autofree gchar *vendors = vendor_names (catalogue, policy);
  g_autoptr (GString) out = g_string_new (NULL);
  const gchar *url = first_url (policy);

  if (fleet)
    g_string_append_printf (out,
                            "Passes when none of the %s %s that %s covers is found on this "
                            "%s host.\n",
                            vendors, covers_all (policy) ? "software" : "products",
                            po_policy_get_id (policy), po_export_platform_get_title (platform));
  else
    g_string_append_printf (out,
                            "Lists the %s %s that %s covers found on this %s host, one "
                            "row each with how it matched; no rows: none found.\n",
                            vendors, covers_all (policy) ? "software" : "products",
                            po_policy_get_id (policy), po_export_platform_get_title (platform));
  g_string_append_printf (out, "%s\n", po_policy_get_title (policy));
  g_string_append_printf (out, "Instrument: %s\n", po_policy_get_instrument (policy));
  g_string_append_printf (out, "Issuer: %s (%s), issued %s.\n", po_policy_get_issuer (policy),
                          po_policy_get_jurisdiction (policy), po_policy_get_issued (policy));
  append_scope (out, policy);
  if (po_policy_get_scope_description (policy) != NULL)
    g_string_append_printf (out, "Scope: %s\n", po_policy_get_scope_description (policy));
  g_string_append (out, "Covers: ");
  if (covers_all (policy))
    g_string_append (out, "every product category");
  else
    append_list (out, po_policy_get_categories (policy));
  g_string_append_printf (out, " (%s).\n", vendors);
  append_dates (out, policy);
  if (url != NULL)
    g_string_append_printf (out, "Source: %s\n", url);
  g_string_append_printf (out, "Policy data: %s, sha256 %s.\n", po_policy_get_origin (policy),
                          po_policy_get_sha256 (policy));
  if (po_export_query_get_part (query) != NULL)
    g_string_append_printf (out,
                            "Needs osquery %s or later: an older osquery lacks what this "
                            "query reads, and fails this query alone (the %s query of the "
                            "policy runs without it).\n",
                            po_export_part_get_osquery_version (po_export_query_get_part (query)),
                            po_export_platform_get_title (platform));
  if (po_export_query_get_n_unconfirmed (query) > 0)
    g_string_append_printf (out, "%u of the indicators rest on one source (weak): %s",
                            po_export_query_get_n_unconfirmed (query),
                            fleet ? "they do not fail this policy; the findings query lists "
                                    "what they match, marked [weak], to check by hand.\n"
                                  : "their rows are marked [weak] in matched: unconfirmed, "
                                    "to check by hand.\n");
  g_string_append_printf (out,
                          "Compiled by phaseout %s from %u indicators to osquery core "
                          "tables (",
                          PHASEOUT_VERSION, po_export_query_get_n_indicators (query));
  append_list (out, po_export_query_get_tables (query));
  g_string_append (out, "); without the phaseout extension there is no history and no days "
                        "remaining: ");
  g_string_append (out, fleet ? "this policy's pass or fail is the answer."
                              : "the rows found are the answer.");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gchar *
po_export_resolution (PoCatalogue *catalogue, PoExportQuery *query)
{
  PoPolicy *policy = po_export_query_get_policy (query);
  PoExportPlatform platform = po_export_query_get_platform (query);
  const gchar *const *products = po_export_query_get_products (query);
  const gchar *const *remediations = po_export_query_get_remediations (query);
  g_autofree gchar *vendors = vendor_names (catalogue, policy);
  g_autofree gchar *name = pack_name (query);
  g_autoptr (GString) out = g_string_new (NULL);

  g_string_append (out, "Uninstall the software this policy finds (or replace it), then let "
                        "Fleet run the policy again.\n");
  if (products[0] != NULL)
    {
      g_string_append_printf (out, "Covered on %s: ", po_export_platform_get_title (platform));
      append_list (out, products);
      g_string_append (out, po_export_query_get_vendor_wide (query)
                              ? "; and anything else published or signed by "
                              : ".\n");
      if (po_export_query_get_vendor_wide (query))
        g_string_append_printf (out, "%s.\n", vendors);
    }
  else if (po_export_query_get_vendor_wide (query))
    g_string_append_printf (out, "Covered on %s: anything published or signed by %s.\n",
                            po_export_platform_get_title (platform), vendors);
  if (remediations[0] != NULL)
    {
      g_string_append (out, "How to remove it:\n");
      for (guint i = 0; remediations[i] != NULL; i++)
        g_string_append_printf (out, "- %s\n", remediations[i]);
    }
  if (po_policy_get_replacement (policy) != NULL)
    g_string_append_printf (out, "Replacement, as the instrument says: %s\n",
                            po_policy_get_replacement (policy));
  g_string_append_printf (out,
                          "To see what was found and how it matched, run the findings "
                          "query: `phaseout export sql --policy %s --platform %s`, or the query "
                          "pack's %s.",
                          po_policy_get_id (policy), po_export_platform_to_string (platform), name);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

gchar *
po_export_pack_query_name (PoPolicy *policy, PoExportPlatform platform)
{
  return g_strdup_printf ("phaseout_%s_%s", po_policy_get_id (policy),
                          po_export_platform_to_string (platform));
}

/* ---- selection ------------------------------------------------------------- */

/*
 * Compiles every selected policy for every selected platform and part and
 * hands the queries with something to look for to emit; notes the rest.
 * need_policy_sql: the emitter writes the pass/fail query (Fleet), which
 * has only confirmed indicators.  Returns how many were emitted.
 */
guint
po_export_for_each_query (PoCatalogue *catalogue, GPtrArray *policies,
                          const PoExportOptions *options, GString *notes, gboolean need_policy_sql,
                          PoExportEmitFunc emit, gpointer user_data)
{
  GPtrArray *selected = policies != NULL ? policies : po_catalogue_get_policies (catalogue);
  guint mask = options->platforms != 0 ? options->platforms : PO_EXPORT_PLATFORMS_ALL;
  guint n_emitted = 0;

  for (guint i = 0; i < selected->len; i++)
    {
      PoPolicy *policy = g_ptr_array_index (selected, i);

      /* phaseout's SQL runs on desktops and servers: a phones-only rule has
       * nothing to find there */
      if (!po_policy_covers_hosts (policy))
        {
          if (notes != NULL)
            {
              g_autofree gchar *devices = g_strjoinv (", ",
                                                      (gchar **) po_policy_get_devices (policy));
              g_string_append_printf (notes,
                                      "%s: left out: it covers %s devices only, and "
                                      "osquery runs on desktops and servers\n",
                                      po_policy_get_id (policy), devices);
            }
          continue;
        }
      for (guint p = 0; p < PO_EXPORT_PLATFORM_N; p++)
        {
          const gchar *const *parts = po_export_platform_get_parts ((PoExportPlatform) p);
          gboolean any_findings = FALSE;

          if ((mask & (1u << p)) == 0)
            continue;
          for (gint k = -1; k < 0 || parts[k] != NULL; k++)
            {
              const gchar *part = k < 0 ? NULL : parts[k];
              g_autoptr (PoExportQuery) query = po_export_query_new_part (catalogue, policy,
                                                                          (PoExportPlatform) p,
                                                                          part);
              const gchar *platform = po_export_platform_to_string ((PoExportPlatform) p);
              g_autofree gchar *where = part != NULL ? g_strdup_printf ("%s (%s)", platform, part)
                                                     : g_strdup (platform);

              if (notes != NULL)
                g_string_append (notes, po_export_query_get_notes (query));
              if (po_export_query_get_findings_sql (query) == NULL)
                continue;
              any_findings = TRUE;
              if (need_policy_sql && po_export_query_get_policy_sql (query) == NULL)
                {
                  if (notes != NULL)
                    g_string_append_printf (notes,
                                            "%s on %s: left out: all the indicators it "
                                            "covers there are weak (one source), which fail no "
                                            "host; the query pack lists what they find\n",
                                            po_policy_get_id (policy), where);
                  continue;
                }
              emit (catalogue, query, options, user_data);
              n_emitted++;
            }
          /* said once per platform: a query of its own (Store apps) may be
           * all a policy has there, as for TikTok on Windows */
          if (!any_findings && notes != NULL)
            g_string_append_printf (notes,
                                    "%s on %s: left out: none of the indicators it "
                                    "covers can be seen through osquery's core tables there\n",
                                    po_policy_get_id (policy),
                                    po_export_platform_to_string ((PoExportPlatform) p));
        }
    }
  return n_emitted;
}

gboolean
po_export_nothing_exported (GError **error)
{
  g_set_error_literal (error, PO_ERROR, PO_ERROR_NOT_FOUND,
                       "nothing to export: none of the selected policies covers an indicator "
                       "that osquery's core tables show on the selected platforms");
  return FALSE;
}

/* ---- osquery pack ------------------------------------------------------------ */

typedef struct {
  JsonBuilder *builder;
} PackEmit;

static void
emit_pack_query (PoCatalogue *catalogue, PoExportQuery *query, const PoExportOptions *options,
                 gpointer user_data)
{
  PackEmit *emit = user_data;
  PoExportPlatform platform = po_export_query_get_platform (query);
  g_autofree gchar *name = pack_name (query);
  g_autofree gchar *description = po_export_describe (catalogue, query, FALSE);

  json_builder_set_member_name (emit->builder, name);
  json_builder_begin_object (emit->builder);
  json_builder_set_member_name (emit->builder, "query");
  json_builder_add_string_value (emit->builder, po_export_query_get_findings_sql (query));
  json_builder_set_member_name (emit->builder, "interval");
  json_builder_add_int_value (emit->builder, options->interval != 0 ? options->interval : 3600);
  json_builder_set_member_name (emit->builder, "platform");
  json_builder_add_string_value (emit->builder, po_export_platform_to_string (platform));
  json_builder_set_member_name (emit->builder, "description");
  json_builder_add_string_value (emit->builder, description);
  if (options->snapshot)
    {
      json_builder_set_member_name (emit->builder, "snapshot");
      json_builder_add_boolean_value (emit->builder, TRUE);
    }
  json_builder_end_object (emit->builder);
}

gchar *
po_export_table_description (PoExportTable table, PoExportPlatform platform)
{
  return g_strdup_printf (
    "phaseout's %s table for %s hosts without the phaseout extension: the same columns with "
    "the same meanings, computed by plain osquery SQL over osquery's core tables and its time "
    "table, and engine 'sql' (the extension's rows say 'extension'). Applicability was "
    "decided when phaseout %s wrote this query, for the organisation profile it was given; "
    "dates, days remaining and status are computed when it runs. No history: first_detected, "
    "first_seen and last_seen are NULL.",
    po_export_table_to_string (table), po_export_platform_get_title (platform), PHASEOUT_VERSION);
}

/* one of the extension's tables as a pack query of platform */
static void
emit_table_query (PoCatalogue *catalogue, GPtrArray *policies, const PoExportOptions *options,
                  PoExportPlatform platform, PoExportTable table, JsonBuilder *builder,
                  GString *notes)
{
  g_autofree gchar *sql = po_export_table_sql (catalogue, policies, options->profile, platform,
                                               table, notes);
  g_autofree gchar *description = po_export_table_description (table, platform);

  json_builder_set_member_name (builder, po_export_table_to_string (table));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "query");
  json_builder_add_string_value (builder, sql);
  json_builder_set_member_name (builder, "interval");
  json_builder_add_int_value (builder, options->interval != 0 ? options->interval : 3600);
  json_builder_set_member_name (builder, "platform");
  json_builder_add_string_value (builder, po_export_platform_to_string (platform));
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, description);
  if (options->snapshot)
    {
      json_builder_set_member_name (builder, "snapshot");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);
}

/* the pack of one platform: its tables, then its per-policy queries */
static void
emit_platform_pack (PoCatalogue *catalogue, GPtrArray *policies, const PoExportOptions *options,
                    PoExportPlatform platform, JsonBuilder *builder, GString *notes)
{
  PoExportOptions one = *options;
  PackEmit emit = { builder };

  one.platforms = 1u << platform;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "platform");
  json_builder_add_string_value (builder, po_export_platform_to_string (platform));
  json_builder_set_member_name (builder, "queries");
  json_builder_begin_object (builder);
  emit_table_query (catalogue, policies, options, platform, PO_EXPORT_TABLE_STATUS, builder, NULL);
  emit_table_query (catalogue, policies, options, platform, PO_EXPORT_TABLE_BANNED_SOFTWARE,
                    builder, NULL);
  po_export_for_each_query (catalogue, policies, &one, notes, FALSE, emit_pack_query, &emit);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

gboolean
po_export_pack (PoCatalogue *catalogue, GPtrArray *policies, const PoExportOptions *options,
                GString *out, GString *notes, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *text = NULL;
  PackEmit emit = { builder };
  guint mask = options->platforms != 0 ? options->platforms : PO_EXPORT_PLATFORMS_ALL;
  guint n_queries;

  g_return_val_if_fail (catalogue != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (options->interval > PO_EXPORT_PACK_MAX_INTERVAL)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT,
                   "interval %u is over %u seconds (7 days), the most osquery schedules: "
                   "it would drop the query",
                   options->interval, PO_EXPORT_PACK_MAX_INTERVAL);
      return FALSE;
    }
  if (options->tables)
    {
      guint n_platforms = 0;

      for (guint p = 0; p < PO_EXPORT_PLATFORM_N; p++)
        n_platforms += (mask & (1u << p)) != 0;
      if (n_platforms > 1)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "packs");
          json_builder_begin_object (builder);
        }
      for (guint p = 0; p < PO_EXPORT_PLATFORM_N; p++)
        {
          g_autofree gchar *pack_name = NULL;

          if ((mask & (1u << p)) == 0)
            continue;
          pack_name = g_strdup_printf ("phaseout-%s",
                                       po_export_platform_to_string ((PoExportPlatform) p));
          if (n_platforms > 1)
            json_builder_set_member_name (builder, pack_name);
          emit_platform_pack (catalogue, policies, options, (PoExportPlatform) p, builder, notes);
        }
      if (n_platforms > 1)
        {
          json_builder_end_object (builder);
          json_builder_end_object (builder);
        }
    }
  else
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "queries");
      json_builder_begin_object (builder);
      n_queries = po_export_for_each_query (catalogue, policies, options, notes, FALSE,
                                            emit_pack_query, &emit);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      if (n_queries == 0)
        return po_export_nothing_exported (error);
    }

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  g_string_append (out, text);
  g_string_append_c (out, '\n');
  return TRUE;
}
