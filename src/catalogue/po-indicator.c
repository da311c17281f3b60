/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Indicators: a package name, a service, a Team ID ... that betrays a
 * vendor's product on a host, as a policy file writes it, checked against
 * the rules of its kind (po-indicator-kinds.c) and kept normalised for
 * the matcher (po-matcher.c).
 */
#include <string.h>

#include "po-catalogue-private.h"

/*
 * The form names of a kind are compared in (po_text_normalise(): invalid
 * UTF-8 is repaired first, since the glob matcher walks UTF-8).
 */
gchar *
po_indicator_normalise (PoIndicatorKind kind, const gchar *value)
{
  return po_text_normalise (value, po_indicator_kind_get_info (kind)->rule, PO_TEXT_UNICODE);
}

/* checks a pattern as written; NULL when fine, else what is wrong */
static gchar *
check_pattern (PoIndicatorKind kind, const gchar *pattern, gboolean *ret_is_glob)
{
  gchar *problem = NULL;
  gboolean is_glob = FALSE;
  gboolean literal = FALSE;

  if (pattern[0] == '\0')
    return g_strdup ("empty name");
  for (const gchar *p = pattern; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x20 || *p == 0x7f)
        return g_strdup ("contains a control character");
      if (*p == '*' || *p == '?')
        is_glob = TRUE;
      else
        literal = TRUE;
    }
  if (is_glob)
    {
      if (!literal)
        return g_strdup ("invalid glob: it would match every name");
      if (strpbrk (pattern, "[]{}") != NULL)
        return g_strdup ("invalid glob: only '*' and '?' are wildcards; "
                         "character classes and braces are not supported");
    }
  if (g_ascii_isspace (pattern[0]) || g_ascii_isspace (pattern[strlen (pattern) - 1]))
    return g_strdup ("leading or trailing white space");

  if (po_indicator_kind_get_info (kind)->check != NULL)
    problem = po_indicator_kind_get_info (kind)->check (pattern, is_glob);
  if (problem != NULL)
    return problem;
  *ret_is_glob = is_glob;
  return NULL;
}

PoIndicator *
po_indicator_new (PoIndicatorKind kind, const gchar *pattern, const gchar *confidence,
                  const gchar *note, gchar **ret_problem)
{
  g_autofree gchar *problem = NULL;
  PoIndicator *indicator;
  gboolean is_glob = FALSE;

  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, NULL);
  g_return_val_if_fail (pattern != NULL, NULL);

  problem = check_pattern (kind, pattern, &is_glob);
  if (problem != NULL)
    {
      *ret_problem = g_steal_pointer (&problem);
      return NULL;
    }
  indicator = g_new0 (PoIndicator, 1);
  indicator->kind = kind;
  indicator->pattern = g_strdup (pattern);
  indicator->key = po_indicator_normalise (kind, pattern);
  indicator->is_glob = is_glob;
  indicator->confidence = g_intern_string (confidence);
  indicator->note = g_strdup (note);
  if (is_glob)
    {
      indicator->spec = g_pattern_spec_new (indicator->key);
      indicator->prefix_len = strcspn (indicator->key, "*?");
    }
  return indicator;
}

void
po_indicator_free (PoIndicator *indicator)
{
  if (indicator == NULL)
    return;
  g_free (indicator->pattern);
  g_free (indicator->key);
  g_clear_pointer (&indicator->spec, g_pattern_spec_free);
  g_free (indicator->note);
  g_free (indicator);
}

PoIndicatorKind
po_indicator_get_kind (const PoIndicator *indicator)
{
  return indicator->kind;
}

const gchar *
po_indicator_get_pattern (const PoIndicator *indicator)
{
  return indicator->pattern;
}

gboolean
po_indicator_is_glob (const PoIndicator *indicator)
{
  return indicator->is_glob;
}

const gchar *
po_indicator_get_confidence (const PoIndicator *indicator)
{
  return indicator->confidence;
}

const gchar *
po_indicator_get_note (const PoIndicator *indicator)
{
  return indicator->note;
}

PoVendor *
po_indicator_get_vendor (const PoIndicator *indicator)
{
  return indicator->vendor;
}

PoProduct *
po_indicator_get_product (const PoIndicator *indicator)
{
  return indicator->product;
}

gboolean
po_indicator_matches_key (const PoIndicator *indicator, const gchar *key, gsize key_len)
{
  if (!indicator->is_glob)
    return strcmp (indicator->key, key) == 0;
  return g_pattern_spec_match (indicator->spec, key_len, key, NULL);
}

gboolean
po_indicator_matches (const PoIndicator *indicator, const gchar *value)
{
  g_autofree gchar *key = po_indicator_normalise (indicator->kind, value);
  return po_indicator_matches_key (indicator, key, strlen (key));
}
