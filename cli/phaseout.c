/* SPDX-License-Identifier: Apache-2.0 */
/*
 * phaseout: phaseout's tables without osqueryd.
 *
 *   phaseout query [--json|--csv] [SETTINGS] "SQL"
 *   phaseout report [--fail-on-findings] [SETTINGS]
 *   phaseout tables
 *   phaseout policy check FILE...
 *   phaseout policy list [--verbose] [SETTINGS]
 *   phaseout export fleet-policies|fleet-queries|pack|sql [OPTIONS] [SETTINGS]
 *   phaseout fleet ingest|report [OPTIONS]
 *
 * SETTINGS are the flags every front end shares (po-settings.h); they may
 * also come before the command (`phaseout --root DIR report`).
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "po-cli.h"
#include "po-log.h"
#include "po-schemas.h"
#include "po-table.h"

typedef struct {
  const gchar *name;
  const gchar *parameters;
  const gchar *summary;
  int (*run) (int argc, char **argv);
} Command;

/* exit statuses: 1 when a command failed, 2 when it was called wrongly */
#define EXIT_FAILED 1
#define EXIT_USAGE  2

static int
fail (GError *error)
{
  g_printerr ("phaseout: %s\n", error->message);
  return EXIT_FAILED;
}

/*
 * A usage error: an unknown option or a malformed setting, wherever it
 * stands (before or after the command, a sub-command's option), exits 2,
 * as a missing or unknown command does, so a script can tell "called
 * wrongly" from "failed" (1) and from a verdict.
 */
static int
fail_usage (const gchar *command, GError *error)
{
  g_printerr ("%s: %s\nTry \"%s --help\".\n", command, error->message, command);
  return EXIT_USAGE;
}

/* parses the shared settings plus the command's own entries */
static PoSettings *
parse_command_line (int *argc, char ***argv, const gchar *parameters, const GOptionEntry *entries,
                    GError **error)
{
  g_autoptr (PoSettings) settings = po_settings_new ();
  g_autoptr (GOptionContext) context = g_option_context_new (parameters);

  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, po_settings_option_group (settings));
  if (!g_option_context_parse (context, argc, argv, error))
    return NULL;
  return g_steal_pointer (&settings);
}

static int
run_query (int argc, char **argv)
{
  gboolean json = FALSE, csv = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print a JSON array of objects", NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "Print CSV (RFC 4180)", NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (PoSettings) settings = parse_command_line (&argc, &argv, "SQL", entries, &error);
  g_autoptr (PoRuntime) runtime = NULL;
  g_autoptr (PoResult) result = NULL;
  g_autoptr (GString) out = g_string_new (NULL);

  if (settings == NULL)
    return fail_usage (argv[0], error);
  if (argc != 2)
    {
      g_printerr ("phaseout query: give one SQL statement, e.g.\n"
                  "  phaseout query \"SELECT * FROM phaseout_info\"\n");
      return 2;
    }
  if (json && csv)
    {
      g_printerr ("phaseout query: --json and --csv exclude each other\n");
      return 2;
    }
  runtime = po_runtime_new (settings, &error);
  if (runtime == NULL || !po_engine_query (runtime, argv[1], &result, &error))
    return fail (error);
  po_cli_print_result (result, json ? PO_OUTPUT_JSON : csv ? PO_OUTPUT_CSV : PO_OUTPUT_TABLE, out);
  fwrite (out->str, 1, out->len, stdout);
  return 0;
}

/*
 * Exit status: 0, 1 on an error, 2 on a usage error.  With
 * --fail-on-findings, for scripts and CI, as grep and diff do: 0 when no
 * policy needs action, 1 when one is action_required or overdue, 2 on any
 * error, so an error can never pass for a verdict.  An organisation profile
 * that was configured but rejected is such an error: applicability rests on
 * it, so compliance cannot be claimed.  Without the flag nothing changes
 * for existing scripts (the report says it in a WARNING).
 */
#define REPORT_EXIT_FINDINGS                       1
#define REPORT_EXIT_ERROR_WHEN_FAILING_ON_FINDINGS 2

static int
fail_report (GError *error, gboolean fail_on_findings)
{
  int status = fail (error);
  return fail_on_findings ? REPORT_EXIT_ERROR_WHEN_FAILING_ON_FINDINGS : status;
}

static int
run_report (int argc, char **argv)
{
  gboolean fail_on_findings = FALSE;
  const GOptionEntry entries[] = {
    { "fail-on-findings", 0, 0, G_OPTION_ARG_NONE, &fail_on_findings,
      "Exit 1 when a binding policy is action_required or overdue (advisory does not count); "
      "errors, and a rejected organisation profile, then exit 2",
      NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (PoSettings) settings = parse_command_line (&argc, &argv, NULL, entries, &error);
  g_autoptr (PoRuntime) runtime = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  gboolean action_required = FALSE;
  gboolean profile_rejected = FALSE;

  if (settings == NULL)
    return fail_usage (argv[0], error);
  if (argc > 1)
    {
      g_printerr ("phaseout report: unexpected argument \"%s\" (settings and "
                  "--fail-on-findings only)\n",
                  argv[1]);
      return EXIT_USAGE;
    }
  runtime = po_runtime_new (settings, &error);
  if (runtime == NULL || !po_cli_report (runtime, out, &action_required, &profile_rejected, &error))
    return fail_report (error, fail_on_findings);
  fwrite (out->str, 1, out->len, stdout);
  if (fail_on_findings && profile_rejected)
    {
      g_printerr ("phaseout: the organisation profile in force is not the one configured (see "
                  "the WARNING in the report); no verdict\n");
      return REPORT_EXIT_ERROR_WHEN_FAILING_ON_FINDINGS;
    }
  return fail_on_findings && action_required ? REPORT_EXIT_FINDINGS : 0;
}

static int
run_tables (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PoSettings) settings = parse_command_line (&argc, &argv, NULL, NULL, &error);
  guint n_tables;
  const PoTable *const *tables = po_tables_get_all (&n_tables);

  if (settings == NULL)
    return fail_usage (argv[0], error);
  if (argc > 1)
    {
      g_printerr ("phaseout tables: takes no arguments\n");
      return 2;
    }

  for (guint i = 0; i < n_tables; i++)
    {
      const PoTableSchema *schema = tables[i]->schema;
      g_print ("%s\n", schema->name);
      for (guint c = 0; c < schema->n_columns; c++)
        g_print ("  %-24s %s\n", schema->columns[c].name,
                 po_column_type_to_string (schema->columns[c].type));
    }
  return 0;
}

/*
 * `policy check FILE...` validates policy files the way phaseout loads
 * them, for administrators and CI pipelines: exit 0 when every file is
 * good, 1 when any is not, with the problems named.
 * `policy list` shows the catalogue in force with these settings.
 */
static int
run_policy (int argc, char **argv)
{
  gboolean verbose = FALSE;
  const GOptionEntry entries[] = { { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
                                     "policy list: show every field", NULL },
                                   { NULL } };
  g_autoptr (GError) error = NULL;
  g_autoptr (PoSettings) settings = parse_command_line (&argc, &argv, "check FILE... | list",
                                                        entries, &error);
  g_autoptr (GString) out = g_string_new (NULL);
  gboolean ok;

  if (settings == NULL)
    return fail_usage (argv[0], error);
  if (argc >= 3 && g_str_equal (argv[1], "check"))
    ok = po_cli_policy_check ((const gchar *const *) argv + 2, out, &error);
  else if (argc == 2 && g_str_equal (argv[1], "list"))
    {
      g_autoptr (PoRuntime) runtime = po_runtime_new (settings, &error);
      ok = runtime != NULL && po_cli_policy_list (runtime, verbose, out, &error);
    }
  else
    {
      g_printerr ("Usage: phaseout policy check FILE...\n"
                  "       phaseout policy list [--verbose]\n");
      return 2;
    }
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  fwrite (out->str, 1, out->len, stdout);
  if (!ok)
    {
      if (error != NULL)
        g_printerr ("phaseout: %s\n", error->message);
      return 1;
    }
  return 0;
}

/* `export`: the catalogue as osquery SQL (po-cli-export.c) */
static int
run_export (int argc, char **argv)
{
  g_autoptr (PoCliExport) export = po_cli_export_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PoSettings) settings = parse_command_line (&argc, &argv, PO_CLI_EXPORT_PARAMETERS,
                                                        po_cli_export_get_entries (export), &error);

  if (settings == NULL)
    return fail_usage (argv[0], error);
  return po_cli_export_run (export, settings, argc, argv);
}

/* `fleet`: the fleet's result logs, not this host (po-cli-fleet.c) */
static int
run_fleet (int argc, char **argv)
{
  return po_cli_fleet_run (argc, argv);
}

static const Command commands[] = {
  { "query", "[--json|--csv] SQL", "Run SQL over phaseout's tables", run_query },
  { "report", "[--fail-on-findings]", "Print this machine's compliance summary", run_report },
  { "tables", "", "List the tables and their columns", run_tables },
  { "policy", "check FILE...|list", "Validate policy files, or list the catalogue", run_policy },
  { "export", "fleet-policies|fleet-queries|pack|sql",
    "Compile policies and the tables to osquery SQL (Fleet, packs)", run_export },
  { "fleet", "ingest|report", "The fleet's compliance over time, from osquery's result logs",
    run_fleet },
};

/*
 * Settings may come before the command, as with most tools: a throwaway
 * parse of the settings alone finds the command word (the first argument
 * none of them consumed), which is moved to argv[1]; the command then
 * parses every setting as usual.  FALSE with the reason when a setting is
 * malformed or no command follows the settings.
 */
static gboolean
move_command_first (int argc, char **argv, GError **error)
{
  g_autoptr (PoSettings) scratch = po_settings_new ();
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autofree gchar **copy = g_new0 (gchar *, argc + 1);
  gchar **rest = copy;
  int n_rest = argc;

  memcpy (copy, argv, sizeof (gchar *) * argc);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  g_option_context_add_group (context, po_settings_option_group (scratch));
  if (!g_option_context_parse (context, &n_rest, &rest, error))
    return FALSE;
  if (n_rest < 2)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           "settings, but no command");
      return FALSE;
    }
  /* the parse keeps the strings and reorders the pointers: find the word */
  for (int i = 1; i < argc; i++)
    if (argv[i] == rest[1])
      {
        gchar *command = argv[i];
        memmove (argv + 2, argv + 1, sizeof (gchar *) * (gsize) (i - 1));
        argv[1] = command;
        break;
      }
  return TRUE;
}

static void
usage (FILE *stream)
{
  g_autofree gchar *settings = po_settings_describe_flags (", ", TRUE);
  gchar *last = g_strrstr (settings, ", ");

  fprintf (stream, "Usage: phaseout [SETTINGS] COMMAND [OPTIONS]\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      /* a long parameter list gets the summary on a line of its own */
      if (strlen (commands[i].parameters) > 24)
        fprintf (stream, "  %-8s %s\n  %-8s %-24s %s\n", commands[i].name, commands[i].parameters,
                 "", "", commands[i].summary);
      else
        fprintf (stream, "  %-8s %-24s %s\n", commands[i].name, commands[i].parameters,
                 commands[i].summary);
    }
  /* "--root DIR, ..., --state-db FILE and --now WHEN" */
  if (last != NULL)
    *last = '\0';
  fprintf (stream,
           "\nEvery command takes %s%s%s,\nbefore or after the command; "
           "`phaseout COMMAND --help-all` explains them.\n",
           settings, last != NULL ? " and " : "", last != NULL ? last + 2 : "");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  po_log_init ("phaseout");
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("phaseout %s\n", PHASEOUT_VERSION);
      return 0;
    }
  if (argv[1][0] == '-')
    {
      g_autoptr (GError) error = NULL;

      if (!move_command_first (argc, argv, &error))
        {
          g_printerr ("phaseout: %s\n\n", error->message);
          usage (stderr);
          return 2;
        }
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        /* the command sees itself as argv[0], so --help reads naturally */
        g_autofree gchar *name = g_strdup_printf ("phaseout %s", argv[1]);
        argv[1] = name;
        return commands[i].run (argc - 1, argv + 1);
      }
  if (argv[1][0] == '-')
    g_printerr ("phaseout: \"%s\" is not a setting; a command's own options follow "
                "the command\n\n",
                argv[1]);
  else
    g_printerr ("phaseout: unknown command \"%s\"\n\n", argv[1]);
  usage (stderr);
  return 2;
}
