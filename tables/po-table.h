/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-query-context.h"
#include "po-rows.h"
#include "po-runtime.h"
#include "po-schema.h"

G_BEGIN_DECLS

/*
 * A table is its schema (schemas/<name>.json) plus one generate function
 * (tables/<name>.c).  The schema names the function; the build generates the
 * registry below from the schemas, so adding a table is adding those two
 * files.
 *
 * A generate function adds rows to `rows` for what `query` asks.  It fails
 * (FALSE + error) only when it cannot answer at all; a missing or broken
 * host source is a warning and fewer rows, never a failed query.
 */
typedef gboolean (*PoTableGenerateFunc) (PoRuntime *runtime, PoQueryContext *query, PoRows *rows,
                                         GError **error);

typedef struct {
  const PoTableSchema *schema;
  PoTableGenerateFunc generate;
} PoTable;

/* every table, in name order; generated from schemas/ */
const PoTable *const *po_tables_get_all (guint *ret_n_tables);
const PoTable *po_tables_lookup (const gchar *name);

/*
 * Runs a table's generate function: the one entry point every front end
 * uses, so logging and accounting happen in one place.  On failure the rows
 * are left empty.
 */
gboolean po_table_generate (const PoTable *table, PoRuntime *runtime, PoQueryContext *query,
                            PoRows *rows, GError **error);

G_END_DECLS
