/* SPDX-License-Identifier: Apache-2.0 */
/*
 * osquery result-log lines, as `phaseout fleet ingest` reads them: the
 * input is a log (lines separated by newlines, the last one possibly cut),
 * ingested line by line into an in-memory SQLite store, then reported on at
 * three dates and rendered in every form.  Besides "does not crash": every
 * rendered report is valid UTF-8, the JSON parses back, and the HTML page
 * has no script and names nothing outside itself.
 */
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "po-fleet.h"
#include "po-fuzz.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  po_fuzz_init_logging ();
  return 0;
}

static void
check_report (PoFleetReport *report)
{
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(GString) html = g_string_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();

  po_fleet_report_render_json (report, json);
  po_fleet_report_render_text (report, text);
  po_fleet_report_render_csv (report, csv);
  po_fleet_report_render_html (report, html);
  po_fuzz_check_utf8 ("json", json->str);
  po_fuzz_check_utf8 ("text", text->str);
  po_fuzz_check_utf8 ("csv", csv->str);
  po_fuzz_check_utf8 ("html", html->str);
  if (!json_parser_load_from_data (parser, json->str, (gssize) json->len, NULL))
    abort ();
  if (strstr (html->str, "<script") != NULL || strstr (html->str, "https://") != NULL)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PoFleetStore) store = po_fleet_store_open (":memory:", &error);
  g_autoptr(PoFleetIngest) ingest = NULL;
  const gchar *cursor = (const gchar *) data;
  const gchar *end = cursor + size;
  guint line_no = 0;

  if (store == NULL)
    abort ();
  ingest = po_fleet_ingest_new (store);
  po_fleet_ingest_set_observed_at (ingest, 1513756800);
  while (cursor < end && line_no < 256)
    {
      const gchar *newline = memchr (cursor, '\n', (gsize) (end - cursor));
      const gchar *stop = newline != NULL ? newline : end;
      g_autofree gchar *where = g_strdup_printf ("fuzz:%u", ++line_no);

      if (!po_fleet_ingest_line (ingest, cursor, (gsize) (stop - cursor), where, &error))
        abort ();  /* only the store can fail, and an in-memory one does not */
      cursor = stop + 1;
    }
  if (!po_fleet_ingest_finish (ingest, &error))
    abort ();
  for (gint64 as_of = 17500; as_of <= 17530; as_of += 15)
    {
      g_autoptr(PoFleetReport) report = po_fleet_report_build (store, as_of, 7, &error);
      if (report == NULL)
        abort ();
      check_report (report);
    }
  if (po_fuzz_verbose ())
    {
      const PoFleetIngestStats *stats = po_fleet_ingest_get_stats (ingest);
      g_printerr ("lines %" G_GUINT64_FORMAT " phaseout %" G_GUINT64_FORMAT " rows %"
                  G_GUINT64_FORMAT " malformed %" G_GUINT64_FORMAT " bad rows %" G_GUINT64_FORMAT
                  "\n", stats->lines, stats->phaseout_lines, stats->rows, stats->malformed,
                  stats->bad_rows);
    }
  return 0;
}
