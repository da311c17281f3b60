/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A memo of missing directories, for one scan of many path patterns: can
 * anything match /opt/acme/agent/STAR?  Not when /opt/acme is not there, and
 * a catalogue with a thousand /opt/<vendor>/... indicators then costs one
 * fstatat(2) per vendor directory instead of a probe each.  The
 * directories are opened beneath the root (po_root_open_directory()), so
 * the memo sees what the probes see.
 */
#include "po-inventory-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct _PoPathMemo {
  PoInventory *inventory;  /* unowned: the memo lives for one scan */
  GHashTable  *there;      /* directory -> gboolean: there, or not known to be missing */
  GHashTable  *fds;        /* directory -> O_PATH descriptor + 1 (0: none) */
};

static void
close_memo_fd (gpointer fd_plus_one)
{
  if (GPOINTER_TO_INT (fd_plus_one) > 0)
    close (GPOINTER_TO_INT (fd_plus_one) - 1);
}

PoPathMemo *
po_path_memo_new (PoInventory *inventory)
{
  PoPathMemo *memo = g_new0 (PoPathMemo, 1);

  memo->inventory = inventory;
  memo->there = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  memo->fds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, close_memo_fd);
  return memo;
}

void
po_path_memo_free (PoPathMemo *memo)
{
  if (memo == NULL)
    return;
  g_hash_table_unref (memo->there);
  g_hash_table_unref (memo->fds);
  g_free (memo);
}

static int
memo_dir_fd (PoPathMemo *memo, const gchar *dir)
{
  gpointer known;
  int fd;

  if (g_hash_table_lookup_extended (memo->fds, dir, NULL, &known))
    return GPOINTER_TO_INT (known) - 1;
  fd = po_root_open_directory (po_inventory_get_root (memo->inventory), dir, NULL);
  g_hash_table_insert (memo->fds, g_strdup (dir), GINT_TO_POINTER (MAX (fd, -1) + 1));
  return fd;
}

/* is directory `path` (whose parent is there) missing?  An lstat of its
 * name in the parent, as po_root_lstat() does it */
static gboolean
is_there (PoPathMemo *memo, gchar *path)
{
  gchar *slash = strrchr (path, '/');
  g_autoptr(PoPathInfo) info = NULL;
  struct stat st;
  int fd;

  *slash = '\0';
  fd = memo_dir_fd (memo, slash == path ? "/" : path);
  *slash = '/';
  if (fd >= 0)
    return fstatat (fd, slash + 1, &st, AT_SYMLINK_NOFOLLOW) == 0
           || (errno != ENOENT && errno != ENOTDIR);
  return !po_inventory_probe_path (memo->inventory, path, &info, NULL)
         || info->type != PO_PATH_TYPE_MISSING;
}

/*
 * Can anything match pattern?  Not when one of the directories its literal
 * part names does not exist: its probe would find nothing and say nothing.
 * Anything but "missing" (a link, an error) leaves the decision to the
 * probe itself.
 */
gboolean
po_path_memo_could_exist (PoPathMemo *memo, const gchar *pattern)
{
  g_autofree gchar *literal = g_strndup (pattern, strcspn (pattern, "*?["));
  gchar *last = strrchr (literal, '/');

  /* the directories above the last component (or above the first wildcard) */
  if (last == NULL || pattern[0] != '/' || strstr (literal, "/..") != NULL
      || strstr (literal, "//") != NULL)
    return TRUE;
  *last = '\0';
  for (gchar *slash = strchr (literal + 1, '/'); ; slash = strchr (slash + 1, '/'))
    {
      gpointer known;
      gboolean there;

      if (slash != NULL)
        *slash = '\0';
      if (literal[0] != '\0' && literal[1] != '\0')
        {
          if (g_hash_table_lookup_extended (memo->there, literal, NULL, &known))
            there = GPOINTER_TO_INT (known);
          else
            {
              there = is_there (memo, literal);
              g_hash_table_insert (memo->there, g_strdup (literal), GINT_TO_POINTER (there));
            }
          if (!there)
            return FALSE;
        }
      if (slash == NULL)
        return TRUE;
      *slash = '/';
    }
}
