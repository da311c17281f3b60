/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * How names are compared (docs/policy-format.md, "case"): the one
 * normaliser behind the indicator matcher, the vendor-name index of the
 * compliance scan and the literals of the osquery export, so that the
 * three cannot disagree about what a name is.
 */
typedef enum {
  PO_TEXT_EXACT,   /* byte for byte */
  PO_TEXT_FOLD,    /* case-folded */
  PO_TEXT_FREE,    /* free text: every run of white space one space, trimmed, folded */
  PO_TEXT_KMOD,    /* kernel module names: '-' is '_' (kmod's rule), otherwise exact */
  PO_TEXT_WINPATH, /* '/' is '\', folded */
} PoTextRule;

/* how far "folded" goes */
typedef enum {
  PO_TEXT_UNICODE, /* NFC, then Unicode case folding: how phaseout itself compares */
  PO_TEXT_ASCII,   /* ASCII letters lowered, nothing composed: what SQL's lower() does */
} PoTextFolding;

/*
 * The form text is compared in under rule.  Text is not trusted to be
 * UTF-8 (a process name is whatever its owner chose): invalid sequences
 * are replaced first.  Never NULL; NULL text is "".
 */
gchar *po_text_normalise (const gchar *text, PoTextRule rule, PoTextFolding folding);

/* whether po_text_normalise (text, rule, PO_TEXT_UNICODE) is surely text
 * itself (FALSE may only mean "not known": non-ASCII text under a folding
 * rule), so that text can be compared without a normalised copy */
gboolean po_text_is_normal (const gchar *text, PoTextRule rule);

/* whether rule keeps upper and lower case apart */
gboolean po_text_rule_is_case_sensitive (PoTextRule rule);

/* white space, the one definition free text uses: C's isspace() set and
 * Unicode's space, line and paragraph separators (U+00A0, U+2028 ...) */
gboolean po_text_is_space (gunichar c);

/* every white space character but ' ', for code that must list them
 * (SQL), the ones names carry most often first: ASCII's, then the
 * no-break spaces U+00A0, U+202F, U+2007 and the ideographic space */
const gunichar *po_text_get_other_spaces (guint *ret_n);

G_END_DECLS
