/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /proc/<pid> as the process collector reads it: any user picks their
 * process's name (comm, status Name) and arguments (cmdline), and where
 * its executable lives (the exe link).  Input: status, comm, cmdline and
 * the exe link's target, separated; they are written as /proc/4242 of a
 * scratch root and po_inventory_collect_processes() reads them.  An empty
 * part is a missing file.
 *
 * Checked: the process is returned (it has a name from comm or status),
 * every field is valid UTF-8 without control characters, and a plain name
 * comes back unchanged (sanitising must not hide a process from a match).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "po-fuzz.h"
#include "po-inventory-private.h"

static gchar *root;
static PoRuntime *runtime;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  po_fuzz_init_logging ();
  root = g_build_filename (po_fuzz_scratch_dir (), "root", NULL);
  g_mkdir_with_parents (root, 0755);
  /* the collector keeps nothing between runs: one runtime will do */
  runtime = po_fuzz_runtime_new ("root", root, NULL);
  return 0;
}

static void
write_or_remove (const gchar *name, const PoFuzzPart *part)
{
  g_autofree gchar *relative = g_strconcat ("root/proc/4242/", name, NULL);
  if (part->length > 0)
    po_fuzz_write_file (relative, part->data, part->length);
  else
    po_fuzz_remove (relative);
}

static gboolean
is_plain (const gchar *data, gsize length)
{
  if (length == 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (data[i] < 0x20 || data[i] > 0x7e || data[i] == '\\')
      return FALSE;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  PoFuzzPart parts[4];
  g_autoptr (GPtrArray) processes = NULL;
  g_autoptr (GPtrArray) warnings = po_inventory_warnings_new ();
  g_autofree gchar *exe = g_build_filename (root, "proc/4242/exe", NULL);
  g_autofree gchar *target = NULL;
  gsize comm_length;

  po_fuzz_split (data, size, parts, G_N_ELEMENTS (parts));
  write_or_remove ("status", &parts[0]);
  write_or_remove ("comm", &parts[1]);
  write_or_remove ("cmdline", &parts[2]);
  unlink (exe);
  target = g_strndup (parts[3].data, parts[3].length);
  if (target[0] != '\0')
    (void) symlink (target, exe);

  processes = po_inventory_collect_processes (po_runtime_get_inventory (runtime), warnings);
  if (processes->len > 1)
    abort ();
  for (guint i = 0; i < processes->len; i++)
    {
      PoProcess *process = processes->pdata[i];
      if (process->pid != 4242 || process->name == NULL)
        abort ();
      po_fuzz_check_text ("name", process->name);
      po_fuzz_check_text ("path", process->path);
      po_fuzz_check_text ("cmdline", process->cmdline);
      if (po_fuzz_verbose ())
        fprintf (stderr, "  process %d name=%s path=%s cmdline=%s uid=%" G_GINT64_FORMAT "\n",
                 process->pid, process->name, process->path, process->cmdline, process->uid);
    }

  /* a comm of plain printable text is the name, byte for byte */
  comm_length = parts[1].length;
  if (comm_length > 0 && parts[1].data[comm_length - 1] == '\n')
    comm_length--;
  /* (the kernel keeps 15 bytes; a fixture may write more, up to the 4 KiB read) */
  if (comm_length <= 64 && is_plain (parts[1].data, comm_length))
    {
      g_autofree gchar *comm = g_strndup (parts[1].data, comm_length);
      if (processes->len != 1 || strcmp (((PoProcess *) processes->pdata[0])->name, comm) != 0)
        {
          fprintf (stderr, "po-fuzz: process named \"%s\" not reported as such\n", comm);
          abort ();
        }
    }
  return 0;
}
