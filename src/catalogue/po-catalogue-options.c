/* SPDX-License-Identifier: Apache-2.0 */
/* PoCatalogueOptions: where a catalogue comes from (po-catalogue.h) */
#include "po-catalogue-private.h"

static void
dir_option_free (DirOption *dir)
{
  g_free (dir->path);
  g_free (dir);
}

PoCatalogueOptions *
po_catalogue_options_new (void)
{
  PoCatalogueOptions *options = g_new0 (PoCatalogueOptions, 1);

  options->builtin = TRUE;
  options->dirs = g_ptr_array_new_with_free_func ((GDestroyNotify) dir_option_free);
  options->files = g_ptr_array_new_with_free_func (g_free);
  options->check_permissions = geteuid () == 0;
  options->trusted_uid = 0;
  options->log_problems = TRUE;
  return options;
}

void
po_catalogue_options_free (PoCatalogueOptions *options)
{
  if (options == NULL)
    return;
  g_ptr_array_unref (options->dirs);
  g_ptr_array_unref (options->files);
  g_free (options);
}

PoCatalogueOptions *
po_catalogue_options_copy (const PoCatalogueOptions *options)
{
  PoCatalogueOptions *copy = po_catalogue_options_new ();

  copy->builtin = options->builtin;
  copy->check_permissions = options->check_permissions;
  copy->trusted_uid = options->trusted_uid;
  copy->log_problems = options->log_problems;
  for (guint i = 0; i < options->dirs->len; i++)
    {
      DirOption *dir = g_ptr_array_index (options->dirs, i);
      po_catalogue_options_add_policy_dir (copy, dir->path, dir->must_exist);
    }
  for (guint i = 0; i < options->files->len; i++)
    po_catalogue_options_add_file (copy, g_ptr_array_index (options->files, i));
  return copy;
}

void
po_catalogue_options_set_builtin (PoCatalogueOptions *options, gboolean builtin)
{
  options->builtin = builtin;
}

void
po_catalogue_options_add_policy_dir (PoCatalogueOptions *options, const gchar *directory,
                                     gboolean must_exist)
{
  DirOption *dir = g_new0 (DirOption, 1);

  dir->path = g_strdup (directory);
  dir->must_exist = must_exist;
  g_ptr_array_add (options->dirs, dir);
}

void
po_catalogue_options_add_file (PoCatalogueOptions *options, const gchar *path)
{
  g_ptr_array_add (options->files, g_strdup (path));
}

void
po_catalogue_options_set_permissions (PoCatalogueOptions *options, gboolean check,
                                      uid_t trusted_uid)
{
  options->check_permissions = check;
  options->trusted_uid = trusted_uid;
}

void
po_catalogue_options_set_log_problems (PoCatalogueOptions *options, gboolean log_problems)
{
  options->log_problems = log_problems;
}

PoCatalogueOptions *
po_catalogue_options_new_from_settings (const PoSettings *settings)
{
  PoCatalogueOptions *options = po_catalogue_options_new ();
  /* no --policy-dir: the default directory, which need not exist */
  gboolean given = settings->policy_dirs != NULL && settings->policy_dirs->len > 0;
  g_autoptr (GPtrArray) dirs = po_settings_get_policy_dirs (settings);

  for (guint i = 0; i < dirs->len; i++)
    po_catalogue_options_add_policy_dir (options, g_ptr_array_index (dirs, i), given);
  return options;
}
