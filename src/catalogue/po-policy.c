/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PoPolicy: the immutable record of one ban or advice instrument, and the
 * one place that decides what a policy means for an organisation profile.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "po-catalogue-private.h"

static const gchar *const applicability_names[] = {
  [PO_APPLICABILITY_BINDING] = "binding",
  [PO_APPLICABILITY_ADVISORY] = "advisory",
  [PO_APPLICABILITY_EXCLUDED] = "excluded",
  [PO_APPLICABILITY_OUT_OF_SCOPE] = "out_of_scope",
  [PO_APPLICABILITY_OTHER_JURISDICTION] = "other_jurisdiction",
  [PO_APPLICABILITY_SWITCHED_OFF] = "switched_off",
  [PO_APPLICABILITY_NOT_ISSUED] = "not_issued",
  [PO_APPLICABILITY_OTHER_DEVICES] = "other_devices",
};

const gchar *
po_applicability_to_string (PoApplicability applicability)
{
  g_return_val_if_fail ((guint) applicability < G_N_ELEMENTS (applicability_names), NULL);
  return applicability_names[applicability];
}

gboolean
po_applicability_applies (PoApplicability applicability)
{
  return applicability == PO_APPLICABILITY_BINDING || applicability == PO_APPLICABILITY_ADVISORY;
}

static void
milestone_clear (PoMilestone *milestone)
{
  g_free ((gchar *) milestone->kind);
  g_free ((gchar *) milestone->date);
  g_clear_pointer (&milestone->when, g_date_time_unref);
  g_free ((gchar *) milestone->description);
  g_free ((gchar *) milestone->day);
  g_free ((gchar *) milestone->time);
}

gchar *
po_milestone_format_readable (const PoMilestone *milestone)
{
  const gchar *time = milestone->time;
  gsize clock_length;
  const gchar *zone;

  if (time == NULL)
    return g_strdup (milestone->day);
  /* "00:00:00-04:00" -> "00:00 UTC-04:00"; "12:30:15Z" -> "12:30:15 UTC" */
  clock_length = strcspn (time, "Z+-");
  zone = time + clock_length;
  if (clock_length == 8 && strncmp (time + 5, ":00", 3) == 0)
    clock_length = 5;
  return g_strdup_printf ("%s %.*s UTC%s", milestone->day, (int) clock_length, time,
                          *zone == 'Z' ? "" : zone);
}

PoScopeEntry *
po_scope_entry_new (void)
{
  PoScopeEntry *entry = g_new0 (PoScopeEntry, 1);

  entry->sources = po_sources_new ();
  return entry;
}

void
po_scope_entry_free (PoScopeEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->note);
  g_array_unref (entry->sources);
  g_free (entry);
}

/* a coverage value: NULL for a vendor named whole */
static void
product_set_free (gpointer products)
{
  g_clear_pointer (&products, g_hash_table_unref);
}

PoPolicy *
po_policy_new (void)
{
  PoPolicy *policy = g_new0 (PoPolicy, 1);

  g_atomic_ref_count_init (&policy->ref_count);
  policy->vendors = g_new0 (gchar *, 1);
  policy->vendor_ids = g_new0 (gchar *, 1);
  policy->coverage = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, product_set_free);
  policy->categories = g_new0 (gchar *, 1);
  policy->devices = g_strsplit ("all", ",", -1);
  policy->binds = g_new0 (gchar *, 1);
  policy->advises = g_new0 (gchar *, 1);
  policy->excludes = g_new0 (gchar *, 1);
  policy->scope_entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) po_scope_entry_free);
  policy->milestones = g_array_new (FALSE, TRUE, sizeof (PoMilestone));
  g_array_set_clear_func (policy->milestones, (GDestroyNotify) milestone_clear);
  policy->sources = po_sources_new ();
  return policy;
}

PoPolicy *
po_policy_ref (PoPolicy *policy)
{
  g_return_val_if_fail (policy != NULL, NULL);
  g_atomic_ref_count_inc (&policy->ref_count);
  return policy;
}

void
po_policy_unref (PoPolicy *policy)
{
  if (policy == NULL || !g_atomic_ref_count_dec (&policy->ref_count))
    return;
  g_free (policy->id);
  g_free (policy->title);
  g_free (policy->issuer);
  g_free (policy->jurisdiction);
  g_free (policy->instrument);
  g_free (policy->issued);
  g_clear_pointer (&policy->issued_when, g_date_time_unref);
  g_strfreev (policy->vendors);
  g_strfreev (policy->vendor_ids);
  g_hash_table_unref (policy->coverage);
  g_strfreev (policy->categories);
  g_strfreev (policy->devices);
  g_free (policy->replacement);
  g_strfreev (policy->binds);
  g_strfreev (policy->advises);
  g_strfreev (policy->excludes);
  g_hash_table_unref (policy->scope_entries);
  g_free (policy->scope_description);
  g_array_unref (policy->milestones);
  g_array_unref (policy->sources);
  g_free (policy->notes);
  g_free (policy->origin);
  g_free (policy->sha256);
  g_free (policy);
}

void
po_policy_set_vendors (PoPolicy *policy, GStrv vendors)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  g_strfreev (policy->vendors);
  policy->vendors = vendors;
  g_hash_table_remove_all (policy->coverage);
  for (guint i = 0; vendors[i] != NULL; i++)
    {
      const gchar *slash = strchr (vendors[i], '/');
      g_autofree gchar *vendor_id = slash != NULL ? g_strndup (vendors[i], slash - vendors[i])
                                                  : g_strdup (vendors[i]);
      GHashTable *products;

      if (!g_hash_table_lookup_extended (policy->coverage, vendor_id, NULL, (gpointer *) &products))
        {
          g_ptr_array_add (ids, g_strdup (vendor_id));
          products = slash != NULL ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL)
                                   : NULL;
          g_hash_table_insert (policy->coverage, g_strdup (vendor_id), products);
        }
      /* named whole (in any position) wins over products named too */
      if (slash == NULL)
        g_hash_table_insert (policy->coverage, g_steal_pointer (&vendor_id), NULL);
      else if (products != NULL)
        g_hash_table_add (products, g_strdup (slash + 1));
    }
  g_ptr_array_add (ids, NULL);
  g_strfreev (policy->vendor_ids);
  policy->vendor_ids = (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

const gchar *
po_policy_get_id (PoPolicy *policy)
{
  return policy->id;
}

const gchar *
po_policy_get_title (PoPolicy *policy)
{
  return policy->title;
}

const gchar *
po_policy_get_issuer (PoPolicy *policy)
{
  return policy->issuer;
}

const gchar *
po_policy_get_jurisdiction (PoPolicy *policy)
{
  return policy->jurisdiction;
}

const gchar *
po_policy_get_instrument (PoPolicy *policy)
{
  return policy->instrument;
}

const gchar *
po_policy_get_issued (PoPolicy *policy)
{
  return policy->issued;
}

gboolean
po_policy_is_issued_at (PoPolicy *policy, GDateTime *now)
{
  g_return_val_if_fail (now != NULL, FALSE);
  /* a policy built without a parsed date cannot be placed in time: in force */
  return policy->issued_when == NULL || g_date_time_compare (now, policy->issued_when) >= 0;
}

gboolean
po_policy_get_binding (PoPolicy *policy)
{
  return policy->binding;
}

const gchar *
po_policy_get_confidence (PoPolicy *policy)
{
  return policy->confidence;
}

const gchar *const *
po_policy_get_vendors (PoPolicy *policy)
{
  return (const gchar *const *) policy->vendors;
}

const gchar *const *
po_policy_get_vendor_ids (PoPolicy *policy)
{
  return (const gchar *const *) policy->vendor_ids;
}

const gchar *const *
po_policy_get_categories (PoPolicy *policy)
{
  return (const gchar *const *) policy->categories;
}

const gchar *const *
po_policy_get_devices (PoPolicy *policy)
{
  return (const gchar *const *) policy->devices;
}

gboolean
po_policy_covers_hosts (PoPolicy *policy)
{
  const gchar *const *devices = (const gchar *const *) policy->devices;

  return g_strv_contains (devices, "all") || g_strv_contains (devices, "desktop")
         || g_strv_contains (devices, "server");
}

const gchar *
po_policy_get_replacement (PoPolicy *policy)
{
  return policy->replacement;
}

const PoMilestone *
po_policy_get_milestones (PoPolicy *policy, guint *ret_n_milestones)
{
  if (ret_n_milestones != NULL)
    *ret_n_milestones = policy->milestones->len;
  return (const PoMilestone *) policy->milestones->data;
}

const PoMilestone *
po_policy_get_final_milestone (PoPolicy *policy)
{
  if (policy->milestones->len == 0)
    return NULL;
  return &g_array_index (policy->milestones, PoMilestone, policy->milestones->len - 1);
}

const gchar *const *
po_policy_get_binds (PoPolicy *policy)
{
  return (const gchar *const *) policy->binds;
}

const gchar *const *
po_policy_get_advises (PoPolicy *policy)
{
  return (const gchar *const *) policy->advises;
}

const gchar *const *
po_policy_get_excludes (PoPolicy *policy)
{
  return (const gchar *const *) policy->excludes;
}

const gchar *
po_policy_get_scope_confidence (PoPolicy *policy, const gchar *type)
{
  PoScopeEntry *entry = g_hash_table_lookup (policy->scope_entries, type);

  return entry != NULL && entry->confidence != NULL ? entry->confidence : policy->confidence;
}

const PoSource *
po_policy_get_scope_sources (PoPolicy *policy, const gchar *type, guint *ret_n_sources)
{
  PoScopeEntry *entry = g_hash_table_lookup (policy->scope_entries, type);

  if (ret_n_sources != NULL)
    *ret_n_sources = entry != NULL ? entry->sources->len : 0;
  return entry != NULL ? (const PoSource *) entry->sources->data : NULL;
}

const gchar *
po_policy_get_scope_note (PoPolicy *policy, const gchar *type)
{
  PoScopeEntry *entry = g_hash_table_lookup (policy->scope_entries, type);

  return entry != NULL ? entry->note : NULL;
}

const gchar *
po_policy_get_scope_description (PoPolicy *policy)
{
  return policy->scope_description;
}

const PoSource *
po_policy_get_sources (PoPolicy *policy, guint *ret_n_sources)
{
  if (ret_n_sources != NULL)
    *ret_n_sources = policy->sources->len;
  return (const PoSource *) policy->sources->data;
}

/* URLs cannot contain spaces, so a space separates them */
gchar *
po_policy_get_source_urls (PoPolicy *policy)
{
  g_autoptr (GString) urls = g_string_new (NULL);

  for (guint i = 0; i < policy->sources->len; i++)
    {
      const PoSource *source = &g_array_index (policy->sources, PoSource, i);
      if (source->url != NULL)
        g_string_append_printf (urls, "%s%s", urls->len > 0 ? " " : "", source->url);
    }
  return g_string_free (g_steal_pointer (&urls), FALSE);
}

const gchar *
po_policy_get_notes (PoPolicy *policy)
{
  return policy->notes;
}

const gchar *
po_policy_get_origin (PoPolicy *policy)
{
  return policy->origin;
}

const gchar *
po_policy_get_sha256 (PoPolicy *policy)
{
  return policy->sha256;
}

gboolean
po_policy_covers_vendor (PoPolicy *policy, const gchar *vendor_id)
{
  return vendor_id != NULL && g_hash_table_contains (policy->coverage, vendor_id);
}

gboolean
po_policy_covers_category (PoPolicy *policy, const gchar *category)
{
  if (g_strv_contains ((const gchar *const *) policy->categories, "all"))
    return TRUE;
  return category != NULL && g_strv_contains ((const gchar *const *) policy->categories, category);
}

gboolean
po_policy_covers (PoPolicy *policy, const gchar *vendor_id, const gchar *product_id,
                  const gchar *category)
{
  GHashTable *products;

  if (vendor_id == NULL
      || !g_hash_table_lookup_extended (policy->coverage, vendor_id, NULL, (gpointer *) &products))
    return FALSE;
  if (products == NULL)
    return po_policy_covers_category (policy, product_id != NULL ? category : NULL);
  return product_id != NULL && g_hash_table_contains (products, product_id);
}

/* ---- applicability ---- */

/*
 * Which of the profile's types (itself or through its parents) is entry,
 * for a policy of this jurisdiction; "all" is everybody.  A type of a
 * jurisdiction, and what it implies, counts only for that jurisdiction's
 * policies (po_vocabulary_organisation_type_counts_for()).  Returns the
 * profile's own type, or NULL.
 */
static const gchar *
profile_type_for (PoProfile *profile, const gchar *entry, const gchar *jurisdiction)
{
  const gchar *const *types = po_profile_get_organisation_types (profile);

  for (guint i = 0; types[i] != NULL; i++)
    {
      if (g_str_equal (entry, "all"))
        return types[i];
      for (const gchar *t = types[i];
           t != NULL && po_vocabulary_organisation_type_counts_for (t, jurisdiction);
           t = po_vocabulary_get_organisation_parent (t))
        if (g_str_equal (t, entry))
          return types[i];
    }
  return NULL;
}

/* the first entry of list that the profile is, with the profile's type */
static gboolean
find_in_scope (PoPolicy *policy, PoProfile *profile, gchar **list, const gchar **ret_entry,
               const gchar **ret_type)
{
  for (guint i = 0; list[i] != NULL; i++)
    {
      const gchar *type = profile_type_for (profile, list[i], policy->jurisdiction);
      if (type != NULL)
        {
          *ret_entry = list[i];
          *ret_type = type;
          return TRUE;
        }
    }
  return FALSE;
}

static gchar *
join_or (gchar **list, const gchar *empty)
{
  if (list[0] == NULL)
    return g_strdup (empty);
  return g_strjoinv (", ", list);
}

/* completes "the policy binds/advises/excludes ..." in one sentence */
static gchar *
matched_text (const gchar *entry, const gchar *type)
{
  if (g_str_equal (entry, "all"))
    return g_strdup_printf ("all organisations, the profile's %s among them", type);
  if (g_str_equal (entry, type))
    return g_strdup_printf ("%s, as the profile is", entry);
  return g_strdup_printf ("%s, which includes the profile's %s", entry, type);
}

/*
 * " (confidence reported; source: TITLE, URL)" for a scope entry sourced
 * apart from the instrument, so the reason says how sure it is; "" for an
 * entry that stands on the policy's own sources and confidence.
 */
static gchar *
scope_citation (PoPolicy *policy, const gchar *entry)
{
  g_autoptr (GString) text = g_string_new (NULL);
  const gchar *confidence = po_policy_get_scope_confidence (policy, entry);
  guint n_sources = 0;
  const PoSource *sources = po_policy_get_scope_sources (policy, entry, &n_sources);

  if (n_sources == 0 && g_strcmp0 (confidence, policy->confidence) == 0)
    return g_strdup ("");
  g_string_append_printf (text, " (confidence %s", confidence);
  for (guint i = 0; i < n_sources; i++)
    {
      g_string_append (text, i == 0 ? (n_sources == 1 ? "; source: " : "; sources: ") : "; ");
      g_string_append (text, sources[i].title);
      if (sources[i].url != NULL)
        g_string_append_printf (text, ", %s", sources[i].url);
    }
  g_string_append_c (text, ')');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* no profile (or no organisation type): as broadly as the scope allows */
static void
evaluate_broadest (PoPolicy *policy, const gchar *why, PoApplicability *ret_applicability,
                   gchar **ret_reason)
{
  if (policy->binds[0] != NULL)
    {
      g_autofree gchar *binds = g_strjoinv (", ", policy->binds);
      *ret_applicability = PO_APPLICABILITY_BINDING;
      *ret_reason = g_strdup_printf ("%s: evaluated as binding (the policy binds %s)", why, binds);
    }
  else
    {
      g_autofree gchar *advises = join_or (policy->advises, "nobody");
      *ret_applicability = PO_APPLICABILITY_ADVISORY;
      *ret_reason = g_strdup_printf ("%s: evaluated as advisory (the policy binds nobody and "
                                     "advises %s)",
                                     why, advises);
    }
}

/*
 * Why a policy is evaluated without a profile or a type.  When the
 * administrator configured one that was rejected (an unsafe or malformed
 * config file, a bad option), the reason says so: "configured nothing" would
 * be false, and would hide the mistake from whoever reads the reason.
 */
static gchar *
unprofiled_why (PoProfile *profile, const gchar *nothing_configured, const gchar *not_in_force)
{
  const gchar *problem = profile != NULL ? po_profile_get_problem (profile) : NULL;

  if (problem == NULL)
    return g_strdup (nothing_configured);
  return g_strdup_printf ("%s (%s)", not_in_force, problem);
}

/* "government-issued mobile devices", "desktops and laptops", "servers" */
static const gchar *
device_class_words (const gchar *device_class)
{
  if (g_strcmp0 (device_class, "mobile") == 0)
    return "government-issued mobile devices";
  if (g_strcmp0 (device_class, "desktop") == 0)
    return "desktops and laptops";
  return "servers";
}

static gchar *
devices_words (PoPolicy *policy)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; policy->devices[i] != NULL; i++)
    g_string_append_printf (text, "%s%s", i == 0 ? "" : " and ",
                            device_class_words (policy->devices[i]));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/*
 * Whether the policy's devices cover this host.  phaseout runs on desktops
 * and servers, never on phones: without a device-class in the profile the
 * host is one of those two.  ret_reason: why not, or (covered) a note when
 * the host's class is unknown and the policy names only one of the two;
 * NULL when there is nothing to say.
 */
static gboolean
devices_cover_host (PoPolicy *policy, PoProfile *profile, gchar **ret_reason)
{
  const gchar *const *devices = (const gchar *const *) policy->devices;
  const gchar *host = profile != NULL ? po_profile_get_device_class (profile) : NULL;
  g_autofree gchar *covered = devices_words (policy);
  g_autofree gchar *listed = g_strjoinv (", ", policy->devices);

  *ret_reason = NULL;
  if (g_strv_contains (devices, "all"))
    return TRUE;
  if (host != NULL)
    {
      if (g_strv_contains (devices, host))
        return TRUE;
      *ret_reason = g_strdup_printf ("the policy covers %s only (devices: %s); this host is a "
                                     "%s (device-class in the profile)",
                                     covered, listed, host);
      return FALSE;
    }
  if (g_strv_contains (devices, "desktop") && g_strv_contains (devices, "server"))
    return TRUE;
  if (g_strv_contains (devices, "desktop") || g_strv_contains (devices, "server"))
    {
      *ret_reason = g_strdup_printf ("; the policy covers %s only (devices: %s) and the "
                                     "profile sets no device-class, so this host is taken to "
                                     "be one",
                                     covered, listed);
      return TRUE;
    }
  *ret_reason = g_strdup_printf ("the policy covers %s only (devices: %s); this host is a "
                                 "desktop or server",
                                 covered, listed);
  return FALSE;
}

void
po_policy_evaluate (PoPolicy *policy, PoProfile *profile, GDateTime *now,
                    PoApplicability *ret_applicability, gchar **ret_reason)
{
  g_autofree gchar *devices_note = NULL;
  const gchar *entry = NULL;
  const gchar *type = NULL;
  PoApplicability applicability;
  g_autofree gchar *reason = NULL;
  gboolean profiled;

  g_return_if_fail (policy != NULL);
  g_return_if_fail (now != NULL);
  profiled = profile != NULL && !po_profile_is_empty (profile);

  if (profiled && po_profile_is_policy_disabled (profile, policy->id))
    {
      applicability = PO_APPLICABILITY_SWITCHED_OFF;
      reason = g_strdup ("switched off in the organisation profile (disabled-policies)");
    }
  else if (profiled && !po_profile_in_jurisdiction (profile, policy->jurisdiction))
    {
      g_autofree gchar *mine = g_strjoinv (", ", (gchar **) po_profile_get_jurisdictions (profile));
      applicability = PO_APPLICABILITY_OTHER_JURISDICTION;
      reason = g_strdup_printf ("the policy is for %s; the profile's jurisdictions are %s",
                                policy->jurisdiction, mine);
    }
  /* the host's class of device does not depend on the organisation, and
   * holds at any time: it comes before the issue date and the types */
  else if (!devices_cover_host (policy, profile, &devices_note))
    {
      applicability = PO_APPLICABILITY_OTHER_DEVICES;
      reason = g_steal_pointer (&devices_note);
    }
  /* a policy binds or advises nobody before it exists, whatever the profile;
   * the two verdicts above hold at any time, so they come first */
  else if (!po_policy_is_issued_at (policy, now))
    {
      applicability = PO_APPLICABILITY_NOT_ISSUED;
      reason = g_strdup_printf ("the policy is not issued until %s (in force from 00:00 UTC "
                                "that day)",
                                policy->issued);
    }
  else if (!profiled)
    {
      g_autofree gchar *why = unprofiled_why (profile, "no organisation profile configured",
                                              "no organisation profile in force");
      evaluate_broadest (policy, why, &applicability, &reason);
    }
  else if (po_profile_get_organisation_types (profile)[0] == NULL)
    {
      g_autofree gchar *why = unprofiled_why (profile,
                                              "the organisation profile names no organisation type",
                                              "no organisation type in force");
      evaluate_broadest (policy, why, &applicability, &reason);
    }
  else if (find_in_scope (policy, profile, policy->excludes, &entry, &type))
    {
      g_autofree gchar *what = matched_text (entry, type);
      g_autofree gchar *cited = scope_citation (policy, entry);
      applicability = PO_APPLICABILITY_EXCLUDED;
      reason = g_strdup_printf ("the policy excludes %s%s", what, cited);
    }
  else if (find_in_scope (policy, profile, policy->binds, &entry, &type))
    {
      g_autofree gchar *what = matched_text (entry, type);
      g_autofree gchar *cited = scope_citation (policy, entry);
      applicability = PO_APPLICABILITY_BINDING;
      reason = g_strdup_printf ("the policy binds %s%s", what, cited);
    }
  else if (find_in_scope (policy, profile, policy->advises, &entry, &type))
    {
      g_autofree gchar *what = matched_text (entry, type);
      g_autofree gchar *cited = scope_citation (policy, entry);
      applicability = PO_APPLICABILITY_ADVISORY;
      reason = g_strdup_printf ("the policy advises %s%s", what, cited);
    }
  else
    {
      g_autofree gchar *binds = join_or (policy->binds, "nobody");
      g_autofree gchar *advises = join_or (policy->advises, "nobody");
      g_autofree gchar *mine = g_strjoinv (", ",
                                           (gchar **) po_profile_get_organisation_types (profile));
      applicability = PO_APPLICABILITY_OUT_OF_SCOPE;
      reason = g_strdup_printf ("the policy binds %s and advises %s; the profile (%s) is "
                                "neither",
                                binds, advises, mine);
    }

  if (devices_note != NULL)
    {
      gchar *noted = g_strconcat (reason, devices_note, NULL);
      g_free (reason);
      reason = noted;
    }
  if (ret_applicability != NULL)
    *ret_applicability = applicability;
  if (ret_reason != NULL)
    *ret_reason = g_steal_pointer (&reason);
}

/* ---- JSON views for the table ---- */

static gchar *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

gchar *
po_policy_milestones_to_json (PoPolicy *policy)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < policy->milestones->len; i++)
    {
      const PoMilestone *milestone = &g_array_index (policy->milestones, PoMilestone, i);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, milestone->kind);
      json_builder_set_member_name (builder, "date");
      json_builder_add_string_value (builder, milestone->day);
      if (milestone->time != NULL)
        {
          json_builder_set_member_name (builder, "time");
          json_builder_add_string_value (builder, milestone->time);
        }
      json_builder_set_member_name (builder, "at");
      json_builder_add_int_value (builder, milestone->passed_at);
      if (milestone->description != NULL)
        {
          json_builder_set_member_name (builder, "description");
          json_builder_add_string_value (builder, milestone->description);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return builder_to_string (builder);
}

static void
add_list (JsonBuilder *builder, const gchar *name, gchar **list)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; list[i] != NULL; i++)
    json_builder_add_string_value (builder, list[i]);
  json_builder_end_array (builder);
}

/* "entries": {TYPE: {"confidence", "sources"?, "note"?}} for every entry of the lists */
static void
add_entries (JsonBuilder *builder, PoPolicy *policy)
{
  gchar **lists[] = { policy->binds, policy->advises, policy->excludes };

  json_builder_set_member_name (builder, "entries");
  json_builder_begin_object (builder);
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l][i] != NULL; i++)
      {
        const gchar *type = lists[l][i];
        const gchar *note = po_policy_get_scope_note (policy, type);
        guint n_sources = 0;
        const PoSource *sources = po_policy_get_scope_sources (policy, type, &n_sources);

        json_builder_set_member_name (builder, type);
        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "confidence");
        json_builder_add_string_value (builder, po_policy_get_scope_confidence (policy, type));
        if (n_sources > 0)
          {
            json_builder_set_member_name (builder, "sources");
            json_builder_begin_array (builder);
            for (guint s = 0; s < n_sources; s++)
              {
                json_builder_begin_object (builder);
                json_builder_set_member_name (builder, "title");
                json_builder_add_string_value (builder, sources[s].title);
                if (sources[s].url != NULL)
                  {
                    json_builder_set_member_name (builder, "url");
                    json_builder_add_string_value (builder, sources[s].url);
                  }
                json_builder_end_object (builder);
              }
            json_builder_end_array (builder);
          }
        if (note != NULL)
          {
            json_builder_set_member_name (builder, "note");
            json_builder_add_string_value (builder, note);
          }
        json_builder_end_object (builder);
      }
  json_builder_end_object (builder);
}

gchar *
po_policy_scope_to_json (PoPolicy *policy)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_list (builder, "binds", policy->binds);
  add_list (builder, "advises", policy->advises);
  add_list (builder, "excludes", policy->excludes);
  add_entries (builder, policy);
  if (policy->scope_description != NULL)
    {
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, policy->scope_description);
    }
  json_builder_end_object (builder);
  return builder_to_string (builder);
}
