/* SPDX-License-Identifier: Apache-2.0 */
#include "po-fuzz.h"

#include "po-test-tree.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static GLogWriterOutput
quiet_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  if ((log_level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR)) != 0)
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
          fprintf (stderr, "po-fuzz: critical: %s\n", (const gchar *) fields[i].value);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

void
po_fuzz_init_logging (void)
{
  g_log_set_writer_func (quiet_writer, NULL, NULL);
}

guint
po_fuzz_split (const uint8_t *data, size_t size, PoFuzzPart *parts, guint max_parts)
{
  const gsize sep_len = strlen (PO_FUZZ_SEPARATOR);
  const gchar *p = (const gchar *) data;
  const gchar *end = p + size;
  guint n = 0;

  for (guint i = 0; i < max_parts; i++)
    {
      parts[i].data = "";
      parts[i].length = 0;
    }
  while (n < max_parts)
    {
      const gchar *sep = n + 1 < max_parts
                           ? memmem (p, (gsize) (end - p), PO_FUZZ_SEPARATOR, sep_len)
                           : NULL;
      parts[n].data = p;
      parts[n].length = sep != NULL ? (gsize) (sep - p) : (gsize) (end - p);
      n++;
      if (sep == NULL)
        break;
      p = sep + sep_len;
    }
  return n;
}

static gchar *scratch;

static void
remove_scratch (void)
{
  if (scratch == NULL)
    return;
  po_test_remove_tree (scratch, FALSE, NULL);
  g_clear_pointer (&scratch, g_free);
}

const gchar *
po_fuzz_scratch_dir (void)
{
  if (scratch == NULL)
    {
      GError *error = NULL;
      scratch = g_dir_make_tmp ("phaseout-fuzz-XXXXXX", &error);
      if (scratch == NULL)
        {
          fprintf (stderr, "po-fuzz: %s\n", error->message);
          abort ();
        }
      atexit (remove_scratch);
    }
  return scratch;
}

void
po_fuzz_write_file (const gchar *relative, const void *data, gsize length)
{
  g_autofree gchar *path = g_build_filename (po_fuzz_scratch_dir (), relative, NULL);
  g_autofree gchar *parent = g_path_get_dirname (path);
  const guint8 *p = data;
  int fd;

  if (g_mkdir_with_parents (parent, 0755) != 0)
    {
      fprintf (stderr, "po-fuzz: mkdir %s: %s\n", parent, g_strerror (errno));
      abort ();
    }
  /* never write through a link a previous input left there */
  unlink (path);
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    {
      fprintf (stderr, "po-fuzz: open %s: %s\n", path, g_strerror (errno));
      abort ();
    }
  while (length > 0)
    {
      ssize_t n = write (fd, p, length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          fprintf (stderr, "po-fuzz: write %s: %s\n", path, g_strerror (errno));
          abort ();
        }
      p += n;
      length -= (gsize) n;
    }
  close (fd);
}

void
po_fuzz_remove (const gchar *relative)
{
  g_autofree gchar *path = g_build_filename (po_fuzz_scratch_dir (), relative, NULL);
  unlink (path);
}

static gboolean
has_control (const gchar *text)
{
  for (const gchar *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        return TRUE;
    }
  return FALSE;
}

void
po_fuzz_check_utf8 (const gchar *what, const gchar *text)
{
  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    {
      g_autofree gchar *shown = g_strescape (text, NULL);
      fprintf (stderr, "po-fuzz: %s is not valid UTF-8: \"%s\"\n", what, shown);
      abort ();
    }
}

void
po_fuzz_check_text (const gchar *what, const gchar *text)
{
  po_fuzz_check_utf8 (what, text);
  if (text != NULL && has_control (text))
    {
      g_autofree gchar *shown = g_strescape (text, NULL);
      fprintf (stderr, "po-fuzz: %s holds a control character: \"%s\"\n", what, shown);
      abort ();
    }
}

PoRuntime *
po_fuzz_runtime_new (const gchar *first_flag, ...)
{
  g_autoptr (PoSettings) settings = po_settings_new ();
  g_autoptr (GError) error = NULL;
  PoRuntime *runtime;
  va_list args;

  va_start (args, first_flag);
  for (const gchar *name = first_flag; name != NULL; name = va_arg (args, const gchar *))
    {
      const gchar *value = va_arg (args, const gchar *);
      if (!po_settings_apply_flag (settings, name, value, &error))
        {
          fprintf (stderr, "po-fuzz: --%s %s: %s\n", name, value, error->message);
          abort ();
        }
    }
  va_end (args);
  runtime = po_runtime_new (settings, &error);
  if (runtime == NULL)
    {
      fprintf (stderr, "po-fuzz: runtime: %s\n", error->message);
      abort ();
    }
  return runtime;
}

guint
po_fuzz_generate (PoRuntime *runtime, const gchar *table_name)
{
  const PoTable *const *tables;
  guint n_tables;
  guint n_rows = 0;

  tables = po_tables_get_all (&n_tables);
  for (guint t = 0; t < n_tables; t++)
    {
      const PoTable *table = tables[t];
      g_autoptr (PoQueryContext) query = NULL;
      g_autoptr (PoRows) rows = NULL;
      g_autoptr (GError) error = NULL;

      if (table_name != NULL && g_strcmp0 (table->schema->name, table_name) != 0)
        continue;
      query = po_query_context_new (table->schema);
      rows = po_rows_new (table->schema);
      if (!po_table_generate (table, runtime, query, rows, &error))
        {
          po_fuzz_check_utf8 ("error message", error != NULL ? error->message : NULL);
          continue;
        }
      for (guint r = 0; r < po_rows_get_n_rows (rows); r++)
        for (guint c = 0; c < table->schema->n_columns; c++)
          {
            const gchar *cell = po_rows_get (rows, r, c);
            if (cell != NULL && !g_utf8_validate (cell, -1, NULL))
              {
                g_autofree gchar *shown = g_strescape (cell, NULL);
                fprintf (stderr, "po-fuzz: %s.%s row %u is not valid UTF-8: \"%s\"\n",
                         table->schema->name, table->schema->columns[c].name, r, shown);
                abort ();
              }
          }
      n_rows += po_rows_get_n_rows (rows);
      if (po_fuzz_verbose ())
        fprintf (stderr, "  %s: %u rows\n", table->schema->name, po_rows_get_n_rows (rows));
    }
  return n_rows;
}

gboolean
po_fuzz_verbose (void)
{
  static int verbose = -1;
  if (verbose < 0)
    verbose = g_getenv ("PO_FUZZ_VERBOSE") != NULL;
  return verbose;
}
