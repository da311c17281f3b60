/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading one policy file: strict JSON, then every object and field checked
 * against docs/policy-format.md.  Validation does not stop at the first
 * problem: `phaseout policy check` shows an administrator all of them at
 * once, each naming the file, the object (policy or vendor id), the field
 * and what is wrong.  A file with any problem yields nothing: it is
 * rejected whole.
 */
#include <string.h>

#include "po-catalogue-check.h"
#include "po-json-strict.h"

/*
 * indicators: {"linux": {"deb_package": ["kesl", {"pattern": "kesl-*",
 * "confidence": "weak", "note": "..."}], ...}, "windows": {...}, ...}
 */
static void
parse_indicators (PoCheck *check, const gchar *object, JsonObject *json,
                  const gchar *default_confidence, GPtrArray *indicators)
{
  static const gchar *const platforms[] = { "linux", "windows", "macos", NULL };
  static const gchar *const item_members[] = { "pattern", "confidence", "note", NULL };
  JsonObject *by_platform = po_check_get_object (check, object, NULL, json, "indicators", FALSE);
  g_autoptr (GList) platform_names = NULL;

  if (by_platform == NULL)
    return;
  po_check_members (check, object, "indicators.", by_platform, platforms);
  platform_names = json_object_get_members (by_platform);
  for (GList *p = platform_names; p != NULL; p = p->next)
    {
      const gchar *platform = p->data;
      g_autofree gchar *platform_prefix = g_strdup_printf ("indicators.%s.", platform);
      JsonObject *by_kind;
      g_autoptr (GList) kind_names = NULL;

      if (!g_strv_contains (platforms, platform))
        continue;
      by_kind = po_check_get_object (check, object, "indicators.", by_platform, platform, TRUE);
      if (by_kind == NULL)
        continue;
      kind_names = json_object_get_members (by_kind);
      for (GList *k = kind_names; k != NULL; k = k->next)
        {
          g_autofree gchar *kind_field = g_strconcat (platform_prefix, k->data, NULL);
          PoIndicatorKind kind;
          JsonArray *items;
          g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

          if (!po_indicator_kind_from_key (platform, k->data, &kind))
            {
              g_autoptr (GString) known = g_string_new (NULL);
              for (guint i = 0; i < PO_INDICATOR_KIND_N; i++)
                if (g_str_equal (po_indicator_kind_get_platform (i), platform))
                  g_string_append_printf (known, "%s%s", known->len > 0 ? ", " : "",
                                          po_indicator_kind_get_key (i));
              po_check_report (check, object, kind_field,
                               "unknown indicator kind (known for %s: %s)", platform, known->str);
              continue;
            }
          items = po_check_get_array (check, object, platform_prefix, by_kind, k->data, TRUE);
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

              if (po_check_is_string_node (node))
                {
                  pattern = json_node_get_string (node);
                }
              else if (JSON_NODE_HOLDS_OBJECT (node))
                {
                  JsonObject *item = json_node_get_object (node);
                  const gchar *text;

                  po_check_members (check, object, item_prefix, item, item_members);
                  pattern = po_check_get_string (check, object, item_prefix, item, "pattern", TRUE);
                  note = po_check_get_string (check, object, item_prefix, item, "note", FALSE);
                  text = po_check_get_string (check, object, item_prefix, item, "confidence",
                                              FALSE);
                  if (text != NULL)
                    {
                      confidence = po_vocabulary_indicator_confidence (text);
                      if (confidence == NULL)
                        {
                          g_autofree gchar *field = g_strconcat (item_prefix, "confidence", NULL);
                          po_check_report (check, object, field,
                                           "unknown confidence '%s' (known: "
                                           "verified, corroborated, weak)",
                                           text);
                          continue;
                        }
                    }
                  if (pattern == NULL)
                    continue;
                }
              else
                {
                  po_check_report (check, object, item_field,
                                   "must be a string or an object with a "
                                   "pattern, not %s",
                                   po_check_node_type_name (node));
                  continue;
                }
              if (g_hash_table_contains (seen, pattern))
                {
                  po_check_report (check, object, item_field, "'%s' is listed twice", pattern);
                  continue;
                }
              g_hash_table_add (seen, (gpointer) pattern);
              indicator = po_indicator_new (kind, pattern, confidence, note, &problem);
              if (indicator == NULL)
                {
                  po_check_report (check, object, item_field, "'%s': %s", pattern, problem);
                  continue;
                }
              g_ptr_array_add (indicators, indicator);
            }
        }
    }
}

/*
 * remediation: {"linux": "...", "windows": "...", "macos": "...", "mobile":
 * "..."}: how to remove the software, per platform; at least one.
 */
static void
parse_remediation (PoCheck *check, const gchar *object, JsonObject *json, gchar **texts)
{
  const gchar *const *platforms = po_remediation_platforms ();
  JsonObject *by_platform = po_check_get_object (check, object, NULL, json, "remediation", FALSE);

  if (by_platform == NULL)
    return;
  po_check_members (check, object, "remediation.", by_platform, platforms);
  if (json_object_get_size (by_platform) == 0)
    po_check_report (check, object, "remediation",
                     "empty: give the text for at least one of "
                     "linux, windows, macos, mobile, or leave remediation out");
  for (guint i = 0; platforms[i] != NULL; i++)
    texts[i] = g_strdup (
      po_check_get_string (check, object, "remediation.", by_platform, platforms[i], FALSE));
}

static PoProduct *
parse_product (PoCheck *check, PoVendor *vendor, const gchar *vendor_object, JsonNode *node,
               guint index)
{
  static const gchar *const allowed[] = { "id",         "name",        "category",
                                          "confidence", "notes",       "sources",
                                          "indicators", "remediation", NULL };
  g_autofree gchar *array_name = g_strdup_printf ("%s: products", vendor_object);
  g_autofree gchar *object = NULL;
  JsonObject *json;
  PoProduct *product;
  const gchar *id, *text;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree gchar *field = g_strdup_printf ("products[%u]", index);
      po_check_report (check, vendor_object, field, "must be an object, not %s",
                       po_check_node_type_name (node));
      return NULL;
    }
  json = json_node_get_object (node);
  object = po_check_object_name ("product", NULL, array_name, index);
  id = po_check_get_id (check, object, json);
  if (id != NULL)
    {
      g_free (object);
      object = g_strdup_printf ("%s: product '%s'", vendor_object, id);
    }

  product = po_product_new (vendor);
  product->id = g_strdup (id);
  po_check_members (check, object, NULL, json, allowed);
  product->name = g_strdup (po_check_get_string (check, object, NULL, json, "name", TRUE));
  text = po_check_get_string (check, object, NULL, json, "category", TRUE);
  if (text != NULL && !po_vocabulary_is_category (text))
    {
      g_autofree gchar *known = g_strjoinv (", ", (gchar **) po_vocabulary_get_categories ());
      po_check_report (check, object, "category", "unknown category '%s' (known: %s; or x-NAME)",
                       text, known);
    }
  else if (text != NULL)
    product->category = g_intern_string (text);
  product->confidence = g_intern_static_string ("verified");
  text = po_check_get_string (check, object, NULL, json, "confidence", FALSE);
  if (text != NULL)
    {
      product->confidence = po_vocabulary_indicator_confidence (text);
      if (product->confidence == NULL)
        po_check_report (check, object, "confidence",
                         "unknown confidence '%s' (known: verified, "
                         "corroborated, weak)",
                         text);
    }
  product->notes = g_strdup (po_check_get_string (check, object, NULL, json, "notes", FALSE));
  po_check_parse_sources (check, object, NULL, json, FALSE, product->sources);
  parse_remediation (check, object, json, product->remediation);
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
parse_vendor (PoCheck *check, JsonNode *node, guint index)
{
  static const gchar *const allowed[] = { "id",       "name",        "aliases",
                                          "notes",    "sources",     "indicators",
                                          "products", "remediation", NULL };
  g_autoptr (PoVendor) vendor = NULL;
  g_autofree gchar *object = NULL;
  g_auto (GStrv) aliases = NULL;
  JsonObject *json;
  JsonArray *products;
  const gchar *id;
  guint errors_before = check->errors->len;

  json = po_check_open_object (check, node, "vendor", "vendors", index, &object, &id);
  if (json == NULL)
    return NULL;
  vendor = po_vendor_new ();
  vendor->id = g_strdup (id);
  po_check_members (check, object, NULL, json, allowed);
  vendor->name = g_strdup (po_check_get_string (check, object, NULL, json, "name", TRUE));
  aliases = po_check_get_string_list (check, object, NULL, json, "aliases", FALSE, TRUE, NULL, NULL,
                                      NULL);
  if (aliases != NULL)
    {
      g_strfreev (vendor->aliases);
      vendor->aliases = g_steal_pointer (&aliases);
    }
  vendor->notes = g_strdup (po_check_get_string (check, object, NULL, json, "notes", FALSE));
  po_check_parse_sources (check, object, NULL, json, FALSE, vendor->sources);
  parse_remediation (check, object, json, vendor->remediation);
  parse_indicators (check, object, json, "verified", vendor->indicators);
  for (guint i = 0; i < vendor->indicators->len; i++)
    ((PoIndicator *) g_ptr_array_index (vendor->indicators, i))->vendor = vendor;

  products = po_check_get_array (check, object, NULL, json, "products", FALSE);
  for (guint i = 0; products != NULL && i < json_array_get_length (products); i++)
    {
      PoProduct *product = parse_product (check, vendor, object,
                                          json_array_get_element (products, i), i);
      if (product == NULL)
        continue;
      if (product->id != NULL)
        for (guint j = 0; j < vendor->products->len; j++)
          if (g_strcmp0 (((PoProduct *) g_ptr_array_index (vendor->products, j))->id, product->id)
              == 0)
            {
              g_autofree gchar *field = g_strdup_printf ("products[%u].id", i);
              po_check_report (check, object, field, "duplicate product id '%s'", product->id);
              break;
            }
      g_ptr_array_add (vendor->products, product);
    }
  if (check->errors->len != errors_before)
    return NULL;
  return g_steal_pointer (&vendor);
}

typedef const gchar *(*GetId) (gpointer object);

/* reports id when an earlier object of the file (in earlier) has it too */
static void
check_unique_id (PoCheck *check, const gchar *kind, const gchar *plural, const gchar *id,
                 GPtrArray *earlier, GetId get_id)
{
  for (guint j = 0; j < earlier->len; j++)
    if (g_str_equal (get_id (g_ptr_array_index (earlier, j)), id))
      {
        g_autofree gchar *object = po_check_object_name (kind, id, NULL, 0);
        po_check_report (check, object, "id", "duplicate id: %s[%u] has the same", plural, j);
        return;
      }
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
  PoCheck check = { name, errors };
  g_autoptr (PoCatalogueContent) content = po_catalogue_content_new ();
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) error = NULL;
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
      po_check_report (&check, NULL, NULL, "empty file");
      return NULL;
    }
  if (!po_json_check_strict (data, length, &problem))
    {
      po_check_report (&check, NULL, NULL, "not valid JSON: %s", problem);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) length, &error))
    {
      po_check_report (&check, NULL, NULL, "not valid JSON: %s", error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      po_check_report (&check, NULL, NULL, "the file must hold one JSON object with \"format\": %d",
                       PO_CATALOGUE_FORMAT);
      return NULL;
    }
  json = json_node_get_object (root);

  format = json_object_get_member (json, "format");
  if (format == NULL)
    {
      po_check_report (&check, NULL, "format", "missing (this phaseout reads \"format\": %d)",
                       PO_CATALOGUE_FORMAT);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (format) || json_node_get_value_type (format) != G_TYPE_INT64)
    {
      po_check_report (&check, NULL, "format", "must be the integer %d", PO_CATALOGUE_FORMAT);
      return NULL;
    }
  if (json_node_get_int (format) != PO_CATALOGUE_FORMAT)
    {
      po_check_report (&check, NULL, "format",
                       "format %" G_GINT64_FORMAT " is not one this phaseout "
                       "reads (%d)%s",
                       json_node_get_int (format), PO_CATALOGUE_FORMAT,
                       json_node_get_int (format) > PO_CATALOGUE_FORMAT ? ": upgrade phaseout"
                                                                        : "");
      return NULL;
    }
  po_check_members (&check, NULL, NULL, json, allowed);
  if (json_object_has_member (json, "$schema"))
    po_check_get_string (&check, NULL, NULL, json, "$schema", FALSE);

  vendors = po_check_get_array (&check, NULL, NULL, json, "vendors", FALSE);
  policies = po_check_get_array (&check, NULL, NULL, json, "policies", FALSE);
  if ((vendors == NULL || json_array_get_length (vendors) == 0)
      && (policies == NULL || json_array_get_length (policies) == 0)
      && errors->len == errors_before)
    po_check_report (&check, NULL, NULL, "defines no vendors and no policies");

  for (guint i = 0; vendors != NULL && i < json_array_get_length (vendors); i++)
    {
      PoVendor *vendor = parse_vendor (&check, json_array_get_element (vendors, i), i);
      if (vendor == NULL)
        continue;
      check_unique_id (&check, "vendor", "vendors", vendor->id, content->vendors,
                       (GetId) po_vendor_get_id);
      vendor->origin = g_strdup (origin);
      vendor->sha256 = g_strdup (sha256);
      g_ptr_array_add (content->vendors, vendor);
    }
  for (guint i = 0; policies != NULL && i < json_array_get_length (policies); i++)
    {
      PoPolicy *policy = po_catalogue_parse_policy (&check, json_array_get_element (policies, i),
                                                    i);
      if (policy == NULL)
        continue;
      check_unique_id (&check, "policy", "policies", policy->id, content->policies,
                       (GetId) po_policy_get_id);
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
  PoCheck check = { name, errors };
  gboolean ok = TRUE;

  for (guint i = 0; i < content->policies->len; i++)
    {
      PoPolicy *policy = g_ptr_array_index (content->policies, i);
      g_autofree gchar *object = po_check_object_name ("policy", policy->id, NULL, 0);

      for (guint v = 0; policy->vendors[v] != NULL; v++)
        {
          g_autofree gchar *field = g_strdup_printf ("vendors[%u]", v);
          g_auto (GStrv) parts = g_strsplit (policy->vendors[v], "/", 2);
          PoVendor *vendor = g_hash_table_lookup (vendors, parts[0]);
          gboolean found = FALSE;

          if (vendor == NULL)
            {
              po_check_report (&check, object, field,
                               "unknown vendor '%s' (define it in a \"vendors\" "
                               "entry of this or another policy file)",
                               parts[0]);
              ok = FALSE;
              continue;
            }
          if (parts[1] == NULL)
            continue;
          for (guint p = 0; p < vendor->products->len && !found; p++)
            found = g_strcmp0 (((PoProduct *) g_ptr_array_index (vendor->products, p))->id,
                               parts[1])
                    == 0;
          if (!found)
            {
              po_check_report (&check, object, field, "vendor '%s' (%s) has no product '%s'",
                               parts[0], vendor->origin != NULL ? vendor->origin : "?", parts[1]);
              ok = FALSE;
            }
        }
    }
  return ok;
}
