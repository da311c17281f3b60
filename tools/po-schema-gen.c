/* SPDX-License-Identifier: Apache-2.0 */
/*
 * po-schema-gen: the build step that makes the table schemas the single
 * source of truth.
 *
 *   po-schema-gen OUTDIR DOCFILE schemas/a.json schemas/b.json ...
 *
 * From each schemas/<table>.json it writes
 *   OUTDIR/po-schemas.h         column enums COL_<TABLE>_<COLUMN>, schema externs
 *   OUTDIR/po-schemas.c         the PoTableSchema instances
 *   OUTDIR/po-table-registry.c  every table bound to po_table_<table>_generate()
 *   DOCFILE                     the reference docs (docs/tables.md is a copy
 *                               that a test keeps equal to this file)
 *
 * A schema is strict JSON: unknown keys, bad identifiers, duplicate
 * columns and unknown types stop the build with the file and the reason.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "po-schema.h"

typedef struct {
  gchar *name;
  PoColumnType type;
  guint options;
  gchar *description;
} Column;

typedef struct {
  gchar *file;
  gchar *name;
  gchar *description;
  gchar *notes;
  GPtrArray *columns;  /* Column* */
  GPtrArray *examples; /* gchar* */
} Table;

static void
column_free (Column *column)
{
  g_free (column->name);
  g_free (column->description);
  g_free (column);
}

static void
table_free (Table *table)
{
  g_free (table->file);
  g_free (table->name);
  g_free (table->description);
  g_free (table->notes);
  g_ptr_array_unref (table->columns);
  g_ptr_array_unref (table->examples);
  g_free (table);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_free)

static gboolean
is_identifier (const gchar *text)
{
  if (text == NULL || !(g_ascii_islower (*text) || *text == '_'))
    return FALSE;
  for (const gchar *p = text; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

static gboolean
check_keys (JsonObject *object, const gchar *const *allowed, const gchar *file, const gchar *where,
            GError **error)
{
  g_autoptr (GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s: unknown key \"%s\"", file,
                     where, (const gchar *) l->data);
        return FALSE;
      }
  return TRUE;
}

static const gchar *
get_string (JsonObject *object, const gchar *key, gboolean required, const gchar *file,
            const gchar *where, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    {
      if (required)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s: \"%s\" is missing", file,
                     where, key);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s: \"%s\" must be a string",
                   file, where, key);
      return NULL;
    }
  return json_node_get_string (node);
}

static gboolean
get_flag (JsonObject *object, const gchar *key, gboolean *ret_value, const gchar *file,
          const gchar *where, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    {
      *ret_value = FALSE;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: %s: \"%s\" must be true or false", file, where, key);
      return FALSE;
    }
  *ret_value = json_node_get_boolean (node);
  return TRUE;
}

static Column *
parse_column (JsonNode *node, const gchar *file, guint index, GError **error)
{
  static const gchar *const keys[] = { "name",      "type",     "description",
                                       "index",     "required", "additional",
                                       "optimized", "hidden",   NULL };
  static const struct {
    const gchar *key;
    guint bit;
  } option_keys[] = {
    { "index", PO_COLUMN_INDEX },           { "required", PO_COLUMN_REQUIRED },
    { "additional", PO_COLUMN_ADDITIONAL }, { "optimized", PO_COLUMN_OPTIMIZED },
    { "hidden", PO_COLUMN_HIDDEN },
  };
  g_autofree gchar *where = g_strdup_printf ("column %u", index);
  Column *column;
  JsonObject *object;
  const gchar *name, *type, *description;
  PoColumnType column_type;
  guint options = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s: not an object", file,
                   where);
      return NULL;
    }
  object = json_node_get_object (node);
  if (!check_keys (object, keys, file, where, error))
    return NULL;
  name = get_string (object, "name", TRUE, file, where, error);
  if (name == NULL)
    return NULL;
  if (!is_identifier (name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: column \"%s\": names are lower-case identifiers", file, name);
      return NULL;
    }
  type = get_string (object, "type", TRUE, file, name, error);
  if (type == NULL)
    return NULL;
  if (!po_column_type_from_string (type, &column_type))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: column \"%s\": unknown type \"%s\" (TEXT, INTEGER, BIGINT, "
                   "UNSIGNED BIGINT or DOUBLE)",
                   file, name, type);
      return NULL;
    }
  description = get_string (object, "description", TRUE, file, name, error);
  if (description == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (option_keys); i++)
    {
      gboolean set;
      if (!get_flag (object, option_keys[i].key, &set, file, name, error))
        return NULL;
      if (set)
        options |= option_keys[i].bit;
    }
  column = g_new0 (Column, 1);
  column->name = g_strdup (name);
  column->type = column_type;
  column->options = options;
  column->description = g_strdup (description);
  return column;
}

static Table *
parse_table (const gchar *file, GError **error)
{
  static const gchar *const keys[] = { "name",    "description", "notes", "platforms",
                                       "columns", "examples",    NULL };
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (Table) table = g_new0 (Table, 1);
  g_autofree gchar *basename = g_path_get_basename (file);
  g_autofree gchar *expected = NULL;
  JsonObject *object;
  JsonNode *node;
  const gchar *text;

  table->file = g_strdup (file);
  table->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) column_free);
  table->examples = g_ptr_array_new_with_free_func (g_free);
  if (!json_parser_load_from_file (parser, file, error))
    {
      g_prefix_error (error, "%s: ", file);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not a JSON object", file);
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  if (!check_keys (object, keys, file, "table", error))
    return NULL;
  text = get_string (object, "name", TRUE, file, "table", error);
  if (text == NULL)
    return NULL;
  expected = g_strconcat (text, ".json", NULL);
  if (!is_identifier (text) || !g_str_equal (expected, basename))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: table name \"%s\" must be a lower-case identifier matching the file name",
                   file, text);
      return NULL;
    }
  table->name = g_strdup (text);
  text = get_string (object, "description", TRUE, file, "table", error);
  if (text == NULL)
    return NULL;
  table->description = g_strdup (text);
  if (json_object_has_member (object, "notes"))
    {
      text = get_string (object, "notes", FALSE, file, "table", error);
      if (text == NULL)
        return NULL;
      table->notes = g_strdup (text);
    }
  node = json_object_get_member (object, "columns");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)
      || json_array_get_length (json_node_get_array (node)) == 0)
    {
      /* osquery rejects a table without columns ("Invalid route info") */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: \"columns\" must be a non-empty array", file);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      Column *column = parse_column (json_array_get_element (json_node_get_array (node), i), file,
                                     i, error);
      if (column == NULL)
        return NULL;
      for (guint j = 0; j < table->columns->len; j++)
        if (g_str_equal (((Column *) table->columns->pdata[j])->name, column->name))
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "%s: column \"%s\" is declared twice", file, column->name);
            column_free (column);
            return NULL;
          }
      g_ptr_array_add (table->columns, column);
    }
  node = json_object_get_member (object, "examples");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: \"examples\" must be an array of SQL strings", file);
          return NULL;
        }
      for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
        {
          JsonNode *example = json_array_get_element (json_node_get_array (node), i);
          if (!JSON_NODE_HOLDS_VALUE (example)
              || json_node_get_value_type (example) != G_TYPE_STRING)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "%s: example %u is not a string", file, i);
              return NULL;
            }
          g_ptr_array_add (table->examples, g_strdup (json_node_get_string (example)));
        }
    }
  return g_steal_pointer (&table);
}

/* a C string literal; UTF-8 passes through, C's specials are escaped */
static void
append_c_string (GString *out, const gchar *text)
{
  g_string_append_c (out, '"');
  for (const gchar *p = text; *p != '\0'; p++)
    switch (*p)
      {
      case '"':
        g_string_append (out, "\\\"");
        break;
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\t':
        g_string_append (out, "\\t");
        break;
      case '?':
        g_string_append (out, "\\?");
        break; /* no trigraphs */
      default:
        g_string_append_c (out, *p);
      }
  g_string_append_c (out, '"');
}

static gchar *
upper (const gchar *text)
{
  return g_ascii_strup (text, -1);
}

static void
write_header (GString *out, GPtrArray *tables)
{
  g_string_append (out, "/* generated by tools/po-schema-gen.c from schemas/ (one JSON file per "
                        "table): do not edit */\n"
                        "#pragma once\n\n#include \"po-schema.h\"\n\nG_BEGIN_DECLS\n\n");
  for (guint t = 0; t < tables->len; t++)
    {
      Table *table = tables->pdata[t];
      g_autofree gchar *table_upper = upper (table->name);
      g_string_append_printf (out, "/* %s */\nenum {\n", table->file);
      for (guint c = 0; c < table->columns->len; c++)
        {
          Column *column = table->columns->pdata[c];
          g_autofree gchar *column_upper = upper (column->name);
          g_string_append_printf (out, "  COL_%s_%s = %u,\n", table_upper, column_upper, c);
        }
      g_string_append_printf (out, "  COL_%s__N = %u\n};\n", table_upper, table->columns->len);
      g_string_append_printf (out, "extern const PoTableSchema po_schema_%s;\n\n", table->name);
    }
  g_string_append (out, "G_END_DECLS\n");
}

static void
write_schemas (GString *out, GPtrArray *tables)
{
  g_string_append (out, "/* generated by tools/po-schema-gen.c from schemas/ (one JSON file per "
                        "table): do not edit */\n"
                        "#include \"po-schemas.h\"\n\n");
  for (guint t = 0; t < tables->len; t++)
    {
      Table *table = tables->pdata[t];
      g_string_append_printf (out, "static const PoColumn %s_columns[] = {\n", table->name);
      for (guint c = 0; c < table->columns->len; c++)
        {
          Column *column = table->columns->pdata[c];
          g_string_append_printf (out, "  { \"%s\", %u, %u, ", column->name, (guint) column->type,
                                  column->options);
          append_c_string (out, column->description);
          g_string_append (out, " },\n");
        }
      g_string_append_printf (out, "};\n\nstatic const gchar *const %s_examples[] = {\n",
                              table->name);
      for (guint e = 0; e < table->examples->len; e++)
        {
          g_string_append (out, "  ");
          append_c_string (out, table->examples->pdata[e]);
          g_string_append (out, ",\n");
        }
      g_string_append_printf (out,
                              "  NULL\n};\n\nconst PoTableSchema po_schema_%s = {\n  \"%s\",\n  ",
                              table->name, table->name);
      append_c_string (out, table->description);
      g_string_append_printf (out, ",\n  %s_columns,\n  %u,\n  %s_examples,\n};\n\n", table->name,
                              table->columns->len, table->name);
    }
}

static void
write_registry (GString *out, GPtrArray *tables)
{
  g_string_append (
    out,
    "/* generated by tools/po-schema-gen.c from schemas/ (one JSON file per table): do not edit "
    "*/\n"
    "#include \"po-schemas.h\"\n#include \"po-table.h\"\n#include \"po-table-registry.h\"\n\n");
  for (guint t = 0; t < tables->len; t++)
    g_string_append_printf (
      out, "gboolean po_table_%s_generate (PoRuntime *, PoQueryContext *, PoRows *, GError **);\n",
      ((Table *) tables->pdata[t])->name);
  g_string_append (out, "\n");
  for (guint t = 0; t < tables->len; t++)
    g_string_append_printf (
      out, "static const PoTable table_%s = { &po_schema_%s, po_table_%s_generate };\n",
      ((Table *) tables->pdata[t])->name, ((Table *) tables->pdata[t])->name,
      ((Table *) tables->pdata[t])->name);
  g_string_append (out, "\nconst PoTable *const po_table_registry[] = {\n");
  for (guint t = 0; t < tables->len; t++)
    g_string_append_printf (out, "  &table_%s,\n", ((Table *) tables->pdata[t])->name);
  g_string_append_printf (out, "};\n\nconst guint po_table_registry_n_tables = %u;\n", tables->len);
}

static const gchar *
options_text (guint options, GString *scratch)
{
  static const struct {
    guint bit;
    const gchar *name;
  } names[] = {
    { PO_COLUMN_INDEX, "index" },           { PO_COLUMN_REQUIRED, "required" },
    { PO_COLUMN_ADDITIONAL, "additional" }, { PO_COLUMN_OPTIMIZED, "optimized" },
    { PO_COLUMN_HIDDEN, "hidden" },
  };
  g_string_truncate (scratch, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (options & names[i].bit)
      g_string_append_printf (scratch, "%s%s", scratch->len > 0 ? ", " : "", names[i].name);
  return scratch->str;
}

static void
write_docs (GString *out, GPtrArray *tables)
{
  g_autoptr (GString) scratch = g_string_new (NULL);

  g_string_append (
    out, "<!-- generated by tools/po-schema-gen.c from schemas/*.json: edit the schemas, then\n"
         "     copy build/generated/tables.md here (a test keeps the two equal) -->\n"
         "# phaseout tables\n\n"
         "Every table is available in all three front ends: osquery (through `phaseout.ext`),\n"
         "`phaseout query`, and the SQLite loadable extension. Types are osquery's.\n\n");
  for (guint t = 0; t < tables->len; t++)
    g_string_append_printf (out, "- [`%s`](#%s)\n", ((Table *) tables->pdata[t])->name,
                            ((Table *) tables->pdata[t])->name);
  for (guint t = 0; t < tables->len; t++)
    {
      Table *table = tables->pdata[t];
      g_string_append_printf (out, "\n## %s\n\n%s\n\n", table->name, table->description);
      g_string_append (out, "| column | type | options | description |\n|---|---|---|---|\n");
      for (guint c = 0; c < table->columns->len; c++)
        {
          Column *column = table->columns->pdata[c];
          g_string_append_printf (out, "| `%s` | %s | %s | %s |\n", column->name,
                                  po_column_type_to_string (column->type),
                                  options_text (column->options, scratch), column->description);
        }
      if (table->notes != NULL)
        g_string_append_printf (out, "\n%s\n", table->notes);
      if (table->examples->len > 0)
        {
          g_string_append (out, "\nExamples:\n\n```sql\n");
          for (guint e = 0; e < table->examples->len; e++)
            g_string_append_printf (out, "%s;\n", (const gchar *) table->examples->pdata[e]);
          g_string_append (out, "```\n");
        }
    }
}

/* only rewrite a file whose content changes, so make does not rebuild the world */
static gboolean
write_if_changed (const gchar *path, GString *content, GError **error)
{
  g_autofree gchar *old = NULL;
  gsize old_length;

  if (g_file_get_contents (path, &old, &old_length, NULL) && old_length == content->len
      && memcmp (old, content->str, old_length) == 0)
    return TRUE;
  return g_file_set_contents (path, content->str, (gssize) content->len, error);
}

static gint
compare_tables (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(Table **) a)->name, (*(Table **) b)->name);
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) tables = g_ptr_array_new_with_free_func ((GDestroyNotify) table_free);
  g_autoptr (GError) error = NULL;
  struct {
    const gchar *name;
    void (*write) (GString *, GPtrArray *);
  } outputs[] = {
    { "po-schemas.h", write_header },
    { "po-schemas.c", write_schemas },
    { "po-table-registry.c", write_registry },
  };

  if (argc < 4)
    {
      g_printerr ("usage: %s OUTDIR DOCFILE SCHEMA.json...\n", argv[0]);
      return 2;
    }
  for (int i = 3; i < argc; i++)
    {
      Table *table = parse_table (argv[i], &error);
      if (table == NULL)
        {
          g_printerr ("po-schema-gen: %s\n", error->message);
          return 1;
        }
      g_ptr_array_add (tables, table);
    }
  g_ptr_array_sort (tables, compare_tables);
  for (gsize i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_autoptr (GString) content = g_string_new (NULL);
      g_autofree gchar *path = g_build_filename (argv[1], outputs[i].name, NULL);
      outputs[i].write (content, tables);
      if (!write_if_changed (path, content, &error))
        {
          g_printerr ("po-schema-gen: %s\n", error->message);
          return 1;
        }
    }
  {
    g_autoptr (GString) docs = g_string_new (NULL);
    write_docs (docs, tables);
    if (!write_if_changed (argv[2], docs, &error))
      {
        g_printerr ("po-schema-gen: %s\n", error->message);
        return 1;
      }
  }
  return 0;
}
