/* SPDX-License-Identifier: Apache-2.0 */
#include "po-query-context.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "po-error.h"
#include "po-json-strict.h"

/* osquery's context JSON is small; anything much larger is not from osquery */
#define PO_QUERY_CONTEXT_MAX_JSON (4 * 1024 * 1024)

typedef struct {
  GPtrArray *constraints; /* PoConstraint*, NULL until the first one */
  GPtrArray *equals;      /* const gchar* into constraints, NULL-terminated */
  gboolean used;
} ColumnState;

struct _PoQueryContext {
  const PoTableSchema *schema;
  ColumnState *columns;
  gboolean used_known; /* some column was marked used (or colsUsed seen) */
};

static void
constraint_free (PoConstraint *constraint)
{
  g_free (constraint->expr);
  g_free (constraint);
}

PoQueryContext *
po_query_context_new (const PoTableSchema *schema)
{
  PoQueryContext *context = g_new0 (PoQueryContext, 1);

  context->schema = schema;
  context->columns = g_new0 (ColumnState, schema->n_columns);
  return context;
}

void
po_query_context_free (PoQueryContext *context)
{
  if (context == NULL)
    return;
  for (guint i = 0; i < context->schema->n_columns; i++)
    {
      if (context->columns[i].constraints != NULL)
        g_ptr_array_unref (context->columns[i].constraints);
      if (context->columns[i].equals != NULL)
        g_ptr_array_unref (context->columns[i].equals);
    }
  g_free (context->columns);
  g_free (context);
}

const PoTableSchema *
po_query_context_get_schema (PoQueryContext *context)
{
  return context->schema;
}

static gboolean
op_is_known (gint op)
{
  switch (op)
    {
    case PO_OP_EQUALS:
    case PO_OP_GREATER_THAN:
    case PO_OP_LESS_THAN_OR_EQUALS:
    case PO_OP_LESS_THAN:
    case PO_OP_GREATER_THAN_OR_EQUALS:
    case PO_OP_MATCH:
    case PO_OP_LIKE:
    case PO_OP_GLOB:
    case PO_OP_REGEXP:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
po_query_context_add_constraint (PoQueryContext *context, guint column, gint op, const gchar *expr)
{
  ColumnState *state;
  PoConstraint *constraint;

  g_return_val_if_fail (column < context->schema->n_columns, FALSE);
  if (!op_is_known (op) || expr == NULL)
    return FALSE;
  state = &context->columns[column];
  if (state->constraints == NULL)
    state->constraints = g_ptr_array_new_with_free_func ((GDestroyNotify) constraint_free);
  constraint = g_new0 (PoConstraint, 1);
  constraint->op = (PoConstraintOp) op;
  constraint->expr = g_strdup (expr);
  g_ptr_array_add (state->constraints, constraint);
  if (op == PO_OP_EQUALS)
    {
      if (state->equals == NULL)
        state->equals = g_ptr_array_new ();
      else
        g_ptr_array_remove_index (state->equals, state->equals->len - 1);
      g_ptr_array_add (state->equals, constraint->expr);
      g_ptr_array_add (state->equals, NULL);
    }
  return TRUE;
}

GPtrArray *
po_query_context_get_constraints (PoQueryContext *context, guint column)
{
  g_return_val_if_fail (column < context->schema->n_columns, NULL);
  return context->columns[column].constraints;
}

const gchar *const *
po_query_context_get_equals (PoQueryContext *context, guint column)
{
  g_return_val_if_fail (column < context->schema->n_columns, NULL);
  if (context->columns[column].equals == NULL)
    return NULL;
  return (const gchar *const *) context->columns[column].equals->pdata;
}

gboolean
po_query_context_matches (PoQueryContext *context, guint column, const gchar *value)
{
  const gchar *const *equals = po_query_context_get_equals (context, column);

  if (equals == NULL)
    return TRUE;
  if (value == NULL)
    return FALSE;
  return g_strv_contains (equals, value);
}

void
po_query_context_mark_used (PoQueryContext *context, guint column)
{
  g_return_if_fail (column < context->schema->n_columns);
  context->used_known = TRUE;
  context->columns[column].used = TRUE;
}

gboolean
po_query_context_is_used (PoQueryContext *context, guint column)
{
  g_return_val_if_fail (column < context->schema->n_columns, TRUE);
  return !context->used_known || context->columns[column].used;
}

/* "op" is a number in current cores and a string before osquery 3.0 */
static gboolean
read_op (JsonNode *node, gint *ret_op)
{
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 op = json_node_get_int (node);
      if (op < 0 || op > G_MAXINT)
        return FALSE;
      *ret_op = (gint) op;
      return TRUE;
    }
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      guint64 op;
      if (!g_ascii_string_to_unsigned (json_node_get_string (node), 10, 0, G_MAXINT, &op, NULL))
        return FALSE;
      *ret_op = (gint) op;
      return TRUE;
    }
  return FALSE;
}

static gboolean
parse_constraint_entry (PoQueryContext *context, JsonNode *entry_node, GError **error)
{
  JsonObject *entry;
  JsonNode *list_node;
  JsonNode *name_node;
  const gchar *name;
  gint column;

  if (!JSON_NODE_HOLDS_OBJECT (entry_node))
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                           "query context: a constraint entry is not an object");
      return FALSE;
    }
  entry = json_node_get_object (entry_node);
  /* not json_object_get_string_member_with_default(): it is a critical
   * warning (g_return_val_if_fail) when "name" is an array or object */
  name_node = json_object_get_member (entry, "name");
  name = name_node != NULL && JSON_NODE_HOLDS_VALUE (name_node) ? json_node_get_string (name_node)
                                                                : NULL;
  if (name == NULL)
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                           "query context: a constraint entry has no column name");
      return FALSE;
    }
  column = po_table_schema_find_column (context->schema, name);
  list_node = json_object_get_member (entry, "list");
  /* older cores send "list":"" for no constraints */
  if (list_node == NULL || !JSON_NODE_HOLDS_ARRAY (list_node))
    return TRUE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (list_node)); i++)
    {
      JsonNode *item_node = json_array_get_element (json_node_get_array (list_node), i);
      JsonObject *item;
      JsonNode *expr_node;
      gint op;

      if (!JSON_NODE_HOLDS_OBJECT (item_node))
        {
          g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                       "query context: constraint %u on %s is not an object", i, name);
          return FALSE;
        }
      item = json_node_get_object (item_node);
      if (!read_op (json_object_get_member (item, "op"), &op))
        {
          g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                       "query context: constraint %u on %s has no valid \"op\"", i, name);
          return FALSE;
        }
      expr_node = json_object_get_member (item, "expr");
      if (expr_node == NULL || !JSON_NODE_HOLDS_VALUE (expr_node)
          || json_node_get_value_type (expr_node) != G_TYPE_STRING)
        {
          g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                       "query context: constraint %u on %s has no string \"expr\"", i, name);
          return FALSE;
        }
      /* a column this table does not have (an alias) or an operator we do
       * not know: dropping the constraint only widens the result */
      if (column >= 0)
        po_query_context_add_constraint (context, (guint) column, op,
                                         json_node_get_string (expr_node));
    }
  return TRUE;
}

PoQueryContext *
po_query_context_new_from_json (const PoTableSchema *schema, const gchar *json, GError **error)
{
  g_autoptr (PoQueryContext) context = po_query_context_new (schema);
  g_autoptr (JsonParser) parser = NULL;
  g_autofree gchar *problem = NULL;
  JsonObject *root;
  JsonNode *node;
  gsize length;

  if (json == NULL || *json == '\0')
    return g_steal_pointer (&context);
  length = strlen (json);
  if (length > PO_QUERY_CONTEXT_MAX_JSON)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_TOO_LARGE,
                   "query context: %" G_GSIZE_FORMAT " bytes is more than the %d accepted", length,
                   PO_QUERY_CONTEXT_MAX_JSON);
      return NULL;
    }
  /* json-glib 1.6 recurses once per nesting level without a limit: a few
   * hundred KB of "[" from a broken or hostile peer overflow a worker's
   * stack.  osqueryd writes strict JSON nested four deep; the strict check
   * (nesting at most 64) runs first */
  if (!po_json_check_strict (json, length, &problem))
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA, "query context: not valid JSON: %s",
                   problem);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, (gssize) length, error))
    {
      g_prefix_error (error, "query context: ");
      if (error != NULL && *error != NULL)
        {
          (*error)->domain = PO_ERROR;
          (*error)->code = PO_ERROR_INVALID_DATA;
        }
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                           "query context: not a JSON object");
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));

  node = json_object_get_member (root, "constraints");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *entries = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (entries); i++)
        if (!parse_constraint_entry (context, json_array_get_element (entries, i), error))
          return NULL;
    }
  else if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                           "query context: \"constraints\" is not an array");
      return NULL;
    }

  /* colsUsed names the columns; the bitset is the same information */
  node = json_object_get_member (root, "colsUsed");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *used = json_node_get_array (node);
      context->used_known = TRUE;
      for (guint i = 0; i < json_array_get_length (used); i++)
        {
          JsonNode *name = json_array_get_element (used, i);
          gint column;
          if (!JSON_NODE_HOLDS_VALUE (name) || json_node_get_value_type (name) != G_TYPE_STRING)
            continue;
          column = po_table_schema_find_column (schema, json_node_get_string (name));
          if (column >= 0)
            context->columns[column].used = TRUE;
        }
    }
  return g_steal_pointer (&context);
}
