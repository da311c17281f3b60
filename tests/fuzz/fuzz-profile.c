/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The organisation profile: the [profile] group of the --config key file,
 * and the custom_phaseout_* options osqueryd's configuration (Fleet's agent
 * options) passes on.  Input: the key file, then after a separator
 * "key=value" lines applied as options.  The profile is read as
 * po_profile_new_from_file() reads it, the options are applied, every
 * accessor is asked, and phaseout_policies and phaseout_info are generated
 * with the file as --config (the runtime's reading of it).
 *
 * Error messages are not checked for UTF-8: they only go to the log, which
 * takes bytes (an option name from osqueryd is quoted as it came).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "po-catalogue.h"
#include "po-fuzz.h"

static gchar *config_path;
static gchar *root;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  po_fuzz_init_logging ();
  config_path = g_build_filename (po_fuzz_scratch_dir (), "phaseout.conf", NULL);
  root = g_build_filename (po_fuzz_scratch_dir (), "root", NULL);
  g_mkdir_with_parents (root, 0755);
  return 0;
}

/* text: the profile came from a key file, which GLib only reads as UTF-8
 * (an osquery option is taken as it comes; only `phaseout policy list`
 * shows it, and the CLI takes no osquery options) */
static void
check_profile (PoProfile *profile, gboolean text)
{
  static const gchar *const types[] = {
    "government", "central-government", "municipality", "x-acme", "", NULL
  };
  static const gchar *const places[] = { "NL", "US", "US-TX", "EU", "*", "", NULL };
  g_autofree gchar *description = po_profile_describe (profile);
  const gchar *const *lists[3];

  if (text)
    {
      po_fuzz_check_utf8 ("description", description);
      po_fuzz_check_utf8 ("name", po_profile_get_name (profile));
    }
  lists[0] = po_profile_get_jurisdictions (profile);
  lists[1] = po_profile_get_organisation_types (profile);
  lists[2] = po_profile_get_disabled_policies (profile);
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      if (lists[l] == NULL)
        abort ();
      for (guint i = 0; text && lists[l][i] != NULL; i++)
        po_fuzz_check_utf8 ("list entry", lists[l][i]);
    }
  for (guint i = 0; types[i] != NULL; i++)
    po_profile_has_organisation_type (profile, types[i]);
  for (guint i = 0; places[i] != NULL; i++)
    po_profile_in_jurisdiction (profile, places[i]);
  po_profile_is_policy_disabled (profile, "us-dhs-bod-17-01");
  (void) po_profile_get_grace_period_days (profile);
  (void) po_profile_is_empty (profile);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  PoFuzzPart parts[2];
  g_autoptr (PoProfile) profile = NULL;
  g_autoptr (PoProfile) copy = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PoRuntime) runtime = NULL;
  g_auto (GStrv) lines = NULL;
  g_autofree gchar *options = NULL;

  po_fuzz_split (data, size, parts, G_N_ELEMENTS (parts));
  po_fuzz_write_file ("phaseout.conf", parts[0].data, parts[0].length);

  if (po_profile_new_from_file (config_path, &profile, &error))
    check_profile (profile, TRUE);
  else
    profile = po_profile_new ();
  g_clear_error (&error);

  copy = po_profile_copy (profile);
  options = g_strndup (parts[1].data, parts[1].length);
  lines = g_strsplit (options, "\n", 64);
  runtime = po_fuzz_runtime_new ("root", root, "config", config_path, "now", "2018-06-01T00:00:00Z",
                                 NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gchar *eq = strchr (lines[i], '=');
      if (eq == NULL)
        continue;
      *eq = '\0';
      po_profile_apply_option (copy, lines[i], eq + 1, NULL);
      /* the runtime's way: the file as --config, the options on top */
      po_runtime_set_profile_option (runtime, lines[i], eq + 1, NULL);
    }
  check_profile (copy, FALSE);

  {
    g_autoptr (PoProfile) from_runtime = NULL;
    if (po_runtime_get_profile (runtime, &from_runtime, &error) && from_runtime != NULL)
      check_profile (from_runtime, FALSE);
    g_clear_error (&error);
  }
  po_fuzz_generate (runtime, "phaseout_policies");
  po_fuzz_generate (runtime, "phaseout_info");
  return 0;
}
