/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading one of phaseout's own configuration files (a policy file, the
 * --config profile).  Such a file decides what phaseout reports, so it is
 * opened exactly once and everything is judged on the descriptor opened:
 *
 *  - checking a path and then opening it again lets a link swapped in
 *    between slip another file past the check (an unprivileged user's
 *    profile read by root);
 *  - open() of a FIFO without O_NONBLOCK waits for a writer, and a read of
 *    one waits for data, holding every query that needs the file;
 *  - a file of any size would be read whole (a 100 MB one-line profile
 *    cost half a gigabyte of memory).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "po-catalogue-private.h"
#include "po-error.h"

/* "a FIFO", for a message saying what a path is instead of a file */
static const gchar *
describe_type (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  if (S_ISSOCK (mode))
    return "a socket";
  return "not a regular file";
}

/* reads what fd holds, at most max_bytes; the caller closes fd */
static gboolean
read_bounded (int fd, const gchar *path, gsize max_bytes, GBytes **ret_bytes, GError **error)
{
  g_autoptr (GByteArray) data = g_byte_array_new ();

  for (;;)
    {
      guint8 buffer[8192];
      ssize_t n = read (fd, buffer, sizeof (buffer));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                       g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      /* the file may have grown since fstat */
      if (data->len + (gsize) n > max_bytes)
        {
          g_set_error (error, PO_ERROR, PO_ERROR_TOO_LARGE,
                       "%s: larger than %" G_GSIZE_FORMAT " bytes", path, max_bytes);
          return FALSE;
        }
      g_byte_array_append (data, buffer, (guint) n);
    }
  *ret_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&data));
  return TRUE;
}

/* everything after open(): fstat, the checks, the read */
static gboolean
read_opened (int fd, const gchar *path, gsize max_bytes, PoConfigFileCheck check,
             gpointer user_data, GBytes **ret_bytes, struct stat *opened, GError **error)
{
  struct stat st;

  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  if (opened != NULL)
    *opened = st;
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA, "%s: %s, not a regular file", path,
                   describe_type (st.st_mode));
      return FALSE;
    }
  if (check != NULL && !check (path, &st, user_data, error))
    return FALSE;
  if ((guint64) st.st_size > max_bytes)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_TOO_LARGE, "%s: larger than %" G_GSIZE_FORMAT " bytes",
                   path, max_bytes);
      return FALSE;
    }
  return read_bounded (fd, path, max_bytes, ret_bytes, error);
}

gboolean
po_config_file_read (const gchar *path, gsize max_bytes, PoConfigFileCheck check,
                     gpointer user_data, GBytes **ret_bytes, struct stat *opened, GError **error)
{
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (ret_bytes != NULL, FALSE);

  /* O_NONBLOCK: opening a FIFO returns at once (and is then refused);
   * it changes nothing for a regular file */
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  ok = read_opened (fd, path, max_bytes, check, user_data, ret_bytes, opened, error);
  close (fd);
  return ok;
}
