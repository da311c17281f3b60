/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What each kernel-module file says about itself (.modinfo, signature),
 * remembered per inventory so a repeated query does not decompress and parse
 * every .ko again.  An entry is valid while the file's device, inode, size
 * and mtime (to the nanosecond) are what they were; any change (a kernel
 * update, a DKMS rebuild) makes the next lookup a miss.  Likewise which
 * file each loaded module's name leads to, valid while modules.dep.bin is
 * the file it was (depmod writes a new one whenever modules change), and
 * the built-in modules, while modules.builtin and modules.builtin.modinfo
 * are.  What is cached is never changed, only replaced: callers get
 * references to it and must not modify it.
 *
 * One cache per inventory (po-inventory.c), hence per root, behind
 * a mutex: generate functions run on several threads.  Bounded: when full
 * it is emptied and refilled, which on a real system (a few thousand module
 * files at most, of which only the loaded ones are read) never happens.
 */
#include "po-inventory-private.h"

#define MAX_ENTRIES 16384

struct _PoModuleCache {
  GMutex lock;
  GHashTable *entries; /* host path -> Entry */
  /* which file each loaded module's name leads to, as one modules.dep.bin
   * says: valid while that index file is the one it was */
  gchar *paths_dir; /* "/lib/modules/<release>" */
  struct stat paths_index;
  GHashTable *paths; /* name -> host path, or NULL for "no file" */
  /* the built-in modules, valid while modules.builtin and
   * modules.builtin.modinfo are the files they were */
  gchar *builtin_dir;
  struct stat builtin_files[2];
  GPtrArray *builtin_names;
  GPtrArray *builtin_infos;
};

typedef struct {
  PoFileIdentity file;
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

PoModuleCache *
po_module_cache_new (void)
{
  PoModuleCache *cache = g_new0 (PoModuleCache, 1);
  g_mutex_init (&cache->lock);
  cache->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) entry_free);
  cache->paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return cache;
}

void
po_module_cache_free (PoModuleCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->entries);
  g_hash_table_unref (cache->paths);
  g_free (cache->paths_dir);
  g_free (cache->builtin_dir);
  g_clear_pointer (&cache->builtin_names, g_ptr_array_unref);
  g_clear_pointer (&cache->builtin_infos, g_ptr_array_unref);
  g_mutex_clear (&cache->lock);
  g_free (cache);
}

static gboolean
entry_matches (const Entry *entry, const struct stat *st)
{
  PoFileIdentity now;

  po_file_identity_from_stat (&now, st);
  return po_file_identity_same_contents (&entry->file, &now);
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

  po_file_identity_from_stat (&entry->file, st);
  entry->info = po_module_info_copy (info);
  g_mutex_lock (&cache->lock);
  if (g_hash_table_size (cache->entries) >= MAX_ENTRIES
      && !g_hash_table_contains (cache->entries, host_path))
    g_hash_table_remove_all (cache->entries);
  g_hash_table_replace (cache->entries, g_strdup (host_path), entry);
  g_mutex_unlock (&cache->lock);
}

gboolean
po_module_cache_lookup_path (PoModuleCache *cache, const gchar *modules_dir,
                             const struct stat *index, const gchar *name, gchar **ret_path)
{
  gpointer path = NULL;
  gboolean known = FALSE;

  g_mutex_lock (&cache->lock);
  if (g_strcmp0 (cache->paths_dir, modules_dir) == 0
      && po_file_same_contents (&cache->paths_index, index)
      && g_hash_table_lookup_extended (cache->paths, name, NULL, &path))
    {
      known = TRUE;
      *ret_path = g_strdup (path);
    }
  g_mutex_unlock (&cache->lock);
  return known;
}

void
po_module_cache_insert_path (PoModuleCache *cache, const gchar *modules_dir,
                             const struct stat *index, const gchar *name, const gchar *path)
{
  g_mutex_lock (&cache->lock);
  if (g_strcmp0 (cache->paths_dir, modules_dir) != 0
      || !po_file_same_contents (&cache->paths_index, index)
      || g_hash_table_size (cache->paths) >= MAX_ENTRIES)
    {
      g_hash_table_remove_all (cache->paths);
      g_free (cache->paths_dir);
      cache->paths_dir = g_strdup (modules_dir);
      cache->paths_index = *index;
    }
  g_hash_table_replace (cache->paths, g_strdup (name), g_strdup (path));
  g_mutex_unlock (&cache->lock);
}

gboolean
po_module_cache_lookup_builtin (PoModuleCache *cache, const gchar *modules_dir,
                                const struct stat files[2], GPtrArray **ret_names,
                                GPtrArray **ret_infos)
{
  gboolean known = FALSE;

  g_mutex_lock (&cache->lock);
  if (cache->builtin_names != NULL && g_strcmp0 (cache->builtin_dir, modules_dir) == 0
      && po_file_same_contents (&cache->builtin_files[0], &files[0])
      && po_file_same_contents (&cache->builtin_files[1], &files[1]))
    {
      known = TRUE;
      *ret_names = g_ptr_array_ref (cache->builtin_names);
      *ret_infos = g_ptr_array_ref (cache->builtin_infos);
    }
  g_mutex_unlock (&cache->lock);
  return known;
}

void
po_module_cache_insert_builtin (PoModuleCache *cache, const gchar *modules_dir,
                                const struct stat files[2], GPtrArray *names, GPtrArray *infos)
{
  g_mutex_lock (&cache->lock);
  g_free (cache->builtin_dir);
  cache->builtin_dir = g_strdup (modules_dir);
  cache->builtin_files[0] = files[0];
  cache->builtin_files[1] = files[1];
  g_clear_pointer (&cache->builtin_names, g_ptr_array_unref);
  g_clear_pointer (&cache->builtin_infos, g_ptr_array_unref);
  cache->builtin_names = g_ptr_array_ref (names);
  cache->builtin_infos = g_ptr_array_ref (infos);
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
