/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The indicator matcher: exact names and globs, case rules per platform,
 * the normalisations, and a catalogue of 10,000 indicators.
 */
#include "catalogue-test-util.h"

using namespace po_test;

namespace {

/* a catalogue of one vendor "v" with one product "p" carrying indicators */
CataloguePtr
catalogue_with (const std::string &indicators_json)
{
  TempDir dir;
  dir.write ("v.json", "{\"format\": 1, \"vendors\": [{\"id\": \"v\", \"name\": \"V\", "
                       "\"products\": [{\"id\": \"p\", \"name\": \"P\", \"category\": "
                       "\"antivirus\", \"indicators\": "
                         + indicators_json + "}]}]}");
  OptionsPtr options = options_for_dirs ({ dir.path () }, false);
  CataloguePtr catalogue (po_catalogue_load (options.get (), NULL));
  EXPECT_EQ (problems_text (catalogue.get ()), "");
  return catalogue;
}

std::vector<std::string>
matched_patterns (PoCatalogue *catalogue, PoIndicatorKind kind, const char *value)
{
  GPtrArray *matches = NULL;
  std::vector<std::string> out;

  if (!po_catalogue_match (catalogue, kind, value, &matches))
    {
      EXPECT_TRUE (matches == NULL);
      return out;
    }
  for (guint i = 0; i < matches->len; i++)
    out.push_back (po_indicator_get_pattern ((PoIndicator *) g_ptr_array_index (matches, i)));
  g_ptr_array_unref (matches);
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST (CatalogueMatcher, ExactAndGlobNames)
{
  CataloguePtr c = catalogue_with ("{\"linux\": {\"deb_package\": [\"kesl\", \"kesl-*\", "
                                   "\"kav4?s\"]}}");

  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, "kesl"), Strings ({ "kesl" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, "kesl-gui"),
             Strings ({ "kesl-*" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, "kav4fs"),
             Strings ({ "kav4?s" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, "kav4ws"),
             Strings ({ "kav4?s" }));
  /* a glob matches the whole name, not a part */
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, "xkesl-gui"), Strings ());
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, "kav4fss"), Strings ());
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, "kes"), Strings ());
  /* kinds are separate */
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_RPM_PACKAGE, "kesl"), Strings ());
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, NULL), Strings ());
}

TEST (CatalogueMatcher, LinuxNamesAreCaseSensitive)
{
  CataloguePtr c = catalogue_with ("{\"linux\": {\"rpm_package\": [\"kesl\"], "
                                   "\"path\": [\"/opt/kaspersky/*\"], "
                                   "\"process\": [\"kesl\"]}}");

  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_RPM_PACKAGE, "KESL"), Strings ());
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_LINUX_PATH, "/opt/Kaspersky/kesl"),
             Strings ());
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_LINUX_PATH, "/opt/kaspersky/kesl/bin/x"),
             Strings ({ "/opt/kaspersky/*" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_LINUX_PROCESS, "Kesl"), Strings ());
  EXPECT_FALSE (po_indicator_kind_is_case_insensitive (PO_INDICATOR_DEB_PACKAGE));
}

TEST (CatalogueMatcher, SnapNamesAndFlatpakIds)
{
  CataloguePtr c = catalogue_with ("{\"linux\": {\"snap\": [\"kesl\", \"kesl-*\"], "
                                   "\"flatpak\": [\"com.kaspersky.*\", \"org.example.Kesl\"]}}");

  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_SNAP, "kesl"), Strings ({ "kesl" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_SNAP, "kesl-gui"), Strings ({ "kesl-*" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, "kesl"), Strings ());
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_FLATPAK, "com.kaspersky.Kesl"),
             Strings ({ "com.kaspersky.*" }));
  /* flatpak ids are case-sensitive, as flatpak compares them */
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_FLATPAK, "org.example.kesl"), Strings ());
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_FLATPAK, "Com.Kaspersky.Kesl"), Strings ());
  EXPECT_STREQ (po_indicator_kind_to_string (PO_INDICATOR_SNAP), "linux.snap");
  EXPECT_STREQ (po_indicator_kind_to_string (PO_INDICATOR_FLATPAK), "linux.flatpak");
}

TEST (CatalogueMatcher, WindowsIsCaseInsensitive)
{
  CataloguePtr c = catalogue_with ("{\"windows\": {\"service\": [\"AVP.KES.*\"], "
                                   "\"driver\": [\"klif.sys\", \"kl*.kes-*.sys\"], "
                                   "\"process\": [\"avp.exe\"]}}");

  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_WINDOWS_SERVICE, "avp.kes.21.19"),
             Strings ({ "AVP.KES.*" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_WINDOWS_DRIVER, "KLIF.SYS"),
             Strings ({ "klif.sys" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_WINDOWS_DRIVER, "KLIF.KES-21-9.sys"),
             Strings ({ "kl*.kes-*.sys" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_WINDOWS_PROCESS, "AVP.EXE"),
             Strings ({ "avp.exe" }));
  EXPECT_TRUE (po_indicator_kind_is_case_insensitive (PO_INDICATOR_WINDOWS_SERVICE));
}

TEST (CatalogueMatcher, FreeTextIgnoresCaseAndSpacing)
{
  CataloguePtr c = catalogue_with (
    "{\"windows\": {\"publisher\": [\"*kaspersky*\"], "
    "\"signer\": [\"AO Kaspersky Lab\"], "
    "\"program\": [\"Kaspersky Endpoint Security * for Windows\"]}}");

  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_WINDOWS_PUBLISHER, "Kaspersky Lab ZAO"),
             Strings ({ "*kaspersky*" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_WINDOWS_SIGNER, "  ao KASPERSKY\tlab "),
             Strings ({ "AO Kaspersky Lab" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_WINDOWS_SIGNER, "Kaspersky Lab"), Strings ());
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_WINDOWS_PROGRAM,
                               "Kaspersky Endpoint Security 10 for Windows"),
             Strings ({ "Kaspersky Endpoint Security * for Windows" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_WINDOWS_PROGRAM,
                               "Kaspersky Endpoint Security 10 for Windows AES Encryption Module"),
             Strings ());
}

TEST (CatalogueMatcher, WindowsPathsTakeEitherSlash)
{
  CataloguePtr c = catalogue_with ("{\"windows\": {\"path\": [\"*\\\\Kaspersky Lab\\\\*\"]}}");

  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_WINDOWS_PATH,
                               "C:\\Program Files (x86)\\Kaspersky Lab\\NetworkAgent\\klnagent.exe")
               .size (),
             1u);
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_WINDOWS_PATH,
                               "c:/program files/KASPERSKY LAB/x.exe")
               .size (),
             1u);
}

TEST (CatalogueMatcher, KernelModulesTreatDashAndUnderscoreAlike)
{
  CataloguePtr c = catalogue_with ("{\"linux\": {\"kernel_module\": [\"kav4fs_oas*\", "
                                   "\"fixture-mod\"]}}");

  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_KERNEL_MODULE, "kav4fs-oas2").size (), 1u);
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_KERNEL_MODULE, "fixture_mod").size (), 1u);
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_KERNEL_MODULE, "Fixture_mod").size (), 0u);
}

TEST (CatalogueMatcher, MacosIsCaseInsensitive)
{
  CataloguePtr c = catalogue_with ("{\"macos\": {\"team_id\": [\"2Y8XE5CQ94\"], "
                                   "\"bundle_id\": [\"com.kaspersky.*\"], "
                                   "\"app_name\": [\"Kaspersky.app\"]}}");

  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_MACOS_TEAM_ID, "2y8xe5cq94").size (), 1u);
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_MACOS_BUNDLE_ID, "com.Kaspersky.kav").size (),
             1u);
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_MACOS_APP_NAME, "kaspersky.APP").size (), 1u);
}

TEST (CatalogueMatcher, VendorWideAndProductMatchesBothReported)
{
  TempDir dir;
  dir.write ("v.json", "{\"format\": 1, \"vendors\": [{\"id\": \"v\", \"name\": \"V\", "
                       "\"indicators\": {\"linux\": {\"path\": [\"/opt/v/*\"]}}, "
                       "\"products\": [{\"id\": \"p\", \"name\": \"P\", \"category\": \"vpn\", "
                       "\"indicators\": {\"linux\": {\"path\": [\"/opt/v/p/*\"]}}}]}]}");
  OptionsPtr options = options_for_dirs ({ dir.path () }, false);
  CataloguePtr c (po_catalogue_load (options.get (), NULL));
  GPtrArray *matches = NULL;

  ASSERT_TRUE (po_catalogue_match (c.get (), PO_INDICATOR_LINUX_PATH, "/opt/v/p/bin", &matches));
  ASSERT_EQ (matches->len, 2u);
  /* vendor-wide first, then by product */
  EXPECT_TRUE (po_indicator_get_product ((PoIndicator *) g_ptr_array_index (matches, 0)) == NULL);
  PoProduct *product = po_indicator_get_product ((PoIndicator *) g_ptr_array_index (matches, 1));
  ASSERT_TRUE (product != NULL);
  EXPECT_STREQ (po_product_get_category (product), "vpn");
  EXPECT_STREQ (po_vendor_get_id (po_product_get_vendor (product)), "v");
  g_ptr_array_unref (matches);
}

TEST (CatalogueMatcher, InvalidUtf8IsMatchedSafely)
{
  CataloguePtr c = catalogue_with ("{\"linux\": {\"process\": [\"k?sl\", \"*\\u00e9*\"]}}");

  /* a truncated sequence at the end must not be read past */
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_LINUX_PROCESS, "abc\xe2").size (), 0u);
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_LINUX_PROCESS, "k\xffsl").size (), 1u);
}

TEST (CatalogueMatcher, IndicatorMatchesAlone)
{
  PoCatalogue *catalogue = builtin_catalogue ();
  PoVendor *vendor = po_catalogue_lookup_vendor (catalogue, "kaspersky");
  GPtrArray *indicators = po_vendor_get_indicators (vendor);
  bool found = false;

  for (guint i = 0; i < indicators->len; i++)
    {
      PoIndicator *indicator = (PoIndicator *) g_ptr_array_index (indicators, i);
      if (po_indicator_get_kind (indicator) == PO_INDICATOR_WINDOWS_PUBLISHER)
        {
          found = true;
          EXPECT_TRUE (po_indicator_is_glob (indicator));
          EXPECT_TRUE (po_indicator_matches (indicator, "AO KASPERSKY LAB"));
          EXPECT_FALSE (po_indicator_matches (indicator, "Pango"));
        }
    }
  EXPECT_TRUE (found);
}

TEST (CatalogueMatcher, KindNames)
{
  PoIndicatorKind kind;

  for (guint i = 0; i < PO_INDICATOR_KIND_N; i++)
    {
      const gchar *name = po_indicator_kind_to_string ((PoIndicatorKind) i);
      ASSERT_TRUE (po_indicator_kind_from_string (name, &kind)) << name;
      EXPECT_EQ ((guint) kind, i);
      EXPECT_TRUE (g_str_has_prefix (name, po_indicator_kind_get_platform (kind)));
    }
  EXPECT_FALSE (po_indicator_kind_from_string ("linux.colour", &kind));
}

/* a catalogue of 10,000 indicators answers correctly (the index, not a scan) */
TEST (CatalogueMatcher, TenThousandIndicators)
{
  TempDir dir;
  std::string exact, globs;
  for (int i = 0; i < 5000; i++)
    {
      exact += (i > 0 ? ", \"" : "\"") + std::string ("pkg") + std::to_string (i) + "\"";
      globs += (i > 0 ? ", \"" : "\"") + std::string ("tool") + std::to_string (i) + "-*\"";
    }
  CataloguePtr c = catalogue_with ("{\"linux\": {\"deb_package\": [" + exact + ", " + globs
                                   + "]}}");

  EXPECT_EQ (po_catalogue_get_n_indicators (c.get ()), 10000u);
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, "pkg4999"),
             Strings ({ "pkg4999" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, "tool123-extra"),
             Strings ({ "tool123-*" }));
  /* tool1-* and tool12-* share prefixes with tool123-x but do not match it */
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, "tool12-x"),
             Strings ({ "tool12-*" }));
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, "pkg5000"), Strings ());
  EXPECT_EQ (matched_patterns (c.get (), PO_INDICATOR_DEB_PACKAGE, "tool5000-x"), Strings ());
}
