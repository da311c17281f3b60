/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The matcher: which indicators a name from the inventory hits.
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
      if (po_indicator_matches_key (indicator, key, key_len)
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
