/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading one policy file: strict JSON, then every object and field checked
 * against docs/policy-format.md.  Validation does not stop at the first
 * problem: `phaseout policy check` shows an administrator all of them at
 * once, each naming the file, the object (policy or vendor id), the field
 * and what is wrong.  A file with any problem yields nothing: it is
 * rejected whole.
 */
#include <stdarg.h>
#include <string.h>

#include "po-catalogue-private.h"
#include "po-json-strict.h"

typedef struct {
  const gchar *name;     /* the file, as messages name it */
  GPtrArray   *errors;   /* gchar* */
} Check;

/* "<file>: <object>: field '<field>': <problem>" */
G_GNUC_PRINTF (4, 5) static void
report (Check *check, const gchar *object, const gchar *field, const gchar *format, ...)
{
  g_autoptr(GString) message = g_string_new (check->name);
  g_autofree gchar *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);
  if (object != NULL)
    g_string_append_printf (message, ": %s", object);
  if (field != NULL)
    g_string_append_printf (message, ": field '%s'", field);
  g_string_append_printf (message, ": %s", problem);
  g_ptr_array_add (check->errors, g_string_free (g_steal_pointer (&message), FALSE));
}

static gchar *
field_name (const gchar *prefix, const gchar *member)
{
  return g_strconcat (prefix != NULL ? prefix : "", member, NULL);
}

/* reports members not in allowed; TRUE when there were none */
static gboolean
check_members (Check *check, const gchar *object, const gchar *prefix, JsonObject *json,
               const gchar *const *allowed)
{
  g_autoptr(GList) members = json_object_get_members (json);
  gboolean ok = TRUE;

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree gchar *field = field_name (prefix, l->data);
        g_autofree gchar *known = g_strjoinv (", ", (gchar **) allowed);
        report (check, object, field, "unknown field (known: %s)", known);
        ok = FALSE;
      }
  return ok;
}

static const gchar *
node_type_name (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    default:
      return "a number";
    }
}

static gboolean
is_string_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* a member that must be a non-empty string; NULL when absent or bad */
static const gchar *
get_string (Check *check, const gchar *object, const gchar *prefix, JsonObject *json,
            const gchar *member, gboolean required)
{
  g_autofree gchar *field = field_name (prefix, member);
  JsonNode *node = json_object_get_member (json, member);
  const gchar *value;

  if (node == NULL)
    {
      if (required)
        report (check, object, field, "missing");
      return NULL;
    }
  if (!is_string_node (node))
    {
      report (check, object, field, "must be a string, not %s", node_type_name (node));
      return NULL;
    }
  value = json_node_get_string (node);
  if (*value == '\0' || g_ascii_isspace (value[0]))
    {
      report (check, object, field, "must not be empty or start with white space");
      return NULL;
    }
  return value;
}

/* -1 when absent or bad */
static gint
get_bool (Check *check, const gchar *object, const gchar *prefix, JsonObject *json,
          const gchar *member, gboolean required)
{
  g_autofree gchar *field = field_name (prefix, member);
  JsonNode *node = json_object_get_member (json, member);

  if (node == NULL)
    {
      if (required)
        report (check, object, field, "missing");
      return -1;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      report (check, object, field, "must be true or false, not %s", node_type_name (node));
      return -1;
    }
  return json_node_get_boolean (node) ? 1 : 0;
}

static JsonObject *
get_object (Check *check, const gchar *object, const gchar *prefix, JsonObject *json,
            const gchar *member, gboolean required)
{
  g_autofree gchar *field = field_name (prefix, member);
  JsonNode *node = json_object_get_member (json, member);

  if (node == NULL)
    {
      if (required)
        report (check, object, field, "missing");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      report (check, object, field, "must be an object, not %s", node_type_name (node));
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonArray *
get_array (Check *check, const gchar *object, const gchar *prefix, JsonObject *json,
           const gchar *member, gboolean required)
{
  g_autofree gchar *field = field_name (prefix, member);
  JsonNode *node = json_object_get_member (json, member);

  if (node == NULL)
    {
      if (required)
        report (check, object, field, "missing");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      report (check, object, field, "must be an array, not %s", node_type_name (node));
      return NULL;
    }
  return json_node_get_array (node);
}

typedef gboolean (*ValueCheck) (const gchar *value);

/*
 * An array of distinct non-empty strings, each passing valid (may be
 * NULL); what describes a bad one ("unknown category").  Returns a new
 * GStrv (possibly empty) or NULL when absent and not required, or bad.
 */
static GStrv
get_string_list (Check *check, const gchar *object, const gchar *prefix, JsonObject *json,
                 const gchar *member, gboolean required, gboolean allow_empty, ValueCheck valid,
                 const gchar *what, const gchar *also_allowed)
{
  g_autofree gchar *field = field_name (prefix, member);
  JsonArray *array = get_array (check, object, prefix, json, member, required);
  g_autoptr(GPtrArray) list = NULL;
  guint errors_before = check->errors->len;

  if (array == NULL)
    return NULL;
  if (json_array_get_length (array) == 0 && !allow_empty)
    {
      report (check, object, field, "must not be empty");
      return NULL;
    }
  list = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree gchar *item_field = g_strdup_printf ("%s[%u]", field, i);
      const gchar *value;

      if (!is_string_node (node))
        {
          report (check, object, item_field, "must be a string, not %s", node_type_name (node));
          continue;
        }
      value = json_node_get_string (node);
      if (*value == '\0')
        {
          report (check, object, item_field, "must not be empty");
          continue;
        }
      if (valid != NULL && !valid (value) && g_strcmp0 (value, also_allowed) != 0)
        {
          report (check, object, item_field, "%s '%s'", what, value);
          continue;
        }
      if (g_ptr_array_find_with_equal_func (list, value, g_str_equal, NULL))
        {
          report (check, object, item_field, "'%s' is listed twice", value);
          continue;
        }
      g_ptr_array_add (list, g_strdup (value));
    }
  if (check->errors->len != errors_before)
    return NULL;
  g_ptr_array_add (list, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&list), FALSE);
}

static gboolean
is_url (const gchar *text)
{
  return (g_str_has_prefix (text, "https://") || g_str_has_prefix (text, "http://"))
         && strlen (text) > strlen ("https://") && strpbrk (text, " \t\r\n\"<>") == NULL;
}

/* sources: [{"title": ..., "url": ...}, ...]; prefix: where json is ("scope.excludes[0].") */
static gboolean
parse_sources (Check *check, const gchar *object, const gchar *prefix, JsonObject *json,
               gboolean required, GArray *sources)
{
  static const gchar *const allowed[] = { "title", "url", NULL };
  JsonArray *array = get_array (check, object, prefix, json, "sources", required);
  g_autofree gchar *field = field_name (prefix, "sources");
  guint errors_before = check->errors->len;
  gboolean any_url = FALSE;

  if (array == NULL)
    return !required;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree gchar *item = g_strdup_printf ("%s[%u]", field, i);
      g_autofree gchar *item_prefix = g_strconcat (item, ".", NULL);
      const gchar *title, *url;
      PoSource source;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          report (check, object, item, "must be an object with title and url, not %s",
                  node_type_name (node));
          continue;
        }
      check_members (check, object, item_prefix, json_node_get_object (node), allowed);
      title = get_string (check, object, item_prefix, json_node_get_object (node), "title", TRUE);
      url = get_string (check, object, item_prefix, json_node_get_object (node), "url", FALSE);
      if (url != NULL && !is_url (url))
        {
          g_autofree gchar *url_field = g_strconcat (item_prefix, "url", NULL);
          report (check, object, url_field, "'%s' is not an http(s) URL", url);
          continue;
        }
      if (title == NULL)
        continue;
      any_url |= url != NULL;
      source.title = g_strdup (title);
      source.url = g_strdup (url);
      g_array_append_val (sources, source);
    }
  if (required && json_array_get_length (array) == 0)
    report (check, object, field, "must cite at least one source");
  else if (required && !any_url && check->errors->len == errors_before)
    report (check, object, field, "at least one source needs a url");
  return check->errors->len == errors_before;
}

/*
 * indicators: {"linux": {"deb_package": ["kesl", {"pattern": "kesl-*",
 * "confidence": "weak", "note": "..."}], ...}, "windows": {...}, ...}
 */
static void
parse_indicators (Check *check, const gchar *object, JsonObject *json,
                  const gchar *default_confidence, GPtrArray *indicators)
{
  static const gchar *const platforms[] = { "linux", "windows", "macos", NULL };
  static const gchar *const item_members[] = { "pattern", "confidence", "note", NULL };
  JsonObject *by_platform = get_object (check, object, NULL, json, "indicators", FALSE);
  g_autoptr(GList) platform_names = NULL;

  if (by_platform == NULL)
    return;
  check_members (check, object, "indicators.", by_platform, platforms);
  platform_names = json_object_get_members (by_platform);
  for (GList *p = platform_names; p != NULL; p = p->next)
    {
      const gchar *platform = p->data;
      g_autofree gchar *platform_prefix = g_strdup_printf ("indicators.%s.", platform);
      JsonObject *by_kind;
      g_autoptr(GList) kind_names = NULL;

      if (!g_strv_contains (platforms, platform))
        continue;
      by_kind = get_object (check, object, "indicators.", by_platform, platform, TRUE);
      if (by_kind == NULL)
        continue;
      kind_names = json_object_get_members (by_kind);
      for (GList *k = kind_names; k != NULL; k = k->next)
        {
          g_autofree gchar *kind_field = g_strconcat (platform_prefix, k->data, NULL);
          PoIndicatorKind kind;
          JsonArray *items;
          g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

          if (!po_indicator_kind_from_key (platform, k->data, &kind))
            {
              g_autoptr(GString) known = g_string_new (NULL);
              for (guint i = 0; i < PO_INDICATOR_KIND_N; i++)
                if (g_str_equal (po_indicator_kind_get_platform (i), platform))
                  g_string_append_printf (known, "%s%s", known->len > 0 ? ", " : "",
                                          po_indicator_kind_get_key (i));
              report (check, object, kind_field, "unknown indicator kind (known for %s: %s)",
                      platform, known->str);
              continue;
            }
          items = get_array (check, object, platform_prefix, by_kind, k->data, TRUE);
          if (items == NULL)
            continue;
          for (guint i = 0; i < json_array_get_length (items); i++)
            {
              JsonNode *node = json_array_get_element (items, i);
              g_autofree gchar *item_field = g_strdup_printf ("%s[%u]", kind_field, i);
              g_autofree gchar *item_prefix = g_strdup_printf ("%s.", item_field);
              g_autofree gchar *problem = NULL;
              const gchar *pattern = NULL;
              const gchar *confidence = default_confidence;
              const gchar *note = NULL;
              PoIndicator *indicator;

              if (is_string_node (node))
                {
                  pattern = json_node_get_string (node);
                }
              else if (JSON_NODE_HOLDS_OBJECT (node))
                {
                  JsonObject *item = json_node_get_object (node);
                  const gchar *text;

                  check_members (check, object, item_prefix, item, item_members);
                  pattern = get_string (check, object, item_prefix, item, "pattern", TRUE);
                  note = get_string (check, object, item_prefix, item, "note", FALSE);
                  text = get_string (check, object, item_prefix, item, "confidence", FALSE);
                  if (text != NULL)
                    {
                      confidence = po_vocabulary_indicator_confidence (text);
                      if (confidence == NULL)
                        {
                          g_autofree gchar *field = g_strconcat (item_prefix, "confidence", NULL);
                          report (check, object, field, "unknown confidence '%s' (known: "
                                  "verified, corroborated, weak)", text);
                          continue;
                        }
                    }
                  if (pattern == NULL)
                    continue;
                }
              else
                {
                  report (check, object, item_field, "must be a string or an object with a "
                          "pattern, not %s", node_type_name (node));
                  continue;
                }
              if (g_hash_table_contains (seen, pattern))
                {
                  report (check, object, item_field, "'%s' is listed twice", pattern);
                  continue;
                }
              g_hash_table_add (seen, (gpointer) pattern);
              indicator = po_indicator_new (kind, pattern, confidence, note, &problem);
              if (indicator == NULL)
                {
                  report (check, object, item_field, "'%s': %s", pattern, problem);
                  continue;
                }
              g_ptr_array_add (indicators, indicator);
            }
        }
    }
}

static gchar *
object_name (const gchar *kind, const gchar *id, const gchar *array, guint index)
{
  if (id != NULL)
    return g_strdup_printf ("%s '%s'", kind, id);
  return g_strdup_printf ("%s[%u]", array, index);
}

/* the id member: present, a string and well-formed, or NULL */
static const gchar *
get_id (Check *check, const gchar *object, JsonObject *json)
{
  const gchar *id = get_string (check, object, NULL, json, "id", TRUE);

  if (id != NULL && !po_vocabulary_is_id (id))
    {
      report (check, object, "id", "'%s' is not a valid id (lower-case letters, digits, '-', "
              "'.', '_'; at most 128)", id);
      return NULL;
    }
  return id;
}

static gboolean
is_category (const gchar *value)
{
  return po_vocabulary_is_category (value);
}

static gboolean
is_id (const gchar *value)
{
  return po_vocabulary_is_id (value);
}

static PoProduct *
parse_product (Check *check, PoVendor *vendor, const gchar *vendor_object, JsonNode *node,
               guint index)
{
  static const gchar *const allowed[] = { "id", "name", "category", "confidence", "notes",
                                          "sources", "indicators", NULL };
  g_autofree gchar *array_name = g_strdup_printf ("%s: products", vendor_object);
  g_autofree gchar *object = NULL;
  JsonObject *json;
  PoProduct *product;
  const gchar *id, *text;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree gchar *field = g_strdup_printf ("products[%u]", index);
      report (check, vendor_object, field, "must be an object, not %s", node_type_name (node));
      return NULL;
    }
  json = json_node_get_object (node);
  object = object_name ("product", NULL, array_name, index);
  id = get_id (check, object, json);
  if (id != NULL)
    {
      g_free (object);
      object = g_strdup_printf ("%s: product '%s'", vendor_object, id);
    }

  product = po_product_new (vendor);
  product->id = g_strdup (id);
  check_members (check, object, NULL, json, allowed);
  product->name = g_strdup (get_string (check, object, NULL, json, "name", TRUE));
  text = get_string (check, object, NULL, json, "category", TRUE);
  if (text != NULL && !po_vocabulary_is_category (text))
    {
      g_autofree gchar *known = g_strjoinv (", ", (gchar **) po_vocabulary_get_categories ());
      report (check, object, "category", "unknown category '%s' (known: %s; or x-NAME)", text,
              known);
    }
  else if (text != NULL)
    product->category = g_intern_string (text);
  product->confidence = g_intern_static_string ("verified");
  text = get_string (check, object, NULL, json, "confidence", FALSE);
  if (text != NULL)
    {
      product->confidence = po_vocabulary_indicator_confidence (text);
      if (product->confidence == NULL)
        report (check, object, "confidence", "unknown confidence '%s' (known: verified, "
                "corroborated, weak)", text);
    }
  product->notes = g_strdup (get_string (check, object, NULL, json, "notes", FALSE));
  parse_sources (check, object, NULL, json, FALSE, product->sources);
  parse_indicators (check, object, json,
                    product->confidence != NULL ? product->confidence : "verified",
                    product->indicators);
  for (guint i = 0; i < product->indicators->len; i++)
    {
      PoIndicator *indicator = g_ptr_array_index (product->indicators, i);
      indicator->vendor = vendor;
      indicator->product = product;
    }
  return product;
}

static PoVendor *
parse_vendor (Check *check, JsonNode *node, guint index)
{
  static const gchar *const allowed[] = { "id", "name", "aliases", "notes", "sources",
                                          "indicators", "products", NULL };
  g_autoptr(PoVendor) vendor = NULL;
  g_autofree gchar *object = object_name ("vendor", NULL, "vendors", index);
  g_auto(GStrv) aliases = NULL;
  JsonObject *json;
  JsonArray *products;
  const gchar *id;
  guint errors_before = check->errors->len;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      report (check, object, NULL, "must be an object, not %s", node_type_name (node));
      return NULL;
    }
  json = json_node_get_object (node);
  id = get_id (check, object, json);
  if (id != NULL)
    {
      g_free (object);
      object = object_name ("vendor", id, NULL, 0);
    }
  vendor = po_vendor_new ();
  vendor->id = g_strdup (id);
  check_members (check, object, NULL, json, allowed);
  vendor->name = g_strdup (get_string (check, object, NULL, json, "name", TRUE));
  aliases = get_string_list (check, object, NULL, json, "aliases", FALSE, TRUE, NULL, NULL, NULL);
  if (aliases != NULL)
    {
      g_strfreev (vendor->aliases);
      vendor->aliases = g_steal_pointer (&aliases);
    }
  vendor->notes = g_strdup (get_string (check, object, NULL, json, "notes", FALSE));
  parse_sources (check, object, NULL, json, FALSE, vendor->sources);
  parse_indicators (check, object, json, "verified", vendor->indicators);
  for (guint i = 0; i < vendor->indicators->len; i++)
    ((PoIndicator *) g_ptr_array_index (vendor->indicators, i))->vendor = vendor;

  products = get_array (check, object, NULL, json, "products", FALSE);
  for (guint i = 0; products != NULL && i < json_array_get_length (products); i++)
    {
      PoProduct *product = parse_product (check, vendor, object,
                                          json_array_get_element (products, i), i);
      if (product == NULL)
        continue;
      if (product->id != NULL)
        for (guint j = 0; j < vendor->products->len; j++)
          if (g_strcmp0 (((PoProduct *) g_ptr_array_index (vendor->products, j))->id,
                         product->id) == 0)
            {
              g_autofree gchar *field = g_strdup_printf ("products[%u].id", i);
              report (check, object, field, "duplicate product id '%s'", product->id);
              break;
            }
      g_ptr_array_add (vendor->products, product);
    }
  if (check->errors->len != errors_before)
    return NULL;
  return g_steal_pointer (&vendor);
}

static void
parse_milestones (Check *check, const gchar *object, JsonObject *json, GDateTime *issued,
                  GArray *milestones)
{
  static const gchar *const allowed[] = { "kind", "date", "description", NULL };
  JsonArray *array = get_array (check, object, NULL, json, "milestones", TRUE);
  GDateTime *previous = NULL;
  const gchar *previous_date = NULL;

  if (array == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree gchar *prefix = g_strdup_printf ("milestones[%u].", i);
      g_autofree gchar *date_field = g_strdup_printf ("milestones[%u].date", i);
      g_autoptr(GDateTime) when = NULL;
      const gchar *kind, *date, *description;
      PoMilestone milestone = { 0 };
      JsonObject *item;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_autofree gchar *field = g_strdup_printf ("milestones[%u]", i);
          report (check, object, field, "must be an object, not %s", node_type_name (node));
          continue;
        }
      item = json_node_get_object (node);
      check_members (check, object, prefix, item, allowed);
      kind = get_string (check, object, prefix, item, "kind", TRUE);
      date = get_string (check, object, prefix, item, "date", TRUE);
      description = get_string (check, object, prefix, item, "description", FALSE);
      if (kind != NULL && !po_vocabulary_is_milestone_kind (kind))
        {
          g_autofree gchar *field = g_strconcat (prefix, "kind", NULL);
          g_autofree gchar *known =
              g_strjoinv (", ", (gchar **) po_vocabulary_get_milestone_kinds ());
          report (check, object, field, "unknown milestone kind '%s' (known: %s)", kind, known);
        }
      if (date == NULL)
        continue;
      if (!po_vocabulary_parse_date (date, TRUE, &when))
        {
          report (check, object, date_field, "bad date '%s' (expected YYYY-MM-DD, or RFC 3339 "
                  "with an offset such as 2024-09-29T00:00:00-04:00)", date);
          continue;
        }
      if (previous != NULL && g_date_time_compare (when, previous) < 0)
        report (check, object, date_field, "milestone out of order: %s comes before the "
                "previous milestone's %s (list milestones in date order)", date, previous_date);
      else if (issued != NULL && g_date_time_compare (when, issued) < 0)
        report (check, object, date_field, "milestone %s is before the issue date", date);
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
parse_scope_entry (Check *check, const gchar *object, const gchar *field, JsonObject *item,
                   PoScopeEntry **ret_entry)
{
  static const gchar *const allowed[] = { "type", "confidence", "sources", "note", NULL };
  g_autofree gchar *prefix = g_strconcat (field, ".", NULL);
  g_autoptr(PoScopeEntry) entry = po_scope_entry_new ();
  guint errors_before = check->errors->len;
  const gchar *type, *text;

  check_members (check, object, prefix, item, allowed);
  type = get_string (check, object, prefix, item, "type", TRUE);
  if (type != NULL && !is_scope_type (type))
    {
      g_autofree gchar *type_field = g_strconcat (prefix, "type", NULL);
      report (check, object, type_field, "unknown organisation type '%s'", type);
    }
  text = get_string (check, object, prefix, item, "confidence", FALSE);
  if (text != NULL)
    {
      entry->confidence = po_vocabulary_policy_confidence (text);
      if (entry->confidence == NULL)
        {
          g_autofree gchar *confidence_field = g_strconcat (prefix, "confidence", NULL);
          report (check, object, confidence_field, "unknown confidence '%s' (known: verified, "
                  "reported, unverified)", text);
        }
    }
  entry->note = g_strdup (get_string (check, object, prefix, item, "note", FALSE));
  parse_sources (check, object, prefix, item, FALSE, entry->sources);
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
parse_scope_list (Check *check, const gchar *object, JsonObject *scope, const gchar *name,
                  PoPolicy *policy)
{
  g_autofree gchar *field = field_name ("scope.", name);
  JsonArray *array = get_array (check, object, "scope.", scope, name, FALSE);
  g_autoptr(GPtrArray) list = NULL;
  guint errors_before = check->errors->len;

  if (array == NULL)
    return NULL;
  list = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree gchar *item_field = g_strdup_printf ("%s[%u]", field, i);
      g_autoptr(PoScopeEntry) entry = NULL;
      const gchar *type;

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          type = parse_scope_entry (check, object, item_field, json_node_get_object (node),
                                    &entry);
          if (type == NULL)
            continue;
        }
      else if (is_string_node (node))
        {
          type = json_node_get_string (node);
          if (!is_scope_type (type))
            {
              report (check, object, item_field, "unknown organisation type '%s'", type);
              continue;
            }
        }
      else
        {
          report (check, object, item_field, "must be an organisation type or an object with "
                  "one, not %s", node_type_name (node));
          continue;
        }
      if (g_ptr_array_find_with_equal_func (list, type, g_str_equal, NULL))
        {
          report (check, object, item_field, "'%s' is listed twice", type);
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
parse_scope (Check *check, const gchar *object, JsonObject *json, PoPolicy *policy,
             gint binding)
{
  static const gchar *const allowed[] = { "binds", "advises", "excludes", "description", NULL };
  JsonObject *scope = get_object (check, object, NULL, json, "scope", TRUE);
  GStrv *lists[] = { &policy->binds, &policy->advises, &policy->excludes };
  const gchar *names[] = { "binds", "advises", "excludes" };
  guint errors_before = check->errors->len;

  if (scope == NULL)
    return;
  check_members (check, object, "scope.", scope, allowed);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      GStrv list = parse_scope_list (check, object, scope, names[i], policy);
      if (list != NULL)
        {
          g_strfreev (*lists[i]);
          *lists[i] = list;
        }
    }
  policy->scope_description = g_strdup (get_string (check, object, "scope.", scope,
                                                    "description", FALSE));
  if (check->errors->len != errors_before)
    return;

  if (g_strv_contains ((const gchar *const *) policy->excludes, "all"))
    report (check, object, "scope.excludes", "'all' would exclude everybody");
  /* a type of another jurisdiction would never match: the file is wrong */
  for (guint i = 0; i < G_N_ELEMENTS (lists) && policy->jurisdiction != NULL; i++)
    for (guint k = 0; (*lists[i])[k] != NULL; k++)
      if (!po_vocabulary_organisation_type_counts_for ((*lists[i])[k], policy->jurisdiction))
        {
          g_autofree gchar *field = g_strdup_printf ("scope.%s[%u]", names[i], k);
          report (check, object, field, "'%s' is an organisation type of %s; a policy for %s "
                  "cannot name it", (*lists[i])[k],
                  po_vocabulary_get_organisation_jurisdiction ((*lists[i])[k]),
                  policy->jurisdiction);
        }
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    for (guint j = i + 1; j < G_N_ELEMENTS (lists); j++)
      for (guint k = 0; (*lists[i])[k] != NULL; k++)
        if (g_strv_contains ((const gchar *const *) *lists[j], (*lists[i])[k]))
          {
            g_autofree gchar *field = g_strdup_printf ("scope.%s", names[j]);
            report (check, object, field, "'%s' is also in scope.%s", (*lists[i])[k],
                    names[i]);
          }
  if (policy->binds[0] == NULL && policy->advises[0] == NULL)
    report (check, object, "scope", "the policy binds nobody and advises nobody "
            "(scope.binds and scope.advises are both empty)");
  if (binding == 0 && policy->binds[0] != NULL)
    report (check, object, "scope.binds", "a policy that is not binding (binding: false) "
            "cannot bind anybody; list them in scope.advises");
}

static PoPolicy *
parse_policy (Check *check, JsonNode *node, guint index)
{
  static const gchar *const allowed[] = { "id", "title", "issuer", "jurisdiction", "instrument",
                                          "issued", "binding", "confidence", "vendors",
                                          "categories", "milestones", "scope", "sources",
                                          "notes", NULL };
  g_autoptr(PoPolicy) policy = NULL;
  g_autofree gchar *object = object_name ("policy", NULL, "policies", index);
  g_autoptr(GDateTime) issued = NULL;
  JsonObject *json;
  const gchar *id, *text;
  GStrv list;
  gint binding;
  guint errors_before = check->errors->len;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      report (check, object, NULL, "must be an object, not %s", node_type_name (node));
      return NULL;
    }
  json = json_node_get_object (node);
  id = get_id (check, object, json);
  if (id != NULL)
    {
      g_free (object);
      object = object_name ("policy", id, NULL, 0);
    }
  policy = po_policy_new ();
  policy->id = g_strdup (id);
  check_members (check, object, NULL, json, allowed);
  policy->title = g_strdup (get_string (check, object, NULL, json, "title", TRUE));
  policy->issuer = g_strdup (get_string (check, object, NULL, json, "issuer", TRUE));
  policy->instrument = g_strdup (get_string (check, object, NULL, json, "instrument", TRUE));
  policy->notes = g_strdup (get_string (check, object, NULL, json, "notes", FALSE));

  text = get_string (check, object, NULL, json, "jurisdiction", TRUE);
  if (text != NULL)
    {
      policy->jurisdiction = po_vocabulary_normalise_jurisdiction (text);
      if (policy->jurisdiction == NULL)
        report (check, object, "jurisdiction", "'%s' is not a jurisdiction (an ISO 3166 code "
                "such as NL or US-TX, EU, or * for any)", text);
    }

  text = get_string (check, object, NULL, json, "issued", TRUE);
  if (text != NULL)
    {
      if (!po_vocabulary_parse_date (text, FALSE, &issued))
        report (check, object, "issued", "bad date '%s' (expected YYYY-MM-DD)", text);
      else
        {
          policy->issued = g_strdup (text);
          policy->issued_when = g_date_time_ref (issued);
        }
    }

  binding = get_bool (check, object, NULL, json, "binding", TRUE);
  policy->binding = binding == 1;

  policy->confidence = g_intern_static_string ("verified");
  text = get_string (check, object, NULL, json, "confidence", FALSE);
  if (text != NULL)
    {
      policy->confidence = po_vocabulary_policy_confidence (text);
      if (policy->confidence == NULL)
        report (check, object, "confidence", "unknown confidence '%s' (known: verified, "
                "reported, unverified)", text);
    }

  list = get_string_list (check, object, NULL, json, "vendors", TRUE, FALSE, is_id,
                          "not a vendor id:", NULL);
  if (list != NULL)
    {
      g_strfreev (policy->vendors);
      policy->vendors = list;
    }

  list = get_string_list (check, object, NULL, json, "categories", TRUE, FALSE, is_category,
                          "unknown category", "all");
  if (list != NULL)
    {
      g_strfreev (policy->categories);
      policy->categories = list;
      if (g_strv_contains ((const gchar *const *) list, "all") && g_strv_length (list) > 1)
        report (check, object, "categories", "'all' cannot be combined with other categories");
    }

  parse_milestones (check, object, json, issued, policy->milestones);
  parse_scope (check, object, json, policy, binding);
  parse_sources (check, object, NULL, json, TRUE, policy->sources);

  if (check->errors->len != errors_before)
    return NULL;
  return g_steal_pointer (&policy);
}

PoCatalogueContent *
po_catalogue_content_new (void)
{
  PoCatalogueContent *content = g_new0 (PoCatalogueContent, 1);

  content->vendors = g_ptr_array_new_with_free_func ((GDestroyNotify) po_vendor_unref);
  content->policies = g_ptr_array_new_with_free_func ((GDestroyNotify) po_policy_unref);
  return content;
}

void
po_catalogue_content_free (PoCatalogueContent *content)
{
  if (content == NULL)
    return;
  g_ptr_array_unref (content->vendors);
  g_ptr_array_unref (content->policies);
  g_free (content);
}

gchar *
po_catalogue_sha256 (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

PoCatalogueContent *
po_catalogue_parse (const gchar *name, const gchar *origin, GBytes *bytes, GPtrArray *errors)
{
  static const gchar *const allowed[] = { "$schema", "format", "vendors", "policies", NULL };
  Check check = { name, errors };
  g_autoptr(PoCatalogueContent) content = po_catalogue_content_new ();
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  g_autofree gchar *problem = NULL;
  g_autofree gchar *sha256 = po_catalogue_sha256 (bytes);
  gsize length;
  const gchar *data = g_bytes_get_data (bytes, &length);
  guint errors_before = errors->len;
  JsonNode *root, *format;
  JsonObject *json;
  JsonArray *vendors, *policies;

  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      /* a byte-order mark some editors write: not JSON, but harmless */
      data += 3;
      length -= 3;
    }
  if (data == NULL || length == 0)
    {
      report (&check, NULL, NULL, "empty file");
      return NULL;
    }
  if (!po_json_check_strict (data, length, &problem))
    {
      report (&check, NULL, NULL, "not valid JSON: %s", problem);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) length, &error))
    {
      report (&check, NULL, NULL, "not valid JSON: %s", error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      report (&check, NULL, NULL, "the file must hold one JSON object with \"format\": %d",
              PO_CATALOGUE_FORMAT);
      return NULL;
    }
  json = json_node_get_object (root);

  format = json_object_get_member (json, "format");
  if (format == NULL)
    {
      report (&check, NULL, "format", "missing (this phaseout reads \"format\": %d)",
              PO_CATALOGUE_FORMAT);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (format) || json_node_get_value_type (format) != G_TYPE_INT64)
    {
      report (&check, NULL, "format", "must be the integer %d", PO_CATALOGUE_FORMAT);
      return NULL;
    }
  if (json_node_get_int (format) != PO_CATALOGUE_FORMAT)
    {
      report (&check, NULL, "format", "format %" G_GINT64_FORMAT " is not one this phaseout "
              "reads (%d)%s", json_node_get_int (format), PO_CATALOGUE_FORMAT,
              json_node_get_int (format) > PO_CATALOGUE_FORMAT ? ": upgrade phaseout" : "");
      return NULL;
    }
  check_members (&check, NULL, NULL, json, allowed);
  if (json_object_has_member (json, "$schema"))
    get_string (&check, NULL, NULL, json, "$schema", FALSE);

  vendors = get_array (&check, NULL, NULL, json, "vendors", FALSE);
  policies = get_array (&check, NULL, NULL, json, "policies", FALSE);
  if ((vendors == NULL || json_array_get_length (vendors) == 0)
      && (policies == NULL || json_array_get_length (policies) == 0)
      && errors->len == errors_before)
    report (&check, NULL, NULL, "defines no vendors and no policies");

  for (guint i = 0; vendors != NULL && i < json_array_get_length (vendors); i++)
    {
      PoVendor *vendor = parse_vendor (&check, json_array_get_element (vendors, i), i);
      if (vendor == NULL)
        continue;
      for (guint j = 0; j < content->vendors->len; j++)
        if (g_str_equal (((PoVendor *) g_ptr_array_index (content->vendors, j))->id, vendor->id))
          {
            g_autofree gchar *object = object_name ("vendor", vendor->id, NULL, 0);
            report (&check, object, "id", "duplicate id: vendors[%u] has the same", j);
            break;
          }
      vendor->origin = g_strdup (origin);
      vendor->sha256 = g_strdup (sha256);
      g_ptr_array_add (content->vendors, vendor);
    }
  for (guint i = 0; policies != NULL && i < json_array_get_length (policies); i++)
    {
      PoPolicy *policy = parse_policy (&check, json_array_get_element (policies, i), i);
      if (policy == NULL)
        continue;
      for (guint j = 0; j < content->policies->len; j++)
        if (g_str_equal (((PoPolicy *) g_ptr_array_index (content->policies, j))->id,
                         policy->id))
          {
            g_autofree gchar *object = object_name ("policy", policy->id, NULL, 0);
            report (&check, object, "id", "duplicate id: policies[%u] has the same", j);
            break;
          }
      policy->origin = g_strdup (origin);
      policy->sha256 = g_strdup (sha256);
      g_ptr_array_add (content->policies, policy);
    }

  if (errors->len != errors_before)
    return NULL;
  return g_steal_pointer (&content);
}

gboolean
po_catalogue_content_check_refs (PoCatalogueContent *content, const gchar *name,
                                 GHashTable *vendors, GPtrArray *errors)
{
  Check check = { name, errors };
  gboolean ok = TRUE;

  for (guint i = 0; i < content->policies->len; i++)
    {
      PoPolicy *policy = g_ptr_array_index (content->policies, i);
      g_autofree gchar *object = object_name ("policy", policy->id, NULL, 0);

      for (guint v = 0; policy->vendors[v] != NULL; v++)
        if (!g_hash_table_contains (vendors, policy->vendors[v]))
          {
            g_autofree gchar *field = g_strdup_printf ("vendors[%u]", v);
            report (&check, object, field, "unknown vendor '%s' (define it in a \"vendors\" "
                    "entry of this or another policy file)", policy->vendors[v]);
            ok = FALSE;
          }
    }
  return ok;
}
