/* SPDX-License-Identifier: Apache-2.0 */
#include "po-root.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "po-error.h"

struct _PoRoot {
  gint ref_count;
  gchar *directory;
  int fd;           /* O_PATH descriptor of the directory */
  gboolean is_host; /* directory is "/" */
};

/*
 * a host path relative to the root ("/proc/1/exe" -> "proc/1/exe");
 * openat2 with RESOLVE_IN_ROOT treats the dirfd as "/" for absolute links
 * and "..", but the path we give it must not start with a slash to stay
 * relative to the dirfd
 */
static const gchar *
relative_path (const gchar *host_path)
{
  while (*host_path == '/')
    host_path++;
  return *host_path != '\0' ? host_path : ".";
}

static void
set_errno_error (GError **error, int errsv, PoRoot *root, const gchar *host_path, const gchar *what)
{
  if (root->is_host)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s %s: %s", what, host_path,
                 g_strerror (errsv));
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s %s (under root %s): %s",
                 what, host_path, root->directory, g_strerror (errsv));
}

PoRoot *
po_root_new (const gchar *directory, GError **error)
{
  g_autoptr (PoRoot) root = g_new0 (PoRoot, 1);

  root->ref_count = 1;
  root->fd = -1;
  root->directory = g_canonicalize_filename (directory != NULL ? directory : "/", NULL);
  root->is_host = g_strcmp0 (root->directory, "/") == 0;
  root->fd = open (root->directory, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root->fd < 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "cannot open root directory %s: %s", root->directory, g_strerror (errsv));
      return NULL;
    }
  return g_steal_pointer (&root);
}

PoRoot *
po_root_ref (PoRoot *root)
{
  g_atomic_int_inc (&root->ref_count);
  return root;
}

void
po_root_unref (PoRoot *root)
{
  if (root == NULL || !g_atomic_int_dec_and_test (&root->ref_count))
    return;
  if (root->fd >= 0)
    close (root->fd);
  g_free (root->directory);
  g_free (root);
}

const gchar *
po_root_get_directory (PoRoot *root)
{
  return root->directory;
}

gboolean
po_root_is_host (PoRoot *root)
{
  return root->is_host;
}

gchar *
po_root_build_path (PoRoot *root, const gchar *host_path)
{
  if (root->is_host)
    return g_build_filename ("/", host_path, NULL);
  return g_build_filename (root->directory, relative_path (host_path), NULL);
}

/*
 * the one place a host path becomes a file descriptor.  RESOLVE_IN_ROOT
 * makes the kernel resolve "..", absolute symlinks and magic links as if
 * the root were "/", so nothing planted in a fixture tree (or in a
 * container's filesystem) can lead the read outside it.  On the real root
 * it changes nothing, and /proc magic links (exe, cwd) still resolve.
 */
static int
open_beneath (PoRoot *root, const gchar *host_path, guint64 flags, guint64 resolve)
{
  struct open_how how;
  int fd;

  memset (&how, 0, sizeof how);
  how.flags = flags | O_CLOEXEC;
  if (!root->is_host)
    how.resolve = resolve | RESOLVE_IN_ROOT;
  else
    how.resolve = resolve;
  do
    fd = (int) syscall (SYS_openat2, root->fd, relative_path (host_path), &how, sizeof how);
  while (fd < 0 && errno == EINTR);
  if (fd < 0 && errno == ENOSYS)
    {
      /* kernels before 5.6: refuse anything but the real root rather than
       * resolve a fixture path unsafely */
      if (!root->is_host)
        {
          errno = ENOSYS;
          return -1;
        }
      do
        fd = openat (root->fd, relative_path (host_path), (int) (flags | O_CLOEXEC));
      while (fd < 0 && errno == EINTR);
    }
  return fd;
}

int
po_root_open (PoRoot *root, const gchar *host_path, int flags, GError **error)
{
  int fd = open_beneath (root, host_path, (guint64) flags, 0);

  if (fd < 0)
    set_errno_error (error, errno, root, host_path, "cannot open");
  return fd;
}

/* whether fd (just opened) may be read as a host file of at most
 * max_bytes; closes it and sets error if not */
static gboolean
check_readable (PoRoot *root, int fd, const gchar *host_path, gsize max_bytes, struct stat *st,
                GError **error)
{
  if (fstat (fd, st) != 0)
    st->st_mode = 0;
  if (S_ISDIR (st->st_mode))
    {
      close (fd);
      set_errno_error (error, EISDIR, root, host_path, "cannot read");
      return FALSE;
    }
  /* host data lives in regular files (/proc and /sys ones included); a
   * device or FIFO planted where a status file belongs (/dev/zero as the
   * dpkg database) would otherwise be read up to the bound every query */
  if (!S_ISREG (st->st_mode))
    {
      close (fd);
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA, "%s is not a regular file; not read",
                   host_path);
      return FALSE;
    }
  /* /proc and /sys files report size 0, so the size is only a hint */
  if ((gsize) st->st_size > max_bytes)
    {
      close (fd);
      g_set_error (error, PO_ERROR, PO_ERROR_TOO_LARGE,
                   "%s is %" G_GINT64_FORMAT " bytes, more than the %" G_GSIZE_FORMAT
                   " phaseout reads",
                   host_path, (gint64) st->st_size, max_bytes);
      return FALSE;
    }
  return TRUE;
}

static void
set_grew_error (GError **error, const gchar *host_path, gsize max_bytes)
{
  g_set_error (error, PO_ERROR, PO_ERROR_TOO_LARGE,
               "%s is larger than the %" G_GSIZE_FORMAT " bytes phaseout reads", host_path,
               max_bytes);
}

/* reads what fd holds (and closes it), as po_root_read_file() */
static gboolean
read_fd (PoRoot *root, int fd, const gchar *host_path, gsize max_bytes, gchar **ret_contents,
         gsize *ret_length, GError **error)
{
  g_autofree gchar *data = NULL;
  gsize capacity;
  gsize length = 0;
  struct stat st;

  if (!check_readable (root, fd, host_path, max_bytes, &st, error))
    return FALSE;
  /* straight into the result: room for the whole file (its size as stat
   * says, or a page for /proc and /sys), the terminating NUL, and one more
   * byte so that the end of the file is seen without growing */
  capacity = st.st_size > 0 ? (gsize) st.st_size + 2 : 4096;
  data = g_malloc (capacity);
  for (;;)
    {
      ssize_t n;

      if (capacity - length < 2)
        {
          capacity = MIN (capacity * 2, max_bytes + 2);
          data = g_realloc (data, capacity);
        }
      n = read (fd, data + length, capacity - length - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;
          close (fd);
          set_errno_error (error, errsv, root, host_path, "cannot read");
          return FALSE;
        }
      if (n == 0)
        break;
      length += (gsize) n;
      if (length > max_bytes)
        {
          close (fd);
          set_grew_error (error, host_path, max_bytes);
          return FALSE;
        }
    }
  close (fd);
  data[length] = '\0';
  if (ret_length != NULL)
    *ret_length = length;
  *ret_contents = g_steal_pointer (&data);
  return TRUE;
}

/*
 * the file in pieces of at most 64 KiB, through one buffer: a parser that
 * reads as it goes costs the same per byte for a 45 MB dpkg database as
 * for a small one, where one buffer of the whole file would be mapped
 * afresh (and page-faulted in) on every query once it passes malloc's
 * mmap threshold
 */
#define STREAM_PIECE (64 * 1024)

gboolean
po_root_read_stream (PoRoot *root, const gchar *host_path, gsize max_bytes, PoRootConsume consume,
                     gpointer user_data, GError **error)
{
  int fd = po_root_open (root, host_path, O_RDONLY | O_NOCTTY | O_NONBLOCK, error);
  g_autofree gchar *piece = NULL;
  gsize length = 0;
  struct stat st;

  if (fd < 0 || !check_readable (root, fd, host_path, max_bytes, &st, error))
    return FALSE;
  piece = g_malloc (STREAM_PIECE);
  for (;;)
    {
      ssize_t n = read (fd, piece, STREAM_PIECE);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;
          close (fd);
          set_errno_error (error, errsv, root, host_path, "cannot read");
          return FALSE;
        }
      if (n == 0)
        break;
      length += (gsize) n;
      if (length > max_bytes)
        {
          close (fd);
          set_grew_error (error, host_path, max_bytes);
          return FALSE;
        }
      consume (piece, (gsize) n, user_data);
    }
  close (fd);
  return TRUE;
}

/*
 * lstat and readlink act on the last component itself, so open the
 * parent beneath the root and use the *at() call on the leaf name
 */
static int
open_parent (PoRoot *root, const gchar *host_path, gchar **ret_leaf, GError **error)
{
  g_autofree gchar *dir = g_path_get_dirname (host_path);
  g_autofree gchar *leaf = g_path_get_basename (host_path);
  int fd;

  if (g_strcmp0 (leaf, "/") == 0 || g_strcmp0 (leaf, ".") == 0 || g_strcmp0 (leaf, "..") == 0)
    {
      g_free (leaf);
      leaf = g_strdup (".");
    }
  fd = (int) open_beneath (root, dir, O_PATH | O_DIRECTORY, 0);
  if (fd < 0)
    {
      set_errno_error (error, errno, root, host_path, "cannot look up");
      return -1;
    }
  *ret_leaf = g_steal_pointer (&leaf);
  return fd;
}

gboolean
po_root_lstat (PoRoot *root, const gchar *host_path, struct stat *ret_stat, GError **error)
{
  g_autofree gchar *leaf = NULL;
  struct stat st;
  int dirfd = open_parent (root, host_path, &leaf, error);
  int rc;

  if (dirfd < 0)
    return FALSE;
  rc = fstatat (dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW);
  if (rc < 0)
    {
      int errsv = errno;
      close (dirfd);
      set_errno_error (error, errsv, root, host_path, "cannot stat");
      return FALSE;
    }
  close (dirfd);
  *ret_stat = st;
  return TRUE;
}

gboolean
po_root_readlink (PoRoot *root, const gchar *host_path, gchar **ret_target, GError **error)
{
  g_autofree gchar *leaf = NULL;
  gchar target[4097];
  int dirfd = open_parent (root, host_path, &leaf, error);
  ssize_t n;

  if (dirfd < 0)
    return FALSE;
  n = readlinkat (dirfd, leaf, target, sizeof target - 1);
  if (n < 0)
    {
      int errsv = errno;
      close (dirfd);
      set_errno_error (error, errsv, root, host_path, "cannot read link");
      return FALSE;
    }
  close (dirfd);
  target[n] = '\0';
  *ret_target = g_strdup (target);
  return TRUE;
}

gboolean
po_root_read_file (PoRoot *root, const gchar *host_path, gsize max_bytes, gchar **ret_contents,
                   gsize *ret_length, GError **error)
{
  int fd = po_root_open (root, host_path, O_RDONLY | O_NOCTTY | O_NONBLOCK, error);

  if (fd < 0)
    return FALSE;
  return read_fd (root, fd, host_path, max_bytes, ret_contents, ret_length, error);
}

int
po_root_open_directory (PoRoot *root, const gchar *host_path, GError **error)
{
  int fd = open_beneath (root, host_path, O_PATH | O_DIRECTORY, 0);

  if (fd < 0)
    set_errno_error (error, errno, root, host_path, "cannot open");
  return fd;
}

/*
 * name in the directory dirfd (opened beneath the root).  On the host root
 * a plain openat() is what open_beneath() does with the whole path.  Under
 * another root, openat2() beneath dirfd without following symlinks gives
 * the same file as resolving the whole path in the root, unless a
 * component is a symlink (ELOOP) or ".." leads out of dirfd (EXDEV): then
 * the whole path is resolved from the root.
 */
int
po_root_open_at (PoRoot *root, int dirfd, const gchar *dir_host_path, const gchar *name, int flags,
                 GError **error)
{
  int fd;

  if (root->is_host)
    {
      do
        fd = openat (dirfd, name, flags | O_CLOEXEC);
      while (fd < 0 && errno == EINTR);
    }
  else
    {
      struct open_how how;

      memset (&how, 0, sizeof how);
      how.flags = (guint64) flags | O_CLOEXEC;
      how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
      do
        fd = (int) syscall (SYS_openat2, dirfd, name, &how, sizeof how);
      while (fd < 0 && errno == EINTR);
      if (fd < 0 && (errno == ELOOP || errno == EXDEV || errno == ENOSYS))
        {
          g_autofree gchar *path = g_build_filename (dir_host_path, name, NULL);
          return po_root_open (root, path, flags, error);
        }
    }
  if (fd < 0)
    {
      g_autofree gchar *path = g_build_filename (dir_host_path, name, NULL);
      set_errno_error (error, errno, root, path, "cannot open");
    }
  return fd;
}

gboolean
po_root_read_file_at (PoRoot *root, int dirfd, const gchar *dir_host_path, const gchar *name,
                      gsize max_bytes, gchar **ret_contents, gsize *ret_length, GError **error)
{
  int fd = po_root_open_at (root, dirfd, dir_host_path, name, O_RDONLY | O_NOCTTY | O_NONBLOCK,
                            error);
  g_autofree gchar *path = NULL;

  if (fd < 0)
    return FALSE;
  path = g_build_filename (dir_host_path, name, NULL);
  return read_fd (root, fd, path, max_bytes, ret_contents, ret_length, error);
}

gboolean
po_root_readlink_at (PoRoot *root, int dirfd, const gchar *dir_host_path, const gchar *name,
                     gchar **ret_target, GError **error)
{
  gchar target[4097];
  ssize_t n;

  /* readlinkat acts on the name itself, as po_root_readlink() does on the
   * last component of the whole path */
  n = readlinkat (dirfd, name, target, sizeof target - 1);
  if (n < 0)
    {
      g_autofree gchar *path = g_build_filename (dir_host_path, name, NULL);
      set_errno_error (error, errno, root, path, "cannot read link");
      return FALSE;
    }
  target[n] = '\0';
  *ret_target = g_strdup (target);
  return TRUE;
}

DIR *
po_root_opendir (PoRoot *root, const gchar *host_path, GError **error)
{
  int fd = po_root_open (root, host_path, O_RDONLY | O_DIRECTORY, error);
  DIR *dir;

  if (fd < 0)
    return NULL;
  dir = fdopendir (fd);
  if (dir == NULL)
    {
      int errsv = errno;
      close (fd);
      set_errno_error (error, errsv, root, host_path, "cannot list");
    }
  return dir;
}
