/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The built-in catalogue compiled for every platform: every query prepares
 * against osquery's tables, and runs right on the fixture hosts of
 * tests/fixtures/export/<platform>/:
 *
 *   clean      nothing of Kaspersky's
 *   antivirus  a Kaspersky anti-virus install
 *   agent      the Kaspersky Security Center Network Agent alone (management)
 *   lookalike  names like Kaspersky's that are not Kaspersky's: another
 *              publisher or signer or Team ID, a name merely containing
 *              the vendor's, a removed-but-not-purged package, a unit
 *              systemd only remembers, a user's copy of a program run
 *              as kesl, a root-owned but world-writable kesl
 */
#include "export-test-util.h"

using namespace po_test;

namespace {

/* the built-in policies that cover every category, so the management agent */
bool
covers_all (const std::string &id)
{
  PoPolicy *policy = po_catalogue_lookup_policy (builtin_catalogue (), id.c_str ());
  return g_strv_contains (po_policy_get_categories (policy), "all");
}

/* the built-in policies that name Kaspersky whole and reach a desktop or
 * server: the Kaspersky fixture hosts are theirs to find */
bool
finds_kaspersky (const std::string &id)
{
  PoPolicy *policy = po_catalogue_lookup_policy (builtin_catalogue (), id.c_str ());
  return g_strv_contains (po_policy_get_vendors (policy), "kaspersky")
         && po_policy_covers_hosts (policy);
}

}  // namespace

TEST (ExportBuiltin, EveryQueryPrepares)
{
  for (PoExportPlatform platform : kPlatforms)
    {
      OsqueryDb db (platform);
      for (const auto &id : builtin_policy_ids ())
        {
          const gchar *const *parts = po_export_platform_get_parts (platform);
          for (gint k = -1; k < 0 || parts[k] != NULL; k++)
            {
              const char *part = k < 0 ? NULL : parts[k];
              SCOPED_TRACE (id + " on " + po_export_platform_to_string (platform)
                            + (part != NULL ? std::string (", ") + part : ""));
              ExportQueryPtr query (po_export_query_new_part (
                builtin_catalogue (),
                po_catalogue_lookup_policy (builtin_catalogue (), id.c_str ()), platform, part));
              /* Kaspersky's indicators are on every platform; other vendors' where sourced */
              if (finds_kaspersky (id) && part == NULL)
                {
                  ASSERT_TRUE (po_export_query_get_findings_sql (query.get ()) != NULL);
                }
              if (po_export_query_get_findings_sql (query.get ()) == NULL)
                {
                  EXPECT_EQ (po_export_query_get_policy_sql (query.get ()), nullptr);
                  continue;
                }
              EXPECT_TRUE (db.prepares (po_export_query_get_findings_sql (query.get ())));
              if (po_export_query_get_policy_sql (query.get ()) != NULL)
                {
                  EXPECT_TRUE (db.prepares (po_export_query_get_policy_sql (query.get ())));
                }
              else
                EXPECT_EQ (po_export_query_get_n_unconfirmed (query.get ()),
                           po_export_query_get_n_indicators (query.get ()))
                  << "no pass/fail query, yet confirmed indicators";
              EXPECT_GT (po_export_query_get_n_indicators (query.get ()), 0u);
              for (const gchar *const *table = po_export_query_get_tables (query.get ());
                   *table != NULL; table++)
                EXPECT_EQ (db.tables ().count (*table), 1u) << *table;
            }
        }
    }
}

TEST (ExportBuiltin, BuiltinPoliciesAreThere)
{
  /* the matrix below means something only if both kinds are in it */
  std::vector<std::string> ids = builtin_policy_ids ();
  EXPECT_NE (std::find (ids.begin (), ids.end (), "nl-kamerbrief-2018"), ids.end ());
  EXPECT_NE (std::find (ids.begin (), ids.end (), "us-dhs-bod-17-01"), ids.end ());
  EXPECT_FALSE (covers_all ("nl-kamerbrief-2018"));
  EXPECT_TRUE (covers_all ("us-dhs-bod-17-01"));
}

/*
 * Every policy, platform and fixture host: what the findings query finds,
 * and what the Fleet policy query says (a row when compliant).
 */
TEST (ExportBuiltin, FixtureMatrix)
{
  for (PoExportPlatform platform : kPlatforms)
    for (const char *host : { "clean", "antivirus", "agent", "lookalike" })
      {
        OsqueryDb db (platform);
        db.load (host);
        for (const auto &id : builtin_policy_ids ())
          {
            SCOPED_TRACE (id + " on " + po_export_platform_to_string (platform) + ", host " + host);
            ExportQueryPtr query = compile (builtin_catalogue (), id, platform);
            /* the export leaves phones-only policies out (ExportOutput tests) */
            if (!po_policy_covers_hosts (po_export_query_get_policy (query.get ())))
              continue;
            if (po_export_query_get_policy_sql (query.get ()) == NULL)
              {
                /* nothing but weak or no indicators there: nothing of Kaspersky's */
                EXPECT_FALSE (finds_kaspersky (id));
                continue;
              }
            std::vector<Row> findings = finding_rows (db, query.get ());
            std::vector<Row> verdict = db.query (po_export_query_get_policy_sql (query.get ()));
            bool expect_findings = finds_kaspersky (id)
                                   && (g_str_equal (host, "antivirus")
                                       || (g_str_equal (host, "agent") && covers_all (id)));

            if (expect_findings)
              {
                EXPECT_FALSE (findings.empty ());
                EXPECT_TRUE (verdict.empty ()) << "the Fleet policy passes although something "
                                                  "was found";
              }
            else
              {
                for (const auto &row : findings)
                  ADD_FAILURE () << "unexpected finding " << row.at ("source") << ":"
                                 << row.at ("name") << " (" << row.at ("matched") << ")";
                EXPECT_EQ (verdict.size (), 1u) << "the Fleet policy fails on a compliant host";
                if (verdict.size () == 1)
                  {
                    EXPECT_EQ (verdict[0].begin ()->second, "1");
                  }
              }
          }
      }
}

TEST (ExportBuiltin, WindowsAntivirusForTheNetherlands)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  db.load ("antivirus");
  ExportQueryPtr query = compile (builtin_catalogue (), "nl-kamerbrief-2018",
                                  PO_EXPORT_PLATFORM_WINDOWS);

  /* anti-virus products only: the klif driver is vendor-wide (shared by
   * several products), which only "all" policies cover */
  EXPECT_EQ (found (db, query.get ()),
             (std::set<std::string>{ "programs:Kaspersky Endpoint Security for Windows",
                                     "services:AVP.KES.12.3", "processes:avp.exe" }));
  for (const auto &row : finding_rows (db, query.get ()))
    if (row.at ("source") == "programs")
      {
        EXPECT_EQ (row.at ("version"), "12.3.0.493");
        EXPECT_EQ (row.at ("signer"), "AO Kaspersky Lab");
        EXPECT_EQ (row.at ("matched"), "kaspersky/kes-windows (antivirus): windows.program");
      }
}

TEST (ExportBuiltin, WindowsDriversForTheUsDirective)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  db.load ("antivirus");
  ExportQueryPtr query = compile (builtin_catalogue (), "us-dhs-bod-17-01",
                                  PO_EXPORT_PLATFORM_WINDOWS);
  std::set<std::string> what = found (db, query.get ());

  /* the file-system driver as a service and as a file with its signer */
  EXPECT_EQ (what.count ("services:klif"), 1u);
  EXPECT_EQ (what.count ("file:klif.sys"), 1u);
  EXPECT_EQ (what.count ("file:ntfs.sys"), 0u);
  for (const auto &row : finding_rows (db, query.get ()))
    {
      if (row.at ("source") == "file")
        {
          EXPECT_EQ (row.at ("signer"), "AO Kaspersky Lab");
          EXPECT_EQ (row.at ("version"), "12.3.0.493");
          EXPECT_EQ (row.at ("matched"), "kaspersky (vendor-wide): windows.driver");
        }
      if (row.at ("name") == "klif" && row.at ("source") == "services")
        {
          EXPECT_EQ (row.at ("detail"), "FILE_SYSTEM_DRIVER RUNNING");
        }
      /* a product's indicator wins over the vendor-wide one on the same row */
      if (row.at ("source") == "programs")
        {
          EXPECT_EQ (row.at ("matched"), "kaspersky/kes-windows (antivirus): windows.program");
        }
    }
}

TEST (ExportBuiltin, WindowsDriverSigners)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  ExportQueryPtr query = compile (builtin_catalogue (), "us-dhs-bod-17-01",
                                  PO_EXPORT_PLATFORM_WINDOWS);
  db.load_json (R"json({
    "file": [
      {"path": "C:\\Windows\\System32\\drivers\\klwfp.sys", "directory": "C:\\Windows\\System32\\drivers", "filename": "klwfp.sys"},
      {"path": "C:\\Windows\\System32\\drivers\\K4W-21-25\\KLIF.KES-21-9.sys", "directory": "C:\\Windows\\System32\\drivers\\K4W-21-25", "filename": "KLIF.KES-21-9.sys"},
      {"path": "C:\\Windows\\System32\\drivers\\klelam.sys", "directory": "C:\\Windows\\System32\\drivers", "filename": "klelam.sys"},
      {"path": "C:\\Windows\\System32\\drivers\\kldisk.sys", "directory": "C:\\Windows\\System32\\drivers", "filename": "kldisk.sys"},
      {"path": "C:\\Windows\\System32\\drivers\\klpd.sys", "directory": "C:\\Windows\\System32\\drivers", "filename": "klpd.sys"},
      {"path": "C:\\Temp\\klif.sys", "directory": "C:\\Temp", "filename": "klif.sys"}
    ],
    "authenticode": [
      {"path": "C:\\Windows\\System32\\drivers\\klwfp.sys", "subject_name": "Microsoft Windows Hardware Compatibility Publisher"},
      {"path": "C:\\Windows\\System32\\drivers\\K4W-21-25\\KLIF.KES-21-9.sys", "subject_name": "  Kaspersky   Lab JSC "},
      {"path": "C:\\Windows\\System32\\drivers\\klelam.sys", "subject_name": "Microsoft Windows Early Launch Anti-malware Publisher"},
      {"path": "C:\\Windows\\System32\\drivers\\kldisk.sys", "subject_name": "Not Kaspersky Ltd"},
      {"path": "C:\\Temp\\klif.sys", "subject_name": "AO Kaspersky Lab"}
    ]
  })json");

  /* Microsoft co-signs drivers; a file osquery reads no signer from
   * (klpd.sys: catalog-signed) goes by its name; a third party's signer
   * rules the name out; only the driver folder is looked at */
  EXPECT_EQ (found (db, query.get ()),
             (std::set<std::string>{ "file:klwfp.sys", "file:KLIF.KES-21-9.sys", "file:klelam.sys",
                                     "file:klpd.sys" }));
}

/* the consumer products' versioned driver names (Kaspersky for Windows 21.25), as a real
 * install lists them, and files that only look alike */
TEST (ExportBuiltin, WindowsConsumerDriverNames)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  ExportQueryPtr query = compile (builtin_catalogue (), "us-dhs-bod-17-01",
                                  PO_EXPORT_PLATFORM_WINDOWS);
  db.load_json (R"json({
    "file": [
      {"path": "C:\\Windows\\system32\\Drivers\\klupd_K4W-21-25_arkmon.sys", "directory": "C:\\Windows\\system32\\Drivers", "filename": "klupd_K4W-21-25_arkmon.sys"},
      {"path": "C:\\Windows\\system32\\Drivers\\klupd_K4W-21-25_klbg.sys", "directory": "C:\\Windows\\system32\\Drivers", "filename": "klupd_K4W-21-25_klbg.sys"},
      {"path": "C:\\Windows\\system32\\Drivers\\klupd_K4W-21-25_mark.sys.disabled", "directory": "C:\\Windows\\system32\\Drivers", "filename": "klupd_K4W-21-25_mark.sys.disabled"},
      {"path": "C:\\Windows\\system32\\Drivers\\myklupd_K4W-21-25_klbg.sys", "directory": "C:\\Windows\\system32\\Drivers", "filename": "myklupd_K4W-21-25_klbg.sys"},
      {"path": "C:\\Windows\\system32\\Drivers\\kbdclass.sys", "directory": "C:\\Windows\\system32\\Drivers", "filename": "kbdclass.sys"},
      {"path": "C:\\Windows\\system32\\Drivers\\ksecdd.sys", "directory": "C:\\Windows\\system32\\Drivers", "filename": "ksecdd.sys"}
    ],
    "authenticode": [
      {"path": "C:\\Windows\\system32\\Drivers\\klupd_K4W-21-25_arkmon.sys", "subject_name": "AO Kaspersky Lab"},
      {"path": "C:\\Windows\\system32\\Drivers\\klupd_K4W-21-25_klbg.sys", "subject_name": "Microsoft Windows Hardware Compatibility Publisher"},
      {"path": "C:\\Windows\\system32\\Drivers\\kbdclass.sys", "subject_name": "Microsoft Windows"}
    ],
    "services": [
      {"name": "klupd_K4W-21-25_arkmon", "path": "C:\\Windows\\system32\\Drivers\\klupd_K4W-21-25_arkmon.sys", "service_type": "KERNEL_DRIVER", "status": "RUNNING"},
      {"name": "kbdclass", "path": "C:\\Windows\\system32\\drivers\\kbdclass.sys", "service_type": "KERNEL_DRIVER", "status": "RUNNING"}
    ]
  })json");

  EXPECT_EQ (found (db, query.get ()),
             (std::set<std::string>{ "file:klupd_K4W-21-25_arkmon.sys",
                                     "file:klupd_K4W-21-25_klbg.sys",
                                     "services:klupd_K4W-21-25_arkmon" }));
  for (const auto &row : finding_rows (db, query.get ()))
    EXPECT_EQ (row.at ("matched"), "kaspersky (vendor-wide): windows.driver klupd_k4w-*_*.sys")
      << row.at ("name");
}

TEST (ExportBuiltin, WindowsNamesIgnoreCaseAndSpacing)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  ExportQueryPtr query = compile (builtin_catalogue (), "nl-kamerbrief-2018",
                                  PO_EXPORT_PLATFORM_WINDOWS);
  db.load_json (R"json({
    "programs": [
      {"name": "KASPERSKY  ENDPOINT\tSECURITY for windows ", "publisher": " ao  kaspersky LAB"},
      {"name": "Kaspersky Endpoint Security 10 for Windows", "publisher": "Kaspersky Lab"},
      {"name": "Kaspersky Security Cloud - Free", "publisher": "AO Kaspersky Lab"},
      {"name": "Kaspersky Endpoint Security for Windows (Uninstall Helper)", "publisher": "AO Kaspersky Lab"}
    ],
    "services": [
      {"name": "avp21.2", "service_type": "OWN_PROCESS"},
      {"name": "AVP21", "service_type": "OWN_PROCESS"}
    ],
    "processes": [
      {"pid": 7, "name": "AVPUI.EXE", "path": "C:/Program Files/Kaspersky Lab/avpui.exe"}
    ]
  })json");

  EXPECT_EQ (found (db, query.get ()),
             (std::set<std::string>{ "programs:KASPERSKY  ENDPOINT\tSECURITY for windows ",
                                     "programs:Kaspersky Endpoint Security 10 for Windows",
                                     "programs:Kaspersky Security Cloud - Free", "services:avp21.2",
                                     "processes:AVPUI.EXE" }));
}

TEST (ExportBuiltin, WindowsPublisherAloneOnlyForAllPolicies)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  db.load_json (R"json({
    "programs": [
      {"name": "Kaspersky Password Manager", "publisher": "AO Kaspersky Lab"},
      {"name": "Kaspersky Rescue Tool", "publisher": "Kaspersky Lab ZAO"}
    ]
  })json");
  ExportQueryPtr nl = compile (builtin_catalogue (), "nl-kamerbrief-2018",
                               PO_EXPORT_PLATFORM_WINDOWS);
  ExportQueryPtr us = compile (builtin_catalogue (), "us-dhs-bod-17-01",
                               PO_EXPORT_PLATFORM_WINDOWS);

  /* a password manager is not anti-virus; BOD 17-01 covers everything */
  EXPECT_TRUE (found (db, nl.get ()).empty ());
  EXPECT_EQ (found (db, us.get ()), (std::set<std::string>{ "programs:Kaspersky Password Manager",
                                                            "programs:Kaspersky Rescue Tool" }));
  for (const auto &row : finding_rows (db, us.get ()))
    {
      EXPECT_EQ (row.at ("matched"),
                 row.at ("name") == "Kaspersky Rescue Tool"
                   ? "kaspersky (vendor-wide): windows.publisher *kaspersky*"
                   : "kaspersky/kaspersky-password-manager (password-manager): windows.program");
    }
}

TEST (ExportBuiltin, LinuxPackagesUnitsProcesses)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_LINUX);
  db.load ("antivirus");
  ExportQueryPtr query = compile (builtin_catalogue (), "nl-kamerbrief-2018",
                                  PO_EXPORT_PLATFORM_LINUX);

  EXPECT_EQ (found (db, query.get ()),
             (std::set<std::string>{ "deb_packages:kesl", "systemd_units:kesl.service",
                                     "processes:kesl" }));
  for (const auto &row : finding_rows (db, query.get ()))
    if (row.at ("source") == "deb_packages")
      {
        EXPECT_EQ (row.at ("version"), "12.1.0-1297");
        EXPECT_EQ (row.at ("detail"), "install ok installed");
        EXPECT_EQ (row.at ("matched"), "kaspersky/kesl (antivirus): linux.deb_package");
      }
}

TEST (ExportBuiltin, LinuxRpmAndKernelModules)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_LINUX);
  db.load ("antivirus-rpm");
  ExportQueryPtr query = compile (builtin_catalogue (), "nl-kamerbrief-2018",
                                  PO_EXPORT_PLATFORM_LINUX);

  /* kmod names treat '-' and '_' alike: kav4fs-oas1 is kav4fs_oas* */
  EXPECT_EQ (found (db, query.get ()),
             (std::set<std::string>{ "rpm_packages:kesl", "kernel_modules:kav4fs-oas1" }));
  for (const auto &row : finding_rows (db, query.get ()))
    if (row.at ("source") == "rpm_packages")
      {
        EXPECT_EQ (row.at ("version"), "12.1.0-1297");
      }
}

TEST (ExportBuiltin, LinuxProcessByExecutableName)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_LINUX);
  db.load_json (R"json({
    "processes": [
      {"pid": 10, "name": "wrapper", "path": "/usr/local/bin/kesl-control", "uid": 1000, "on_disk": 1},
      {"pid": 11, "name": "Kesl", "path": "/usr/bin/Kesl", "uid": 0, "on_disk": 1},
      {"pid": 12, "name": "kav4fs-supervisor", "path": "", "uid": 0, "on_disk": -1},
      {"pid": 13, "name": "kav4fs-watchdog", "path": "/opt/gone/kav4fs-watchdog", "uid": 0, "on_disk": 0}
    ],
    "file": [
      {"path": "/usr/local/bin/kesl-control", "uid": 0, "mode": "0755"},
      {"path": "/usr/bin/Kesl", "uid": 0, "mode": "0755"}
    ]
  })json");
  ExportQueryPtr query = compile (builtin_catalogue (), "nl-kamerbrief-2018",
                                  PO_EXPORT_PLATFORM_LINUX);

  /* Linux names are case-sensitive: Kesl is not kesl.  The executable
   * counts whoever runs it (root owns it); the name alone for a root
   * process with no executable to read; a deleted one for a root process */
  EXPECT_EQ (found (db, query.get ()),
             (std::set<std::string>{ "processes:wrapper", "processes:kav4fs-supervisor",
                                     "processes:kav4fs-watchdog" }));
}

/* anyone can start a program under a banned name: only what a user could
 * not have made counts (the rule banned_software applies on the host) */
TEST (ExportBuiltin, LinuxProcessLookAlikesAreNotFindings)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_LINUX);
  db.load_json (R"json({
    "processes": [
      {"pid": 20, "name": "kesl", "path": "/home/alice/kesl", "uid": 1000, "on_disk": 1},
      {"pid": 21, "name": "kesl", "path": "/usr/bin/sleep", "uid": 0, "on_disk": 1},
      {"pid": 22, "name": "kesl", "path": "/srv/drop/kesl", "uid": 0, "on_disk": 1},
      {"pid": 23, "name": "kesl", "path": "/srv/drop/kesl", "uid": 0, "on_disk": 1},
      {"pid": 24, "name": "kesl", "path": "/home/alice/old/kesl", "uid": 1000, "on_disk": 0},
      {"pid": 25, "name": "kesl", "path": "", "uid": 1000, "on_disk": -1},
      {"pid": 26, "name": "kesl", "path": "/tmp/unseen/kesl", "uid": 0, "on_disk": 1}
    ],
    "file": [
      {"path": "/home/alice/kesl", "uid": 1000, "mode": "0755"},
      {"path": "/usr/bin/sleep", "uid": 0, "mode": "0755"},
      {"path": "/srv/drop/kesl", "uid": 0, "mode": "0775"}
    ]
  })json");
  ExportQueryPtr query = compile (builtin_catalogue (), "nl-kamerbrief-2018",
                                  PO_EXPORT_PLATFORM_LINUX);

  EXPECT_EQ (found (db, query.get ()), std::set<std::string>{});

  /* the same processes with root's executables are findings */
  db.query ("UPDATE file SET uid = 0, mode = '0755'");
  db.query ("INSERT INTO file (path, uid, mode) VALUES ('/tmp/unseen/kesl', 0, '0755')");
  EXPECT_EQ (finding_rows (db, query.get ()).size (), 4u); /* 20, 22, 23, 26 */
}

TEST (ExportBuiltin, MacTeamIdentity)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_DARWIN);
  db.load ("antivirus");
  ExportQueryPtr nl = compile (builtin_catalogue (), "nl-kamerbrief-2018",
                               PO_EXPORT_PLATFORM_DARWIN);
  ExportQueryPtr us = compile (builtin_catalogue (), "us-dhs-bod-17-01", PO_EXPORT_PLATFORM_DARWIN);
  std::set<std::string> expected = { "apps:Kaspersky Internet Security.app",
                                     "system_extensions:com.kaspersky.kav.sysext",
                                     "launchd:com.kaspersky.kav", "processes:kav" };

  EXPECT_EQ (found (db, nl.get ()), expected);
  EXPECT_EQ (found (db, us.get ()), expected);
  /* the universal binary has two signature rows; the app is one finding,
   * with its Team ID */
  size_t n_apps = 0;
  for (const auto &row : finding_rows (db, nl.get ()))
    if (row.at ("source") == "apps")
      {
        n_apps++;
        EXPECT_EQ (row.at ("signer"), "2Y8XE5CQ94");
        EXPECT_EQ (row.at ("detail"), "com.kaspersky.kav.gui");
      }
  EXPECT_EQ (n_apps, 1u);
}

TEST (ExportBuiltin, MacTeamAloneOnlyForAllPolicies)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_DARWIN);
  db.load_json (R"json({
    "system_extensions": [
      {"identifier": "com.kaspersky.vpn.tunnel", "team": "2y8xe5cq94", "state": "activated_enabled"}
    ]
  })json");
  ExportQueryPtr nl = compile (builtin_catalogue (), "nl-kamerbrief-2018",
                               PO_EXPORT_PLATFORM_DARWIN);
  ExportQueryPtr us = compile (builtin_catalogue (), "us-dhs-bod-17-01", PO_EXPORT_PLATFORM_DARWIN);

  EXPECT_TRUE (found (db, nl.get ()).empty ());
  EXPECT_EQ (found (db, us.get ()),
             (std::set<std::string>{ "system_extensions:com.kaspersky.vpn.tunnel" }));
}

TEST (ExportBuiltin, ProductsAndNotes)
{
  ExportQueryPtr nl = compile (builtin_catalogue (), "nl-kamerbrief-2018",
                               PO_EXPORT_PLATFORM_WINDOWS);
  ExportQueryPtr us = compile (builtin_catalogue (), "us-dhs-bod-17-01", PO_EXPORT_PLATFORM_DARWIN);
  ExportQueryPtr us_windows = compile (builtin_catalogue (), "us-dhs-bod-17-01",
                                       PO_EXPORT_PLATFORM_WINDOWS);
  std::vector<std::string> products;

  for (const gchar *const *p = po_export_query_get_products (nl.get ()); *p != NULL; p++)
    products.push_back (*p);
  EXPECT_NE (std::find (products.begin (), products.end (),
                        "Kaspersky Endpoint Security for Windows"),
             products.end ());
  EXPECT_EQ (std::find (products.begin (), products.end (),
                        "Kaspersky Security Center Network Agent"),
             products.end ());
  EXPECT_FALSE (po_export_query_get_vendor_wide (nl.get ()));
  EXPECT_TRUE (po_export_query_get_vendor_wide (us.get ()));
  EXPECT_STREQ (po_export_query_get_notes (nl.get ()), "");
  EXPECT_TRUE (Contains (po_export_query_get_notes (us.get ()),
                         "macos.package_receipt com.kaspersky.kav.* not looked for: package "
                         "receipts outlive uninstalls"));
  EXPECT_TRUE (Contains (po_export_query_get_notes (us_windows.get ()),
                         "windows.signer AO Kaspersky Lab not looked for: used only to confirm"));
}
