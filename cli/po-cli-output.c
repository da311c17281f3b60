/* SPDX-License-Identifier: Apache-2.0 */
#include <json-glib/json-glib.h>

#include "po-cli.h"
#include "po-csv.h"

static void
print_json (PoResult *result, GString *out)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *text = NULL;

  json_builder_begin_array (builder);
  for (guint r = 0; r < result->rows->len; r++)
    {
      GPtrArray *row = result->rows->pdata[r];
      json_builder_begin_object (builder);
      for (guint c = 0; c < result->column_names->len; c++)
        {
          json_builder_set_member_name (builder, result->column_names->pdata[c]);
          if (row->pdata[c] == NULL)
            json_builder_add_null_value (builder);
          else
            json_builder_add_string_value (builder, row->pdata[c]);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_string_append_printf (out, "%s\n", text);
}

static void
print_csv (PoResult *result, GString *out)
{
  for (guint c = 0; c < result->column_names->len; c++)
    {
      if (c > 0)
        g_string_append_c (out, ',');
      po_csv_append_field (out, result->column_names->pdata[c]);
    }
  g_string_append (out, "\r\n");
  for (guint r = 0; r < result->rows->len; r++)
    {
      GPtrArray *row = result->rows->pdata[r];
      for (guint c = 0; c < row->len; c++)
        {
          if (c > 0)
            g_string_append_c (out, ',');
          po_csv_append_field (out, row->pdata[c]);
        }
      g_string_append (out, "\r\n");
    }
}

/* a cell for the aligned view: one line, control characters made visible */
static gchar *
display_cell (const gchar *value)
{
  GString *cell;

  if (value == NULL)
    return g_strdup ("NULL");
  cell = g_string_new (NULL);
  for (const gchar *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);
      if (ch == '\n')
        g_string_append (cell, "\\n");
      else if (ch == '\t')
        g_string_append (cell, "\\t");
      else if (g_unichar_iscntrl (ch))
        g_string_append_printf (cell, "\\x%02x", ch);
      else
        g_string_append_unichar (cell, ch);
    }
  return g_string_free (cell, FALSE);
}

static void
append_padded (GString *out, const gchar *text, glong width)
{
  g_string_append (out, text);
  for (glong i = g_utf8_strlen (text, -1); i < width; i++)
    g_string_append_c (out, ' ');
}

static void
print_table (PoResult *result, GString *out)
{
  guint n = result->column_names->len;
  g_autofree glong *widths = g_new0 (glong, n);
  g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);

  for (guint c = 0; c < n; c++)
    widths[c] = g_utf8_strlen (result->column_names->pdata[c], -1);
  for (guint r = 0; r < result->rows->len; r++)
    {
      GPtrArray *row = result->rows->pdata[r];
      for (guint c = 0; c < n; c++)
        {
          gchar *cell = display_cell (row->pdata[c]);
          widths[c] = MAX (widths[c], g_utf8_strlen (cell, -1));
          g_ptr_array_add (cells, cell);
        }
    }
  for (guint c = 0; c < n; c++)
    {
      if (c > 0)
        g_string_append (out, " | ");
      append_padded (out, result->column_names->pdata[c], c + 1 < n ? widths[c] : 0);
    }
  g_string_append_c (out, '\n');
  for (guint c = 0; c < n; c++)
    {
      if (c > 0)
        g_string_append (out, "-+-");
      for (glong i = 0; i < widths[c]; i++)
        g_string_append_c (out, '-');
    }
  g_string_append_c (out, '\n');
  for (guint r = 0; r < result->rows->len; r++)
    {
      for (guint c = 0; c < n; c++)
        {
          if (c > 0)
            g_string_append (out, " | ");
          append_padded (out, cells->pdata[r * n + c], c + 1 < n ? widths[c] : 0);
        }
      g_string_append_c (out, '\n');
    }
  g_string_append_printf (out, "(%u row%s)\n", result->rows->len,
                          result->rows->len == 1 ? "" : "s");
}

void
po_cli_print_result (PoResult *result, PoOutputFormat format, GString *out)
{
  switch (format)
    {
    case PO_OUTPUT_JSON:
      print_json (result, out);
      break;
    case PO_OUTPUT_CSV:
      print_csv (result, out);
      break;
    case PO_OUTPUT_TABLE:
      print_table (result, out);
      break;
    }
}
