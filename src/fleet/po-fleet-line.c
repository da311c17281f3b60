/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One line of an osquery result log, in every form osqueryd writes it
 * (osquery/core/query.cpp, docs/wiki/deployment/logging.md), as Fleet and
 * log shippers forward it, and as fleetctl prints live query results:
 *
 *   event     {"name", "hostIdentifier", "calendarTime", "unixTime", "epoch",
 *              "counter", "numerics", "decorations", "columns": {...},
 *              "action": "added" | "removed" | "snapshot"}
 *   batch     the same fields with "diffResults": {"added": [...],
 *              "removed": [...]} (--logger_event_type=false)
 *   snapshot  the same fields with "action": "snapshot", "snapshot": [...]
 *   fleetctl  {"host": NAME, "rows": [...], "error"?: ...}
 *
 * unixTime, epoch and counter are numbers since osquery 3 and strings
 * before; decorations are under "decorations", or at the top level with
 * --decorations_top_level.  Each line is parsed whole by json-glib: on
 * this machine json-glib parses a result log in 0.4 times the CPU time of
 * `jq -c .` (bench/README.md), so a hand-written scanner would buy
 * nothing worth its risk.
 */
#include <string.h>

#include "po-fleet-internal.h"

void
po_fleet_line_init (PoFleetLine *line)
{
  memset (line, 0, sizeof *line);
  line->rows = g_array_new (FALSE, FALSE, sizeof (PoFleetLineRow));
}

void
po_fleet_line_clear (PoFleetLine *line)
{
  g_clear_pointer (&line->rows, g_array_unref);
}

const gchar *
po_fleet_column (JsonObject *columns, const gchar *name, gchar *buf)
{
  JsonNode *node = json_object_get_member (columns, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return NULL;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return json_node_get_string (node);
    case G_TYPE_INT64:
      g_snprintf (buf, 32, "%" G_GINT64_FORMAT, json_node_get_int (node));
      return buf;
    case G_TYPE_DOUBLE:
      g_ascii_formatd (buf, 32, "%.17g", json_node_get_double (node));
      return buf;
    case G_TYPE_BOOLEAN:
      return json_node_get_boolean (node) ? "1" : "0";
    default:
      return NULL;
    }
}

static const gchar *
member_string (JsonObject *object, const gchar *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static const gchar *
member_nonempty_string (JsonObject *object, const gchar *name)
{
  const gchar *value = member_string (object, name);

  return value != NULL && *value != '\0' ? value : NULL;
}

/* a number or a string of digits (osquery before 3 wrote "1412123850");
 * FALSE when absent, -1 in ret when not a non-negative integer */
static gboolean
member_integer (JsonObject *object, const gchar *name, gint64 *ret_value)
{
  JsonNode *node = json_object_get_member (object, name);
  guint64 value;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *ret_value = json_node_get_int (node) >= 0 ? json_node_get_int (node) : -1;
      return TRUE;
    case G_TYPE_STRING:
      if (g_ascii_string_to_unsigned (json_node_get_string (node), 10, 0, G_MAXINT64, &value, NULL))
        *ret_value = (gint64) value;
      else
        *ret_value = -1;
      return TRUE;
    default:
      *ret_value = -1;
      return TRUE;
    }
}

static gboolean
add_rows (PoFleetLine *line, JsonNode *array_node, PoFleetAction action, const gchar *what,
          GError **error)
{
  JsonArray *array;

  if (array_node == NULL || JSON_NODE_HOLDS_NULL (array_node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (array_node))
    {
      g_set_error (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA, "%s is not an array", what);
      return FALSE;
    }
  array = json_node_get_array (array_node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      PoFleetLineRow row = { action, NULL };

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                       "%s[%u] is not an object", what, i);
          return FALSE;
        }
      row.columns = json_node_get_object (element);
      g_array_append_val (line->rows, row);
    }
  return TRUE;
}

static gboolean
parse_action (const gchar *text, PoFleetAction *ret_action)
{
  if (g_strcmp0 (text, "added") == 0)
    *ret_action = PO_FLEET_ACTION_ADDED;
  else if (g_strcmp0 (text, "removed") == 0)
    *ret_action = PO_FLEET_ACTION_REMOVED;
  else if (g_strcmp0 (text, "snapshot") == 0)
    *ret_action = PO_FLEET_ACTION_SNAPSHOT;
  else
    return FALSE;
  return TRUE;
}

/* the rows, in whichever of the four forms the line has */
static gboolean
read_rows (PoFleetLine *line, JsonObject *root, GError **error)
{
  JsonNode *columns = json_object_get_member (root, "columns");
  JsonNode *diff = json_object_get_member (root, "diffResults");
  JsonNode *snapshot = json_object_get_member (root, "snapshot");
  const gchar *action_text = member_string (root, "action");

  if (columns != NULL)
    {
      PoFleetLineRow row;

      if (!JSON_NODE_HOLDS_OBJECT (columns))
        {
          g_set_error_literal (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                               "\"columns\" is not an object");
          return FALSE;
        }
      if (!parse_action (action_text, &row.action))
        {
          g_set_error (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                       "\"action\" is %s%s%s, not added, removed or snapshot",
                       action_text != NULL ? "\"" : "",
                       action_text != NULL ? action_text : "missing",
                       action_text != NULL ? "\"" : "");
          return FALSE;
        }
      row.columns = json_node_get_object (columns);
      g_array_append_val (line->rows, row);
      line->format = PO_FLEET_FORMAT_EVENT;
      line->full_state = row.action == PO_FLEET_ACTION_SNAPSHOT
                         || (row.action == PO_FLEET_ACTION_ADDED && line->counter == 0);
      return TRUE;
    }
  if (diff != NULL)
    {
      JsonObject *results;

      if (!JSON_NODE_HOLDS_OBJECT (diff))
        {
          g_set_error_literal (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                               "\"diffResults\" is not an object");
          return FALSE;
        }
      results = json_node_get_object (diff);
      line->format = PO_FLEET_FORMAT_BATCH;
      line->full_state = line->counter == 0;
      return add_rows (line, json_object_get_member (results, "removed"), PO_FLEET_ACTION_REMOVED,
                       "diffResults.removed", error)
             && add_rows (line, json_object_get_member (results, "added"), PO_FLEET_ACTION_ADDED,
                          "diffResults.added", error);
    }
  if (snapshot != NULL)
    {
      if (g_strcmp0 (action_text, "snapshot") != 0)
        {
          g_set_error_literal (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                               "\"snapshot\" without \"action\": \"snapshot\"");
          return FALSE;
        }
      line->format = PO_FLEET_FORMAT_SNAPSHOT;
      line->full_state = TRUE;
      if (JSON_NODE_HOLDS_NULL (snapshot))
        {
          g_set_error_literal (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                               "\"snapshot\" is null");
          return FALSE;
        }
      return add_rows (line, snapshot, PO_FLEET_ACTION_SNAPSHOT, "snapshot", error);
    }
  g_set_error_literal (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                       "no \"columns\", \"diffResults\" or \"snapshot\": not an osquery result");
  return FALSE;
}

static gboolean
parse_fleetctl (PoFleetLine *line, JsonObject *root, GError **error)
{
  JsonNode *rows = json_object_get_member (root, "rows");

  line->format = PO_FLEET_FORMAT_FLEETCTL;
  line->full_state = TRUE;
  line->host_key = member_nonempty_string (root, "host");
  line->hostname = line->host_key;
  line->time = -1;
  line->counter = -1;
  if (line->host_key == NULL)
    {
      g_set_error_literal (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                           "fleetctl result without \"host\"");
      return FALSE;
    }
  if (rows == NULL || JSON_NODE_HOLDS_NULL (rows))
    {
      /* a host that answered with an error has no rows: nothing to learn,
       * and nothing wrong with the line (FAILED, not INVALID_DATA) */
      g_set_error (error, PO_FLEET_ERROR, PO_FLEET_ERROR_FAILED,
                   "fleetctl result of %s without rows%s%s", line->host_key,
                   member_string (root, "error") != NULL ? ": " : "",
                   member_string (root, "error") != NULL ? member_string (root, "error") : "");
      return FALSE;
    }
  return add_rows (line, rows, PO_FLEET_ACTION_SNAPSHOT, "rows", error);
}

gboolean
po_fleet_line_parse (JsonParser *parser, const gchar *data, gsize length, PoFleetLine *line,
                     GError **error)
{
  JsonNode *root_node;
  JsonObject *root;
  JsonObject *decorations = NULL;
  JsonNode *decorations_node;
  gint64 value;

  g_array_set_size (line->rows, 0);
  line->name = line->host_key = line->hostname = NULL;
  line->time = line->counter = -1;
  line->full_state = FALSE;

  if (length > G_MAXSSIZE || !json_parser_load_from_data (parser, data, (gssize) length, error))
    return FALSE;
  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error_literal (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA, "not a JSON object");
      return FALSE;
    }
  root = json_node_get_object (root_node);
  if (json_object_has_member (root, "rows") && json_object_has_member (root, "host"))
    return parse_fleetctl (line, root, error);

  line->name = member_nonempty_string (root, "name");
  if (line->name == NULL)
    {
      g_set_error_literal (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                           "no query \"name\": not an osquery result");
      return FALSE;
    }
  decorations_node = json_object_get_member (root, "decorations");
  if (decorations_node != NULL && JSON_NODE_HOLDS_OBJECT (decorations_node))
    decorations = json_node_get_object (decorations_node);

  /* host_uuid (Fleet's and most deployments' decoration) is stable across
   * renames; --decorations_top_level puts it beside the other fields */
  line->host_key = member_nonempty_string (decorations, "host_uuid");
  if (line->host_key == NULL)
    line->host_key = member_nonempty_string (root, "host_uuid");
  if (line->host_key == NULL)
    line->host_key = member_nonempty_string (root, "hostIdentifier");
  if (line->host_key == NULL)
    line->host_key = member_nonempty_string (root, "hostname");
  line->hostname = member_nonempty_string (decorations, "hostname");
  if (line->hostname == NULL)
    line->hostname = member_nonempty_string (root, "hostname");
  if (line->hostname == NULL)
    line->hostname = member_nonempty_string (root, "hostIdentifier");
  if (line->hostname == NULL)
    line->hostname = line->host_key;
  if (line->host_key == NULL)
    {
      g_set_error_literal (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                           "no host: neither decorations.host_uuid nor hostIdentifier");
      return FALSE;
    }

  if (member_integer (root, "counter", &value))
    line->counter = value;
  if (member_integer (root, "unixTime", &value) && value > 0)
    line->time = value;
  else if (!po_fleet_calendar_time_parse (member_string (root, "calendarTime"), &line->time))
    {
      g_set_error_literal (error, PO_FLEET_ERROR, PO_FLEET_ERROR_INVALID_DATA,
                           "no usable \"unixTime\" or \"calendarTime\"");
      return FALSE;
    }
  return read_rows (line, root, error);
}
