/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading a policy file's JSON for the parsers: each getter checks one
 * member's type and reports what is wrong with the file, the object and
 * the field named, and goes on, so that `phaseout policy check` shows an
 * administrator every problem at once.
 */
#include <stdarg.h>
#include <string.h>

#include "po-catalogue-check.h"

void
po_check_report (PoCheck *check, const gchar *object, const gchar *field, const gchar *format, ...)
{
  g_autoptr (GString) message = g_string_new (check->name);
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

gchar *
po_check_field_name (const gchar *prefix, const gchar *member)
{
  return g_strconcat (prefix != NULL ? prefix : "", member, NULL);
}

/* reports members not in allowed; TRUE when there were none */
gboolean
po_check_members (PoCheck *check, const gchar *object, const gchar *prefix, JsonObject *json,
                  const gchar *const *allowed)
{
  g_autoptr (GList) members = json_object_get_members (json);
  gboolean ok = TRUE;

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree gchar *field = po_check_field_name (prefix, l->data);
        g_autofree gchar *known = g_strjoinv (", ", (gchar **) allowed);
        po_check_report (check, object, field, "unknown field (known: %s)", known);
        ok = FALSE;
      }
  return ok;
}

const gchar *
po_check_node_type_name (JsonNode *node)
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

gboolean
po_check_is_string_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

typedef enum {
  WANT_STRING,
  WANT_BOOLEAN,
  WANT_OBJECT,
  WANT_ARRAY,
} Want;

static gboolean
node_is (JsonNode *node, Want want)
{
  switch (want)
    {
    case WANT_STRING:
      return po_check_is_string_node (node);
    case WANT_BOOLEAN:
      return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
    case WANT_OBJECT:
      return JSON_NODE_HOLDS_OBJECT (node);
    case WANT_ARRAY:
      return JSON_NODE_HOLDS_ARRAY (node);
    }
  return FALSE;
}

/*
 * A member of the wanted type, or NULL (reported, unless it is absent and
 * optional): the one place the getters below say "missing" or "must be".
 */
static JsonNode *
get_member (PoCheck *check, const gchar *object, const gchar *prefix, JsonObject *json,
            const gchar *member, gboolean required, Want want)
{
  static const gchar *const wanted[] = {
    [WANT_STRING] = "a string",
    [WANT_BOOLEAN] = "true or false",
    [WANT_OBJECT] = "an object",
    [WANT_ARRAY] = "an array",
  };
  g_autofree gchar *field = po_check_field_name (prefix, member);
  JsonNode *node = json_object_get_member (json, member);

  if (node == NULL)
    {
      if (required)
        po_check_report (check, object, field, "missing");
      return NULL;
    }
  if (!node_is (node, want))
    {
      po_check_report (check, object, field, "must be %s, not %s", wanted[want],
                       po_check_node_type_name (node));
      return NULL;
    }
  return node;
}

/* a member that must be a non-empty string; NULL when absent or bad */
const gchar *
po_check_get_string (PoCheck *check, const gchar *object, const gchar *prefix, JsonObject *json,
                     const gchar *member, gboolean required)
{
  JsonNode *node = get_member (check, object, prefix, json, member, required, WANT_STRING);
  const gchar *value;

  if (node == NULL)
    return NULL;
  value = json_node_get_string (node);
  if (*value == '\0' || g_ascii_isspace (value[0]))
    {
      g_autofree gchar *field = po_check_field_name (prefix, member);
      po_check_report (check, object, field, "must not be empty or start with white space");
      return NULL;
    }
  return value;
}

/* -1 when absent or bad */
gint
po_check_get_bool (PoCheck *check, const gchar *object, const gchar *prefix, JsonObject *json,
                   const gchar *member, gboolean required)
{
  JsonNode *node = get_member (check, object, prefix, json, member, required, WANT_BOOLEAN);

  if (node == NULL)
    return -1;
  return json_node_get_boolean (node) ? 1 : 0;
}

JsonObject *
po_check_get_object (PoCheck *check, const gchar *object, const gchar *prefix, JsonObject *json,
                     const gchar *member, gboolean required)
{
  JsonNode *node = get_member (check, object, prefix, json, member, required, WANT_OBJECT);
  return node != NULL ? json_node_get_object (node) : NULL;
}

JsonArray *
po_check_get_array (PoCheck *check, const gchar *object, const gchar *prefix, JsonObject *json,
                    const gchar *member, gboolean required)
{
  JsonNode *node = get_member (check, object, prefix, json, member, required, WANT_ARRAY);
  return node != NULL ? json_node_get_array (node) : NULL;
}

/*
 * An array of distinct non-empty strings, each passing valid (may be
 * NULL); what describes a bad one ("unknown category").  Returns a new
 * GStrv (possibly empty) or NULL when absent and not required, or bad.
 */
GStrv
po_check_get_string_list (PoCheck *check, const gchar *object, const gchar *prefix,
                          JsonObject *json, const gchar *member, gboolean required,
                          gboolean allow_empty, PoValueCheck valid, const gchar *what,
                          const gchar *also_allowed)
{
  g_autofree gchar *field = po_check_field_name (prefix, member);
  JsonArray *array = po_check_get_array (check, object, prefix, json, member, required);
  g_autoptr (GPtrArray) list = NULL;
  guint errors_before = check->errors->len;

  if (array == NULL)
    return NULL;
  if (json_array_get_length (array) == 0 && !allow_empty)
    {
      po_check_report (check, object, field, "must not be empty");
      return NULL;
    }
  list = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree gchar *item_field = g_strdup_printf ("%s[%u]", field, i);
      const gchar *value;

      if (!po_check_is_string_node (node))
        {
          po_check_report (check, object, item_field, "must be a string, not %s",
                           po_check_node_type_name (node));
          continue;
        }
      value = json_node_get_string (node);
      if (*value == '\0')
        {
          po_check_report (check, object, item_field, "must not be empty");
          continue;
        }
      if (valid != NULL && !valid (value) && g_strcmp0 (value, also_allowed) != 0)
        {
          po_check_report (check, object, item_field, "%s '%s'", what, value);
          continue;
        }
      if (g_ptr_array_find_with_equal_func (list, value, g_str_equal, NULL))
        {
          po_check_report (check, object, item_field, "'%s' is listed twice", value);
          continue;
        }
      g_ptr_array_add (list, g_strdup (value));
    }
  if (check->errors->len != errors_before)
    return NULL;
  g_ptr_array_add (list, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&list), FALSE);
}


gchar *
po_check_object_name (const gchar *kind, const gchar *id, const gchar *array, guint index)
{
  if (id != NULL)
    return g_strdup_printf ("%s '%s'", kind, id);
  return g_strdup_printf ("%s[%u]", array, index);
}

/* the id member: present, a string and well-formed, or NULL */
const gchar *
po_check_get_id (PoCheck *check, const gchar *object, JsonObject *json)
{
  const gchar *id = po_check_get_string (check, object, NULL, json, "id", TRUE);

  if (id != NULL && !po_vocabulary_is_id (id))
    {
      po_check_report (check, object, "id",
                       "'%s' is not a valid id (lower-case letters, digits, '-', "
                       "'.', '_'; at most 128)",
                       id);
      return NULL;
    }
  return id;
}

gboolean
po_check_is_category (const gchar *value)
{
  return po_vocabulary_is_category (value);
}

gboolean
po_check_is_id (const gchar *value)
{
  return po_vocabulary_is_id (value);
}


/*
 * Element index of the top-level array plural ("vendors", "policies"):
 * its JSON object, or NULL (reported) when it is not one.  *ret_object is
 * how messages name it (by id, or by position when it has none), *ret_id
 * its id (NULL when missing or bad).
 */
JsonObject *
po_check_open_object (PoCheck *check, JsonNode *node, const gchar *kind, const gchar *plural,
                      guint index, gchar **ret_object, const gchar **ret_id)
{
  g_autofree gchar *object = po_check_object_name (kind, NULL, plural, index);
  JsonObject *json;
  const gchar *id;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      po_check_report (check, object, NULL, "must be an object, not %s",
                       po_check_node_type_name (node));
      return NULL;
    }
  json = json_node_get_object (node);
  id = po_check_get_id (check, object, json);
  if (id != NULL)
    {
      g_free (object);
      object = po_check_object_name (kind, id, NULL, 0);
    }
  *ret_object = g_steal_pointer (&object);
  *ret_id = id;
  return json;
}

static gboolean
is_url (const gchar *text)
{
  return (g_str_has_prefix (text, "https://") || g_str_has_prefix (text, "http://"))
         && strlen (text) > strlen ("https://") && strpbrk (text, " \t\r\n\"<>") == NULL;
}

/* sources: [{"title": ..., "url": ...}, ...]; prefix: where json is ("scope.excludes[0].") */
gboolean
po_check_parse_sources (PoCheck *check, const gchar *object, const gchar *prefix, JsonObject *json,
                        gboolean required, GArray *sources)
{
  static const gchar *const allowed[] = { "title", "url", NULL };
  JsonArray *array = po_check_get_array (check, object, prefix, json, "sources", required);
  g_autofree gchar *field = po_check_field_name (prefix, "sources");
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
          po_check_report (check, object, item, "must be an object with title and url, not %s",
                           po_check_node_type_name (node));
          continue;
        }
      po_check_members (check, object, item_prefix, json_node_get_object (node), allowed);
      title = po_check_get_string (check, object, item_prefix, json_node_get_object (node), "title",
                                   TRUE);
      url = po_check_get_string (check, object, item_prefix, json_node_get_object (node), "url",
                                 FALSE);
      if (url != NULL && !is_url (url))
        {
          g_autofree gchar *url_field = g_strconcat (item_prefix, "url", NULL);
          po_check_report (check, object, url_field, "'%s' is not an http(s) URL", url);
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
    po_check_report (check, object, field, "must cite at least one source");
  else if (required && !any_url && check->errors->len == errors_before)
    po_check_report (check, object, field, "at least one source needs a url");
  return check->errors->len == errors_before;
}
