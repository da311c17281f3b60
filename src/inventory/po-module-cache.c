/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What each kernel-module file says about itself (.modinfo, signature),
 * remembered per runtime so a repeated query does not decompress and parse
 * every .ko again.  An entry is valid while the file's device, inode, size
 * and mtime (to the nanosecond) are what they were; any change (a kernel
 * update, a DKMS rebuild) makes the next lookup a miss.
 *
 * One cache per runtime (po_runtime_get_component), hence per root, behind
 * a mutex: generate functions run on several threads.  Bounded: when full
 * it is emptied and refilled, which on a real system (a few thousand module
 * files at most, of which only the loaded ones are read) never happens.
 */
#include "po-inventory-private.h"

#define MAX_ENTRIES 16384

struct _PoModuleCache {
  GMutex      lock;
  GHashTable *entries;  /* host path -> Entry */
};

typedef struct {
  dev_t         dev;
  ino_t         ino;
  off_t         size;
  gint64        mtime_sec;
  glong         mtime_nsec;
  PoModuleInfo *info;
} Entry;

void
po_module_info_free (PoModuleInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->version);
  g_free (info->srcversion);
  g_free (info->author);
  g_free (info->description);
  g_free (info->license);
  g_free (info->vermagic);
  g_free (info->sig_id);
  g_free (info->signer);
  g_free (info->sig_key);
  g_free (info->sig_hashalgo);
  g_free (info);
}

PoModuleInfo *
po_module_info_copy (const PoModuleInfo *info)
{
  PoModuleInfo *copy = g_new0 (PoModuleInfo, 1);
  copy->version = g_strdup (info->version);
  copy->srcversion = g_strdup (info->srcversion);
  copy->author = g_strdup (info->author);
  copy->description = g_strdup (info->description);
  copy->license = g_strdup (info->license);
  copy->vermagic = g_strdup (info->vermagic);
  copy->in_tree = info->in_tree;
  copy->is_signed = info->is_signed;
  copy->sig_id = g_strdup (info->sig_id);
  copy->signer = g_strdup (info->signer);
  copy->sig_key = g_strdup (info->sig_key);
  copy->sig_hashalgo = g_strdup (info->sig_hashalgo);
  return copy;
}

static void
entry_free (Entry *entry)
{
  po_module_info_free (entry->info);
  g_free (entry);
}

static gpointer
cache_new (PoRuntime *runtime)
{
  PoModuleCache *cache = g_new0 (PoModuleCache, 1);
  g_mutex_init (&cache->lock);
  cache->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) entry_free);
  return cache;
}

static void
cache_free (gpointer data)
{
  PoModuleCache *cache = data;
  g_hash_table_unref (cache->entries);
  g_mutex_clear (&cache->lock);
  g_free (cache);
}

PoModuleCache *
po_module_cache_get (PoRuntime *runtime)
{
  return po_runtime_get_component (runtime, "inventory.module-cache", cache_new, cache_free);
}

static gboolean
entry_matches (const Entry *entry, const struct stat *st)
{
  return entry->dev == st->st_dev && entry->ino == st->st_ino && entry->size == st->st_size &&
         entry->mtime_sec == (gint64) st->st_mtim.tv_sec &&
         entry->mtime_nsec == st->st_mtim.tv_nsec;
}

PoModuleInfo *
po_module_cache_lookup (PoModuleCache *cache, const gchar *host_path, const struct stat *st)
{
  PoModuleInfo *copy = NULL;
  Entry *entry;

  g_mutex_lock (&cache->lock);
  entry = g_hash_table_lookup (cache->entries, host_path);
  if (entry != NULL && entry_matches (entry, st))
    copy = po_module_info_copy (entry->info);
  g_mutex_unlock (&cache->lock);
  return copy;
}

void
po_module_cache_insert (PoModuleCache *cache, const gchar *host_path, const struct stat *st,
                        const PoModuleInfo *info)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->dev = st->st_dev;
  entry->ino = st->st_ino;
  entry->size = st->st_size;
  entry->mtime_sec = (gint64) st->st_mtim.tv_sec;
  entry->mtime_nsec = st->st_mtim.tv_nsec;
  entry->info = po_module_info_copy (info);
  g_mutex_lock (&cache->lock);
  if (g_hash_table_size (cache->entries) >= MAX_ENTRIES &&
      !g_hash_table_contains (cache->entries, host_path))
    g_hash_table_remove_all (cache->entries);
  g_hash_table_replace (cache->entries, g_strdup (host_path), entry);
  g_mutex_unlock (&cache->lock);
}

guint
po_module_cache_size (PoModuleCache *cache)
{
  guint size;
  g_mutex_lock (&cache->lock);
  size = g_hash_table_size (cache->entries);
  g_mutex_unlock (&cache->lock);
  return size;
}
