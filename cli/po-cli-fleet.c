/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `phaseout fleet`: compliance over time for a whole fleet, from osquery's
 * result logs (src/fleet/, docs/fleet.md).
 *
 *   phaseout fleet ingest [--db DB] [--observed-at WHEN] FILE... | -
 *   phaseout fleet report [--db DB] [--as-of DATE] [--stale-days N]
 *                         [--json | --csv | --html FILE]
 *
 * Exit status: 0; 1 when a file cannot be read or the database fails
 * (malformed lines are reported on stderr with FILE:LINE and skipped,
 * they do not fail the run); 2 on a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "po-cli.h"
#include "po-fleet.h"

/* problems shown one per line up to this many, then counted */
#define MAX_PROBLEMS_SHOWN 20

typedef struct {
  guint shown;
  guint64 total;
} Problems;

static void
print_problem (const gchar *where, const gchar *message, gpointer user_data)
{
  Problems *problems = user_data;

  problems->total++;
  if (problems->shown < MAX_PROBLEMS_SHOWN)
    {
      problems->shown++;
      g_printerr ("%s: %s\n", where, message);
    }
}

/* the default database: beside the state database as root, else the user's */
static gchar *
default_db (void)
{
  if (getuid () == 0)
    return g_build_filename (po_settings_get_state_dir (), "fleet.db", NULL);
  return g_build_filename (g_get_user_data_dir (), "phaseout", "fleet.db", NULL);
}

static PoFleetStore *
open_store (const gchar *db, GError **error)
{
  g_autofree gchar *chosen = db != NULL ? g_strdup (db) : default_db ();

  if (db == NULL)
    {
      g_autofree gchar *dir = g_path_get_dirname (chosen);
      if (g_mkdir_with_parents (dir, 0750) != 0)
        {
          int saved = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "cannot create %s for the default database: %s (give --db)", dir,
                       g_strerror (saved));
          return NULL;
        }
    }
  return po_fleet_store_open (chosen, error);
}

static int
usage_error (const gchar *message)
{
  g_printerr ("phaseout fleet: %s\n"
              "Usage: phaseout fleet ingest [--db DB] FILE... | -\n"
              "       phaseout fleet report [--db DB] [--as-of DATE] [--stale-days N] "
              "[--json | --csv | --html FILE]\n",
              message);
  return 2;
}

/* "2024-05-01", "2024-05-01T12:00:00Z" or unix seconds */
static gboolean
parse_when (const gchar *text, gint64 *ret_unix_time)
{
  g_autoptr (GDateTime) time = NULL;
  gint64 day;
  guint64 seconds;

  if (po_fleet_day_parse (text, &day))
    {
      *ret_unix_time = day * 86400;
      return TRUE;
    }
  if (g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &seconds, NULL))
    {
      *ret_unix_time = (gint64) seconds;
      return TRUE;
    }
  time = g_date_time_new_from_iso8601 (text, g_time_zone_new_utc ());
  if (time == NULL)
    return FALSE;
  *ret_unix_time = g_date_time_to_unix (time);
  return TRUE;
}

static int
run_ingest (const gchar *db, const gchar *observed_at, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PoFleetStore) store = NULL;
  g_autoptr (PoFleetIngest) ingest = NULL;
  const PoFleetIngestStats *stats;
  Problems problems = { 0, 0 };
  gint64 when;

  if (argc < 1)
    return usage_error ("ingest: name the result logs to read (FILE... or - for stdin)");
  if (observed_at != NULL && !parse_when (observed_at, &when))
    return usage_error ("--observed-at: give a date (YYYY-MM-DD), an ISO 8601 time or unix "
                        "seconds");
  store = open_store (db, &error);
  if (store == NULL)
    {
      g_printerr ("phaseout fleet: %s\n", error->message);
      return 1;
    }
  ingest = po_fleet_ingest_new (store);
  po_fleet_ingest_set_problem_func (ingest, print_problem, &problems);
  if (observed_at != NULL)
    po_fleet_ingest_set_observed_at (ingest, when);
  for (int i = 0; i < argc; i++)
    if (!po_fleet_ingest_path (ingest, argv[i], &error))
      {
        /* what the earlier files brought is committed; this one stops here */
        g_printerr ("phaseout fleet: %s\n", error->message);
        return 1;
      }
  if (!po_fleet_ingest_finish (ingest, &error))
    {
      g_printerr ("phaseout fleet: %s\n", error->message);
      return 1;
    }
  if (problems.total > problems.shown)
    g_printerr ("... and %" G_GUINT64_FORMAT " more problems\n", problems.total - problems.shown);
  stats = po_fleet_ingest_get_stats (ingest);
  g_print ("%" G_GUINT64_FORMAT " files, %" G_GUINT64_FORMAT " new lines: %" G_GUINT64_FORMAT
           " of phaseout's queries (%" G_GUINT64_FORMAT " rows), %" G_GUINT64_FORMAT
           " of other queries (ignored), %" G_GUINT64_FORMAT
           " malformed (skipped), %" G_GUINT64_FORMAT " bad rows, %" G_GUINT64_FORMAT
           " incomplete at the end (left for "
           "the next run); %" G_GUINT64_FORMAT " bytes read before\n",
           stats->files, stats->lines, stats->phaseout_lines, stats->rows, stats->ignored,
           stats->malformed, stats->bad_rows, stats->incomplete, stats->resumed_bytes);
  return 0;
}

static gboolean
write_stdout (const gchar *data, gsize length, gpointer user_data)
{
  return fwrite (data, 1, length, stdout) == length;
}

static int
run_report (const gchar *db, const gchar *as_of_text, gint stale_days, gboolean json, gboolean csv,
            const gchar *html)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PoFleetStore) store = NULL;
  g_autoptr (PoFleetReport) report = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  gint64 as_of;

  if ((json ? 1 : 0) + (csv ? 1 : 0) + (html != NULL ? 1 : 0) > 1)
    return usage_error ("report: --json, --csv and --html exclude each other");
  if (stale_days < 0)
    return usage_error ("--stale-days: a number of days, 0 or more");
  if (as_of_text != NULL)
    {
      if (!po_fleet_day_parse (as_of_text, &as_of))
        return usage_error ("--as-of: give a date, YYYY-MM-DD");
    }
  else
    as_of = g_get_real_time () / G_USEC_PER_SEC / 86400;
  store = open_store (db, &error);
  if (store == NULL)
    {
      g_printerr ("phaseout fleet: %s\n", error->message);
      return 1;
    }
  report = po_fleet_report_build (store, as_of, (guint) stale_days, &error);
  if (report == NULL)
    {
      g_printerr ("phaseout fleet: %s\n", error->message);
      return 1;
    }
  if (json)
    {
      /* in pieces: 10,000 hosts under six policies are 14 MB of JSON */
      if (!po_fleet_report_write_json (report, write_stdout, NULL) || fflush (stdout) != 0)
        {
          g_printerr ("phaseout fleet: cannot write the report: %s\n", g_strerror (errno));
          return 1;
        }
      return 0;
    }
  if (csv)
    po_fleet_report_render_csv (report, out);
  else if (html != NULL)
    po_fleet_report_render_html (report, out);
  else
    po_fleet_report_render_text (report, out);
  if (html != NULL)
    {
      if (!g_file_set_contents (html, out->str, (gssize) out->len, &error))
        {
          g_printerr ("phaseout fleet: %s\n", error->message);
          return 1;
        }
      return 0;
    }
  fwrite (out->str, 1, out->len, stdout);
  return 0;
}

int
po_cli_fleet_run (int argc, char **argv)
{
  g_autofree gchar *db = NULL;
  g_autofree gchar *observed_at = NULL;
  g_autofree gchar *as_of = NULL;
  g_autofree gchar *html = NULL;
  gint stale_days = PO_FLEET_DEFAULT_STALE_DAYS;
  gboolean json = FALSE, csv = FALSE;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_STRING, &db,
      "SQLite file, or a postgresql:// URI (default: fleet.db in the state directory)", "DB" },
    { "observed-at", 0, 0, G_OPTION_ARG_STRING, &observed_at,
      "ingest: the time of lines without one (fleetctl query --json); default: the file's "
      "modification time",
      "WHEN" },
    { "as-of", 0, 0, G_OPTION_ARG_STRING, &as_of,
      "report: the day to report on (default: today, "
      "UTC)",
      "YYYY-MM-DD" },
    { "stale-days", 0, 0, G_OPTION_ARG_INT, &stale_days,
      "report: a host is stale after this many days without a report (default 7)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "report: JSON", NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, "report: CSV, one row per policy", NULL },
    { "html", 0, 0, G_OPTION_ARG_FILENAME, &html, "report: a self-contained HTML page into FILE",
      "FILE" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("ingest FILE... | report");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, "Compliance over time for a whole fleet, from osquery's "
                                         "result logs (docs/fleet.md).");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc < 2)
    return usage_error ("give ingest or report");
  if (g_str_equal (argv[1], "ingest"))
    return run_ingest (db, observed_at, argc - 2, argv + 2);
  if (g_str_equal (argv[1], "report"))
    {
      if (argc > 2)
        return usage_error ("report takes no arguments");
      return run_report (db, as_of, stale_days, json, csv, html);
    }
  return usage_error ("give ingest or report");
}
