/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQL the compiler writes, on its own terms: literals quoted, globs
 * turned into LIKE or GLOB patterns with the wildcards of the data escaped,
 * the case rules of each kind, and a catalogue whose names are made to
 * break SQL (quotes, '%', '_', '\', a statement in a name).
 */
#include "export-test-util.h"

using namespace po_test;

TEST (ExportSql, LiteralsDoubleQuotes)
{
  auto literal = [] (const char *text) {
    gchar *out = po_export_sql_literal (text);
    std::string result = out;
    g_free (out);
    return result;
  };

  EXPECT_EQ (literal ("kesl"), "'kesl'");
  EXPECT_EQ (literal ("O'Brien"), "'O''Brien'");
  EXPECT_EQ (literal ("''"), "''''''");
  EXPECT_EQ (literal (""), "''");
  EXPECT_EQ (literal ("a\\b"), "'a\\b'");
}

TEST (ExportSql, GlobsBecomeLikePatterns)
{
  auto like = [] (const char *glob) {
    gchar *out = po_export_glob_to_like (glob);
    std::string result = out;
    g_free (out);
    return result;
  };

  EXPECT_EQ (like ("kesl-*"), "kesl-%");
  EXPECT_EQ (like ("AVP??.*"), "AVP__.%");
  EXPECT_EQ (like ("100%_*"), "100\\%\\_%");
  EXPECT_EQ (like ("*\\Kaspersky Lab\\*"), "%\\\\Kaspersky Lab\\\\%");
  EXPECT_EQ (like ("it's*"), "it's%");
}

TEST (ExportSql, GlobsStayGlobs)
{
  gchar *out = po_export_glob_to_glob ("kesl-*[x?");
  EXPECT_STREQ (out, "kesl-*[[]x?");
  g_free (out);
}

TEST (ExportSql, Platforms)
{
  guint mask = 0;

  EXPECT_TRUE (po_export_platform_parse ("windows", &mask));
  EXPECT_EQ (mask, 1u << PO_EXPORT_PLATFORM_WINDOWS);
  EXPECT_TRUE (po_export_platform_parse ("macos", &mask));
  EXPECT_EQ (mask, 1u << PO_EXPORT_PLATFORM_DARWIN);
  EXPECT_TRUE (po_export_platform_parse ("Darwin", &mask));
  EXPECT_EQ (mask, 1u << PO_EXPORT_PLATFORM_DARWIN);
  EXPECT_TRUE (po_export_platform_parse ("all", &mask));
  EXPECT_EQ (mask, (guint) PO_EXPORT_PLATFORMS_ALL);
  mask = 42;
  EXPECT_FALSE (po_export_platform_parse ("freebsd", &mask));
  EXPECT_FALSE (po_export_platform_parse (NULL, &mask));
  EXPECT_EQ (mask, 42u);
  EXPECT_STREQ (po_export_platform_to_string (PO_EXPORT_PLATFORM_DARWIN), "darwin");
  EXPECT_STREQ (po_export_platform_get_catalogue_name (PO_EXPORT_PLATFORM_DARWIN), "macos");
}

namespace {

/*
 * A vendor whose names are written to break SQL, and policies over it:
 * acme-av (its anti-virus), acme-all (every category, so its vendor-wide
 * indicators too) and acme-and-kaspersky (both vendors, every category).
 */
const char *kAcme = R"json({
  "format": 1,
  "vendors": [{
    "id": "acme",
    "name": "Acme",
    "indicators": {
      "windows": {"publisher": ["O'Brien & Sons, Ltd.", "Acme 100%*"]},
      "linux": {"process": ["x'); DROP TABLE processes; --"]}
    },
    "products": [
      {
        "id": "quote",
        "name": "Acme O'Brien Suite",
        "category": "antivirus",
        "indicators": {
          "windows": {
            "program": ["O'Brien 100% Secure_Suite", "Acme 50%_* Edition"],
            "service": ["Acme?Svc"],
            "path": ["*\\Acme_Dir\\*"]
          },
          "linux": {
            "deb_package": ["acme-av"],
            "rpm_package": ["Acme_AV*"]
          },
          "macos": {"bundle_id": ["com.acme.av"]}
        }
      },
      {
        "id": "kmod-only",
        "name": "Acme kernel shield",
        "category": "edr",
        "indicators": {"linux": {"kernel_module": ["acme-shield"], "kernel_module_signer": ["Acme CA"]}}
      }
    ]
  }],
  "policies": [
    {
      "id": "acme-av", "title": "No Acme anti-virus", "issuer": "Test issuer", "jurisdiction": "*",
      "instrument": "Test instrument \"quoted\" and 'single'", "issued": "2020-01-01",
      "binding": false, "vendors": ["acme"], "categories": ["antivirus"],
      "scope": {"binds": [], "advises": ["all"], "excludes": []}, "milestones": [],
      "sources": [{"title": "Test source", "url": "https://example.org/acme"}]
    },
    {
      "id": "acme-all", "title": "No Acme at all", "issuer": "Test issuer", "jurisdiction": "*",
      "instrument": "Test instrument", "issued": "2020-01-01",
      "binding": true, "vendors": ["acme"], "categories": ["all"],
      "scope": {"binds": ["all"], "advises": [], "excludes": []},
      "milestones": [{"kind": "remove", "date": "2021-06-30"}],
      "sources": [{"title": "Test source", "url": "https://example.org/acme"}]
    },
    {
      "id": "acme-and-kaspersky", "title": "Neither", "issuer": "Test issuer", "jurisdiction": "*",
      "instrument": "Test instrument", "issued": "2020-01-01",
      "binding": true, "vendors": ["acme", "kaspersky"], "categories": ["all"],
      "scope": {"binds": ["all"], "advises": [], "excludes": []}, "milestones": [],
      "sources": [{"title": "Test source", "url": "https://example.org/acme"}]
    }
  ]
})json";

class ExportAcme : public ::testing::Test {
 protected:
  void
  SetUp () override
  {
    dir_.write ("acme.json", kAcme);
    catalogue_ = catalogue_with (dir_.path ());
  }
  PoCatalogue *
  catalogue ()
  {
    return catalogue_.get ();
  }

  TempDir dir_;
  CataloguePtr catalogue_;
};

}  // namespace

TEST_F (ExportAcme, EveryQueryPrepares)
{
  for (PoExportPlatform platform : kPlatforms)
    {
      OsqueryDb db (platform);
      for (const char *id : { "acme-av", "acme-all", "acme-and-kaspersky" })
        {
          SCOPED_TRACE (std::string (id) + " on " + po_export_platform_to_string (platform));
          ExportQueryPtr query = compile (catalogue (), id, platform);
          ASSERT_TRUE (po_export_query_get_findings_sql (query.get ()) != NULL);
          EXPECT_TRUE (db.prepares (po_export_query_get_findings_sql (query.get ())));
          EXPECT_TRUE (db.prepares (po_export_query_get_policy_sql (query.get ())));
        }
    }
}

TEST_F (ExportAcme, QuotesAndWildcardsInNames)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  ExportQueryPtr query = compile (catalogue (), "acme-av", PO_EXPORT_PLATFORM_WINDOWS);
  db.load_json (R"json({
    "programs": [
      {"name": "O'Brien 100% Secure_Suite", "publisher": "O'Brien & Sons, Ltd."},
      {"name": "O'Brien 100X SecureXSuite", "publisher": "O'Brien & Sons, Ltd."},
      {"name": "Acme 50%_ Pro Edition", "publisher": "Acme 100% Software"},
      {"name": "Acme 50X_ Pro Edition", "publisher": "Acme 100% Software"},
      {"name": "Acme 50%X Pro Edition", "publisher": "Acme 100% Software"},
      {"name": "Acme 50%_ Copy Edition", "publisher": "Acme 100X Software"}
    ]
  })json");

  /* '%' and '_' of the names are literal; '*' of the globs is not */
  EXPECT_EQ (found (db, query.get ()), (std::set<std::string>{ "programs:O'Brien 100% Secure_Suite",
                                                               "programs:Acme 50%_ Pro Edition" }));
}

/* free text folds the white space the catalogue folds: a no-break space, a
 * vertical tab, an ideographic space (po_text_is_space()) */
TEST_F (ExportAcme, FreeTextFoldsUnicodeWhiteSpace)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  ExportQueryPtr query = compile (catalogue (), "acme-av", PO_EXPORT_PLATFORM_WINDOWS);
  db.load_json ("{\"programs\": ["
                "{\"name\": \"O'Brien 100%\\u00a0Secure_Suite\", "
                "\"publisher\": \"O'Brien &\\u3000Sons,\\u000bLtd.\"}]}");

  EXPECT_EQ (found (db, query.get ()),
             (std::set<std::string>{ "programs:O'Brien 100%\u00a0Secure_Suite" }));
}

TEST_F (ExportAcme, WindowsPathsAndServiceGlobs)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  ExportQueryPtr query = compile (catalogue (), "acme-av", PO_EXPORT_PLATFORM_WINDOWS);
  db.load_json (R"json({
    "services": [
      {"name": "ACME-SVC", "path": "C:\\Windows\\acme.exe"},
      {"name": "AcmeSvc", "path": "C:\\Windows\\acme.exe"},
      {"name": "helper", "path": "\"C:\\Program Files\\Acme_Dir\\helper.exe\" --run"},
      {"name": "helper2", "path": "C:/Program Files/acme_dir/helper2.exe"},
      {"name": "helper3", "path": "C:\\Program Files\\AcmeXDir\\helper3.exe"}
    ],
    "processes": [
      {"pid": 5, "name": "tool.exe", "path": "c:\\program files\\ACME_DIR\\tool.exe"}
    ]
  })json");

  /* '?' is one character; '/' and '\' are the same; case does not matter;
   * the '_' of Acme_Dir is not a wildcard */
  EXPECT_EQ (found (db, query.get ()),
             (std::set<std::string>{ "services:ACME-SVC", "services:helper", "services:helper2",
                                     "processes:tool.exe" }));
}

TEST_F (ExportAcme, LinuxNamesAreCaseSensitive)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_LINUX);
  ExportQueryPtr query = compile (catalogue (), "acme-av", PO_EXPORT_PLATFORM_LINUX);
  db.load_json (R"json({
    "deb_packages": [
      {"name": "acme-av", "status": "install ok installed"},
      {"name": "acme-av", "status": "hold ok unpacked"},
      {"name": "acme-avx", "status": "install ok installed"}
    ],
    "rpm_packages": [
      {"name": "Acme_AV-core", "version": "1"},
      {"name": "acme_av-core", "version": "1"},
      {"name": "AcmeXAV", "version": "1"}
    ]
  })json");
  std::vector<Row> rows = finding_rows (db, query.get ());

  EXPECT_EQ (found (db, query.get ()),
             (std::set<std::string>{ "deb_packages:acme-av", "rpm_packages:Acme_AV-core" }));
  EXPECT_EQ (rows.size (), 3u); /* both acme-av states have files on disk */
}

TEST_F (ExportAcme, AStatementInANameIsJustAName)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_LINUX);
  ExportQueryPtr query = compile (catalogue (), "acme-all", PO_EXPORT_PLATFORM_LINUX);
  db.load_json (R"json({
    "processes": [
      {"pid": 9, "name": "x'); DROP TABLE processes; --", "path": "", "uid": 0},
      {"pid": 10, "name": "x", "path": "", "uid": 0}
    ]
  })json");

  EXPECT_TRUE (db.prepares (po_export_query_get_findings_sql (query.get ())));
  EXPECT_EQ (found (db, query.get ()),
             (std::set<std::string>{ "processes:x'); DROP TABLE processes; --" }));
  EXPECT_EQ (db.query ("SELECT count(*) AS n FROM processes")[0].at ("n"), "2");
}

TEST_F (ExportAcme, KernelModulesAndLeftOutKinds)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_LINUX);
  ExportQueryPtr av = compile (catalogue (), "acme-av", PO_EXPORT_PLATFORM_LINUX);
  ExportQueryPtr all = compile (catalogue (), "acme-all", PO_EXPORT_PLATFORM_LINUX);
  db.load_json (R"json({
    "kernel_modules": [{"name": "acme_shield", "status": "Live"}, {"name": "acme-shieldx"}]
  })json");

  /* an edr product: not anti-virus */
  EXPECT_TRUE (found (db, av.get ()).empty ());
  EXPECT_EQ (found (db, all.get ()), (std::set<std::string>{ "kernel_modules:acme_shield" }));
  EXPECT_TRUE (Contains (po_export_query_get_notes (all.get ()),
                         "acme-all on linux: acme/kmod-only (edr): linux.kernel_module_signer "
                         "Acme CA not looked for: osquery's kernel_modules table has no signer"));
}

TEST_F (ExportAcme, SeveralVendors)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  ExportQueryPtr query = compile (catalogue (), "acme-and-kaspersky", PO_EXPORT_PLATFORM_WINDOWS);
  db.load_json (R"json({
    "programs": [
      {"name": "Kaspersky Endpoint Security for Windows", "publisher": "AO Kaspersky Lab"},
      {"name": "O'Brien 100% Secure_Suite", "publisher": "O'Brien & Sons, Ltd."},
      {"name": "Kaspersky Endpoint Security for Windows", "publisher": "O'Brien & Sons, Ltd."},
      {"name": "O'Brien 100% Secure_Suite", "publisher": "AO Kaspersky Lab"}
    ]
  })json");
  std::vector<Row> rows = finding_rows (db, query.get ());
  std::multiset<std::string> matched;

  /* each name needs its own vendor's publisher; a publisher alone is a
   * vendor-wide finding of an "all" policy */
  for (const auto &row : rows)
    matched.insert (row.at ("name") + " | " + row.at ("signer") + " | " + row.at ("matched"));
  EXPECT_EQ (matched, (std::multiset<std::string>{
                        "Kaspersky Endpoint Security for Windows | AO Kaspersky Lab | "
                        "kaspersky/kes-windows (antivirus): windows.program",
                        "O'Brien 100% Secure_Suite | O'Brien & Sons, Ltd. | "
                        "acme/quote (antivirus): windows.program",
                        "Kaspersky Endpoint Security for Windows | O'Brien & Sons, Ltd. | "
                        "acme (vendor-wide): windows.publisher",
                        "O'Brien 100% Secure_Suite | AO Kaspersky Lab | "
                        "kaspersky (vendor-wide): windows.publisher *kaspersky*" }));
}

TEST_F (ExportAcme, NothingToLookForOnAPlatform)
{
  TempDir dir;
  dir.write ("linux-only.json", tux_policy_file (R"("deb_package": ["tuxav"])"));
  CataloguePtr tux = catalogue_with (dir.path (), false);
  ExportQueryPtr windows = compile (tux.get (), "no-tux", PO_EXPORT_PLATFORM_WINDOWS);
  ExportQueryPtr on_linux = compile (tux.get (), "no-tux", PO_EXPORT_PLATFORM_LINUX);

  EXPECT_EQ (po_export_query_get_findings_sql (windows.get ()), nullptr);
  EXPECT_EQ (po_export_query_get_policy_sql (windows.get ()), nullptr);
  EXPECT_EQ (po_export_query_get_n_indicators (windows.get ()), 0u);
  EXPECT_EQ (po_export_query_get_tables (windows.get ())[0], nullptr);
  ASSERT_NE (po_export_query_get_findings_sql (on_linux.get ()), nullptr);
  EXPECT_EQ (po_export_query_get_n_indicators (on_linux.get ()), 1u);
  EXPECT_STREQ (po_export_query_get_tables (on_linux.get ())[0], "deb_packages");
  EXPECT_EQ (po_export_query_get_tables (on_linux.get ())[1], nullptr);
}

/* snaps and flatpaks are left out, with the reason, and the SQL names no table for them */
TEST (ExportSql, SnapAndFlatpakAreNotLookedFor)
{
  TempDir dir;
  dir.write ("apps.json", tux_policy_file (R"("deb_package": ["tuxav"], "snap": ["tuxav"],
                                             "flatpak": ["org.tux.*"])"));
  CataloguePtr tux = catalogue_with (dir.path (), false);
  ExportQueryPtr on_linux = compile (tux.get (), "no-tux", PO_EXPORT_PLATFORM_LINUX);
  OsqueryDb db (PO_EXPORT_PLATFORM_LINUX);

  EXPECT_EQ (po_export_query_get_n_indicators (on_linux.get ()), 1u);
  EXPECT_STREQ (po_export_query_get_tables (on_linux.get ())[0], "deb_packages");
  EXPECT_EQ (po_export_query_get_tables (on_linux.get ())[1], nullptr);
  EXPECT_TRUE (db.prepares (po_export_query_get_findings_sql (on_linux.get ())));
  std::string notes = po_export_query_get_notes (on_linux.get ());
  EXPECT_TRUE (Contains (notes, "no-tux on linux: tux/tuxav (antivirus): linux.snap tuxav not "
                                "looked for: osquery's snap_packages table is too new"))
    << notes;
  EXPECT_TRUE (Contains (notes, "linux.flatpak org.tux.* not looked for: osquery has no "
                                "flatpak table"))
    << notes;
}
