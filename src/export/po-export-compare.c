/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How names compare in the exported SQL: literals, globs as LIKE or GLOB
 * patterns, and the comparison keys, each normalised by the kind's text
 * rule (po-text.h) as far as core SQLite can (lower() folds ASCII only).
 */
#include <string.h>

#include "po-export-private.h"

/* ---- literals and patterns ----------------------------------------------- */

gchar *
po_export_sql_literal (const gchar *text)
{
  GString *out = g_string_new ("'");

  for (const gchar *p = text; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append_c (out, '\'');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
  return g_string_free (out, FALSE);
}

gchar *
po_export_glob_to_like (const gchar *glob)
{
  GString *out = g_string_new (NULL);

  for (const gchar *p = glob; *p != '\0'; p++)
    switch (*p)
      {
      case '*':
        g_string_append_c (out, '%');
        break;
      case '?':
        g_string_append_c (out, '_');
        break;
      case '%':
      case '_':
      case '\\':
        g_string_append_c (out, '\\');
        g_string_append_c (out, *p);
        break;
      default:
        g_string_append_c (out, *p);
      }
  return g_string_free (out, FALSE);
}

gchar *
po_export_glob_to_glob (const gchar *glob)
{
  GString *out = g_string_new (NULL);

  /* the format refuses '[' and ']' in globs; bracket '[' all the same, so
   * a literal one can never open a character class */
  for (const gchar *p = glob; *p != '\0'; p++)
    if (*p == '[')
      g_string_append (out, "[[]");
    else
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* ---- how names compare ---------------------------------------------------- */

/* how many of po_text_get_other_spaces() the SQL folds (see below) */
#define SQL_SPACES 9

/* expr (a column or expression) normalised by rule, in SQL */
gchar *
po_export_key_sql (PoTextRule rule, const gchar *expr)
{
  switch (rule)
    {
    case PO_TEXT_EXACT:
      return g_strdup (expr);
    case PO_TEXT_FOLD:
      return g_strdup_printf ("lower(%s)", expr);
      case PO_TEXT_FREE: {
        g_autoptr (GString) out = g_string_new (NULL);
        guint n_spaces;
        const gunichar *spaces = po_text_get_other_spaces (&n_spaces);

        /* the other white space characters to spaces (po_text_is_space()),
         * as many as SQLite's parser stack takes nested (osquery's as
         * ours: YYSTACKDEPTH 100): ASCII's and the no-break and
         * ideographic spaces.  Then every run of spaces to one (each
         * space becomes \1\2, the \2\1 between two of them goes, the
         * \1\2 left is one space), trimmed, folded */
        n_spaces = MIN (n_spaces, SQL_SPACES);
        for (guint i = 0; i < n_spaces; i++)
          g_string_append (out, "replace(");
        g_string_append (out, expr);
        for (guint i = 0; i < n_spaces; i++)
          g_string_append_printf (out, ", char(%u), ' ')", spaces[i]);
        return g_strdup_printf ("lower(trim(replace(replace(replace(%s, ' ', "
                                "char(1) || char(2)), char(2) || char(1), ''), "
                                "char(1) || char(2), ' ')))",
                                out->str);
      }
    case PO_TEXT_WINPATH:
      return g_strdup_printf ("lower(replace(%s, '/', '\\'))", expr);
    case PO_TEXT_KMOD:
      return g_strdup_printf ("replace(%s, '-', '_')", expr);
    }
  g_return_val_if_reached (NULL);
}

/* a pattern as written, normalised by rule the way key_sql() treats values:
 * SQL's lower() folds ASCII letters only */
static gchar *
key_literal (PoTextRule rule, const gchar *pattern)
{
  return po_text_normalise (pattern, rule, PO_TEXT_ASCII);
}

/* the length of the last line of out */
static gsize
line_length (GString *out)
{
  const gchar *newline = memrchr (out->str, '\n', out->len);
  return newline == NULL ? out->len : out->len - (gsize) (newline - out->str) - 1;
}

/* an IN list wraps at 96 columns under its opening parenthesis */
void
po_export_append_comparison (GString *out, const gchar *key, PoTextRule rule, GPtrArray *patterns,
                             gboolean glob)
{
  if (glob)
    {
      gboolean sensitive = po_text_rule_is_case_sensitive (rule);
      g_autofree gchar *normal = key_literal (rule, g_ptr_array_index (patterns, 0));
      g_autofree gchar *body = sensitive ? po_export_glob_to_glob (normal)
                                         : po_export_glob_to_like (normal);
      g_autofree gchar *literal = po_export_sql_literal (body);

      if (sensitive)
        g_string_append_printf (out, "%s GLOB %s", key, literal);
      else
        g_string_append_printf (out, "%s LIKE %s ESCAPE '\\'", key, literal);
      return;
    }

  g_autoptr (GPtrArray) literals = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < patterns->len; i++)
    {
      gchar *normal = key_literal (rule, g_ptr_array_index (patterns, i));
      if (!g_hash_table_add (seen, normal))
        continue;
      g_ptr_array_add (literals, po_export_sql_literal (normal));
    }
  if (literals->len == 1)
    {
      g_string_append_printf (out, "%s = %s", key, (const gchar *) g_ptr_array_index (literals, 0));
      return;
    }
  g_string_append_printf (out, "%s IN (", key);
  /* wrap under the parenthesis, unless that is too far right to help */
  gsize column = line_length (out) <= 60 ? line_length (out) : 0;
  for (guint i = 0; i < literals->len; i++)
    {
      const gchar *literal = g_ptr_array_index (literals, i);
      if (i > 0)
        {
          g_string_append_c (out, ',');
          if (column > 0 && line_length (out) + 1 + strlen (literal) > 96)
            g_string_append_printf (out, "\n%*s", (int) column, "");
          else
            g_string_append_c (out, ' ');
        }
      g_string_append (out, literal);
    }
  g_string_append_c (out, ')');
}
