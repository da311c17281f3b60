/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime's catalogue and organisation profile, kept as a runtime
 * component ("catalogue"): loaded on first use, then kept, and loaded again
 * when a file they come from changes.  Checking for changes is a stat of
 * each policy directory and file, cheap next to a query; loading again
 * passes the old catalogue in, so a file that turned bad keeps its last good
 * version.  One lock per runtime serialises checking and loading; the
 * catalogues and profiles handed out are immutable and need none.
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

#define COMPONENT_NAME "catalogue"

typedef struct {
  gchar *key;
  gchar *value;
} Option;

typedef struct {
  GMutex              lock;
  PoCatalogueOptions *options;
  PoCatalogue        *catalogue;       /* NULL until first used */
  gchar              *config_path;
  gboolean            config_exists;
  struct stat         config_stat;
  PoProfile          *config_profile;  /* last good one from the file, or NULL */
  GPtrArray          *profile_options; /* Option*, osquery's, in the order set */
} State;

static void
option_free (Option *option)
{
  g_free (option->key);
  g_free (option->value);
  g_free (option);
}

static gpointer
state_new (PoRuntime *runtime)
{
  const PoSettings *settings = po_runtime_get_settings (runtime);
  State *state = g_new0 (State, 1);

  g_mutex_init (&state->lock);
  state->options = po_catalogue_options_new_from_settings (settings);
  state->config_path = g_strdup (settings->config != NULL ? settings->config
                                                           : PHASEOUT_DEFAULT_CONFIG);
  state->profile_options = g_ptr_array_new_with_free_func ((GDestroyNotify) option_free);
  return state;
}

static void
state_free (State *state)
{
  g_clear_pointer (&state->catalogue, po_catalogue_unref);
  po_catalogue_options_free (state->options);
  g_free (state->config_path);
  g_clear_pointer (&state->config_profile, po_profile_unref);
  g_ptr_array_unref (state->profile_options);
  g_mutex_clear (&state->lock);
  g_free (state);
}

static State *
get_state (PoRuntime *runtime)
{
  return po_runtime_get_component (runtime, COMPONENT_NAME, state_new,
                                   (GDestroyNotify) state_free);
}

PoCatalogue *
po_runtime_get_catalogue (PoRuntime *runtime, GError **error)
{
  State *state;
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (runtime != NULL, NULL);
  state = get_state (runtime);
  locker = g_mutex_locker_new (&state->lock);
  if (state->catalogue == NULL || !po_catalogue_is_current (state->catalogue))
    {
      PoCatalogue *fresh = po_catalogue_load (state->options, state->catalogue);
      g_clear_pointer (&state->catalogue, po_catalogue_unref);
      state->catalogue = fresh;
    }
  return po_catalogue_ref (state->catalogue);
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
 * The profile from the config file, read again when the file changes.  A
 * file that is refused (as root: not root's, or writable by group or
 * others) or malformed keeps the last good profile: an edit in progress
 * must not turn a "municipality" into "no profile" and back.  With no
 * profile at all every policy applies, the cautious direction.  Called
 * with the state's lock held.
 */
static gboolean
file_profile (PoRuntime *runtime, State *state, PoProfile **ret_profile, GError **error)
{
  const PoSettings *settings = po_runtime_get_settings (runtime);
  const gchar *path = state->config_path;
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
      /* no file, no profile from it */
      state->config_exists = FALSE;
      g_clear_pointer (&state->config_profile, po_profile_unref);
      *ret_profile = NULL;
      return TRUE;
    }

  if (!state->config_exists || !same_stat (&state->config_stat, &st))
    {
      g_autoptr(PoProfile) profile = NULL;
      g_autoptr(GError) local_error = NULL;
      const gchar *keeping = state->config_profile != NULL
                                 ? "; keeping the profile read before" : "";

      state->config_exists = TRUE;
      state->config_stat = st;
      if (geteuid () == 0 && (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0))
        g_warning ("configuration file %s: refused: running as root, phaseout only reads a "
                   "configuration owned by root and not writable by group or others%s", path,
                   keeping);
      else if (!po_profile_new_from_file (path, &profile, &local_error))
        g_warning ("%s%s", local_error->message, keeping);
      else
        {
          g_clear_pointer (&state->config_profile, po_profile_unref);
          state->config_profile = g_steal_pointer (&profile);
        }
    }
  *ret_profile = state->config_profile != NULL ? po_profile_ref (state->config_profile) : NULL;
  return TRUE;
}

gboolean
po_runtime_get_profile (PoRuntime *runtime, PoProfile **ret_profile, GError **error)
{
  State *state;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PoProfile) profile = NULL;

  g_return_val_if_fail (runtime != NULL, FALSE);
  state = get_state (runtime);
  locker = g_mutex_locker_new (&state->lock);
  if (!file_profile (runtime, state, &profile, error))
    return FALSE;

  if (state->profile_options->len > 0)
    {
      g_autoptr(PoProfile) layered = profile != NULL ? po_profile_copy (profile)
                                                     : po_profile_new ();
      for (guint i = 0; i < state->profile_options->len; i++)
        {
          Option *option = g_ptr_array_index (state->profile_options, i);
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

gboolean
po_runtime_set_profile_option (PoRuntime *runtime, const gchar *key, const gchar *value,
                               GError **error)
{
  g_autoptr(PoProfile) scratch = po_profile_new ();
  g_autoptr(GMutexLocker) locker = NULL;
  State *state;
  Option *option;

  g_return_val_if_fail (runtime != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  if (!po_profile_apply_option (scratch, key, value, error))
    return FALSE;

  state = get_state (runtime);
  locker = g_mutex_locker_new (&state->lock);
  /* setting a key again replaces it (osqueryd re-sends options on refresh) */
  for (guint i = 0; i < state->profile_options->len; i++)
    if (g_str_equal (((Option *) g_ptr_array_index (state->profile_options, i))->key, key))
      {
        g_ptr_array_remove_index (state->profile_options, i);
        break;
      }
  option = g_new0 (Option, 1);
  option->key = g_strdup (key);
  option->value = g_strdup (value != NULL ? value : "");
  g_ptr_array_add (state->profile_options, option);
  return TRUE;
}
