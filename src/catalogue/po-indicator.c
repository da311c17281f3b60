/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Indicators (a package name, a service, a Team ID ... that betrays a
 * vendor's product on a host) and the matcher that finds which of them a
 * name from the inventory hits.
 *
 * The matcher is built for catalogues far larger than the built-in one:
 * per kind, exact names sit in a hash table (one lookup), and globs are
 * bucketed by their literal prefix ("kesl*" under "kesl"), so a name only
 * meets the globs whose prefix it starts with, found with one lookup per
 * distinct prefix length.  Only globs that start with a wildcard
 * ("*kaspersky*") are tried against every name; the format keeps those for
 * vendor-wide free text such as publishers, where there are few.
 */
#include <string.h>

#include "po-catalogue-private.h"

typedef enum {
  NORMALISE_NONE,        /* compared byte for byte */
  NORMALISE_FOLD,        /* NFC, case-folded */
  NORMALISE_TEXT,        /* free text: white space runs as one space, then FOLD */
  NORMALISE_KMOD,        /* kernel module names: '-' is '_' */
  NORMALISE_WINPATH,     /* '/' is '\', then FOLD */
} Normalise;

typedef enum {
  CHECK_NONE,
  CHECK_DEB_NAME,        /* Debian package names are lower case, no spaces */
  CHECK_NO_SPACE,
  CHECK_ABSOLUTE_PATH,   /* starts with '/' (or a wildcard) */
  CHECK_SNAP_NAME,       /* snap names: lower case, digits, '-' */
  CHECK_FLATPAK_ID,      /* reverse-DNS application ids */
} Check;

static const struct {
  const gchar *name;
  const gchar *platform;
  const gchar *key;
  Normalise    normalise;
  Check        check;
} kinds[PO_INDICATOR_KIND_N] = {
  [PO_INDICATOR_DEB_PACKAGE] = { "linux.deb_package", "linux", "deb_package", NORMALISE_NONE, CHECK_DEB_NAME },
  [PO_INDICATOR_RPM_PACKAGE] = { "linux.rpm_package", "linux", "rpm_package", NORMALISE_NONE, CHECK_NO_SPACE },
  [PO_INDICATOR_LINUX_PATH] = { "linux.path", "linux", "path", NORMALISE_NONE, CHECK_ABSOLUTE_PATH },
  [PO_INDICATOR_SYSTEMD_UNIT] = { "linux.systemd_unit", "linux", "systemd_unit", NORMALISE_NONE, CHECK_NO_SPACE },
  [PO_INDICATOR_LINUX_PROCESS] = { "linux.process", "linux", "process", NORMALISE_NONE, CHECK_NONE },
  [PO_INDICATOR_KERNEL_MODULE] = { "linux.kernel_module", "linux", "kernel_module", NORMALISE_KMOD, CHECK_NO_SPACE },
  [PO_INDICATOR_KERNEL_MODULE_SIGNER] = { "linux.kernel_module_signer", "linux", "kernel_module_signer", NORMALISE_TEXT, CHECK_NONE },
  [PO_INDICATOR_KERNEL_MODULE_AUTHOR] = { "linux.kernel_module_author", "linux", "kernel_module_author", NORMALISE_TEXT, CHECK_NONE },
  [PO_INDICATOR_SNAP] = { "linux.snap", "linux", "snap", NORMALISE_NONE, CHECK_SNAP_NAME },
  [PO_INDICATOR_FLATPAK] = { "linux.flatpak", "linux", "flatpak", NORMALISE_NONE, CHECK_FLATPAK_ID },
  [PO_INDICATOR_WINDOWS_PROGRAM] = { "windows.program", "windows", "program", NORMALISE_TEXT, CHECK_NONE },
  [PO_INDICATOR_WINDOWS_PUBLISHER] = { "windows.publisher", "windows", "publisher", NORMALISE_TEXT, CHECK_NONE },
  [PO_INDICATOR_WINDOWS_SERVICE] = { "windows.service", "windows", "service", NORMALISE_FOLD, CHECK_NONE },
  [PO_INDICATOR_WINDOWS_DRIVER] = { "windows.driver", "windows", "driver", NORMALISE_FOLD, CHECK_NO_SPACE },
  [PO_INDICATOR_WINDOWS_SIGNER] = { "windows.signer", "windows", "signer", NORMALISE_TEXT, CHECK_NONE },
  [PO_INDICATOR_WINDOWS_PROCESS] = { "windows.process", "windows", "process", NORMALISE_FOLD, CHECK_NONE },
  [PO_INDICATOR_WINDOWS_PATH] = { "windows.path", "windows", "path", NORMALISE_WINPATH, CHECK_NONE },
  [PO_INDICATOR_MACOS_TEAM_ID] = { "macos.team_id", "macos", "team_id", NORMALISE_FOLD, CHECK_NO_SPACE },
  [PO_INDICATOR_MACOS_BUNDLE_ID] = { "macos.bundle_id", "macos", "bundle_id", NORMALISE_FOLD, CHECK_NO_SPACE },
  [PO_INDICATOR_MACOS_SYSTEM_EXTENSION] = { "macos.system_extension", "macos", "system_extension", NORMALISE_FOLD, CHECK_NO_SPACE },
  [PO_INDICATOR_MACOS_KERNEL_EXTENSION] = { "macos.kernel_extension", "macos", "kernel_extension", NORMALISE_FOLD, CHECK_NO_SPACE },
  [PO_INDICATOR_MACOS_PACKAGE_RECEIPT] = { "macos.package_receipt", "macos", "package_receipt", NORMALISE_FOLD, CHECK_NO_SPACE },
  [PO_INDICATOR_MACOS_LAUNCHD_LABEL] = { "macos.launchd_label", "macos", "launchd_label", NORMALISE_FOLD, CHECK_NO_SPACE },
  [PO_INDICATOR_MACOS_APP_NAME] = { "macos.app_name", "macos", "app_name", NORMALISE_FOLD, CHECK_NONE },
  [PO_INDICATOR_MACOS_PATH] = { "macos.path", "macos", "path", NORMALISE_FOLD, CHECK_ABSOLUTE_PATH },
};

const gchar *
po_indicator_kind_to_string (PoIndicatorKind kind)
{
  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, NULL);
  return kinds[kind].name;
}

gboolean
po_indicator_kind_from_string (const gchar *text, PoIndicatorKind *ret_kind)
{
  for (guint i = 0; i < PO_INDICATOR_KIND_N; i++)
    if (g_strcmp0 (kinds[i].name, text) == 0)
      {
        if (ret_kind != NULL)
          *ret_kind = (PoIndicatorKind) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
po_indicator_kind_from_key (const gchar *platform, const gchar *key, PoIndicatorKind *ret_kind)
{
  for (guint i = 0; i < PO_INDICATOR_KIND_N; i++)
    if (g_strcmp0 (kinds[i].platform, platform) == 0 && g_strcmp0 (kinds[i].key, key) == 0)
      {
        *ret_kind = (PoIndicatorKind) i;
        return TRUE;
      }
  return FALSE;
}

const gchar *
po_indicator_kind_get_key (PoIndicatorKind kind)
{
  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, NULL);
  return kinds[kind].key;
}

const gchar *
po_indicator_kind_get_platform (PoIndicatorKind kind)
{
  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, NULL);
  return kinds[kind].platform;
}

gboolean
po_indicator_kind_is_case_insensitive (PoIndicatorKind kind)
{
  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, FALSE);
  return kinds[kind].normalise != NORMALISE_NONE && kinds[kind].normalise != NORMALISE_KMOD;
}

static gchar *
fold (const gchar *text)
{
  g_autofree gchar *composed = NULL;
  const gchar *p;

  /* ASCII: composing changes nothing and case folding is lowering */
  for (p = text; *p != '\0' && (guchar) *p < 0x80; p++)
    ;
  if (*p == '\0')
    return g_ascii_strdown (text, -1);
  composed = g_utf8_normalize (text, -1, G_NORMALIZE_DEFAULT_COMPOSE);
  return g_utf8_casefold (composed != NULL ? composed : text, -1);
}

/*
 * The form names of a kind are compared in.  Inventory names are not
 * trusted to be UTF-8 (a process name is whatever its owner chose), and the
 * glob matcher walks UTF-8, so invalid sequences are replaced first.
 */
gchar *
po_indicator_normalise (PoIndicatorKind kind, const gchar *value)
{
  g_autofree gchar *valid = g_utf8_make_valid (value != NULL ? value : "", -1);

  switch (kinds[kind].normalise)
    {
    case NORMALISE_NONE:
      return g_steal_pointer (&valid);
    case NORMALISE_FOLD:
      return fold (valid);
    case NORMALISE_KMOD:
      g_strdelimit (valid, "-", '_');
      return g_steal_pointer (&valid);
    case NORMALISE_WINPATH:
      g_strdelimit (valid, "/", '\\');
      return fold (valid);
    case NORMALISE_TEXT:
      {
        g_autoptr(GString) text = g_string_new (NULL);
        gboolean space = FALSE;

        for (const gchar *p = valid; *p != '\0'; p = g_utf8_next_char (p))
          {
            gunichar c = g_utf8_get_char (p);
            if (g_unichar_isspace (c))
              {
                space = TRUE;
                continue;
              }
            if (space && text->len > 0)
              g_string_append_c (text, ' ');
            space = FALSE;
            g_string_append_unichar (text, c);
          }
        return fold (text->str);
      }
    }
  g_return_val_if_reached (NULL);
}

/*
 * Snap names as snapd takes them: lower-case letters, digits and '-', at
 * most 40, a letter somewhere, no '-' at either end or twice in a row.  A
 * glob is held to the characters only: its wildcards stand for the rest.
 */
static gchar *
check_snap_name (const gchar *pattern, gboolean is_glob)
{
  gboolean letter = FALSE;

  for (const gchar *p = pattern; *p != '\0'; p++)
    {
      if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || strchr ("-*?", *p) != NULL))
        return g_strdup ("snap names are lower-case letters, digits and '-'");
      letter = letter || g_ascii_islower (*p);
    }
  if (is_glob)
    return NULL;
  if (strlen (pattern) > 40)
    return g_strdup ("snap names are at most 40 characters");
  if (!letter || pattern[0] == '-' || pattern[strlen (pattern) - 1] == '-'
      || strstr (pattern, "--") != NULL)
    return g_strdup ("not a snap name: it needs a letter, and no '-' at either end or twice "
                     "in a row");
  return NULL;
}

/*
 * Flatpak application ids as flatpak takes them: reverse DNS, elements of
 * letters, digits, '_' and '-' ('-' in the last only), none empty or
 * starting with a digit, at least three, at most 255 characters.  A glob
 * (com.kaspersky.*) is held to the characters and non-empty elements.
 */
static gchar *
check_flatpak_id (const gchar *pattern, gboolean is_glob)
{
  g_auto(GStrv) elements = NULL;
  guint n;

  for (const gchar *p = pattern; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || strchr ("._-*?", *p) != NULL))
      return g_strdup ("flatpak application ids are letters, digits and '._-'");
  elements = g_strsplit (pattern, ".", -1);
  n = g_strv_length (elements);
  for (guint i = 0; i < n; i++)
    if (elements[i][0] == '\0')
      return g_strdup ("not a flatpak application id: an empty element");
  if (is_glob)
    return NULL;
  if (strlen (pattern) > 255)
    return g_strdup ("flatpak application ids are at most 255 characters");
  if (n < 3)
    return g_strdup ("not a flatpak application id: it needs at least three elements "
                     "(org.example.App)");
  for (guint i = 0; i < n; i++)
    if (g_ascii_isdigit (elements[i][0]) || (i + 1 < n && strchr (elements[i], '-') != NULL))
      return g_strdup ("not a flatpak application id: an element starts with a digit, or "
                       "has '-' before the last");
  return NULL;
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

  switch (kinds[kind].check)
    {
    case CHECK_NONE:
      break;
    case CHECK_DEB_NAME:
      for (const gchar *p = pattern; *p != '\0'; p++)
        if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || strchr ("+-.*?", *p) != NULL))
          return g_strdup ("Debian package names are lower-case letters, digits and '+-.'");
      break;
    case CHECK_NO_SPACE:
      if (strpbrk (pattern, " \t") != NULL)
        return g_strdup ("contains white space");
      break;
    case CHECK_ABSOLUTE_PATH:
      if (pattern[0] != '/' && pattern[0] != '*')
        return g_strdup ("not an absolute path");
      break;
    case CHECK_SNAP_NAME:
      problem = check_snap_name (pattern, is_glob);
      break;
    case CHECK_FLATPAK_ID:
      problem = check_flatpak_id (pattern, is_glob);
      break;
    }
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

static gboolean
matches_key (const PoIndicator *indicator, const gchar *key, gsize key_len)
{
  if (!indicator->is_glob)
    return strcmp (indicator->key, key) == 0;
  return g_pattern_spec_match (indicator->spec, key_len, key, NULL);
}

gboolean
po_indicator_matches (const PoIndicator *indicator, const gchar *value)
{
  g_autofree gchar *key = po_indicator_normalise (indicator->kind, value);
  return matches_key (indicator, key, strlen (key));
}

/* ---- the matcher ---- */

typedef struct {
  GHashTable *exact;           /* key -> GPtrArray of PoIndicator* */
  GHashTable *globs;           /* literal prefix -> GPtrArray of PoIndicator* */
  GArray     *prefix_lengths;  /* gsize, distinct, of the globs in `globs` */
  GPtrArray  *unanchored;      /* globs starting with a wildcard */
} KindIndex;

struct _PoMatcher {
  KindIndex kinds[PO_INDICATOR_KIND_N];
  guint     size;
};

PoMatcher *
po_matcher_new (void)
{
  PoMatcher *matcher = g_new0 (PoMatcher, 1);

  for (guint i = 0; i < PO_INDICATOR_KIND_N; i++)
    {
      KindIndex *index = &matcher->kinds[i];
      index->exact = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);
      index->globs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);
      index->prefix_lengths = g_array_new (FALSE, FALSE, sizeof (gsize));
      index->unanchored = g_ptr_array_new ();
    }
  return matcher;
}

void
po_matcher_free (PoMatcher *matcher)
{
  if (matcher == NULL)
    return;
  for (guint i = 0; i < PO_INDICATOR_KIND_N; i++)
    {
      KindIndex *index = &matcher->kinds[i];
      g_hash_table_unref (index->exact);
      g_hash_table_unref (index->globs);
      g_array_unref (index->prefix_lengths);
      g_ptr_array_unref (index->unanchored);
    }
  g_free (matcher);
}

static void
add_to_bucket (GHashTable *table, const gchar *key, PoIndicator *indicator)
{
  GPtrArray *bucket = g_hash_table_lookup (table, key);

  if (bucket == NULL)
    {
      bucket = g_ptr_array_new ();
      g_hash_table_insert (table, g_strdup (key), bucket);
    }
  g_ptr_array_add (bucket, indicator);
}

/* indicator stays owned by its vendor, which outlives the matcher */
void
po_matcher_add (PoMatcher *matcher, PoIndicator *indicator)
{
  KindIndex *index = &matcher->kinds[indicator->kind];

  matcher->size++;
  if (!indicator->is_glob)
    {
      add_to_bucket (index->exact, indicator->key, indicator);
      return;
    }
  if (indicator->prefix_len == 0)
    {
      g_ptr_array_add (index->unanchored, indicator);
      return;
    }
  {
    g_autofree gchar *prefix = g_strndup (indicator->key, indicator->prefix_len);
    gboolean known = FALSE;

    add_to_bucket (index->globs, prefix, indicator);
    for (guint i = 0; i < index->prefix_lengths->len && !known; i++)
      known = g_array_index (index->prefix_lengths, gsize, i) == indicator->prefix_len;
    if (!known)
      g_array_append_val (index->prefix_lengths, indicator->prefix_len);
  }
}

guint
po_matcher_get_size (PoMatcher *matcher)
{
  return matcher->size;
}

static gint
compare_indicators (gconstpointer a, gconstpointer b)
{
  const PoIndicator *x = *(const PoIndicator *const *) a;
  const PoIndicator *y = *(const PoIndicator *const *) b;
  gint cmp = g_strcmp0 (x->vendor->id, y->vendor->id);

  if (cmp != 0)
    return cmp;
  /* vendor-wide first */
  cmp = g_strcmp0 (x->product != NULL ? x->product->id : NULL,
                   y->product != NULL ? y->product->id : NULL);
  if (cmp != 0)
    return cmp;
  return g_strcmp0 (x->pattern, y->pattern);
}

static void
collect (GPtrArray *matches, GPtrArray *candidates, const gchar *key, gsize key_len)
{
  if (candidates == NULL)
    return;
  for (guint i = 0; i < candidates->len; i++)
    {
      PoIndicator *indicator = g_ptr_array_index (candidates, i);
      if (matches_key (indicator, key, key_len)
          && !g_ptr_array_find (matches, indicator, NULL))
        g_ptr_array_add (matches, indicator);
    }
}

gboolean
po_matcher_match (PoMatcher *matcher, PoIndicatorKind kind, const gchar *value,
                  GPtrArray **ret_matches)
{
  g_autoptr(GPtrArray) matches = NULL;
  g_autofree gchar *key = NULL;
  KindIndex *index;
  gsize key_len;

  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, FALSE);
  if (value == NULL)
    return FALSE;

  index = &matcher->kinds[kind];
  key = po_indicator_normalise (kind, value);
  key_len = strlen (key);
  matches = g_ptr_array_new ();

  collect (matches, g_hash_table_lookup (index->exact, key), key, key_len);
  if (index->prefix_lengths->len > 0)
    {
      g_autofree gchar *probe = g_strdup (key);
      for (guint i = 0; i < index->prefix_lengths->len; i++)
        {
          gsize length = g_array_index (index->prefix_lengths, gsize, i);
          gchar saved;

          if (length > key_len)
            continue;
          saved = probe[length];
          probe[length] = '\0';
          collect (matches, g_hash_table_lookup (index->globs, probe), key, key_len);
          probe[length] = saved;
        }
    }
  collect (matches, index->unanchored, key, key_len);

  if (matches->len == 0)
    return FALSE;
  g_ptr_array_sort (matches, compare_indicators);
  if (ret_matches != NULL)
    *ret_matches = g_steal_pointer (&matches);
  return TRUE;
}
