/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A memo of missing paths, for one scan of many path patterns: can
 * anything match /opt/acme/agent/STAR?  Not when /opt/acme is not there, and
 * a catalogue with a thousand /opt/<vendor>/... indicators then costs one
 * look per vendor directory instead of a probe each.  A literal pattern
 * (/opt/acme/bin/agent) is looked up whole, so a missing file costs no
 * probe either.
 *
 * The looks are batched per directory: the first few names of a directory
 * are looked up one fstatat(2) each; once a directory has been asked about
 * more often than that, its entries are read once (one directory read
 * instead of an fstatat per name) and the rest are answered from them.
 * The directories are opened beneath the root (po_root_open_directory()),
 * so the memo sees what the probes see.
 */
#include "po-inventory-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* fstatat(2)s in one directory before its entries are read instead */
#define LOOKS_BEFORE_LISTING 8
/* a directory with more entries than this is never read whole */
#define MAX_LISTED_ENTRIES 10000

typedef struct {
  int fd;        /* O_PATH descriptor, -1 when it cannot be opened */
  guint n_looks; /* fstatat(2)s that said "there" or "not there" */
  gboolean unlistable;
  GHashTable *entries; /* the names in it, once read; NULL before */
} Directory;

struct _PoPathMemo {
  PoInventory *inventory;  /* unowned: the memo lives for one scan */
  GHashTable *there;       /* path -> gboolean: there, or not known to be missing */
  GHashTable *directories; /* directory -> Directory* */
};

static void
directory_free (Directory *directory)
{
  if (directory->fd >= 0)
    close (directory->fd);
  g_clear_pointer (&directory->entries, g_hash_table_unref);
  g_free (directory);
}

PoPathMemo *
po_path_memo_new (PoInventory *inventory)
{
  PoPathMemo *memo = g_new0 (PoPathMemo, 1);

  memo->inventory = inventory;
  memo->there = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  memo->directories = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) directory_free);
  return memo;
}

void
po_path_memo_free (PoPathMemo *memo)
{
  if (memo == NULL)
    return;
  g_hash_table_unref (memo->there);
  g_hash_table_unref (memo->directories);
  g_free (memo);
}

static Directory *
memo_directory (PoPathMemo *memo, const gchar *path)
{
  Directory *directory = g_hash_table_lookup (memo->directories, path);

  if (directory == NULL)
    {
      directory = g_new0 (Directory, 1);
      directory->fd = po_root_open_directory (po_inventory_get_root (memo->inventory), path, NULL);
      g_hash_table_insert (memo->directories, g_strdup (path), directory);
    }
  return directory;
}

/*
 * the names in the directory, read once through its descriptor (so the
 * same directory the fstatat(2)s looked in); FALSE when it cannot be read
 * (no read permission where there is search permission, too many entries)
 */
static gboolean
directory_list (Directory *directory)
{
  g_autoptr (DIR) dir = NULL;
  g_autoptr (GHashTable) entries = NULL;
  struct dirent *entry;
  guint n = 0;
  int fd;

  do
    fd = openat (directory->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return FALSE;
  dir = fdopendir (fd);
  if (dir == NULL)
    {
      close (fd);
      return FALSE;
    }
  entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  errno = 0;
  while ((entry = readdir (dir)) != NULL)
    {
      if (++n > MAX_LISTED_ENTRIES)
        return FALSE;
      g_hash_table_add (entries, g_strdup (entry->d_name));
    }
  if (errno != 0)
    return FALSE;
  directory->entries = g_steal_pointer (&entries);
  return TRUE;
}

/*
 * is `name` in the directory?  An lstat of it, as po_root_lstat() does it,
 * or, once the directory has been asked about often, a look in its
 * entries.  Only a directory whose fstatat(2)s worked is read: they prove
 * the search permission the probes need, so that a name missing from the
 * listing is a name an lstat would not find either.
 */
static gboolean
directory_has (Directory *directory, const gchar *name)
{
  struct stat st;

  if (directory->entries == NULL && !directory->unlistable
      && directory->n_looks >= LOOKS_BEFORE_LISTING)
    directory->unlistable = !directory_list (directory);
  if (directory->entries != NULL)
    return g_hash_table_contains (directory->entries, name);
  if (fstatat (directory->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      directory->n_looks++;
      return TRUE;
    }
  if (errno == ENOENT)
    {
      directory->n_looks++;
      return FALSE;
    }
  /* anything but "not there" leaves the decision to the probe */
  return errno == ENOTDIR ? FALSE : TRUE;
}

/* is `path` (whose parent is there) missing? */
static gboolean
is_there (PoPathMemo *memo, gchar *path)
{
  gchar *slash = strrchr (path, '/');
  g_autoptr (PoPathInfo) info = NULL;
  Directory *directory;

  *slash = '\0';
  directory = memo_directory (memo, slash == path ? "/" : path);
  *slash = '/';
  if (directory->fd >= 0)
    return directory_has (directory, slash + 1);
  return !po_inventory_probe_path (memo->inventory, path, &info, NULL)
         || info->type != PO_PATH_TYPE_MISSING;
}

/* a name the memo may look up in its directory: not empty, not . or .. */
static gboolean
is_plain_name (const gchar *name)
{
  return name[0] != '\0' && strcmp (name, ".") != 0 && strcmp (name, "..") != 0;
}

/*
 * Can anything match pattern?  Not when one of the directories its literal
 * part names does not exist, or, for a pattern without wildcards, the path
 * itself: its probe would find nothing and say nothing.  Anything but
 * "missing" (a link, an error) leaves the decision to the probe itself.
 */
/*
 * the path whose components po_path_memo_could_exist() looks at, each
 * prefix in turn: the directories above the last component (or above the
 * first wildcard), and the last component of a literal path; NULL when it
 * looks at nothing (a relative pattern, "..", "//")
 */
static gchar *
checked_path (const gchar *pattern)
{
  gsize literal_len = strcspn (pattern, "*?[");
  g_autofree gchar *literal = g_strndup (pattern, literal_len);
  gchar *last = strrchr (literal, '/');

  if (last == NULL || pattern[0] != '/' || strstr (literal, "/..") != NULL
      || strstr (literal, "//") != NULL)
    return NULL;
  if (pattern[literal_len] != '\0' || !is_plain_name (last + 1))
    *last = '\0';
  return g_steal_pointer (&literal);
}

GStrv
po_path_memo_checked_prefixes (const gchar *pattern)
{
  g_autofree gchar *literal = checked_path (pattern);
  GPtrArray *prefixes;

  if (literal == NULL || literal[0] != '/' || literal[1] == '\0')
    return NULL;
  /* each prefix up to a '/', then the whole: what the loop below looks up */
  prefixes = g_ptr_array_new ();
  for (gchar *slash = strchr (literal + 1, '/'); slash != NULL; slash = strchr (slash + 1, '/'))
    g_ptr_array_add (prefixes, g_strndup (literal, slash - literal));
  g_ptr_array_add (prefixes, g_steal_pointer (&literal));
  g_ptr_array_add (prefixes, NULL);
  return (GStrv) g_ptr_array_free (prefixes, FALSE);
}

gboolean
po_path_memo_prefix_there (PoPathMemo *memo, const gchar *prefix)
{
  const gchar *last = strrchr (prefix, '/');
  g_autofree gchar *copy = NULL;
  gpointer known;
  gboolean there;

  /* only what po_path_memo_could_exist() would look up as it stands */
  if (last == NULL || prefix[0] != '/' || !is_plain_name (last + 1))
    return po_path_memo_could_exist (memo, prefix);
  if (g_hash_table_lookup_extended (memo->there, prefix, NULL, &known))
    return GPOINTER_TO_INT (known);
  copy = g_strdup (prefix);
  there = is_there (memo, copy);
  g_hash_table_insert (memo->there, g_steal_pointer (&copy), GINT_TO_POINTER (there));
  return there;
}

gboolean
po_path_memo_could_exist (PoPathMemo *memo, const gchar *pattern)
{
  g_autofree gchar *literal = checked_path (pattern);

  if (literal == NULL)
    return TRUE;
  for (gchar *slash = strchr (literal + 1, '/');; slash = strchr (slash + 1, '/'))
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
