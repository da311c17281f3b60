/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The organisation profile in force (po-profile-source.h): the
 * configuration file, read again when it changes, with osquery's options
 * on top.  One lock serialises checking and reading; the profiles handed
 * out are immutable and need none.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "po-catalogue-private.h"
#include "po-error.h"
#include "po-profile-source.h"

typedef struct {
  gchar *key;
  gchar *value;
  gchar *problem; /* why the option was rejected (then it is not applied), or NULL */
} Option;

struct _PoProfileSource {
  GMutex lock;
  gchar *config_path;
  gboolean config_must_exist;
  gboolean config_known; /* config_identity is of the file last looked at */
  PoFileIdentity config_identity;
  PoProfile *config_profile;  /* last good one from the file, or NULL */
  gchar *config_problem;      /* why the file as it is now is not in force */
  GPtrArray *profile_options; /* Option*, osquery's, in the order set */
};

static void
option_free (Option *option)
{
  g_free (option->key);
  g_free (option->value);
  g_free (option->problem);
  g_free (option);
}

PoProfileSource *
po_profile_source_new (const gchar *config, gboolean must_exist, GError **error)
{
  PoProfileSource *source = g_new0 (PoProfileSource, 1);

  g_return_val_if_fail (config != NULL, NULL);

  g_mutex_init (&source->lock);
  source->config_path = g_strdup (config);
  source->config_must_exist = must_exist;
  source->profile_options = g_ptr_array_new_with_free_func ((GDestroyNotify) option_free);
  return source;
}

void
po_profile_source_free (PoProfileSource *source)
{
  if (source == NULL)
    return;
  g_free (source->config_path);
  g_clear_pointer (&source->config_profile, po_profile_unref);
  g_free (source->config_problem);
  g_ptr_array_unref (source->profile_options);
  g_mutex_clear (&source->lock);
  g_free (source);
}

/* as root, the configuration decides what root reports: it must be root's,
 * as osquery requires of the extensions it runs */
static gboolean
check_config_file (const gchar *path, const struct stat *st, gpointer user_data, GError **error)
{
  if (geteuid () != 0)
    return TRUE;
  if (st->st_uid != 0)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_PERMISSION,
                   "%s: refused: owned by uid %u (running as root, phaseout only reads a "
                   "configuration owned by root and not writable by group or others)",
                   path, (guint) st->st_uid);
      return FALSE;
    }
  if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_PERMISSION,
                   "%s: refused: writable by %s (mode %04o; running as root, phaseout only "
                   "reads a configuration owned by root and not writable by group or others)",
                   path, (st->st_mode & S_IWOTH) != 0 ? "others" : "group",
                   (guint) (st->st_mode & 07777));
      return FALSE;
    }
  return TRUE;
}

/* a new problem with the file: kept for phaseout_info, logged once */
static void
set_config_problem (PoProfileSource *source, const gchar *message)
{
  g_autofree gchar *problem = g_strdup_printf (
    "configuration file %s; %s", message,
    source->config_profile != NULL ? "keeping the organisation profile read from it before"
                                   : "no organisation profile from it is in force");

  if (g_strcmp0 (problem, source->config_problem) != 0)
    g_warning ("%s", problem);
  g_free (source->config_problem);
  source->config_problem = g_steal_pointer (&problem);
}

/*
 * Reads the file again.  It is opened once and judged on what was opened
 * (po_config_file_read(): a regular file, as root owned by root and not
 * writable by group or others, at most PO_PROFILE_MAX_FILE_SIZE), so a
 * link swapped between a check and a read, a FIFO or a huge file cannot
 * get in.  A file that is refused or malformed keeps the last good
 * profile: an edit in progress must not turn a "municipality" into "no
 * profile" and back; config_problem says so.
 */
static void
reload_config (PoProfileSource *source, const PoFileIdentity *path_identity)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (PoProfile) profile = NULL;
  g_autoptr (GError) error = NULL;
  struct stat opened = { 0 };

  source->config_known = TRUE;
  source->config_identity = *path_identity;
  if (!po_config_file_read (source->config_path, PO_PROFILE_MAX_FILE_SIZE, check_config_file, NULL,
                            &bytes, &opened, &error)
      || !po_profile_new_from_bytes (bytes, source->config_path, &profile, &error))
    set_config_problem (source, error->message);
  else
    {
      g_clear_pointer (&source->config_profile, po_profile_unref);
      source->config_profile = g_steal_pointer (&profile);
      g_clear_pointer (&source->config_problem, g_free);
    }
  /* what was read is what a later stat is compared with (st_mode has a
   * file type once fstat filled it) */
  if (opened.st_mode != 0)
    po_file_identity_from_stat (&source->config_identity, &opened);
}

/*
 * The profile from the config file, read again when the file changes (a
 * stat per query).  With no profile at all every policy applies, the
 * cautious direction.  Called with the source's lock held.
 */
static gboolean
file_profile (PoProfileSource *source, PoProfile **ret_profile, GError **error)
{
  const gchar *path = source->config_path;
  PoFileIdentity now;
  struct stat st;

  if (stat (path, &st) != 0)
    {
      int saved = errno;
      g_autofree gchar *message = NULL;

      if (source->config_must_exist)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "configuration file %s: %s", path, g_strerror (saved));
          return FALSE;
        }
      source->config_known = FALSE;
      if (saved == ENOENT || saved == ENOTDIR)
        {
          /* no file, no profile from it */
          g_clear_pointer (&source->config_profile, po_profile_unref);
          g_clear_pointer (&source->config_problem, g_free);
          *ret_profile = NULL;
          return TRUE;
        }
      /* a file we may not look at (in a directory we may not search) */
      message = g_strdup_printf ("%s: %s", path, g_strerror (saved));
      set_config_problem (source, message);
    }
  else
    {
      po_file_identity_from_stat (&now, &st);
      if (!source->config_known || !po_file_identity_equal (&source->config_identity, &now))
        reload_config (source, &now);
    }
  *ret_profile = source->config_profile != NULL ? po_profile_ref (source->config_profile) : NULL;
  return TRUE;
}

/* in a few words, for reasons (po_profile_set_problem()); NULL when all is well */
static gchar *
short_problem (PoProfileSource *source)
{
  g_autoptr (GString) text = g_string_new (NULL);

  if (source->config_problem != NULL)
    g_string_append_printf (text, "the profile in %s was rejected%s", source->config_path,
                            source->config_profile != NULL ? ", the one read before is kept" : "");
  for (guint i = 0; i < source->profile_options->len; i++)
    {
      Option *option = g_ptr_array_index (source->profile_options, i);
      if (option->problem != NULL)
        g_string_append_printf (text, "%soption %s was rejected", text->len > 0 ? "; " : "",
                                option->key);
    }
  if (text->len == 0)
    return NULL;
  g_string_append (text, "; phaseout_info.config_problem says why");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
po_profile_source_get (PoProfileSource *source, PoProfile **ret_profile, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (PoProfile) profile = NULL;
  g_autofree gchar *problem = NULL;

  g_return_val_if_fail (source != NULL, FALSE);
  locker = g_mutex_locker_new (&source->lock);
  if (!file_profile (source, &profile, error))
    return FALSE;

  problem = short_problem (source);
  if (source->profile_options->len > 0 || problem != NULL)
    {
      g_autoptr (PoProfile) layered = profile != NULL ? po_profile_copy (profile)
                                                      : po_profile_new ();
      for (guint i = 0; i < source->profile_options->len; i++)
        {
          Option *option = g_ptr_array_index (source->profile_options, i);
          g_autoptr (GError) local_error = NULL;
          /* each was checked when it was set; a rejected one is left out */
          if (option->problem == NULL
              && !po_profile_apply_option (layered, option->key, option->value, &local_error))
            g_warning ("%s", local_error->message);
        }
      po_profile_set_problem (layered, problem);
      g_clear_pointer (&profile, po_profile_unref);
      profile = g_steal_pointer (&layered);
    }
  /* an empty profile is no profile, unless it says what was rejected */
  if (profile != NULL && po_profile_is_empty (profile) && problem == NULL)
    g_clear_pointer (&profile, po_profile_unref);
  *ret_profile = g_steal_pointer (&profile);
  return TRUE;
}

gchar *
po_profile_source_get_problem (PoProfileSource *source)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (source != NULL, NULL);
  locker = g_mutex_locker_new (&source->lock);
  if (source->config_problem != NULL)
    g_string_append (text, source->config_problem);
  for (guint i = 0; i < source->profile_options->len; i++)
    {
      Option *option = g_ptr_array_index (source->profile_options, i);
      if (option->problem != NULL)
        g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "", option->problem);
    }
  if (text->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/*
 * A rejected option is remembered with its reason, not dropped: the profile
 * it would have completed is not what the administrator configured, and
 * phaseout_info and the reasons must say so.  It is not applied (what the
 * file says for that key stays in force).
 */
gboolean
po_profile_source_set_option (PoProfileSource *source, const gchar *key, const gchar *value,
                              GError **error)
{
  g_autoptr (PoProfile) scratch = po_profile_new ();
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GError) local_error = NULL;
  Option *option;

  g_return_val_if_fail (source != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  locker = g_mutex_locker_new (&source->lock);
  /* setting a key again replaces it (osqueryd re-sends options on refresh) */
  for (guint i = 0; i < source->profile_options->len; i++)
    if (g_str_equal (((Option *) g_ptr_array_index (source->profile_options, i))->key, key))
      {
        g_ptr_array_remove_index (source->profile_options, i);
        break;
      }
  option = g_new0 (Option, 1);
  option->key = g_strdup (key);
  option->value = g_strdup (value != NULL ? value : "");
  if (!po_profile_apply_option (scratch, key, value, &local_error))
    option->problem = g_strdup_printf ("%s; the option is ignored", local_error->message);
  g_ptr_array_add (source->profile_options, option);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}
