/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading policy files and directories for the loader (po-catalogue.c):
 * the permission rule (as root, refuse what root does not own or others
 * may write), the size limit and the *.json listing in byte order (the
 * stat identity that tells the catalogue a file changed is
 * po-file-identity.h's).  Policy files
 * are phaseout's own configuration, read at their real paths, not
 * through PoRoot.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "po-catalogue-private.h"
#include "po-error.h"

/* osquery's rule for extensions, made a little stricter (no group write) */
gboolean
po_catalogue_check_permissions (const PoCatalogueOptions *options, const gchar *path, uid_t uid,
                                mode_t mode, GError **error)
{
  if (!options->check_permissions)
    return TRUE;
  if (uid != options->trusted_uid)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_PERMISSION,
                   "%s: refused: owned by uid %u, not uid %u (running as root, phaseout only "
                   "reads policy files and directories owned by root and not writable by group "
                   "or others)",
                   path, (guint) uid, (guint) options->trusted_uid);
      return FALSE;
    }
  if ((mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_PERMISSION,
                   "%s: refused: writable by %s (mode %04o; running as root, phaseout only "
                   "reads policy files and directories not writable by group or others)",
                   path, (mode & S_IWOTH) != 0 ? "others" : "group", (guint) (mode & 07777));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_policy_file (const gchar *path, const struct stat *st, gpointer user_data, GError **error)
{
  return po_catalogue_check_permissions (user_data, path, st->st_uid, st->st_mode, error);
}

/*
 * Reads a policy file.  The ownership and mode checked are those of the
 * file actually opened (po_config_file_read()), so a rename between the
 * check and the read cannot slip another file in.
 */
gboolean
po_catalogue_read_policy_file (const PoCatalogueOptions *options, const gchar *path,
                               GBytes **ret_bytes, PoFileIdentity *ret_identity, GError **error)
{
  struct stat opened = { 0 };
  gboolean ok;

  po_file_identity_of_path (ret_identity, path);
  ok = po_config_file_read (path, PO_CATALOGUE_MAX_FILE_SIZE, check_policy_file, (gpointer) options,
                            ret_bytes, &opened, error);
  /* st_mode has a file type once fstat filled it */
  if (opened.st_mode != 0)
    po_file_identity_from_stat (ret_identity, &opened);
  return ok;
}

gint
po_catalogue_compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar *const *) a, *(const gchar *const *) b);
}

/* the *.json entries of a directory in byte order of their names; hidden ones skipped */
GStrv
po_catalogue_list_policy_files (const gchar *path, GError **error)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const gchar *name;

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.' && g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, po_catalogue_compare_names);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}
