/* SPDX-License-Identifier: Apache-2.0 */
#include "po-rows.h"

#include <string.h>

/*
 * cells live in one flat array, row-major, and their strings in one
 * GStringChunk, so a 200,000-row result is two allocations' worth of
 * bookkeeping, freed at once
 */
struct _PoRows {
  const PoTableSchema *schema;
  GPtrArray *cells; /* const gchar*, n_columns per row; NULL = SQL NULL */
  GStringChunk *strings;
  gsize text_bytes; /* what the strings hold */
};

PoRows *
po_rows_new (const PoTableSchema *schema)
{
  PoRows *rows = g_new0 (PoRows, 1);

  rows->schema = schema;
  rows->cells = g_ptr_array_new ();
  rows->strings = g_string_chunk_new (4096);
  return rows;
}

void
po_rows_free (PoRows *rows)
{
  if (rows == NULL)
    return;
  g_ptr_array_unref (rows->cells);
  g_string_chunk_free (rows->strings);
  g_free (rows);
}

const PoTableSchema *
po_rows_get_schema (PoRows *rows)
{
  return rows->schema;
}

guint
po_rows_get_n_rows (PoRows *rows)
{
  return rows->schema->n_columns > 0 ? rows->cells->len / rows->schema->n_columns : 0;
}

gsize
po_rows_get_size (PoRows *rows)
{
  return sizeof *rows + rows->cells->len * sizeof (gpointer) + rows->text_bytes;
}

void
po_rows_add (PoRows *rows)
{
  /* the new cells are NULL */
  g_ptr_array_set_size (rows->cells, rows->cells->len + rows->schema->n_columns);
}

void
po_rows_discard_last (PoRows *rows)
{
  guint n = rows->schema->n_columns;

  if (rows->cells->len >= n)
    g_ptr_array_set_size (rows->cells, rows->cells->len - n);
}

static const gchar **
cell (PoRows *rows, guint column)
{
  g_return_val_if_fail (column < rows->schema->n_columns, NULL);
  g_return_val_if_fail (rows->cells->len >= rows->schema->n_columns, NULL);
  return (const gchar **) &rows->cells->pdata[rows->cells->len - rows->schema->n_columns + column];
}

void
po_rows_set_text_len (PoRows *rows, guint column, const gchar *value, gssize length)
{
  const gchar **slot = cell (rows, column);

  if (slot == NULL)
    return;
  if (value == NULL)
    {
      *slot = NULL;
      return;
    }
  if (length < 0)
    length = (gssize) strlen (value);
  /* osquery and JSON consumers need UTF-8; never pass on what a user
   * chose to make invalid (and never cut at an embedded NUL silently:
   * make_valid turns NUL into U+FFFD too) */
  if (g_utf8_validate_len (value, (gsize) length, NULL))
    *slot = g_string_chunk_insert_len (rows->strings, value, length);
  else
    {
      g_autofree gchar *valid = g_utf8_make_valid (value, length);
      *slot = g_string_chunk_insert (rows->strings, valid);
    }
  rows->text_bytes += (gsize) length + 1;
}

void
po_rows_set_text (PoRows *rows, guint column, const gchar *value)
{
  po_rows_set_text_len (rows, column, value, -1);
}

void
po_rows_set_int (PoRows *rows, guint column, gint64 value)
{
  gchar buffer[32];

  g_snprintf (buffer, sizeof buffer, "%" G_GINT64_FORMAT, value);
  po_rows_set_text (rows, column, buffer);
}

void
po_rows_set_uint (PoRows *rows, guint column, guint64 value)
{
  gchar buffer[32];

  g_snprintf (buffer, sizeof buffer, "%" G_GUINT64_FORMAT, value);
  po_rows_set_text (rows, column, buffer);
}

void
po_rows_set_double (PoRows *rows, guint column, gdouble value)
{
  gchar buffer[G_ASCII_DTOSTR_BUF_SIZE];

  po_rows_set_text (rows, column, g_ascii_dtostr (buffer, sizeof buffer, value));
}

void
po_rows_set_bool (PoRows *rows, guint column, gboolean value)
{
  const gchar **slot = cell (rows, column);

  /* constant strings need no copy: cells are never freed one by one */
  if (slot != NULL)
    *slot = value ? "1" : "0";
}

const gchar *
po_rows_get (PoRows *rows, guint row, guint column)
{
  guint n = rows->schema->n_columns;

  g_return_val_if_fail (column < n && row < po_rows_get_n_rows (rows), NULL);
  return rows->cells->pdata[row * n + column];
}
