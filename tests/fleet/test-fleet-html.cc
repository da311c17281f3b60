// SPDX-License-Identifier: Apache-2.0
//
// The HTML report in a real browser: Debian's headless Chromium renders the
// page, with no network and no script, to a PNG; the PNG must have the
// window's size and show the chart (its red burn-down, the blue
// projection), not a blank page.
#include "fleet-test-util.h"

#include "po-test-shim.h"

#include <set>

#include <gtest/gtest.h>

#ifdef PO_HAVE_LIBPNG
#include <png.h>
#endif

using namespace fleet_test;

namespace {

const char *
find_chromium ()
{
  static const char *const candidates[] = { "chromium", "chromium-browser", "google-chrome" };
  for (const char *name : candidates)
    {
      gchar *path = g_find_program_in_path (name);
      if (path != nullptr)
        {
          g_free (path);
          return name;
        }
    }
  return nullptr;
}

#ifdef PO_HAVE_LIBPNG
struct Image {
  unsigned width = 0, height = 0;
  std::vector<png_byte> rgba;
};

bool
read_png (const std::string &path, Image *image)
{
  png_image png = {};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file (&png, path.c_str ()))
    return false;
  png.format = PNG_FORMAT_RGBA;
  image->width = png.width;
  image->height = png.height;
  image->rgba.resize (PNG_IMAGE_SIZE (png));
  bool ok = png_image_finish_read (&png, nullptr, image->rgba.data (), 0, nullptr);
  png_image_free (&png);
  return ok;
}
#endif

}  // namespace

TEST (FleetHtml, RendersInHeadlessChromium)
{
  const char *chromium = find_chromium ();
  if (chromium == nullptr)
    GTEST_SKIP () << "no chromium on PATH (Debian: apt-get install chromium): the HTML report "
                     "is not rendered";
#ifndef PO_HAVE_LIBPNG
  GTEST_SKIP () << "built without libpng (libpng-dev): the screenshot cannot be checked";
#else
  po_test::TempDir dir;
  Fleet fleet;
  fleet.policies = { { "us-dhs-bod-17-01", "2017-12-12" } };
  for (int i = 0; i < 30; i++)
    {
      Host host;
      host.uuid = "HTML-" + std::to_string (i);
      host.hostname = "ws-" + std::to_string (i) + ".agency.example";
      host.last_day = i == 29 ? 5 : 40;
      host.product = i % 3 ? "kesl" : "klnagent64";
      host.changes["us-dhs-bod-17-01"] = { { 0, "action_required", 1 + i % 2 },
                                           { 12, "overdue", 1 + i % 2 } };
      if (i < 20)
        host.changes["us-dhs-bod-17-01"].push_back ({ 13 + i / 2, "compliant", 0 });
      fleet.hosts.push_back (host);
    }
  StorePtr store = open_store (dir.file ("fleet.db"));
  ingest_text (store.get (), dir.file ("results.log"),
               join_lines (write_log (fleet, Format::Event, 21)));
  ReportPtr report = build_report (store.get (), day_of (fleet, 21), 7);
  ASSERT_TRUE (report);
  GString *html = g_string_new (nullptr);
  po_fleet_report_render_html (report.get (), html);
  std::string page = dir.file ("report.html");
  ASSERT_TRUE (g_file_set_contents (page.c_str (), html->str, (gssize) html->len, nullptr));
  g_string_free (html, TRUE);

  std::string shot = dir.file ("shot.png");
  std::string profile = dir.file ("profile");
  std::string screenshot_flag = "--screenshot=" + shot;
  std::string profile_flag = "--user-data-dir=" + profile;
  std::string url = "file://" + page;
  // headless, as root in CI (--no-sandbox), and nothing that reaches out (the
  // page has no script to switch off: --blink-settings=scriptEnabled=false
  // would also stop headless Chromium from taking the screenshot)
  const gchar *argv[] = { chromium,
                          "--headless",
                          "--no-sandbox",
                          "--disable-gpu",
                          "--disable-quic",
                          "--no-first-run",
                          "--disable-background-networking",
                          "--disable-component-update",
                          "--disable-sync",
                          "--disable-default-apps",
                          "--disable-extensions",
                          "--mute-audio",
                          "--hide-scrollbars",
                          profile_flag.c_str (),
                          screenshot_flag.c_str (),
                          "--window-size=900,1000",
                          url.c_str (),
                          nullptr };
  gchar *out = nullptr, *err = nullptr;
  gint status = 0;
  GError *error = nullptr;
  ASSERT_TRUE (g_spawn_sync (nullptr, (gchar **) argv, nullptr, G_SPAWN_SEARCH_PATH, nullptr,
                             nullptr, &out, &err, &status, &error))
    << error->message;
  std::string log = std::string (out ? out : "") + (err ? err : "");
  g_free (out);
  g_free (err);
  ASSERT_TRUE (g_file_test (shot.c_str (), G_FILE_TEST_EXISTS)) << "no screenshot; chromium said:\n"
                                                                << log;
  Image image;
  ASSERT_TRUE (read_png (shot, &image)) << shot;
  EXPECT_EQ (image.width, 900u);
  EXPECT_EQ (image.height, 1000u);

  // not blank: many colours, dark text, the chart's red and the projection's blue
  unsigned dark = 0, red = 0, blue = 0, white = 0;
  std::set<unsigned> colours;
  for (size_t p = 0; p + 3 < image.rgba.size (); p += 4)
    {
      unsigned r = image.rgba[p], g = image.rgba[p + 1], b = image.rgba[p + 2];
      colours.insert ((r << 16) | (g << 8) | b);
      dark += r < 80 && g < 80 && b < 80;
      white += r > 245 && g > 245 && b > 245;
      red += r > 170 && g < 80 && b < 80;    // #c62828, the burn-down and overdue
      blue += b > 150 && r < 60 && g < 130;  // #1565c0, the projection and advisory
    }
  size_t pixels = image.rgba.size () / 4;
  EXPECT_GT (colours.size (), 50u);
  EXPECT_GT (dark, pixels / 1000) << "no text";
  EXPECT_GT (red, 500u) << "no burn-down line or overdue bar";
  EXPECT_GT (blue, 50u) << "no projection";
  EXPECT_GT (white, pixels / 2) << "not the report's white page";

  // the README's picture comes from here: PO_FLEET_SCREENSHOT=path keeps it
  const char *keep = g_getenv ("PO_FLEET_SCREENSHOT");
  if (keep != nullptr)
    {
      gchar *data = nullptr;
      gsize length = 0;
      ASSERT_TRUE (g_file_get_contents (shot.c_str (), &data, &length, nullptr));
      EXPECT_TRUE (g_file_set_contents (keep, data, (gssize) length, nullptr));
      g_free (data);
    }
#endif
}

// one host is "1 host", in the text report's products and the HTML page's
// host count alike
TEST (FleetRender, OneHostIsSingular)
{
  po_test::TempDir dir;
  Fleet fleet;
  fleet.policies = { { "us-dhs-bod-17-01", "2017-12-12" } };
  Host host;
  host.uuid = "ONE-HOST";
  host.hostname = "ws-1.agency.example";
  host.last_day = 20;
  host.product = "kesl";
  host.changes["us-dhs-bod-17-01"] = { { 0, "action_required", 1 } };
  fleet.hosts.push_back (host);
  StorePtr store = open_store (dir.file ("fleet.db"));
  ingest_text (store.get (), dir.file ("results.log"),
               join_lines (write_log (fleet, Format::Event, 10)));
  ReportPtr report = build_report (store.get (), day_of (fleet, 10), 7);
  ASSERT_TRUE (report);

  GString *text = g_string_new (nullptr);
  GString *html = g_string_new (nullptr);
  po_fleet_report_render_text (report.get (), text);
  po_fleet_report_render_html (report.get (), html);
  std::string text_report (text->str), page (html->str);
  g_string_free (text, TRUE);
  g_string_free (html, TRUE);
  EXPECT_NE (text_report.find ("(1 host)"), std::string::npos) << text_report;
  EXPECT_EQ (text_report.find ("1 hosts"), std::string::npos) << text_report;
  EXPECT_NE (page.find (">1 host<"), std::string::npos) << page;
  EXPECT_EQ (page.find ("1 hosts"), std::string::npos) << page;
}
