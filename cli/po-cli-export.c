/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `phaseout export`: the policy catalogue compiled to plain osquery SQL for
 * endpoints without the extension (docs/export.md).
 *
 *   phaseout export fleet-policies [--platform P] [--policy ID]... [--team NAME]
 *                                  [--format apply|gitops|gitops-lib]
 *   phaseout export fleet-queries [--platform P] [--policy ID]... [--team NAME]
 *                                 [--format apply|gitops|gitops-lib] [--interval S]
 *   phaseout export pack [--platform P] [--policy ID]... [--interval S] [--snapshot]
 *   phaseout export sql --policy ID --platform P [--pass-query]
 *
 * P is windows, darwin (or macos), linux or all (the default).  Output goes
 * to standard output, or to --output FILE (written whole, then renamed into
 * place).  The catalogue is the one the shared settings select: the
 * built-in data plus --policy-dir files.  The compiler and the writers are
 * in src/export/; here are only the options and the exit codes.
 */
#include <stdio.h>
#include <string.h>

#include "po-catalogue.h"
#include "po-cli.h"
#include "po-error.h"
#include "po-export.h"

struct _PoCliExport {
  gchar *platform;
  gchar **policies;
  gchar *output;
  gchar *team;
  gchar *format;
  gchar *interval;
  gboolean snapshot;
  gboolean pass_query;
  gboolean verbose;
  gchar *table;
  GOptionEntry entries[11];
};

PoCliExport *
po_cli_export_new (void)
{
  PoCliExport *export = g_new0 (PoCliExport, 1);
  const GOptionEntry entries[] = {
    { "platform", 0, 0, G_OPTION_ARG_STRING, &export->platform,
      "windows, darwin (macos), linux or all (default)", "P" },
    { "policy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &export->policies,
      "Only this policy (repeatable; default: every policy)", "ID" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &export->output,
      "Write to FILE instead of standard output", "FILE" },
    { "team", 0, 0, G_OPTION_ARG_STRING, &export->team,
      "fleet-policies, fleet-queries: the Fleet team they belong to (Fleet Premium)", "NAME" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &export->format,
      "fleet-policies, fleet-queries: apply (for fleetctl apply -f; the default), gitops (the "
      "policies: or queries: key of a fleetctl gitops file) or gitops-lib (the list a "
      "`- path:` entry names)",
      "F" },
    { "interval", 0, 0, G_OPTION_ARG_STRING, &export->interval,
      "pack, fleet-queries: seconds between runs, 1 to 604800 (default 3600)", "S" },
    { "snapshot", 0, 0, G_OPTION_ARG_NONE, &export->snapshot,
      "pack: log every run's findings, not only the changes", NULL },
    { "pass-query", 0, 0, G_OPTION_ARG_NONE, &export->pass_query,
      "sql: print the Fleet policy form (a row when compliant)", NULL },
    { "table", 0, 0, G_OPTION_ARG_STRING, &export->table,
      "sql: the extension's table phaseout_status or banned_software, for the profile of "
      "--config (every policy, or those of --policy)",
      "T" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &export->verbose,
      "Say on standard error which indicators the SQL leaves out, and why", NULL },
    { NULL }
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (entries) == G_N_ELEMENTS (export->entries));
  memcpy (export->entries, entries, sizeof entries);
  return export;
}

void
po_cli_export_free (PoCliExport *export)
{
  if (export == NULL)
    return;
  g_free (export->platform);
  g_strfreev (export->policies);
  g_free (export->output);
  g_free (export->team);
  g_free (export->format);
  g_free (export->interval);
  g_free (export->table);
  g_free (export);
}

const GOptionEntry *
po_cli_export_get_entries (PoCliExport *export)
{
  return export->entries;
}

static int
usage (void)
{
  g_printerr ("Usage: phaseout export fleet-policies [--platform P] [--policy ID]... "
              "[--team NAME] [--format apply|gitops|gitops-lib] [--output FILE]\n"
              "       phaseout export fleet-queries [--platform P] [--policy ID]... "
              "[--config PROFILE] [--team NAME] [--format apply|gitops|gitops-lib] "
              "[--interval S] [--output FILE]\n"
              "       phaseout export pack [--platform P] [--policy ID]... [--interval S] "
              "[--snapshot] [--output FILE]\n"
              "       phaseout export sql --policy ID --platform P [--pass-query]\n"
              "       phaseout export sql --table phaseout_status|banned_software --platform P "
              "[--policy ID]... [--config PROFILE]\n"
              "P: windows, darwin (or macos), linux, all\n");
  return 2;
}

static int
fail (const GError *error)
{
  g_printerr ("phaseout export: %s\n", error->message);
  return 1;
}

static gboolean
fleet_format_parse (const gchar *text, PoExportFleetFormat *ret_format)
{
  static const gchar *const names[] = { "apply", "gitops", "gitops-lib" };

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == PO_EXPORT_FLEET_GITOPS_LIB + 1);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (text, names[i]))
      {
        *ret_format = (PoExportFleetFormat) i;
        return TRUE;
      }
  return FALSE;
}

/* the --policy selection as PoPolicy*, or NULL (every policy) */
static gboolean
select_policies (PoCatalogue *catalogue, gchar **ids, GPtrArray **ret_policies, GError **error)
{
  g_autoptr (GPtrArray) selected = NULL;

  if (ids == NULL)
    {
      *ret_policies = NULL;
      return TRUE;
    }
  selected = g_ptr_array_new ();
  for (guint i = 0; ids[i] != NULL; i++)
    {
      PoPolicy *policy = po_catalogue_lookup_policy (catalogue, ids[i]);

      if (policy == NULL)
        {
          GPtrArray *all = po_catalogue_get_policies (catalogue);
          g_autoptr (GString) known = g_string_new (NULL);

          for (guint p = 0; p < all->len; p++)
            g_string_append_printf (known, "%s%s", p > 0 ? ", " : "",
                                    po_policy_get_id (g_ptr_array_index (all, p)));
          g_set_error (error, PO_ERROR, PO_ERROR_NOT_FOUND,
                       "no policy '%s' in the catalogue (known: %s)", ids[i], known->str);
          return FALSE;
        }
      g_ptr_array_add (selected, policy);
    }
  *ret_policies = g_steal_pointer (&selected);
  return TRUE;
}

/* the platform of a mask naming exactly one, or PO_EXPORT_PLATFORM_N */
static PoExportPlatform
single_platform (guint mask)
{
  for (guint p = 0; p < PO_EXPORT_PLATFORM_N; p++)
    if (mask == 1u << p)
      return (PoExportPlatform) p;
  return PO_EXPORT_PLATFORM_N;
}

/*
 * The organisation profile the export decides applicability for.  A
 * profile that was configured but rejected fails the export: what it
 * writes would claim compliance against a profile nobody read.
 */
static gboolean
export_profile (PoRuntime *runtime, PoProfile **ret_profile, GError **error)
{
  g_autoptr (PoProfile) profile = NULL;
  g_autofree gchar *problem = NULL;

  if (!po_runtime_get_profile (runtime, &profile, error))
    return FALSE;
  problem = po_runtime_get_profile_problem (runtime);
  if (problem != NULL)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_INVALID_DATA,
                   "the organisation profile was not read as configured, so the exported "
                   "applicability would be wrong: %s",
                   problem);
      return FALSE;
    }
  *ret_profile = g_steal_pointer (&profile);
  return TRUE;
}

/* `export sql --table`: phaseout_status or banned_software on one platform */
static gboolean
export_table_sql (PoRuntime *runtime, PoCatalogue *catalogue, GPtrArray *policies, guint mask,
                  PoExportTable table, GString *out, GString *notes, GError **error)
{
  PoExportPlatform platform = single_platform (mask);
  g_autoptr (PoProfile) profile = NULL;
  g_autofree gchar *sql = NULL;

  if (platform == PO_EXPORT_PLATFORM_N)
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT,
                           "export sql --table needs one --platform (not all)");
      return FALSE;
    }
  if (!export_profile (runtime, &profile, error))
    return FALSE;
  sql = po_export_table_sql (catalogue, policies, profile, platform, table, notes);
  g_string_append_printf (out, "%s;\n", sql);
  return TRUE;
}

/*
 * `export sql`: one policy on one platform: the main query, then each part
 * that needs a newer osquery (Store apps), headed by a comment saying so
 */
static gboolean
export_sql (PoCatalogue *catalogue, GPtrArray *policies, guint mask, gboolean pass_query,
            GString *out, GString *notes, GError **error)
{
  PoExportPlatform platform = single_platform (mask);
  const gchar *const *parts;
  PoPolicy *policy;
  guint n_written = 0;

  if (policies == NULL || policies->len != 1 || platform == PO_EXPORT_PLATFORM_N)
    {
      g_set_error_literal (error, PO_ERROR, PO_ERROR_INVALID_ARGUMENT,
                           "export sql needs one --policy and one --platform (not all)");
      return FALSE;
    }
  policy = g_ptr_array_index (policies, 0);
  if (!po_policy_covers_hosts (policy))
    {
      g_autofree gchar *devices = g_strjoinv (", ", (gchar **) po_policy_get_devices (policy));
      g_set_error (error, PO_ERROR, PO_ERROR_NOT_FOUND,
                   "policy %s covers %s devices only (devices: %s); osquery runs on desktops "
                   "and servers, where it has nothing to find",
                   po_policy_get_id (policy), devices, devices);
      return FALSE;
    }
  parts = po_export_platform_get_parts (platform);
  for (gint k = -1; k < 0 || parts[k] != NULL; k++)
    {
      const gchar *part = k < 0 ? NULL : parts[k];
      g_autoptr (PoExportQuery) query = po_export_query_new_part (catalogue, policy, platform,
                                                                  part);
      const gchar *sql = pass_query ? po_export_query_get_policy_sql (query)
                                    : po_export_query_get_findings_sql (query);

      g_string_append (notes, po_export_query_get_notes (query));
      if (sql == NULL)
        continue;
      if (part != NULL)
        g_string_append_printf (out, "%s-- %s: a query of its own, for osquery %s or later\n",
                                n_written > 0 ? "\n" : "", part,
                                po_export_part_get_osquery_version (part));
      g_string_append_printf (out, "%s;\n", sql);
      n_written++;
    }
  if (n_written == 0)
    {
      g_set_error (error, PO_ERROR, PO_ERROR_NOT_FOUND,
                   "policy %s covers no %sindicator that osquery's core tables show on %s",
                   po_policy_get_id (policy), pass_query ? "verified or corroborated " : "",
                   po_export_platform_to_string (platform));
      return FALSE;
    }
  return TRUE;
}

int
po_cli_export_run (PoCliExport *export, const PoSettings *settings, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PoRuntime) runtime = NULL;
  g_autoptr (PoCatalogue) catalogue = NULL;
  g_autoptr (GPtrArray) policies = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GString) notes = g_string_new (NULL);
  PoExportOptions options = { 0 };
  PoExportTable table = PO_EXPORT_TABLE_STATUS;
  guint64 interval = 0;
  const gchar *what;
  gboolean ok;

  if (argc != 2)
    return usage ();
  what = argv[1];
  if (!g_str_equal (what, "fleet-policies") && !g_str_equal (what, "fleet-queries")
      && !g_str_equal (what, "pack") && !g_str_equal (what, "sql"))
    return usage ();
  if (!po_export_platform_parse (export->platform != NULL ? export->platform : "all",
                                 &options.platforms))
    {
      g_printerr ("phaseout export: unknown platform '%s' (windows, darwin, macos, linux, all)\n",
                  export->platform);
      return 2;
    }
  if (export->interval != NULL
      && !g_ascii_string_to_unsigned (export->interval, 10, 1, PO_EXPORT_PACK_MAX_INTERVAL,
                                      &interval, NULL))
    {
      /* osquery would drop the query with only a line in its log */
      g_printerr ("phaseout export: --interval must be a whole number of seconds from 1 to "
                  "%u (7 days), the most osquery schedules; got '%s'\n",
                  PO_EXPORT_PACK_MAX_INTERVAL, export->interval);
      return 2;
    }
  if (export->format != NULL && !fleet_format_parse (export->format, &options.fleet_format))
    {
      g_printerr ("phaseout export: unknown --format '%s' (apply, gitops, gitops-lib)\n",
                  export->format);
      return 2;
    }
  if (export->format != NULL && !g_str_has_prefix (what, "fleet-"))
    {
      g_printerr ("phaseout export: --format is for fleet-policies and fleet-queries\n");
      return 2;
    }
  if (options.fleet_format != PO_EXPORT_FLEET_APPLY && export->team != NULL)
    {
      g_printerr ("phaseout export: --team is for the fleetctl apply form; in GitOps the "
                  "team's file (its name: key) sets the team\n");
      return 2;
    }
  if (export->table != NULL && !g_str_equal (what, "sql"))
    {
      g_printerr ("phaseout export: --table is for sql\n");
      return 2;
    }
  if (export->table != NULL && !po_export_table_parse (export->table, &table))
    {
      g_printerr ("phaseout export: unknown --table '%s' (phaseout_status, banned_software)\n",
                  export->table);
      return 2;
    }
  if (export->table != NULL && export->pass_query)
    {
      g_printerr ("phaseout export: --pass-query is for the findings of one policy, not "
                  "--table\n");
      return 2;
    }
  options.team = export->team;
  options.interval = (guint) interval;
  options.snapshot = export->snapshot;

  runtime = po_runtime_new (settings, &error);
  if (runtime == NULL)
    return fail (error);
  catalogue = po_runtime_get_catalogue (runtime, &error);
  if (catalogue == NULL)
    return fail (error);
  if (!select_policies (catalogue, export->policies, &policies, &error))
    return fail (error);

  if (g_str_equal (what, "fleet-policies"))
    ok = po_export_fleet_policies (catalogue, policies, &options, out, notes, &error);
  else if (g_str_equal (what, "fleet-queries"))
    {
      g_autoptr (PoProfile) profile = NULL;

      /* phaseout_status and banned_software for the profile */
      ok = export_profile (runtime, &profile, &error);
      options.profile = profile;
      if (ok)
        ok = po_export_fleet_queries (catalogue, policies, &options, out, notes, &error);
    }
  else if (g_str_equal (what, "pack"))
    {
      g_autoptr (PoProfile) profile = NULL;

      /* the pack carries phaseout_status and banned_software for the profile */
      options.tables = TRUE;
      ok = export_profile (runtime, &profile, &error);
      options.profile = profile;
      if (ok)
        ok = po_export_pack (catalogue, policies, &options, out, notes, &error);
    }
  else if (export->table != NULL)
    ok = export_table_sql (runtime, catalogue, policies, options.platforms, table, out, notes,
                           &error);
  else
    ok = export_sql (catalogue, policies, options.platforms, export->pass_query, out, notes,
                     &error);
  if (export->verbose && notes->len > 0)
    g_printerr ("%s", notes->str);
  if (!ok)
    return fail (error);

  if (export->output != NULL && !g_str_equal (export->output, "-"))
    {
      if (!g_file_set_contents (export->output, out->str, (gssize) out->len, &error))
        return fail (error);
      return 0;
    }
  if (fwrite (out->str, 1, out->len, stdout) != out->len || fflush (stdout) != 0)
    {
      g_printerr ("phaseout export: cannot write to standard output\n");
      return 1;
    }
  return 0;
}
