/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A strict RFC 8259 syntax check run before json-glib builds the tree.
 *
 * json-glib 1.6 is lenient: it accepts comments, single-quoted strings and
 * an empty document, and silently keeps the last of two members with the
 * same name.  For a policy file the last one is the worst: a file with
 * "binding": true and further down "binding": false means something other
 * than what a reviewer sees.  So policy files must be strict JSON (what
 * jq, editors and schema validators in CI also read), with no duplicate
 * member names, nested at most MAX_DEPTH deep (json-glib recurses), and
 * with surrogate escapes only in pairs (I-JSON, RFC 7493; json-glib turns
 * a lone one into invalid UTF-8).
 */
#include <string.h>

#include "po-json-strict.h"

#define MAX_DEPTH 64

typedef struct {
  const gchar *start;
  const gchar *p;
  const gchar *end;
  guint depth;
  gchar *problem;
  const gchar *problem_at;
} Scan;

static gboolean
fail (Scan *scan, const gchar *at, const gchar *problem)
{
  if (scan->problem == NULL)
    {
      scan->problem = g_strdup (problem);
      scan->problem_at = at;
    }
  return FALSE;
}

static void
skip_space (Scan *scan)
{
  while (scan->p < scan->end
         && (*scan->p == ' ' || *scan->p == '\t' || *scan->p == '\n' || *scan->p == '\r'))
    scan->p++;
}

static gboolean
scan_literal (Scan *scan, const gchar *word)
{
  gsize length = strlen (word);

  if ((gsize) (scan->end - scan->p) < length || memcmp (scan->p, word, length) != 0)
    return fail (scan, scan->p, "not a JSON value");
  scan->p += length;
  return TRUE;
}

/* four hex digits at p (within the scan), as a number */
static gboolean
scan_hex4 (Scan *scan, const gchar *p, guint *ret_value)
{
  guint value = 0;

  for (guint i = 0; i < 4; i++)
    {
      if (p + i >= scan->end || !g_ascii_isxdigit (p[i]))
        return FALSE;
      value = value * 16 + (guint) g_ascii_xdigit_value (p[i]);
    }
  *ret_value = value;
  return TRUE;
}

/* a string; ret_raw (may be NULL) receives its bytes between the quotes */
static gboolean
scan_string (Scan *scan, gchar **ret_raw)
{
  const gchar *begin;

  if (scan->p >= scan->end || *scan->p != '"')
    return fail (scan, scan->p, "expected a string in double quotes");
  begin = ++scan->p;
  while (scan->p < scan->end && *scan->p != '"')
    {
      guchar c = (guchar) *scan->p;
      if (c < 0x20)
        return fail (scan, scan->p, "control character in a string (write it as an escape)");
      if (c == '\\')
        {
          scan->p++;
          if (scan->p >= scan->end)
            break;
          if (*scan->p == 'u')
            {
              guint unit;
              if (!scan_hex4 (scan, scan->p + 1, &unit))
                return fail (scan, scan->p, "bad \\u escape");
              scan->p += 4;
              /* a surrogate must come as a high-low pair: json-glib turns a
               * lone one into bytes that are not UTF-8 (and leaks when a
               * high one is followed by another escape) */
              if (unit >= 0xdc00 && unit <= 0xdfff)
                return fail (scan, scan->p - 5, "unpaired surrogate in a \\u escape");
              if (unit >= 0xd800 && unit <= 0xdbff)
                {
                  guint low;
                  if (scan->p + 2 >= scan->end || scan->p[1] != '\\' || scan->p[2] != 'u'
                      || !scan_hex4 (scan, scan->p + 3, &low) || low < 0xdc00 || low > 0xdfff)
                    return fail (scan, scan->p - 5, "unpaired surrogate in a \\u escape");
                  scan->p += 6;
                }
            }
          else if (strchr ("\"\\/bfnrt", *scan->p) == NULL)
            return fail (scan, scan->p, "bad escape in a string");
        }
      scan->p++;
    }
  if (scan->p >= scan->end)
    return fail (scan, begin - 1, "unterminated string");
  if (ret_raw != NULL)
    *ret_raw = g_strndup (begin, scan->p - begin);
  scan->p++;
  return TRUE;
}

static gboolean
scan_digits (Scan *scan)
{
  const gchar *begin = scan->p;

  while (scan->p < scan->end && g_ascii_isdigit (*scan->p))
    scan->p++;
  return scan->p > begin ? TRUE : fail (scan, begin, "bad number");
}

static gboolean
scan_number (Scan *scan)
{
  if (*scan->p == '-')
    scan->p++;
  if (scan->p < scan->end && *scan->p == '0')
    {
      scan->p++;
      if (scan->p < scan->end && g_ascii_isdigit (*scan->p))
        return fail (scan, scan->p, "bad number (leading zero)");
    }
  else if (!scan_digits (scan))
    return FALSE;
  if (scan->p < scan->end && *scan->p == '.')
    {
      scan->p++;
      if (!scan_digits (scan))
        return FALSE;
    }
  if (scan->p < scan->end && (*scan->p == 'e' || *scan->p == 'E'))
    {
      scan->p++;
      if (scan->p < scan->end && (*scan->p == '+' || *scan->p == '-'))
        scan->p++;
      if (!scan_digits (scan))
        return FALSE;
    }
  return TRUE;
}

static gboolean scan_value (Scan *scan);

/* after a member or an element: ',' (another follows) or closer (*ret_done) */
static gboolean
scan_separator (Scan *scan, gchar closer, gboolean *ret_done)
{
  skip_space (scan);
  if (scan->p < scan->end && (*scan->p == ',' || *scan->p == closer))
    {
      *ret_done = *scan->p == closer;
      scan->p++;
      return TRUE;
    }
  return fail (scan, scan->p, closer == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
}

static gboolean
scan_object (Scan *scan)
{
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean done;

  scan->p++;
  skip_space (scan);
  if (scan->p < scan->end && *scan->p == '}')
    {
      scan->p++;
      return TRUE;
    }
  for (;;)
    {
      g_autofree gchar *name = NULL;
      const gchar *at;

      skip_space (scan);
      at = scan->p;
      if (!scan_string (scan, &name))
        return FALSE;
      if (g_hash_table_contains (names, name))
        {
          g_autofree gchar *problem = g_strdup_printf ("duplicate member \"%s\"", name);
          return fail (scan, at, problem);
        }
      g_hash_table_add (names, g_steal_pointer (&name));
      skip_space (scan);
      if (scan->p >= scan->end || *scan->p != ':')
        return fail (scan, scan->p, "expected ':'");
      scan->p++;
      if (!scan_value (scan) || !scan_separator (scan, '}', &done))
        return FALSE;
      if (done)
        return TRUE;
    }
}

static gboolean
scan_array (Scan *scan)
{
  gboolean done;

  scan->p++;
  skip_space (scan);
  if (scan->p < scan->end && *scan->p == ']')
    {
      scan->p++;
      return TRUE;
    }
  for (;;)
    {
      if (!scan_value (scan) || !scan_separator (scan, ']', &done))
        return FALSE;
      if (done)
        return TRUE;
    }
}

static gboolean
scan_value (Scan *scan)
{
  gboolean ok;

  skip_space (scan);
  if (scan->p >= scan->end)
    return fail (scan, scan->p, "unexpected end of file");
  switch (*scan->p)
    {
    case '{':
    case '[':
      if (++scan->depth > MAX_DEPTH)
        return fail (scan, scan->p, "nested too deeply");
      ok = *scan->p == '{' ? scan_object (scan) : scan_array (scan);
      scan->depth--;
      return ok;
    case '"':
      return scan_string (scan, NULL);
    case 't':
      return scan_literal (scan, "true");
    case 'f':
      return scan_literal (scan, "false");
    case 'n':
      return scan_literal (scan, "null");
    default:
      if (*scan->p == '-' || g_ascii_isdigit (*scan->p))
        return scan_number (scan);
      return fail (scan, scan->p, "not a JSON value (comments and single quotes are not JSON)");
    }
}

gboolean
po_json_check_strict (const gchar *data, gsize length, gchar **ret_problem)
{
  Scan scan = { data, data, data + length, 0, NULL, NULL };
  guint line = 1, column = 1;

  if (memchr (data, '\0', length) != NULL)
    {
      *ret_problem = g_strdup ("contains a NUL byte");
      return FALSE;
    }
  if (!g_utf8_validate_len (data, length, NULL))
    {
      *ret_problem = g_strdup ("not valid UTF-8");
      return FALSE;
    }
  if (scan_value (&scan))
    {
      skip_space (&scan);
      if (scan.p == scan.end)
        return TRUE;
      fail (&scan, scan.p, "text after the end of the JSON value");
    }
  for (const gchar *p = data; p < scan.problem_at; p++)
    {
      if (*p == '\n')
        {
          line++;
          column = 1;
        }
      else if (((guchar) *p & 0xc0) != 0x80)
        column++;
    }
  *ret_problem = g_strdup_printf ("%u:%u: %s", line, column, scan.problem);
  g_free (scan.problem);
  return FALSE;
}
