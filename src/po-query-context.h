/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-schema.h"

G_BEGIN_DECLS

/*
 * PoQueryContext: what the query asks of a table, as the generate function
 * sees it: per column, the constraints (operator, value as text) and whether
 * the column is used at all.  Built from osquery's "context" JSON by
 * po_query_context_new_from_json(), or from SQLite's xBestIndex/xFilter by
 * the embedded engine.
 *
 * Constraints are hints.  SQLite re-checks every constraint on the rows a
 * table returns (neither osquery nor phaseout sets `omit`), so a generate
 * function may always return a superset; it must never return less than the
 * query asks for.  po_query_context_matches() follows that rule.
 */

/* osquery's ConstraintOperator, the same values as SQLite's */
typedef enum {
  PO_OP_EQUALS = 2,
  PO_OP_GREATER_THAN = 4,
  PO_OP_LESS_THAN_OR_EQUALS = 8,
  PO_OP_LESS_THAN = 16,
  PO_OP_GREATER_THAN_OR_EQUALS = 32,
  PO_OP_MATCH = 64,
  PO_OP_LIKE = 65,
  PO_OP_GLOB = 66,
  PO_OP_REGEXP = 67,
} PoConstraintOp;

typedef struct {
  PoConstraintOp op;
  gchar *expr;
} PoConstraint;

typedef struct _PoQueryContext PoQueryContext;

PoQueryContext *po_query_context_new (const PoTableSchema *schema);
void po_query_context_free (PoQueryContext *context);

/*
 * Parses osquery's serialised QueryContext:
 *   {"constraints":[{"name":c,"list":[{"op":n,"expr":s},...],"affinity":t},...],
 *    "colsUsed":[c,...], "colsUsedBitset":n}
 * Also accepts what older cores send ("op" as a string, "list":"").  Columns
 * the schema does not know and operators phaseout does not know are
 * ignored (a superset is always correct).  A NULL or empty json is an empty
 * context.
 */
PoQueryContext *po_query_context_new_from_json (const PoTableSchema *schema, const gchar *json,
                                                GError **error);

const PoTableSchema *po_query_context_get_schema (PoQueryContext *context);

/* FALSE for an operator code phaseout does not know (then nothing is added) */
gboolean po_query_context_add_constraint (PoQueryContext *context, guint column, gint op,
                                          const gchar *expr);

/* PoConstraint* elements, or NULL when the column has none */
GPtrArray *po_query_context_get_constraints (PoQueryContext *context, guint column);

/*
 * The set of values the column is constrained to by '=' (an IN list
 * arrives as several '='), or NULL when there is no '=' constraint.
 */
const gchar *const *po_query_context_get_equals (PoQueryContext *context, guint column);

/* FALSE only when '=' constraints exist on the column and none is value */
gboolean po_query_context_matches (PoQueryContext *context, guint column, const gchar *value);

/*
 * Which columns the query uses.  Until one is marked, every column counts
 * as used (a context from an old core, or from a caller that does not know).
 */
void po_query_context_mark_used (PoQueryContext *context, guint column);
gboolean po_query_context_is_used (PoQueryContext *context, guint column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoQueryContext, po_query_context_free)

G_END_DECLS
