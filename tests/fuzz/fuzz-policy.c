/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A policy file in --policy-dir: JSON an administrator (or whoever can
 * write there) hands phaseout.  The input is written as the one file of a
 * policy directory and goes the whole way a real file goes: the catalogue
 * loader (strict JSON check, json-glib, the validator, vendor references
 * against the built-in data, the indicator index), the matcher over a few
 * names, `phaseout policy check` (for one input in eight), and every table
 * generated over the compliance fixture with this catalogue, whose cells
 * must be valid UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "po-catalogue.h"
#include "po-cli.h"
#include "po-fuzz.h"

static gchar *policy_dir;
static gchar *policy_file;
static const gchar *root;

static const gchar *const names[] = {
  "kesl",
  "klnagent64",
  "/opt/kaspersky/kesl/bin/kesl",
  "Kaspersky Lab",
  "kav4fs_oas",
  "AO Kaspersky Lab: kernel module signing key",
  "klif.sys",
  "com.kaspersky.kav",
  "",
  "*",
  "ÄÖÜ\xe2\x80\xae",
  NULL,
};

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  po_fuzz_init_logging ();
  policy_dir = g_build_filename (po_fuzz_scratch_dir (), "policies.d", NULL);
  policy_file = g_build_filename (policy_dir, "50-fuzz.json", NULL);
  /* a realistic host to match against, read-only; an empty one otherwise */
  root = PO_FUZZ_SOURCE_DIR "/../fixtures/compliance/kes-host";
  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_autofree gchar *empty = g_build_filename (po_fuzz_scratch_dir (), "root", NULL);
      g_mkdir_with_parents (empty, 0755);
      root = g_steal_pointer (&empty);
    }
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (PoRuntime) runtime = NULL;
  g_autoptr (PoCatalogue) catalogue = NULL;
  g_autoptr (GString) report = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  const gchar *files[] = { policy_file, NULL };
  GPtrArray *problems;

  po_fuzz_write_file ("policies.d/50-fuzz.json", data, size);

  /* a new runtime each time: the catalogue is then loaded for this input,
   * never served from a stale cache */
  runtime = po_fuzz_runtime_new ("root", root, "policy-dir", policy_dir, "now",
                                 "2018-06-01T00:00:00Z", NULL);
  catalogue = po_runtime_get_catalogue (runtime, &error);
  if (catalogue == NULL)
    abort ();
  problems = po_catalogue_get_problems (catalogue);
  for (guint i = 0; i < problems->len; i++)
    po_fuzz_check_utf8 ("problem", ((PoCatalogueProblem *) problems->pdata[i])->message);
  for (guint k = 0; k < PO_INDICATOR_KIND_N; k++)
    for (guint n = 0; names[n] != NULL; n++)
      {
        g_autoptr (GPtrArray) matches = NULL;
        po_catalogue_match (catalogue, (PoIndicatorKind) k, names[n], &matches);
      }

  po_fuzz_generate (runtime, NULL);

  /* `phaseout policy check` parses the file again beside a second copy of
   * the built-in data: two thirds of a run's time, for little code of its
   * own, so one input in eight (chosen by its bytes) goes through it */
  if (size > 0 && data[size / 2] % 8 == 0)
    {
      po_cli_policy_check (files, report, NULL);
      po_fuzz_check_utf8 ("policy check report", report->str);
    }
  return 0;
}
