/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

#include "po-schema.h"

G_BEGIN_DECLS

/*
 * PoRows: what a table's generate function produces, shared by all three
 * front ends (osquery over Thrift, the embedded SQLite, the loadable
 * extension).  A row is a fixed array of cells, one per schema column; a
 * cell is NULL (SQL NULL) or a string, because osquery carries every value
 * as a string and SQLite converts by the column's declared type.
 *
 * Text is always stored as valid UTF-8: invalid sequences (a process name
 * an unprivileged user chose, say) are replaced, never passed on, so osquery
 * and JSON output stay well-formed.
 */
typedef struct _PoRows PoRows;

PoRows *po_rows_new (const PoTableSchema *schema);
void po_rows_free (PoRows *rows);

const PoTableSchema *po_rows_get_schema (PoRows *rows);
guint po_rows_get_n_rows (PoRows *rows);
/* about how many bytes the rows take (cells and their text) */
gsize po_rows_get_size (PoRows *rows);

/* starts a new row with every cell NULL; the setters fill the newest row */
void po_rows_add (PoRows *rows);
/* drops the newest row again (a collector that found it incomplete) */
void po_rows_discard_last (PoRows *rows);

void po_rows_set_text (PoRows *rows, guint column, const gchar *value);
void po_rows_set_text_len (PoRows *rows, guint column, const gchar *value, gssize length);
void po_rows_set_int (PoRows *rows, guint column, gint64 value);
void po_rows_set_uint (PoRows *rows, guint column, guint64 value);
void po_rows_set_double (PoRows *rows, guint column, gdouble value);
void po_rows_set_bool (PoRows *rows, guint column, gboolean value);

/* NULL for SQL NULL */
const gchar *po_rows_get (PoRows *rows, guint row, guint column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PoRows, po_rows_free)

G_END_DECLS
