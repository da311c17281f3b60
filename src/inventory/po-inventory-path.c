/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Path probes: does /opt/kaspersky/kesl exist?  lstat(2) only, beneath the
 * root: PoRoot resolves the parent directories with RESOLVE_IN_ROOT (a link
 * planted in a fixture tree or a container cannot lead outside it) and the
 * last component is never followed, so a symlink is reported as a symlink.
 *
 * Patterns expand one component at a time with fnmatch(3), depth first,
 * under fixed bounds on directory entries read and matches returned.
 */
#include "po-inventory-private.h"

#include <dirent.h>
#include <fnmatch.h>
#include <string.h>

#include "po-error.h"

#define MAX_PATTERN_ENTRIES 10000
#define MAX_PATTERN_MATCHES 1000
#define MAX_PATH_BYTES      4096

const gchar *
po_path_type_to_string (PoPathType type)
{
  switch (type)
    {
    case PO_PATH_TYPE_MISSING:
      return "missing";
    case PO_PATH_TYPE_FILE:
      return "file";
    case PO_PATH_TYPE_DIRECTORY:
      return "directory";
    case PO_PATH_TYPE_SYMLINK:
      return "symlink";
    case PO_PATH_TYPE_OTHER:
      return "other";
    default:
      return "unknown";
    }
}

void
po_path_info_free (PoPathInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->path);
  g_free (info->link_target);
  g_free (info);
}

static gboolean
check_absolute (const gchar *path, GError **error)
{
  if (path == NULL || path[0] != '/')
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT, "not an absolute path: %s",
                   path != NULL ? path : "(null)");
      return FALSE;
    }
  if (strlen (path) > MAX_PATH_BYTES)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT, "path too long");
      return FALSE;
    }
  return TRUE;
}

/* lstat beneath the root; FALSE only for an error other than "not there" */
static gboolean
probe (PoRoot *root, const gchar *host_path, PoPathInfo **ret_info, GError **error)
{
  g_autoptr (PoPathInfo) info = g_new0 (PoPathInfo, 1);
  g_autoptr (GError) local_error = NULL;
  struct stat st;

  info->path = g_strdup (host_path);
  if (!po_root_lstat (root, host_path, &st, &local_error))
    {
      if (!po_inventory_error_is_missing (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      info->type = PO_PATH_TYPE_MISSING;
      *ret_info = g_steal_pointer (&info);
      return TRUE;
    }
  if (S_ISREG (st.st_mode))
    info->type = PO_PATH_TYPE_FILE;
  else if (S_ISDIR (st.st_mode))
    info->type = PO_PATH_TYPE_DIRECTORY;
  else if (S_ISLNK (st.st_mode))
    {
      g_autofree gchar *target = NULL;
      info->type = PO_PATH_TYPE_SYMLINK;
      if (po_root_readlink (root, host_path, &target, NULL))
        info->link_target = po_inventory_sanitize (target, -1);
    }
  else
    info->type = PO_PATH_TYPE_OTHER;
  info->size = (guint64) st.st_size;
  info->mode = (guint32) st.st_mode;
  info->uid = (guint32) st.st_uid;
  info->gid = (guint32) st.st_gid;
  info->mtime = (gint64) st.st_mtime;
  *ret_info = g_steal_pointer (&info);
  return TRUE;
}

gboolean
po_inventory_probe_path (PoInventory *inventory, const gchar *host_path, PoPathInfo **ret_info,
                         GError **error)
{
  po_inventory_count (inventory, "collector.path");
  if (!check_absolute (host_path, error))
    return FALSE;
  return probe (po_inventory_get_root (inventory), host_path, ret_info, error);
}

static gboolean
has_wildcard (const gchar *component)
{
  return strpbrk (component, "*?[") != NULL;
}

typedef struct {
  PoRoot *root;
  const gchar *pattern;
  GPtrArray *warnings;
  GPtrArray *matches;
  guint n_entries;
  gboolean cut;
} Expansion;

static void
expansion_cut (Expansion *expansion, const gchar *why)
{
  if (!expansion->cut)
    po_inventory_warn (expansion->warnings, "path", expansion->pattern, FALSE,
                       "pattern matches too much (%s); the result is incomplete", why);
  expansion->cut = TRUE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar *const *) a, *(const gchar *const *) b);
}

static void
expand (Expansion *expansion, const gchar *prefix, gchar **components)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DIR) dir = NULL;
  g_autoptr (GPtrArray) names = NULL;
  struct dirent *entry;

  if (expansion->cut)
    return;
  if (components[0] == NULL)
    {
      PoPathInfo *info = NULL;
      if (expansion->matches->len >= MAX_PATTERN_MATCHES)
        {
          expansion_cut (expansion, "over 1000 matches");
          return;
        }
      if (!probe (expansion->root, prefix[0] != '\0' ? prefix : "/", &info, &error))
        po_inventory_warn (expansion->warnings, "path", prefix, FALSE, "%s", error->message);
      else if (info->type == PO_PATH_TYPE_MISSING)
        po_path_info_free (info);
      else
        g_ptr_array_add (expansion->matches, info);
      return;
    }
  if (components[0][0] == '\0')
    {
      /* "//" or a trailing "/" */
      expand (expansion, prefix, components + 1);
      return;
    }
  if (!has_wildcard (components[0]))
    {
      g_autofree gchar *next = g_strconcat (prefix, "/", components[0], NULL);
      if (strlen (next) > MAX_PATH_BYTES)
        return;
      expand (expansion, next, components + 1);
      return;
    }

  dir = po_root_opendir (expansion->root, prefix[0] != '\0' ? prefix : "/", &error);
  if (dir == NULL)
    {
      if (!po_inventory_error_is_missing (error))
        po_inventory_warn (expansion->warnings, "path", prefix[0] != '\0' ? prefix : "/", FALSE,
                           "%s", error->message);
      return;
    }
  /* sorted, so the result (and where a cut falls) does not depend on readdir order */
  names = g_ptr_array_new_with_free_func (g_free);
  while ((entry = readdir (dir)) != NULL)
    {
      if (++expansion->n_entries > MAX_PATTERN_ENTRIES)
        {
          expansion_cut (expansion, "over 10000 directory entries");
          break;
        }
      if (strcmp (entry->d_name, ".") == 0 || strcmp (entry->d_name, "..") == 0)
        continue;
      if (fnmatch (components[0], entry->d_name, 0) == 0)
        g_ptr_array_add (names, g_strdup (entry->d_name));
    }
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len && !expansion->cut; i++)
    {
      g_autofree gchar *next = g_strconcat (prefix, "/", names->pdata[i], NULL);
      expand (expansion, next, components + 1);
    }
}

gboolean
po_inventory_probe_pattern (PoInventory *inventory, const gchar *pattern, GPtrArray *warnings,
                            GPtrArray **ret_infos, GError **error)
{
  g_autoptr (GPtrArray) matches = g_ptr_array_new_with_free_func (
    (GDestroyNotify) po_path_info_free);
  g_auto (GStrv) components = NULL;
  Expansion expansion = { 0 };

  po_inventory_count (inventory, "collector.path");
  if (!check_absolute (pattern, error))
    return FALSE;
  components = g_strsplit (pattern + 1, "/", -1);
  for (guint i = 0; components[i] != NULL; i++)
    if (strcmp (components[i], "..") == 0)
      {
        g_set_error (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT, "\"..\" in a path pattern: %s",
                     pattern);
        return FALSE;
      }
  expansion.root = po_inventory_get_root (inventory);
  expansion.pattern = pattern;
  expansion.warnings = warnings;
  expansion.matches = matches;
  expand (&expansion, "", components);
  *ret_infos = g_steal_pointer (&matches);
  return TRUE;
}
