/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dpkg's database, /var/lib/dpkg/status and the not-yet-merged journal
 * /var/lib/dpkg/updates/NNNN: files root owns, but that a broken dpkg run,
 * a disk error or an image built by someone else can leave in any state.
 * Input: the status file, then after a separator one journal file.  Both
 * go through the collector (po_inventory_collect_deb over a scratch root);
 * every package it returns must be whole (name, status) and every field
 * valid UTF-8 without control characters, since each ends up in a row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "po-fuzz.h"
#include "po-inventory-private.h"

static gchar *root;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  po_fuzz_init_logging ();
  root = g_build_filename (po_fuzz_scratch_dir (), "root", NULL);
  g_mkdir_with_parents (root, 0755);
  return 0;
}

static void
check_packages (GPtrArray *packages)
{
  for (guint i = 0; i < packages->len; i++)
    {
      PoPackage *package = packages->pdata[i];
      if (package->name == NULL || package->status == NULL)
        abort ();
      po_fuzz_check_text ("name", package->name);
      po_fuzz_check_text ("version", package->version);
      po_fuzz_check_text ("architecture", package->architecture);
      po_fuzz_check_text ("maintainer", package->maintainer);
      po_fuzz_check_text ("source", package->source);
      po_fuzz_check_text ("status", package->status);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  PoFuzzPart parts[2];
  g_autoptr (PoRuntime) runtime = NULL;
  g_autoptr (GPtrArray) packages = NULL;
  g_autoptr (GPtrArray) warnings = po_inventory_warnings_new ();

  po_fuzz_split (data, size, parts, G_N_ELEMENTS (parts));
  po_fuzz_write_file ("root/var/lib/dpkg/status", parts[0].data, parts[0].length);
  if (parts[1].length > 0)
    po_fuzz_write_file ("root/var/lib/dpkg/updates/0001", parts[1].data, parts[1].length);
  else
    po_fuzz_remove ("root/var/lib/dpkg/updates/0001");

  runtime = po_fuzz_runtime_new ("root", root, NULL);
  packages = po_inventory_collect_deb (po_runtime_get_inventory (runtime), warnings);
  check_packages (packages);
  if (po_fuzz_verbose ())
    fprintf (stderr, "  %u packages, %u warnings\n", packages->len, warnings->len);
  for (guint i = 0; i < warnings->len; i++)
    {
      g_autofree gchar *text = po_inventory_warning_to_string (warnings->pdata[i]);
      po_fuzz_check_utf8 ("warning", text);
    }
  return 0;
}
