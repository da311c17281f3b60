/* SPDX-License-Identifier: Apache-2.0 */
#include "po-counters.h"

struct _PoCounters {
  gatomicrefcount ref_count;
  GMutex lock;
  GHashTable *values; /* gchar* -> guint64* */
};

PoCounters *
po_counters_new (void)
{
  PoCounters *counters = g_new0 (PoCounters, 1);

  g_atomic_ref_count_init (&counters->ref_count);
  g_mutex_init (&counters->lock);
  counters->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return counters;
}

PoCounters *
po_counters_ref (PoCounters *counters)
{
  g_atomic_ref_count_inc (&counters->ref_count);
  return counters;
}

void
po_counters_unref (PoCounters *counters)
{
  if (counters == NULL || !g_atomic_ref_count_dec (&counters->ref_count))
    return;
  g_hash_table_unref (counters->values);
  g_mutex_clear (&counters->lock);
  g_free (counters);
}

void
po_counters_add (PoCounters *counters, const gchar *name)
{
  guint64 *value;

  g_mutex_lock (&counters->lock);
  value = g_hash_table_lookup (counters->values, name);
  if (value == NULL)
    {
      value = g_new0 (guint64, 1);
      g_hash_table_insert (counters->values, g_strdup (name), value);
    }
  (*value)++;
  g_mutex_unlock (&counters->lock);
}

guint64
po_counters_get (PoCounters *counters, const gchar *name)
{
  guint64 *value;
  guint64 result;

  g_mutex_lock (&counters->lock);
  value = g_hash_table_lookup (counters->values, name);
  result = value != NULL ? *value : 0;
  g_mutex_unlock (&counters->lock);
  return result;
}
