/* SPDX-License-Identifier: Apache-2.0 */
/*
 * osquery result-log lines, as `phaseout fleet ingest` reads them: the
 * input is a log (lines separated by newlines, the last one possibly cut),
 * ingested line by line into an in-memory SQLite store, then reported on at
 * three dates and rendered in every form.  Besides "does not crash": every
 * rendered report is valid UTF-8, the JSON parses back, and the HTML page
 * has no script and names nothing outside itself.
 *
 * The HTML check looks at markup only: a host name such as "https://x"
 * is shown as text, which is right, so it is the tags and the style sheet
 * that must not load or run anything.
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

/* elements that fetch, embed or run something */
static const gchar *const active_elements[] = {
  "script", "iframe", "frame", "link",   "img", "image", "object",        "embed", "base",
  "form",   "audio",  "video", "source", "use", "a",     "foreignobject", NULL,
};

static void
check_html_is_self_contained (const gchar *html)
{
  const gchar *cursor = html;

  while ((cursor = strchr (cursor, '<')) != NULL)
    {
      const gchar *close = strchr (cursor, '>');
      g_autofree gchar *tag = NULL;
      g_autofree gchar *tag_lower = NULL;

      if (close == NULL)
        abort (); /* a '<' from the input reached the page unescaped */
      tag = g_strndup (cursor + 1, (gsize) (close - cursor - 1));
      tag_lower = g_ascii_strdown (tag, -1);
      for (guint i = 0; active_elements[i] != NULL; i++)
        {
          gsize len = strlen (active_elements[i]);

          if (g_str_has_prefix (tag_lower, active_elements[i])
              && (tag_lower[len] == '\0' || tag_lower[len] == ' ' || tag_lower[len] == '/'))
            abort ();
        }
      if (strstr (tag_lower, " on") != NULL || strstr (tag_lower, "url(") != NULL
          || strstr (tag_lower, "href") != NULL || strstr (tag_lower, "src=") != NULL
          || strstr (tag_lower, "http-equiv") != NULL)
        abort ();
      /* the only URL in markup is the SVG namespace name, which is never fetched */
      if (strstr (tag_lower, "://") != NULL
          && strstr (tag_lower, "xmlns=\"http://www.w3.org/2000/svg\"") == NULL)
        abort ();
      if (g_str_has_prefix (tag_lower, "style"))
        {
          const gchar *sheet_end = strstr (close, "</style>");

          if (sheet_end == NULL)
            abort ();
          g_autofree gchar *sheet = g_ascii_strdown (close, sheet_end - close);
          if (strstr (sheet, "url(") != NULL || strstr (sheet, "@import") != NULL)
            abort ();
        }
      cursor = close + 1;
    }
}

static void
check_report (PoFleetReport *report)
{
  g_autoptr (GString) json = g_string_new (NULL);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GString) csv = g_string_new (NULL);
  g_autoptr (GString) html = g_string_new (NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();

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
  check_html_is_self_contained (html->str);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PoFleetStore) store = po_fleet_store_open (":memory:", &error);
  g_autoptr (PoFleetIngest) ingest = NULL;
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
        abort (); /* only the store can fail, and an in-memory one does not */
      cursor = stop + 1;
    }
  if (!po_fleet_ingest_finish (ingest, &error))
    abort ();
  for (gint64 as_of = 17500; as_of <= 17530; as_of += 15)
    {
      g_autoptr (PoFleetReport) report = po_fleet_report_build (store, as_of, 7, &error);
      if (report == NULL)
        abort ();
      check_report (report);
    }
  if (po_fuzz_verbose ())
    {
      const PoFleetIngestStats *stats = po_fleet_ingest_get_stats (ingest);
      g_printerr ("lines %" G_GUINT64_FORMAT " phaseout %" G_GUINT64_FORMAT
                  " rows %" G_GUINT64_FORMAT " malformed %" G_GUINT64_FORMAT
                  " bad rows %" G_GUINT64_FORMAT "\n",
                  stats->lines, stats->phaseout_lines, stats->rows, stats->malformed,
                  stats->bad_rows);
    }
  return 0;
}
