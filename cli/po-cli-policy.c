/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `phaseout policy check` and `phaseout policy list` print.  The
 * commands themselves (argument parsing, exit codes) are in phaseout.c;
 * here is only the text, so it can be tested without running a process.
 * It reads the catalogue through its public interface only.
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "po-cli.h"
#include "po-error.h"

static void
append_ids (GString *out, GPtrArray *objects, gboolean policies)
{
  for (guint i = 0; i < objects->len; i++)
    {
      const gchar *id = policies ? po_policy_get_id (g_ptr_array_index (objects, i))
                                 : po_vendor_get_id (g_ptr_array_index (objects, i));
      g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", id);
    }
}

/* a file phaseout would refuse when running as root, said before it happens */
static void
note_permissions (const gchar *path, GString *report)
{
  struct stat st;

  if (stat (path, &st) != 0)
    return;
  if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    g_string_append_printf (report,
                            "%s: note: phaseout running as root would refuse this file "
                            "as installed here (owner uid %u, mode %04o): install it owned by "
                            "root and not writable by group or others\n",
                            path, (guint) st.st_uid, (guint) (st.st_mode & 07777));
}

gboolean
po_cli_policy_check (const gchar *const *files, GString *report, GError **error)
{
  g_autoptr (PoCatalogueOptions) options = po_catalogue_options_new ();
  g_autoptr (PoCatalogue) builtin = NULL;
  g_autoptr (PoCatalogue) catalogue = NULL;
  g_autoptr (GHashTable) defined_by = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *problems;
  guint n_files = 0, n_bad = 0;

  g_return_val_if_fail (files != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  /* content only: CI checks files long before they are installed as root's */
  po_catalogue_options_set_permissions (options, FALSE, 0);
  po_catalogue_options_set_log_problems (options, FALSE);
  for (guint i = 0; files[i] != NULL; i++)
    po_catalogue_options_add_file (options, files[i]);
  catalogue = po_catalogue_load (options, NULL);
  builtin = po_catalogue_new_builtin ();
  problems = po_catalogue_get_problems (catalogue);

  for (guint i = 0; files[i] != NULL; i++)
    {
      GPtrArray *policies = NULL, *vendors = NULL;
      gboolean used = po_catalogue_get_file_objects (catalogue, files[i], &policies, &vendors);
      gboolean bad = FALSE;

      n_files++;
      for (guint p = 0; p < problems->len; p++)
        {
          PoCatalogueProblem *problem = g_ptr_array_index (problems, p);
          if (g_str_equal (problem->file, files[i]))
            {
              g_string_append_printf (report, "%s\n", problem->message);
              bad = TRUE;
            }
        }
      if (bad || !used)
        {
          n_bad++;
          continue;
        }

      g_string_append_printf (report, "%s: ok:", files[i]);
      if (policies->len > 0)
        {
          g_string_append_printf (report, " %u %s (", policies->len,
                                  policies->len == 1 ? "policy" : "policies");
          append_ids (report, policies, TRUE);
          g_string_append (report, ")");
        }
      if (vendors->len > 0)
        {
          g_string_append_printf (report, "%s %u %s (", policies->len > 0 ? "," : "", vendors->len,
                                  vendors->len == 1 ? "vendor" : "vendors");
          append_ids (report, vendors, FALSE);
          g_string_append (report, ")");
        }
      g_string_append_printf (report, ", sha256 %s\n",
                              policies->len > 0
                                ? po_policy_get_sha256 (g_ptr_array_index (policies, 0))
                                : po_vendor_get_sha256 (g_ptr_array_index (vendors, 0)));

      for (guint p = 0; p < policies->len; p++)
        {
          PoPolicy *policy = g_ptr_array_index (policies, p);
          const gchar *id = po_policy_get_id (policy);
          const gchar *earlier = g_hash_table_lookup (defined_by, id);
          if (earlier != NULL)
            g_string_append_printf (report,
                                    "%s: note: policy '%s' is also defined in %s; "
                                    "the file loaded later wins\n",
                                    files[i], id, earlier);
          else if (po_catalogue_lookup_policy (builtin, id) != NULL)
            g_string_append_printf (report, "%s: note: policy '%s' replaces the built-in one\n",
                                    files[i], id);
          g_hash_table_insert (defined_by, (gpointer) id, (gpointer) files[i]);
        }
      if (geteuid () == 0)
        note_permissions (files[i], report);
    }

  /* vendors of the built-in data that failed would be a phaseout bug: say so */
  for (guint p = 0; p < problems->len; p++)
    {
      PoCatalogueProblem *problem = g_ptr_array_index (problems, p);
      if (g_str_has_prefix (problem->file, "builtin:"))
        g_string_append_printf (report, "%s\n", problem->message);
    }

  if (n_bad > 0)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA, "%u of %u policy files are not valid",
                   n_bad, n_files);
      return FALSE;
    }
  return TRUE;
}

gboolean
po_cli_policy_list (PoRuntime *runtime, gboolean verbose, GString *report, GError **error)
{
  g_autoptr (PoCatalogue) catalogue = NULL;
  g_autoptr (PoProfile) profile = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree gchar *profile_text = NULL;
  g_autofree gchar *profile_problem = NULL;
  GPtrArray *policies, *problems;
  gsize id_width = 2, applies_width = 13, origin_width = 6;

  g_return_val_if_fail (runtime != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);

  catalogue = po_runtime_get_catalogue (runtime, error);
  if (catalogue == NULL)
    return FALSE;
  if (!po_runtime_get_profile (runtime, &profile, error))
    return FALSE;
  now = po_runtime_now (runtime);
  policies = po_catalogue_get_policies (catalogue);
  problems = po_catalogue_get_problems (catalogue);

  profile_text = profile != NULL ? po_profile_describe (profile) : g_strdup ("none configured");
  g_string_append_printf (report, "organisation profile: %s\n\n", profile_text);

  for (guint i = 0; i < policies->len; i++)
    {
      PoPolicy *policy = g_ptr_array_index (policies, i);
      id_width = MAX (id_width, strlen (po_policy_get_id (policy)));
      origin_width = MAX (origin_width, strlen (po_policy_get_origin (policy)));
    }
  g_string_append_printf (report, "%-*s  %-*s  %-*s  %-12s  %s\n", (int) id_width, "ID",
                          (int) applies_width, "APPLICABILITY", (int) origin_width, "ORIGIN",
                          "SHA256", "TITLE");
  for (guint i = 0; i < policies->len; i++)
    {
      PoPolicy *policy = g_ptr_array_index (policies, i);
      g_autofree gchar *reason = NULL;
      PoApplicability applicability;

      po_policy_evaluate (policy, profile, now, &applicability, &reason);
      g_string_append_printf (report, "%-*s  %-*s  %-*s  %.12s  %s\n", (int) id_width,
                              po_policy_get_id (policy), (int) applies_width,
                              po_applicability_to_string (applicability), (int) origin_width,
                              po_policy_get_origin (policy), po_policy_get_sha256 (policy),
                              po_policy_get_title (policy));
      if (verbose)
        {
          g_autofree gchar *vendors = g_strjoinv (", ", (gchar **) po_policy_get_vendors (policy));
          g_autofree gchar *categories = g_strjoinv (", ",
                                                     (gchar **) po_policy_get_categories (policy));
          g_autofree gchar *devices = g_strjoinv (", ", (gchar **) po_policy_get_devices (policy));
          g_autofree gchar *scope = po_policy_scope_to_json (policy);
          guint n_milestones, n_sources;
          const PoMilestone *milestones = po_policy_get_milestones (policy, &n_milestones);
          const PoSource *sources = po_policy_get_sources (policy, &n_sources);

          g_string_append_printf (report, "    why:          %s\n", reason);
          g_string_append_printf (report, "    issuer:       %s (%s), %s\n",
                                  po_policy_get_issuer (policy),
                                  po_policy_get_jurisdiction (policy),
                                  po_policy_get_issued (policy));
          g_string_append_printf (report, "    instrument:   %s (%s, %s)\n",
                                  po_policy_get_instrument (policy),
                                  po_policy_get_binding (policy) ? "binding" : "advisory",
                                  po_policy_get_confidence (policy));
          g_string_append_printf (report, "    covers:       %s; categories: %s; devices: %s\n",
                                  vendors, categories, devices);
          g_string_append_printf (report, "    scope:        %s\n", scope);
          if (n_milestones == 0)
            g_string_append (report, "    milestones:   none (no fixed deadline)\n");
          for (guint m = 0; m < n_milestones; m++)
            {
              const PoMilestone *milestone = &milestones[m];
              g_autofree gchar *date = po_milestone_format_readable (milestone);
              g_string_append_printf (report, "    %-14s%s %s%s%s\n", m == 0 ? "milestones:" : "",
                                      date, milestone->kind,
                                      milestone->description != NULL ? ": " : "",
                                      milestone->description != NULL ? milestone->description : "");
            }
          if (po_policy_get_replacement (policy) != NULL)
            g_string_append_printf (report, "    replacement:  %s\n",
                                    po_policy_get_replacement (policy));
          for (guint s = 0; s < n_sources; s++)
            {
              const PoSource *source = &sources[s];
              g_string_append_printf (report, "    %-14s%s%s%s\n", s == 0 ? "sources:" : "",
                                      source->title, source->url != NULL ? " " : "",
                                      source->url != NULL ? source->url : "");
            }
        }
    }

  /* a rejected organisation profile is a problem with the listing as much as a bad file */
  profile_problem = po_runtime_get_profile_problem (runtime);
  if (profile_problem != NULL)
    g_string_append_printf (report, "\norganisation profile not as configured:\n%s\n",
                            profile_problem);
  if (problems->len > 0)
    {
      g_string_append_printf (report, "\n%u problem%s:\n", problems->len,
                              problems->len == 1 ? "" : "s");
      for (guint i = 0; i < problems->len; i++)
        g_string_append_printf (report, "%s\n",
                                ((PoCatalogueProblem *) g_ptr_array_index (problems, i))->message);
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                   "%u problem%s loading the policy files (listed above)", problems->len,
                   problems->len == 1 ? "" : "s");
      return FALSE;
    }
  if (profile_problem != NULL)
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                           "the organisation profile was rejected (listed above)");
      return FALSE;
    }
  return TRUE;
}
