/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One policy object of a policy file (docs/policy-format.md, "Policies"):
 * its fields, milestones and scope, every problem reported.
 */
#include <string.h>

#include "po-catalogue-check.h"

static void
parse_milestones (PoCheck *check, const gchar *object, JsonObject *json, GDateTime *issued,
                  GArray *milestones)
{
  static const gchar *const allowed[] = { "kind", "date", "description", NULL };
  JsonArray *array = po_check_get_array (check, object, NULL, json, "milestones", TRUE);
  GDateTime *previous = NULL;
  const gchar *previous_date = NULL;

  if (array == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree gchar *prefix = g_strdup_printf ("milestones[%u].", i);
      g_autofree gchar *date_field = g_strdup_printf ("milestones[%u].date", i);
      g_autoptr (GDateTime) when = NULL;
      const gchar *kind, *date, *description;
      PoMilestone milestone = { 0 };
      JsonObject *item;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_autofree gchar *field = g_strdup_printf ("milestones[%u]", i);
          po_check_report (check, object, field, "must be an object, not %s",
                           po_check_node_type_name (node));
          continue;
        }
      item = json_node_get_object (node);
      po_check_members (check, object, prefix, item, allowed);
      kind = po_check_get_string (check, object, prefix, item, "kind", TRUE);
      date = po_check_get_string (check, object, prefix, item, "date", TRUE);
      description = po_check_get_string (check, object, prefix, item, "description", FALSE);
      if (kind != NULL && !po_vocabulary_is_milestone_kind (kind))
        {
          g_autofree gchar *field = g_strconcat (prefix, "kind", NULL);
          g_autofree gchar *known = g_strjoinv (", ",
                                                (gchar **) po_vocabulary_get_milestone_kinds ());
          po_check_report (check, object, field, "unknown milestone kind '%s' (known: %s)", kind,
                           known);
        }
      if (date == NULL)
        continue;
      if (!po_vocabulary_parse_date (date, TRUE, &when))
        {
          po_check_report (check, object, date_field,
                           "bad date '%s' (expected YYYY-MM-DD, or RFC 3339 "
                           "with an offset such as 2024-09-29T00:00:00-04:00)",
                           date);
          continue;
        }
      if (previous != NULL && g_date_time_compare (when, previous) < 0)
        po_check_report (check, object, date_field,
                         "milestone out of order: %s comes before the "
                         "previous milestone's %s (list milestones in date order)",
                         date, previous_date);
      else if (issued != NULL && g_date_time_compare (when, issued) < 0)
        po_check_report (check, object, date_field, "milestone %s is before the issue date", date);
      previous = when;
      previous_date = date;
      milestone.kind = g_strdup (kind);
      milestone.date = g_strdup (date);
      milestone.day = g_strndup (date, 10);
      milestone.time = date[10] == 'T' ? g_strdup (date + 11) : NULL;
      /* a plain date is a whole UTC day: passed once the next one begins */
      milestone.passed_at = g_date_time_to_unix (when) + (milestone.time != NULL ? 0 : 86400);
      milestone.when = g_steal_pointer (&when);
      milestone.description = g_strdup (description);
      g_array_append_val (milestones, milestone);
    }
}

static gboolean
is_scope_type (const gchar *value)
{
  return g_strcmp0 (value, "all") == 0 || po_vocabulary_is_organisation_type (value);
}

/*
 * One scope entry given as an object, {"type": ..., "confidence": ...,
 * "sources": [...], "note": ...}: a part of the scope that is sourced
 * differently from the instrument (a spokesperson's word for an
 * exclusion the letter does not spell out).  Returns its type, or NULL
 * after reporting what is wrong.
 */
static const gchar *
parse_scope_entry (PoCheck *check, const gchar *object, const gchar *field, JsonObject *item,
                   PoScopeEntry **ret_entry)
{
  static const gchar *const allowed[] = { "type", "confidence", "sources", "note", NULL };
  g_autofree gchar *prefix = g_strconcat (field, ".", NULL);
  g_autoptr (PoScopeEntry) entry = po_scope_entry_new ();
  guint errors_before = check->errors->len;
  const gchar *type, *text;

  po_check_members (check, object, prefix, item, allowed);
  type = po_check_get_string (check, object, prefix, item, "type", TRUE);
  if (type != NULL && !is_scope_type (type))
    {
      g_autofree gchar *type_field = g_strconcat (prefix, "type", NULL);
      po_check_report (check, object, type_field, "unknown organisation type '%s'", type);
    }
  text = po_check_get_string (check, object, prefix, item, "confidence", FALSE);
  if (text != NULL)
    {
      entry->confidence = po_vocabulary_policy_confidence (text);
      if (entry->confidence == NULL)
        {
          g_autofree gchar *confidence_field = g_strconcat (prefix, "confidence", NULL);
          po_check_report (check, object, confidence_field,
                           "unknown confidence '%s' (known: "
                           "verified, reported, unverified)",
                           text);
        }
    }
  entry->note = g_strdup (po_check_get_string (check, object, prefix, item, "note", FALSE));
  po_check_parse_sources (check, object, prefix, item, FALSE, entry->sources);
  if (check->errors->len != errors_before)
    return NULL;
  *ret_entry = g_steal_pointer (&entry);
  return type;
}

/*
 * scope.binds, .advises or .excludes: organisation types (or "all"), each
 * a string or an object with its own confidence and sources.  Returns the
 * types as a new GStrv, or NULL when absent or bad; the objects' details
 * go to policy->scope_entries.
 */
static GStrv
parse_scope_list (PoCheck *check, const gchar *object, JsonObject *scope, const gchar *name,
                  PoPolicy *policy)
{
  g_autofree gchar *field = po_check_field_name ("scope.", name);
  JsonArray *array = po_check_get_array (check, object, "scope.", scope, name, FALSE);
  g_autoptr (GPtrArray) list = NULL;
  guint errors_before = check->errors->len;

  if (array == NULL)
    return NULL;
  list = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree gchar *item_field = g_strdup_printf ("%s[%u]", field, i);
      g_autoptr (PoScopeEntry) entry = NULL;
      const gchar *type;

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          type = parse_scope_entry (check, object, item_field, json_node_get_object (node), &entry);
          if (type == NULL)
            continue;
        }
      else if (po_check_is_string_node (node))
        {
          type = json_node_get_string (node);
          if (!is_scope_type (type))
            {
              po_check_report (check, object, item_field, "unknown organisation type '%s'", type);
              continue;
            }
        }
      else
        {
          po_check_report (check, object, item_field,
                           "must be an organisation type or an "
                           "object with one, not %s",
                           po_check_node_type_name (node));
          continue;
        }
      if (g_ptr_array_find_with_equal_func (list, type, g_str_equal, NULL))
        {
          po_check_report (check, object, item_field, "'%s' is listed twice", type);
          continue;
        }
      g_ptr_array_add (list, g_strdup (type));
      /* a type in two lists is reported by parse_scope(); the file is rejected then */
      if (entry != NULL)
        g_hash_table_replace (policy->scope_entries, g_strdup (type), g_steal_pointer (&entry));
    }
  if (check->errors->len != errors_before)
    return NULL;
  g_ptr_array_add (list, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&list), FALSE);
}

static void
parse_scope (PoCheck *check, const gchar *object, JsonObject *json, PoPolicy *policy, gint binding)
{
  static const gchar *const allowed[] = { "binds", "advises", "excludes", "description", NULL };
  JsonObject *scope = po_check_get_object (check, object, NULL, json, "scope", TRUE);
  GStrv *lists[] = { &policy->binds, &policy->advises, &policy->excludes };
  const gchar *names[] = { "binds", "advises", "excludes" };
  guint errors_before = check->errors->len;

  if (scope == NULL)
    return;
  po_check_members (check, object, "scope.", scope, allowed);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      GStrv list = parse_scope_list (check, object, scope, names[i], policy);
      if (list != NULL)
        {
          g_strfreev (*lists[i]);
          *lists[i] = list;
        }
    }
  policy->scope_description = g_strdup (
    po_check_get_string (check, object, "scope.", scope, "description", FALSE));
  if (check->errors->len != errors_before)
    return;

  if (g_strv_contains ((const gchar *const *) policy->excludes, "all"))
    po_check_report (check, object, "scope.excludes", "'all' would exclude everybody");
  /* a type of another jurisdiction would never match: the file is wrong */
  for (guint i = 0; i < G_N_ELEMENTS (lists) && policy->jurisdiction != NULL; i++)
    for (guint k = 0; (*lists[i])[k] != NULL; k++)
      if (!po_vocabulary_organisation_type_counts_for ((*lists[i])[k], policy->jurisdiction))
        {
          g_autofree gchar *field = g_strdup_printf ("scope.%s[%u]", names[i], k);
          po_check_report (check, object, field,
                           "'%s' is an organisation type of %s; a policy "
                           "for %s cannot name it",
                           (*lists[i])[k],
                           po_vocabulary_get_organisation_jurisdiction ((*lists[i])[k]),
                           policy->jurisdiction);
        }
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    for (guint j = i + 1; j < G_N_ELEMENTS (lists); j++)
      for (guint k = 0; (*lists[i])[k] != NULL; k++)
        if (g_strv_contains ((const gchar *const *) *lists[j], (*lists[i])[k]))
          {
            g_autofree gchar *field = g_strdup_printf ("scope.%s", names[j]);
            po_check_report (check, object, field, "'%s' is also in scope.%s", (*lists[i])[k],
                             names[i]);
          }
  if (policy->binds[0] == NULL && policy->advises[0] == NULL)
    po_check_report (check, object, "scope",
                     "the policy binds nobody and advises nobody "
                     "(scope.binds and scope.advises are both empty)");
  if (binding == 0 && policy->binds[0] != NULL)
    po_check_report (check, object, "scope.binds",
                     "a policy that is not binding (binding: false) "
                     "cannot bind anybody; list them in scope.advises");
}

/* "vendor" or "vendor/product", each an id */
static gboolean
is_vendor_entry (const gchar *value)
{
  g_auto (GStrv) parts = g_strsplit (value, "/", 3);

  return po_vocabulary_is_id (parts[0])
         && (parts[1] == NULL || (po_vocabulary_is_id (parts[1]) && parts[2] == NULL));
}

/*
 * vendors: ids (the vendor's products in categories) or vendor/product
 * (that product whatever categories says).  A vendor named both ways is
 * refused: either the whole vendor is covered or only the products named.
 */
static void
parse_vendors (PoCheck *check, const gchar *object, JsonObject *json, PoPolicy *policy)
{
  GStrv list = po_check_get_string_list (check, object, NULL, json, "vendors", TRUE, FALSE,
                                         is_vendor_entry,
                                         "not a vendor id or vendor/product:", NULL);

  if (list == NULL)
    return;
  for (guint i = 0; list[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (list[i], "/", 2);

      if (parts[1] != NULL && g_strv_contains ((const gchar *const *) list, parts[0]))
        {
          g_autofree gchar *field = g_strdup_printf ("vendors[%u]", i);
          po_check_report (check, object, field,
                           "'%s' names a product of '%s', which the "
                           "policy covers whole: list the vendor or its products, not both",
                           list[i], parts[0]);
        }
    }
  po_policy_set_vendors (policy, list);
}

static gboolean
is_device_class (const gchar *value)
{
  return g_strv_contains (po_vocabulary_get_device_classes (), value);
}

/* devices: the classes of government device the instrument covers; absent: all */
static void
parse_devices (PoCheck *check, const gchar *object, JsonObject *json, PoPolicy *policy)
{
  GStrv list;

  if (!json_object_has_member (json, "devices"))
    return;
  list = po_check_get_string_list (check, object, NULL, json, "devices", FALSE, FALSE,
                                   is_device_class, "unknown device class", "all");
  if (list == NULL)
    return;
  g_strfreev (policy->devices);
  policy->devices = list;
  if (g_strv_contains ((const gchar *const *) list, "all") && g_strv_length (list) > 1)
    po_check_report (check, object, "devices",
                     "'all' cannot be combined with other device "
                     "classes");
}

PoPolicy *
po_catalogue_parse_policy (PoCheck *check, JsonNode *node, guint index)
{
  static const gchar *const allowed[] = { "id",         "title",      "issuer",      "jurisdiction",
                                          "instrument", "issued",     "binding",     "confidence",
                                          "vendors",    "categories", "devices",     "milestones",
                                          "scope",      "sources",    "replacement", "notes",
                                          NULL };
  g_autoptr (PoPolicy) policy = NULL;
  g_autofree gchar *object = NULL;
  g_autoptr (GDateTime) issued = NULL;
  JsonObject *json;
  const gchar *id, *text;
  GStrv list;
  gint binding;
  guint errors_before = check->errors->len;

  json = po_check_open_object (check, node, "policy", "policies", index, &object, &id);
  if (json == NULL)
    return NULL;
  policy = po_policy_new ();
  policy->id = g_strdup (id);
  po_check_members (check, object, NULL, json, allowed);
  policy->title = g_strdup (po_check_get_string (check, object, NULL, json, "title", TRUE));
  policy->issuer = g_strdup (po_check_get_string (check, object, NULL, json, "issuer", TRUE));
  policy->instrument = g_strdup (
    po_check_get_string (check, object, NULL, json, "instrument", TRUE));
  policy->notes = g_strdup (po_check_get_string (check, object, NULL, json, "notes", FALSE));
  policy->replacement = g_strdup (
    po_check_get_string (check, object, NULL, json, "replacement", FALSE));

  text = po_check_get_string (check, object, NULL, json, "jurisdiction", TRUE);
  if (text != NULL)
    {
      policy->jurisdiction = po_vocabulary_normalise_jurisdiction (text);
      if (policy->jurisdiction == NULL)
        po_check_report (check, object, "jurisdiction",
                         "'%s' is not a jurisdiction (an ISO 3166 code "
                         "such as NL or US-TX, EU, or * for any)",
                         text);
    }

  text = po_check_get_string (check, object, NULL, json, "issued", TRUE);
  if (text != NULL)
    {
      if (!po_vocabulary_parse_date (text, FALSE, &issued))
        po_check_report (check, object, "issued", "bad date '%s' (expected YYYY-MM-DD)", text);
      else
        {
          policy->issued = g_strdup (text);
          policy->issued_when = g_date_time_ref (issued);
        }
    }

  binding = po_check_get_bool (check, object, NULL, json, "binding", TRUE);
  policy->binding = binding == 1;

  policy->confidence = g_intern_static_string ("verified");
  text = po_check_get_string (check, object, NULL, json, "confidence", FALSE);
  if (text != NULL)
    {
      policy->confidence = po_vocabulary_policy_confidence (text);
      if (policy->confidence == NULL)
        po_check_report (check, object, "confidence",
                         "unknown confidence '%s' (known: verified, "
                         "reported, unverified)",
                         text);
    }

  parse_vendors (check, object, json, policy);

  list = po_check_get_string_list (check, object, NULL, json, "categories", TRUE, FALSE,
                                   po_check_is_category, "unknown category", "all");
  if (list != NULL)
    {
      g_strfreev (policy->categories);
      policy->categories = list;
      if (g_strv_contains ((const gchar *const *) list, "all") && g_strv_length (list) > 1)
        po_check_report (check, object, "categories",
                         "'all' cannot be combined with other categories");
    }

  parse_devices (check, object, json, policy);
  parse_milestones (check, object, json, issued, policy->milestones);
  parse_scope (check, object, json, policy, binding);
  po_check_parse_sources (check, object, NULL, json, TRUE, policy->sources);

  if (check->errors->len != errors_before)
    return NULL;
  return g_steal_pointer (&policy);
}
