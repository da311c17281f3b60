/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime's catalogue and organisation profile: loaded on first use,
 * then kept, and loaded again when a file they come from changes.
 *
 * A catalogue is a pure function of the policy files, so the cache is keyed
 * by what the settings say to read (the --policy-dir list), not by the
 * runtime: runtimes with the same settings share one catalogue, and a
 * runtime that goes away leaves nothing stale behind.  Checking for changes
 * is a stat of each directory and file, cheap next to a query.
 *
 * Profile options from osquery are per runtime.  PoRuntime has no slot for
 * them yet, so they are kept here keyed by the runtime's address; see
 * po_runtime_set_profile_option().
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "po-catalogue-private.h"
#include "po-error.h"

#ifndef PHASEOUT_DEFAULT_CONFIG
#define PHASEOUT_DEFAULT_CONFIG "/etc/phaseout/phaseout.conf"
#endif

typedef struct {
  gboolean   exists;
  struct stat st;
  PoProfile *profile;      /* last good one from the file, NULL if none */
} ConfigCache;

typedef struct {
  gchar *key;
  gchar *value;
} Option;

static GMutex lock;
static GHashTable *catalogues;   /* settings key -> PoCatalogue* */
static GHashTable *configs;      /* config path -> ConfigCache* */
static GHashTable *options;      /* PoRuntime* -> GPtrArray of Option* */

static void
config_cache_free (ConfigCache *cache)
{
  g_clear_pointer (&cache->profile, po_profile_unref);
  g_free (cache);
}

static void
option_free (Option *option)
{
  g_free (option->key);
  g_free (option->value);
  g_free (option);
}

static void
ensure_tables (void)
{
  if (catalogues != NULL)
    return;
  catalogues = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) po_catalogue_unref);
  configs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) config_cache_free);
  options = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                   (GDestroyNotify) g_ptr_array_unref);
}

/* what a catalogue for these settings is loaded from, as one string */
static gchar *
settings_key (const PoSettings *settings)
{
  g_autoptr(GPtrArray) dirs = po_settings_get_policy_dirs (settings);
  g_autoptr(GString) key = g_string_new (NULL);
  gboolean given = settings->policy_dirs != NULL && settings->policy_dirs->len > 0;

  g_string_append_printf (key, "%d:%u", given, (guint) geteuid ());
  for (guint i = 0; i < dirs->len; i++)
    g_string_append_printf (key, "\x1f%s", (const gchar *) g_ptr_array_index (dirs, i));
  return g_string_free (g_steal_pointer (&key), FALSE);
}

PoCatalogue *
po_runtime_get_catalogue (PoRuntime *runtime, GError **error)
{
  const PoSettings *settings;
  g_autofree gchar *key = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PoCatalogueOptions) catalogue_options = NULL;
  PoCatalogue *cached, *fresh;

  g_return_val_if_fail (runtime != NULL, NULL);
  settings = po_runtime_get_settings (runtime);
  if (settings == NULL)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT, "the runtime has no settings");
      return NULL;
    }
  key = settings_key (settings);

  locker = g_mutex_locker_new (&lock);
  ensure_tables ();
  cached = g_hash_table_lookup (catalogues, key);
  if (cached != NULL && po_catalogue_is_current (cached))
    return po_catalogue_ref (cached);

  catalogue_options = po_catalogue_options_new_from_settings (settings);
  fresh = po_catalogue_load (catalogue_options, cached);
  g_hash_table_replace (catalogues, g_steal_pointer (&key), fresh);
  return po_catalogue_ref (fresh);
}

static gboolean
same_stat (const struct stat *a, const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size
         && a->st_mode == b->st_mode && a->st_uid == b->st_uid
         && a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec
         && a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/*
 * The profile from the config file, reloaded when the file changes.  A
 * file that is refused (as root: not root's, or writable by others) or
 * malformed keeps the last good profile: an edit in progress must not turn
 * a "municipality" into "no profile" and back.  Called with the lock held.
 */
static gboolean
file_profile (const PoSettings *settings, PoProfile **ret_profile, GError **error)
{
  const gchar *path = settings->config != NULL ? settings->config : PHASEOUT_DEFAULT_CONFIG;
  ConfigCache *cache = g_hash_table_lookup (configs, path);
  struct stat st;

  if (stat (path, &st) != 0)
    {
      int saved = errno;
      if (settings->config_given)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "configuration file %s: %s", path, g_strerror (saved));
          return FALSE;
        }
      if (saved != ENOENT)
        g_warning ("configuration file %s: %s", path, g_strerror (saved));
      /* no file: no profile from it */
      g_hash_table_remove (configs, path);
      *ret_profile = NULL;
      return TRUE;
    }

  if (cache == NULL || !cache->exists || !same_stat (&cache->st, &st))
    {
      g_autoptr(PoProfile) profile = NULL;
      g_autoptr(GError) local_error = NULL;

      if (cache == NULL)
        {
          cache = g_new0 (ConfigCache, 1);
          g_hash_table_insert (configs, g_strdup (path), cache);
        }
      cache->exists = TRUE;
      cache->st = st;
      if (geteuid () == 0 && (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0))
        g_warning ("configuration file %s: refused: running as root, phaseout only reads a "
                   "configuration owned by root and not writable by group or others%s", path,
                   cache->profile != NULL ? "; keeping the profile read before" : "");
      else if (!po_profile_new_from_file (path, &profile, &local_error))
        g_warning ("%s%s", local_error->message,
                   cache->profile != NULL ? "; keeping the profile read before" : "");
      else
        {
          g_clear_pointer (&cache->profile, po_profile_unref);
          cache->profile = g_steal_pointer (&profile);
        }
    }
  *ret_profile = cache->profile != NULL ? po_profile_ref (cache->profile) : NULL;
  return TRUE;
}

gboolean
po_runtime_get_profile (PoRuntime *runtime, PoProfile **ret_profile, GError **error)
{
  const PoSettings *settings;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PoProfile) profile = NULL;
  GPtrArray *overrides;

  g_return_val_if_fail (runtime != NULL, FALSE);
  settings = po_runtime_get_settings (runtime);

  locker = g_mutex_locker_new (&lock);
  ensure_tables ();
  if (!file_profile (settings, &profile, error))
    return FALSE;

  overrides = g_hash_table_lookup (options, runtime);
  if (overrides != NULL && overrides->len > 0)
    {
      g_autoptr(PoProfile) layered = profile != NULL ? po_profile_copy (profile)
                                                     : po_profile_new ();
      for (guint i = 0; i < overrides->len; i++)
        {
          Option *option = g_ptr_array_index (overrides, i);
          g_autoptr(GError) local_error = NULL;
          /* each was checked when it was set */
          if (!po_profile_apply_option (layered, option->key, option->value, &local_error))
            g_warning ("%s", local_error->message);
        }
      g_clear_pointer (&profile, po_profile_unref);
      profile = g_steal_pointer (&layered);
    }
  if (profile != NULL && po_profile_is_empty (profile))
    g_clear_pointer (&profile, po_profile_unref);
  *ret_profile = g_steal_pointer (&profile);
  return TRUE;
}

/*
 * Remembers an osquery option for the runtime's profile, after checking it.
 * Keyed by the runtime's address because PoRuntime has no place for it:
 * a runtime freed and another allocated at the same address would inherit
 * the options.  The extension has one runtime for its whole life, so this
 * only matters to tests that set options; a po_runtime_set_data() in
 * po-runtime.h would remove the caveat.
 */
gboolean
po_runtime_set_profile_option (PoRuntime *runtime, const gchar *key, const gchar *value,
                               GError **error)
{
  g_autoptr(PoProfile) scratch = po_profile_new ();
  g_autoptr(GMutexLocker) locker = NULL;
  GPtrArray *list;
  Option *option;

  g_return_val_if_fail (runtime != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  if (!po_profile_apply_option (scratch, key, value, error))
    return FALSE;

  locker = g_mutex_locker_new (&lock);
  ensure_tables ();
  list = g_hash_table_lookup (options, runtime);
  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func ((GDestroyNotify) option_free);
      g_hash_table_insert (options, runtime, list);
    }
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (((Option *) g_ptr_array_index (list, i))->key, key))
      {
        g_ptr_array_remove_index (list, i);
        break;
      }
  option = g_new0 (Option, 1);
  option->key = g_strdup (key);
  option->value = g_strdup (value != NULL ? value : "");
  g_ptr_array_add (list, option);
  return TRUE;
}
