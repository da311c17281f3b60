/* SPDX-License-Identifier: Apache-2.0 */
#define _XOPEN_SOURCE 700
#include "po-test-tree.h"

#include <errno.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* nftw() callbacks take no user data: one walk at a time */
G_LOCK_DEFINE_STATIC (walk);
static gboolean walk_keep_top;
static guint walk_failures;
static gchar *walk_first_failure;

static int
open_up_entry (const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  if (type == FTW_D || type == FTW_DNR)
    chmod (path, 0700);
  return 0;
}

static int
remove_entry (const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  int rc;

  if (ftw->level == 0 && walk_keep_top)
    return 0;
  rc = type == FTW_DP ? rmdir (path) : unlink (path);
  /* ENOENT: a daemon under test removed its own socket as it exited */
  if (rc != 0 && errno != ENOENT)
    {
      if (walk_failures++ == 0)
        walk_first_failure = g_strdup_printf ("%s %s: %s", type == FTW_DP ? "rmdir" : "unlink",
                                              path, g_strerror (errno));
    }
  return 0;
}

guint
po_test_remove_tree (const gchar *path, gboolean keep_top, gchar **ret_first_failure)
{
  guint failures;

  if (path == NULL || path[0] == '\0' || strcmp (path, "/") == 0)
    return 0;
  G_LOCK (walk);
  walk_keep_top = keep_top;
  walk_failures = 0;
  walk_first_failure = NULL;
  nftw (path, open_up_entry, 16, FTW_PHYS | FTW_MOUNT);
  nftw (path, remove_entry, 16, FTW_PHYS | FTW_DEPTH | FTW_MOUNT);
  failures = walk_failures;
  if (ret_first_failure != NULL)
    *ret_first_failure = g_steal_pointer (&walk_first_failure);
  g_clear_pointer (&walk_first_failure, g_free);
  G_UNLOCK (walk);
  return failures;
}
