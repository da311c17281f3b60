/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text normaliser (po-text.h).  Before it there were three, and two
 * of them disagreed about white space, so a signer written with a
 * no-break space matched an indicator but not the vendor-name index.
 */
#include <string.h>

#include "po-text.h"

/* the white space po_text_is_space() accepts, ' ' aside: ASCII's, then
 * the Unicode separators (Zs, Zl, Zp of Unicode 15), the ones names
 * carry most often first (no-break spaces) */
static const gunichar other_spaces[] = {
  0x09,   0x0a,   0x0b,   0x0c,   0x0d,   0x00a0, 0x202f, 0x2007, 0x3000, 0x1680, 0x2000, 0x2001,
  0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x205f,
};

gboolean
po_text_is_space (gunichar c)
{
  /* g_unichar_isspace() is the Unicode separators plus \t \n \r \f; \v
   * is white space to C's isspace() and to modinfo fields alike */
  return c == '\v' || g_unichar_isspace (c);
}

const gunichar *
po_text_get_other_spaces (guint *ret_n)
{
  *ret_n = G_N_ELEMENTS (other_spaces);
  return other_spaces;
}

gboolean
po_text_rule_is_case_sensitive (PoTextRule rule)
{
  switch (rule)
    {
    case PO_TEXT_EXACT:
    case PO_TEXT_KMOD:
      return TRUE;
    case PO_TEXT_FOLD:
    case PO_TEXT_FREE:
    case PO_TEXT_WINPATH:
      return FALSE;
    }
  g_return_val_if_reached (TRUE);
}

static gboolean
is_ascii (const gchar *text)
{
  for (const gchar *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return FALSE;
  return TRUE;
}

/* consumes text */
static gchar *
fold (gchar *text, PoTextFolding folding)
{
  g_autofree gchar *owned = text;
  g_autofree gchar *composed = NULL;

  /* ASCII: composing changes nothing and case folding is lowering */
  if (folding == PO_TEXT_ASCII || is_ascii (owned))
    return g_ascii_strdown (owned, -1);
  composed = g_utf8_normalize (owned, -1, G_NORMALIZE_DEFAULT_COMPOSE);
  return g_utf8_casefold (composed != NULL ? composed : owned, -1);
}

/* every run of white space as one space, none at either end */
static gchar *
collapse_spaces (const gchar *text)
{
  GString *out = g_string_sized_new (strlen (text));
  gboolean space = FALSE;

  for (const gchar *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (po_text_is_space (c))
        {
          space = TRUE;
          continue;
        }
      if (space && out->len > 0)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

gchar *
po_text_normalise (const gchar *text, PoTextRule rule, PoTextFolding folding)
{
  gchar *valid = g_utf8_make_valid (text != NULL ? text : "", -1);

  switch (rule)
    {
    case PO_TEXT_EXACT:
      return valid;
    case PO_TEXT_FOLD:
      return fold (valid, folding);
      case PO_TEXT_FREE: {
        gchar *collapsed = collapse_spaces (valid);
        g_free (valid);
        return fold (collapsed, folding);
      }
    case PO_TEXT_KMOD:
      return g_strdelimit (valid, "-", '_');
    case PO_TEXT_WINPATH:
      return fold (g_strdelimit (valid, "/", '\\'), folding);
    }
  g_free (valid);
  g_return_val_if_reached (g_strdup (""));
}

/*
 * whether po_text_normalise (text, rule, PO_TEXT_UNICODE) would return
 * text unchanged, judged cheaply: TRUE only for what is surely normal
 * (ASCII, for the folding rules), so a caller can compare text as it is
 * and copy only the rest
 */
gboolean
po_text_is_normal (const gchar *text, PoTextRule rule)
{
  gboolean space = TRUE; /* at the start, as after a space: no leading one */

  switch (rule)
    {
    case PO_TEXT_EXACT:
      return g_utf8_validate (text, -1, NULL);
    case PO_TEXT_KMOD:
      return strchr (text, '-') == NULL && g_utf8_validate (text, -1, NULL);
    case PO_TEXT_FOLD:
    case PO_TEXT_WINPATH:
      for (const gchar *p = text; *p != '\0'; p++)
        if ((guchar) *p >= 0x80 || g_ascii_isupper (*p) || (rule == PO_TEXT_WINPATH && *p == '/'))
          return FALSE;
      return TRUE;
    case PO_TEXT_FREE:
      for (const gchar *p = text; *p != '\0'; p++)
        {
          if ((guchar) *p >= 0x80 || g_ascii_isupper (*p))
            return FALSE;
          if (*p == ' ')
            {
              if (space)
                return FALSE;
              space = TRUE;
            }
          else if (po_text_is_space ((guchar) *p))
            return FALSE;
          else
            space = FALSE;
        }
      /* no trailing space either */
      return !space || *text == '\0';
    }
  return FALSE;
}
