/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The matcher: which indicators a name from the inventory hits.
 *
 * The matcher is built for catalogues far larger than the built-in one,
 * so that a name costs about the same however many indicators there are:
 * per kind, exact names sit in a hash table (one lookup), and globs are
 * grouped by a literal part a matching name must contain:
 *  - by their literal prefix ("kesl*" under "kesl"): one lookup per
 *    distinct prefix length;
 *  - starting with a wildcard, by their literal suffix ("*kesl" under
 *    "kesl"): one lookup per distinct suffix length;
 *  - wildcards at both ends ("*kaspersky*"), by the first three bytes of
 *    their longest literal run: one lookup per three bytes of the name.
 * Only globs with no literal run of three bytes and no literal end are
 * tried against every name.  A name that matches nothing costs no
 * allocation when it is already in its kind's normal form.
 */
#include <string.h>

#include "po-catalogue-private.h"

typedef struct {
  GHashTable *exact;      /* key -> GPtrArray of PoIndicator* */
  GHashTable *globs;      /* literal prefix -> GPtrArray of PoIndicator* */
  GArray *prefix_lengths; /* gsize, distinct, of the globs in `globs` */
  GHashTable *suffixed;   /* literal suffix -> GPtrArray, of globs starting with a wildcard */
  GArray *suffix_lengths; /* gsize, distinct, of the globs in `suffixed` */
  GHashTable *trigrams;   /* three literal bytes (packed) -> GPtrArray, of "*...*" globs */
  GPtrArray *unanchored;  /* the rest: globs tried against every name */
  GPtrArray *all;         /* every indicator of the kind, in catalogue order */
} KindIndex;

struct _PoMatcher {
  KindIndex kinds[PO_INDICATOR_KIND_N];
  GHashTable *owner_sources; /* PoProduct* or PoVendor* (vendor-wide) -> sources mask */
  guint size;
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
      index->suffixed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) g_ptr_array_unref);
      index->suffix_lengths = g_array_new (FALSE, FALSE, sizeof (gsize));
      index->trigrams = g_hash_table_new_full (NULL, NULL, NULL,
                                               (GDestroyNotify) g_ptr_array_unref);
      index->unanchored = g_ptr_array_new ();
      index->all = g_ptr_array_new ();
    }
  matcher->owner_sources = g_hash_table_new (NULL, NULL);
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
      g_hash_table_unref (index->suffixed);
      g_array_unref (index->suffix_lengths);
      g_hash_table_unref (index->trigrams);
      g_ptr_array_unref (index->unanchored);
      g_ptr_array_unref (index->all);
    }
  g_hash_table_unref (matcher->owner_sources);
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

static void
note_length (GArray *lengths, gsize length)
{
  for (guint i = 0; i < lengths->len; i++)
    if (g_array_index (lengths, gsize, i) == length)
      return;
  g_array_append_val (lengths, length);
}

static gboolean
is_wildcard (gchar c)
{
  return c == '*' || c == '?';
}

/* three bytes as a hash key (never 0: the bytes are not NUL) */
static gpointer
trigram_key (const gchar *bytes)
{
  return GUINT_TO_POINTER ((guint) (guchar) bytes[0] | (guint) (guchar) bytes[1] << 8
                           | (guint) (guchar) bytes[2] << 16);
}

/* a glob that starts with a wildcard: under its literal suffix, its
 * longest literal run, or, with neither, among those tried on every name */
static void
add_unanchored (KindIndex *index, PoIndicator *indicator)
{
  const gchar *key = indicator->key;
  gsize length = strlen (key);
  gsize suffix_len = 0;
  const gchar *run = NULL;
  gsize run_len = 0;

  while (suffix_len < length && !is_wildcard (key[length - 1 - suffix_len]))
    suffix_len++;
  if (suffix_len > 0)
    {
      add_to_bucket (index->suffixed, key + length - suffix_len, indicator);
      note_length (index->suffix_lengths, suffix_len);
      return;
    }
  for (const gchar *p = key; *p != '\0';)
    {
      gsize n = 0;
      while (p[n] != '\0' && !is_wildcard (p[n]))
        n++;
      if (n > run_len)
        {
          run = p;
          run_len = n;
        }
      p += n > 0 ? n : 1;
    }
  if (run_len >= 3)
    {
      gpointer trigram = trigram_key (run);
      GPtrArray *bucket = g_hash_table_lookup (index->trigrams, trigram);
      if (bucket == NULL)
        {
          bucket = g_ptr_array_new ();
          g_hash_table_insert (index->trigrams, trigram, bucket);
        }
      g_ptr_array_add (bucket, indicator);
      return;
    }
  g_ptr_array_add (index->unanchored, indicator);
}

/* indicator stays owned by its vendor, which outlives the matcher */
void
po_matcher_add (PoMatcher *matcher, PoIndicator *indicator)
{
  KindIndex *index = &matcher->kinds[indicator->kind];
  gpointer owner = indicator->product != NULL ? (gpointer) indicator->product
                                              : (gpointer) indicator->vendor;
  guint sources = GPOINTER_TO_UINT (g_hash_table_lookup (matcher->owner_sources, owner));

  matcher->size++;
  g_ptr_array_add (index->all, indicator);
  sources |= po_indicator_kind_get_info (indicator->kind)->sources;
  g_hash_table_insert (matcher->owner_sources, owner, GUINT_TO_POINTER (sources));
  if (!indicator->is_glob)
    {
      add_to_bucket (index->exact, indicator->key, indicator);
      return;
    }
  if (indicator->prefix_len == 0)
    {
      add_unanchored (index, indicator);
      return;
    }
  {
    g_autofree gchar *prefix = g_strndup (indicator->key, indicator->prefix_len);

    add_to_bucket (index->globs, prefix, indicator);
    note_length (index->prefix_lengths, indicator->prefix_len);
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

/* the matches so far (made on the first one) */
static void
collect (GPtrArray **matches, GPtrArray *candidates, const gchar *key, gsize key_len)
{
  if (candidates == NULL)
    return;
  for (guint i = 0; i < candidates->len; i++)
    {
      PoIndicator *indicator = g_ptr_array_index (candidates, i);
      if (!po_indicator_matches_key (indicator, key, key_len))
        continue;
      if (*matches == NULL)
        *matches = g_ptr_array_new ();
      if (!g_ptr_array_find (*matches, indicator, NULL))
        g_ptr_array_add (*matches, indicator);
    }
}

/* the globs whose literal prefix starts key; probe (a copy of key) is
 * changed and restored */
static void
collect_prefixed (KindIndex *index, GPtrArray **matches, gchar *probe, const gchar *key,
                  gsize key_len)
{
  for (guint i = 0; i < index->prefix_lengths->len; i++)
    {
      gsize length = g_array_index (index->prefix_lengths, gsize, i);
      GPtrArray *bucket;
      gchar saved;

      if (length > key_len)
        continue;
      saved = probe[length];
      probe[length] = '\0';
      bucket = g_hash_table_lookup (index->globs, probe);
      probe[length] = saved;
      collect (matches, bucket, key, key_len);
    }
}

gboolean
po_matcher_match (PoMatcher *matcher, PoIndicatorKind kind, const gchar *value,
                  GPtrArray **ret_matches)
{
  GPtrArray *matches = NULL;
  g_autofree gchar *normalised = NULL;
  const gchar *key;
  KindIndex *index;
  gsize key_len;

  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, FALSE);
  if (value == NULL)
    return FALSE;

  index = &matcher->kinds[kind];
  /* names are nearly always in normal form already: no copy then */
  if (po_text_is_normal (value, po_indicator_kind_get_info (kind)->rule))
    key = value;
  else
    key = normalised = po_indicator_normalise (kind, value);
  key_len = strlen (key);

  collect (&matches, g_hash_table_lookup (index->exact, key), key, key_len);
  if (index->prefix_lengths->len > 0)
    {
      gchar buffer[256];
      g_autofree gchar *heap = key_len < sizeof buffer ? NULL : g_strdup (key);
      gchar *probe = heap != NULL ? heap : memcpy (buffer, key, key_len + 1);

      collect_prefixed (index, &matches, probe, key, key_len);
    }
  for (guint i = 0; i < index->suffix_lengths->len; i++)
    {
      gsize length = g_array_index (index->suffix_lengths, gsize, i);
      if (length <= key_len)
        collect (&matches, g_hash_table_lookup (index->suffixed, key + key_len - length), key,
                 key_len);
    }
  if (g_hash_table_size (index->trigrams) > 0)
    for (gsize i = 0; i + 3 <= key_len; i++)
      collect (&matches, g_hash_table_lookup (index->trigrams, trigram_key (key + i)), key,
               key_len);
  collect (&matches, index->unanchored, key, key_len);

  if (matches == NULL)
    return FALSE;
  g_ptr_array_sort (matches, compare_indicators);
  if (ret_matches != NULL)
    *ret_matches = matches;
  else
    g_ptr_array_unref (matches);
  return TRUE;
}

GPtrArray *
po_matcher_get_indicators (PoMatcher *matcher, PoIndicatorKind kind)
{
  g_return_val_if_fail (kind < PO_INDICATOR_KIND_N, NULL);
  return matcher->kinds[kind].all;
}

guint
po_matcher_get_owner_sources (PoMatcher *matcher, gconstpointer owner)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (matcher->owner_sources, owner));
}
