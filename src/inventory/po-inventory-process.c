/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Processes, from /proc/<pid>: comm (or status Name), status (PPid, Uid),
 * the exe link and cmdline.  Processes come and go while we read: one that
 * has gone by the time a file is opened is skipped without a word, one
 * whose directory is still there but unreadable is a warning.
 */
#include "po-inventory-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PROCESSES     1000000
#define MAX_CMDLINE_BYTES (128u * 1024)
#define MAX_STATUS_BYTES  (64u * 1024)
#define MAX_COMM_BYTES    4096
#define DELETED_SUFFIX    " (deleted)"

void
po_process_free (PoProcess *process)
{
  if (process == NULL)
    return;
  g_free (process->name);
  g_free (process->path);
  g_free (process->cmdline);
  g_free (process);
}

static gboolean
parse_pid (const gchar *name, gint *ret_pid)
{
  guint64 value = 0;

  if (!g_ascii_isdigit (name[0]) || name[0] == '0')
    return FALSE;
  if (!g_ascii_string_to_unsigned (name, 10, 1, G_MAXINT, &value, NULL))
    return FALSE;
  *ret_pid = (gint) value;
  return TRUE;
}

/* has /proc/<pid> gone since we listed it? */
static gboolean
process_vanished (PoRoot *root, const gchar *dir)
{
  struct stat st;
  return !po_root_lstat (root, dir, &st, NULL);
}

/*
 * the "Name:" value of /proc/PID/status, in which the kernel escapes
 * "\n" as "\\n" and "\\" as "\\\\" (proc_task_name with ESCAPE_SPACE |
 * ESCAPE_SPECIAL); undone here so both sources give the same bytes
 */
static gchar *
status_name_unescape (const gchar *value, gsize length)
{
  GString *out = g_string_sized_new (length);
  for (gsize i = 0; i < length; i++)
    {
      if (value[i] == '\\' && i + 1 < length)
        {
          gchar next = value[i + 1];
          if (next == 'n')
            {
              g_string_append_c (out, '\n');
              i++;
              continue;
            }
          if (next == 't')
            {
              g_string_append_c (out, '\t');
              i++;
              continue;
            }
          if (next == '\\')
            {
              g_string_append_c (out, '\\');
              i++;
              continue;
            }
        }
      g_string_append_c (out, value[i]);
    }
  return g_string_free (out, FALSE);
}

/* picks Name, PPid and the real Uid out of /proc/PID/status */
static void
parse_status (const gchar *contents, gsize length, gchar **ret_name, gint *ret_ppid,
              gint64 *ret_uid)
{
  const gchar *p = contents;
  const gchar *end = contents + length;

  while (p < end)
    {
      const gchar *nl = memchr (p, '\n', (gsize) (end - p));
      gsize line_len = nl != NULL ? (gsize) (nl - p) : (gsize) (end - p);

      if (line_len > 5 && strncmp (p, "Name:", 5) == 0 && *ret_name == NULL)
        {
          const gchar *v = p + 5;
          while (v < p + line_len && (*v == '\t' || *v == ' '))
            v++;
          *ret_name = status_name_unescape (v, (gsize) (p + line_len - v));
        }
      else if (line_len > 5 && strncmp (p, "PPid:", 5) == 0)
        {
          g_autofree gchar *v = g_strndup (p + 5, line_len - 5);
          guint64 value;
          if (g_ascii_string_to_unsigned (g_strstrip (v), 10, 0, G_MAXINT, &value, NULL))
            *ret_ppid = (gint) value;
        }
      else if (line_len > 4 && strncmp (p, "Uid:", 4) == 0)
        {
          g_autofree gchar *v = g_strndup (p + 4, line_len - 4);
          g_auto (GStrv) fields = g_strsplit_set (g_strstrip (v), " \t", 2);
          guint64 value;
          if (fields[0] != NULL
              && g_ascii_string_to_unsigned (fields[0], 10, 0, G_MAXUINT32, &value, NULL))
            *ret_uid = (gint64) value;
        }
      p = nl != NULL ? nl + 1 : end;
    }
}

/* NUL-separated arguments, joined with spaces; trailing NULs dropped */
static gchar *
cmdline_join (const gchar *data, gsize length)
{
  g_autofree gchar *copy = NULL;

  while (length > 0 && data[length - 1] == '\0')
    length--;
  if (length == 0)
    return NULL;
  copy = g_memdup2 (data, length);
  for (gsize i = 0; i < length; i++)
    if (copy[i] == '\0')
      copy[i] = ' ';
  return po_inventory_sanitize (copy, (gssize) length);
}

/*
 * one /proc/<pid>; NULL when the process is gone (silently) or cannot be
 * read (a warning).  The directory is resolved beneath the root once and
 * its files are opened relative to it.  Without PO_PROCESS_READ_STATUS,
 * status is read only when comm cannot be (for the name); without
 * PO_PROCESS_READ_CMDLINE, cmdline is not read.
 */
static PoProcess *
read_process (PoRoot *root, gint pid, PoProcessFields fields, GPtrArray *warnings)
{
  g_autoptr (PoProcess) process = g_new0 (PoProcess, 1);
  g_autofree gchar *dir = g_strdup_printf ("/proc/%d", pid);
  g_autofree gchar *comm = NULL;
  g_autofree gchar *status = NULL;
  g_autofree gchar *status_name = NULL;
  g_autofree gchar *raw_name = NULL;
  g_autofree gchar *exe = NULL;
  g_autofree gchar *cmdline = NULL;
  g_autoptr (GError) comm_error = NULL;
  g_autoptr (GError) status_error = NULL;
  g_autoptr (GError) error = NULL;
  gsize comm_len = 0;
  gsize status_len = 0;
  gsize cmdline_len = 0;
  gboolean have_comm;
  int dirfd;

  process->pid = pid;
  process->ppid = -1;
  process->uid = -1;

  dirfd = po_root_open_directory (root, dir, &error);
  if (dirfd < 0)
    {
      if (process_vanished (root, dir))
        g_debug ("process: %s went away while being read", dir);
      else
        po_inventory_warn (warnings, "process", dir, FALSE, "no name: %s; %s", error->message,
                           error->message);
      return NULL;
    }

  have_comm = po_root_read_file_at (root, dirfd, dir, "comm", MAX_COMM_BYTES, &comm, &comm_len,
                                    &comm_error);
  if ((fields & PO_PROCESS_READ_STATUS) || !have_comm)
    if (po_root_read_file_at (root, dirfd, dir, "status", MAX_STATUS_BYTES, &status, &status_len,
                              &status_error))
      parse_status (status, status_len, &status_name, &process->ppid, &process->uid);
  if (have_comm)
    {
      /* the kernel ends comm with one newline; the name itself may hold more */
      if (comm_len > 0 && comm[comm_len - 1] == '\n')
        comm_len--;
      raw_name = g_strndup (comm, comm_len);
      if (memchr (comm, '\0', comm_len) != NULL)
        {
          /* keep every byte (a fixture could write NULs); sanitize escapes them */
          process->name = po_inventory_sanitize (comm, (gssize) comm_len);
          g_clear_pointer (&raw_name, g_free);
        }
    }
  else if (status_name != NULL)
    raw_name = g_steal_pointer (&status_name);

  if (process->name == NULL && raw_name == NULL)
    {
      close (dirfd);
      if (process_vanished (root, dir))
        {
          g_debug ("process: %s went away while being read", dir);
          return NULL;
        }
      po_inventory_warn (warnings, "process", dir, FALSE, "no name: %s; %s",
                         comm_error != NULL ? comm_error->message : "empty comm",
                         status_error != NULL ? status_error->message : "no Name in status");
      return NULL;
    }
  if (process->name == NULL)
    process->name = po_inventory_sanitize (raw_name, -1);

  g_clear_error (&error);
  if (po_root_readlink_at (root, dirfd, dir, "exe", &exe, &error))
    {
      gsize len = strlen (exe);
      gsize suffix_len = strlen (DELETED_SUFFIX);
      if (len > suffix_len && g_str_has_suffix (exe, DELETED_SUFFIX))
        {
          exe[len - suffix_len] = '\0';
          process->deleted = TRUE;
        }
      process->path = po_inventory_sanitize (exe, -1);
    }
  else if (!po_inventory_error_is_missing (error)
           && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    g_debug ("process: %s/exe: %s", dir, error->message);
  /* ENOENT: a kernel thread (or gone); EACCES: not ours to see: both leave
   * the path NULL, which is what the row says */
  g_clear_error (&error);
  close (dirfd);

  if (fields & PO_PROCESS_READ_CMDLINE)
    {
      g_autofree gchar *cmdline_path = g_strconcat (dir, "/cmdline", NULL);
      if (po_inventory_read_prefix (root, cmdline_path, MAX_CMDLINE_BYTES, &cmdline, &cmdline_len,
                                    &process->cmdline_truncated, &error))
        process->cmdline = cmdline_join (cmdline, cmdline_len);
      else if (process_vanished (root, dir))
        {
          g_debug ("process: %s went away while being read", dir);
          return NULL;
        }
      else if (!po_inventory_error_is_missing (error))
        g_debug ("process: %s: %s", cmdline_path, error->message);
    }

  return g_steal_pointer (&process);
}

static gint
compare_pids (gconstpointer a, gconstpointer b)
{
  gint pid_a = (*(PoProcess *const *) a)->pid;
  gint pid_b = (*(PoProcess *const *) b)->pid;
  return (pid_a > pid_b) - (pid_a < pid_b);
}

GPtrArray *
po_inventory_collect_processes (PoInventory *inventory, GPtrArray *warnings)
{
  return po_inventory_collect_processes_full (inventory, PO_PROCESS_READ_ALL, warnings);
}

GPtrArray *
po_inventory_collect_processes_full (PoInventory *inventory, PoProcessFields fields,
                                     GPtrArray *warnings)
{
  PoRoot *root = po_inventory_get_root (inventory);
  g_autoptr (GPtrArray) processes = g_ptr_array_new_with_free_func (
    (GDestroyNotify) po_process_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (DIR) dir = NULL;
  struct dirent *entry;
  guint n_entries = 0;

  po_inventory_count (inventory, "collector.process");
  dir = po_root_opendir (root, "/proc", &error);
  if (dir == NULL)
    {
      po_inventory_warn (warnings, "process", "/proc", po_inventory_error_is_missing (error), "%s",
                         error->message);
      return g_steal_pointer (&processes);
    }
  while ((entry = readdir (dir)) != NULL)
    {
      gint pid;
      PoProcess *process;

      if (++n_entries > MAX_PROCESSES + 1000)
        {
          po_inventory_warn (warnings, "process", "/proc", FALSE,
                             "more than %u entries; the rest are ignored", MAX_PROCESSES);
          break;
        }
      if (!parse_pid (entry->d_name, &pid))
        continue;
      process = read_process (root, pid, fields, warnings);
      if (process != NULL)
        g_ptr_array_add (processes, process);
    }
  g_ptr_array_sort (processes, compare_pids);
  return g_steal_pointer (&processes);
}

gboolean
po_inventory_process_stat_executable (PoInventory *inventory, gint pid, struct stat *ret_stat,
                                      GError **error)
{
  PoRoot *root = po_inventory_get_root (inventory);
  g_autofree gchar *exe = g_strdup_printf ("/proc/%d/exe", pid);
  int fd;
  int saved_errno;

  /* O_PATH follows the link without opening the file for reading: no
   * access to its contents is needed, and none is taken */
  fd = po_root_open (root, exe, O_PATH, error);
  if (fd < 0)
    return FALSE;
  if (fstat (fd, ret_stat) == 0)
    {
      close (fd);
      return TRUE;
    }
  saved_errno = errno;
  close (fd);
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", exe,
               g_strerror (saved_errno));
  return FALSE;
}

gint64
po_inventory_process_real_uid (PoInventory *inventory, gint pid)
{
  PoRoot *root = po_inventory_get_root (inventory);
  g_autofree gchar *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree gchar *status = NULL;
  g_autofree gchar *name = NULL;
  gsize length = 0;
  gint ppid = -1;
  gint64 uid = -1;

  if (!po_root_read_file (root, path, MAX_STATUS_BYTES, &status, &length, NULL))
    return -1;
  parse_status (status, length, &name, &ppid, &uid);
  return uid;
}
