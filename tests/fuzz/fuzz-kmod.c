/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel-module information: the module file of a loaded module (its ELF
 * .modinfo and appended PKCS#7 signature, possibly xz/zstd compressed:
 * decompressed and checked by phaseout, po-inventory-kmod-file.c, then
 * read by libkmod), /proc/modules, modules.builtin and
 * modules.builtin.modinfo (parsed by phaseout).  Module files come from
 * packages and DKMS builds: third-party bytes read as root.
 *
 * Input parts, separated: the module file, /proc/modules (empty: one line
 * loading "fuzzmod"), modules.builtin.modinfo, modules.builtin, and the
 * modules.dep.bin index (empty: an index, made by depmod, that points
 * "fuzzmod" at extra/fuzzmod.ko).  They are written under a scratch root
 * whose kernel release is 6.1.0-fuzz, and po_inventory_collect_kernel_modules()
 * reads them with a fresh runtime (so the module cache never answers).
 *
 * The module file's first bytes choose the way (as libkmod chooses):
 * an xz or zstd magic goes through phaseout's decompression, so the
 * fuzzer reaches the decoders' error paths and the size bound, and the
 * ELF check behind them; the seeds include an xz and a zstd module.
 *
 * libkmod itself is not instrumented (Debian's build): the fuzzer cannot
 * steer inside it, but a crash there still shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "po-fuzz.h"
#include "po-inventory-private.h"

#define RELEASE "6.1.0-fuzz"
#define MODULES "root/lib/modules/" RELEASE

/* depmod -b ROOT 6.1.0-fuzz over one file extra/fuzzmod.ko */
static const guint8 dep_bin[] = { 0xb0, 0x07, 0xf4, 0x57, 0x00, 0x02, 0x00, 0x01, 0x20, 0x00, 0x00,
                                  0x2d, 0x75, 0x7a, 0x7a, 0x6d, 0x6f, 0x64, 0x00, 0x00, 0x00, 0x00,
                                  0x01, 0x00, 0x00, 0x00, 0x00, 0x65, 0x78, 0x74, 0x72, 0x61, 0x2f,
                                  0x66, 0x75, 0x7a, 0x7a, 0x6d, 0x6f, 0x64, 0x2e, 0x6b, 0x6f, 0x3a,
                                  0x00, 0x66, 0x66, 0xc0, 0x00, 0x00, 0x0c };

static const gchar default_proc_modules[] = "fuzzmod 16384 1 - Live 0x0000000000000000 (OE)\n";

static gchar *root;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  po_fuzz_init_logging ();
  root = g_build_filename (po_fuzz_scratch_dir (), "root", NULL);
  po_fuzz_write_file ("root/proc/sys/kernel/osrelease", RELEASE "\n", strlen (RELEASE) + 1);
  return 0;
}

static void
write_or_remove (const gchar *relative, const PoFuzzPart *part)
{
  if (part->length > 0)
    po_fuzz_write_file (relative, part->data, part->length);
  else
    po_fuzz_remove (relative);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  PoFuzzPart parts[5];
  g_autoptr (PoRuntime) runtime = NULL;
  g_autoptr (GPtrArray) modules = NULL;
  g_autoptr (GPtrArray) warnings = po_inventory_warnings_new ();

  po_fuzz_split (data, size, parts, G_N_ELEMENTS (parts));
  po_fuzz_write_file (MODULES "/extra/fuzzmod.ko", parts[0].data, parts[0].length);
  if (parts[1].length > 0)
    po_fuzz_write_file ("root/proc/modules", parts[1].data, parts[1].length);
  else
    po_fuzz_write_file ("root/proc/modules", default_proc_modules, strlen (default_proc_modules));
  write_or_remove (MODULES "/modules.builtin.modinfo", &parts[2]);
  write_or_remove (MODULES "/modules.builtin", &parts[3]);
  if (parts[4].length > 0)
    po_fuzz_write_file (MODULES "/modules.dep.bin", parts[4].data, parts[4].length);
  else
    po_fuzz_write_file (MODULES "/modules.dep.bin", dep_bin, sizeof dep_bin);

  runtime = po_fuzz_runtime_new ("root", root, NULL);
  modules = po_inventory_collect_kernel_modules (po_runtime_get_inventory (runtime), warnings);
  for (guint i = 0; i < modules->len; i++)
    {
      PoKernelModule *module = modules->pdata[i];
      if (module->name == NULL || module->state == NULL)
        abort ();
      po_fuzz_check_text ("name", module->name);
      po_fuzz_check_text ("path", module->path);
      po_fuzz_check_text ("used_by", module->used_by);
      po_fuzz_check_text ("state", module->state);
      po_fuzz_check_text ("taint", module->taint);
      po_fuzz_check_text ("version", module->version);
      po_fuzz_check_text ("srcversion", module->srcversion);
      po_fuzz_check_text ("author", module->author);
      po_fuzz_check_text ("description", module->description);
      po_fuzz_check_text ("license", module->license);
      po_fuzz_check_text ("vermagic", module->vermagic);
      po_fuzz_check_text ("sig_id", module->sig_id);
      po_fuzz_check_text ("signer", module->signer);
      po_fuzz_check_text ("sig_key", module->sig_key);
      po_fuzz_check_text ("sig_hashalgo", module->sig_hashalgo);
      po_fuzz_check_text ("info_error", module->info_error);
      if (po_fuzz_verbose ())
        fprintf (stderr,
                 "  module %s loaded=%d builtin=%d path=%s version=%s signer=%s "
                 "info_error=%s\n",
                 module->name, module->loaded, module->builtin, module->path, module->version,
                 module->signer, module->info_error);
    }
  for (guint i = 0; i < warnings->len; i++)
    {
      g_autofree gchar *text = po_inventory_warning_to_string (warnings->pdata[i]);
      po_fuzz_check_utf8 ("warning", text);
    }
  return 0;
}
