/* SPDX-License-Identifier: Apache-2.0 */
#include "po-inventory-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "po-error.h"

void
po_inventory_warning_free (PoInventoryWarning *warning)
{
  if (warning == NULL)
    return;
  g_free (warning->collector);
  g_free (warning->path);
  g_free (warning->message);
  g_free (warning);
}

GPtrArray *
po_inventory_warnings_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) po_inventory_warning_free);
}

gchar *
po_inventory_warning_to_string (const PoInventoryWarning *warning)
{
  if (warning->path != NULL)
    return g_strdup_printf ("%s: %s: %s", warning->collector, warning->path, warning->message);
  return g_strdup_printf ("%s: %s", warning->collector, warning->message);
}

void
po_inventory_warn (GPtrArray *warnings, const gchar *collector, const gchar *path, gboolean absent,
                   const gchar *format, ...)
{
  g_autofree gchar *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (absent)
    g_debug ("%s: %s%s%s", collector, path != NULL ? path : "", path != NULL ? ": " : "", message);
  else
    g_warning ("%s: %s%s%s", collector, path != NULL ? path : "", path != NULL ? ": " : "",
               message);

  if (warnings != NULL && warnings->len < PO_INVENTORY_MAX_WARNINGS)
    {
      PoInventoryWarning *warning = g_new0 (PoInventoryWarning, 1);
      warning->collector = g_strdup (collector);
      warning->path = g_strdup (path);
      warning->message = g_steal_pointer (&message);
      warning->absent = absent;
      g_ptr_array_add (warnings, warning);
    }
}

gboolean
po_inventory_error_is_missing (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
         || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
}

/*
 * one rule for every string that comes from the host and ends up in a row:
 * a process can name itself "kesl\n\x1b[2J", a hostile package database
 * can hold latin-1 or binary bytes.  Valid UTF-8 stays as it is, control
 * characters become C-style escapes so a log line stays one line, invalid
 * sequences become U+FFFD.
 */
gchar *
po_inventory_sanitize (const gchar *data, gssize length)
{
  GString *out;
  const gchar *p;
  const gchar *end;

  if (data == NULL)
    return NULL;
  if (length < 0)
    length = (gssize) strlen (data);
  {
    /* printable ASCII, nearly every string a host holds, stays as it is */
    gssize i = 0;
    while (i < length && (guchar) data[i] >= 0x20 && (guchar) data[i] < 0x7f)
      i++;
    if (i == length)
      return g_strndup (data, (gsize) length);
  }
  out = g_string_sized_new ((gsize) length + 1);
  p = data;
  end = data + length;
  while (p < end)
    {
      gunichar c = *p == '\0' ? 0 : g_utf8_get_char_validated (p, end - p);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append (out, "\xef\xbf\xbd");
          p++;
          continue;
        }
      if (c < 0x20 || c == 0x7f)
        {
          switch (c)
            {
            case '\n':
              g_string_append (out, "\\n");
              break;
            case '\t':
              g_string_append (out, "\\t");
              break;
            case '\r':
              g_string_append (out, "\\r");
              break;
            default:
              g_string_append_printf (out, "\\x%02x", (guint) c);
              break;
            }
          p++;
          continue;
        }
      if (c >= 0x80 && c < 0xa0)
        {
          /* C1 controls: escape too, they can drive terminals as well */
          g_string_append_printf (out, "\\u%04x", (guint) c);
          p = g_utf8_next_char (p);
          continue;
        }
      g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

gboolean
po_inventory_read_prefix (PoRoot *root, const gchar *host_path, gsize max_bytes,
                          gchar **ret_contents, gsize *ret_length, gboolean *ret_truncated,
                          GError **error)
{
  g_autofree gchar *buffer = g_malloc (max_bytes + 1);
  gsize length = 0;
  gboolean truncated = FALSE;
  int fd;

  fd = po_root_open (root, host_path, O_RDONLY | O_NOCTTY | O_NONBLOCK, error);
  if (fd < 0)
    return FALSE;
  while (length < max_bytes)
    {
      ssize_t n = read (fd, buffer + length, max_bytes - length);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;
          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "cannot read %s: %s",
                       host_path, g_strerror (errsv));
          return FALSE;
        }
      if (n == 0)
        break;
      length += (gsize) n;
    }
  if (length == max_bytes)
    {
      gchar probe;
      ssize_t n;
      do
        n = read (fd, &probe, 1);
      while (n < 0 && errno == EINTR);
      truncated = n > 0;
    }
  close (fd);
  buffer[length] = '\0';
  *ret_contents = g_steal_pointer (&buffer);
  if (ret_length != NULL)
    *ret_length = length;
  if (ret_truncated != NULL)
    *ret_truncated = truncated;
  return TRUE;
}

static gboolean
release_is_sane (const gchar *release)
{
  if (release[0] == '\0' || strlen (release) > 64)
    return FALSE;
  if (g_strcmp0 (release, ".") == 0 || g_strcmp0 (release, "..") == 0)
    return FALSE;
  for (const gchar *p = release; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '.' || *p == '-' || *p == '_' || *p == '+' || *p == '~'))
      return FALSE;
  return TRUE;
}

/*
 * the running kernel of the endpoint.  Beneath a fixture root that is the
 * root's own /proc/sys/kernel/osrelease; the release becomes a path
 * component, so anything but a plain version string is refused.
 */
gchar *
po_inventory_kernel_release (PoRoot *root, GPtrArray *warnings)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *contents = NULL;

  if (po_root_read_file (root, "/proc/sys/kernel/osrelease", 256, &contents, NULL, &error))
    {
      g_strstrip (contents);
      if (release_is_sane (contents))
        return g_steal_pointer (&contents);
      po_inventory_warn (warnings, "kmod", "/proc/sys/kernel/osrelease", FALSE,
                         "not a kernel release");
      return NULL;
    }
  if (po_root_is_host (root))
    {
      struct utsname uts;
      if (uname (&uts) == 0 && release_is_sane (uts.release))
        return g_strdup (uts.release);
    }
  po_inventory_warn (warnings, "kmod", "/proc/sys/kernel/osrelease",
                     po_inventory_error_is_missing (error), "cannot tell the kernel release: %s",
                     error->message);
  return NULL;
}
