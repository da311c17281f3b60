/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The government app bans exported to plain osquery SQL, for Windows and
 * macOS hosts (tests/fixtures/export/<platform>/bans*.json): every new
 * product is found under exactly the policies that cover it, through the
 * kinds the bans needed (Store packages in a query of their own, for
 * osquery 5.17.0 and later; Add/Remove Programs keys through the registry
 * table, constrained as osquery needs and checked against the publisher);
 * weak indicators are listed but fail no Fleet policy; phones-only
 * policies are not exported; the Fleet resolution says how to remove.
 */
#include "export-test-util.h"

#include <regex>

using namespace po_test;

namespace {

using Found = std::set<std::string>;

/* every query of a policy on a platform: the main one and its parts */
std::vector<ExportQueryPtr>
compile_parts (const std::string &id, PoExportPlatform platform)
{
  std::vector<ExportQueryPtr> out;
  PoPolicy *policy = po_catalogue_lookup_policy (builtin_catalogue (), id.c_str ());
  const gchar *const *parts = po_export_platform_get_parts (platform);

  EXPECT_NE (policy, nullptr) << id;
  for (gint k = -1; policy != NULL && (k < 0 || parts[k] != NULL); k++)
    out.emplace_back (
      po_export_query_new_part (builtin_catalogue (), policy, platform, k < 0 ? NULL : parts[k]));
  return out;
}

/* what every query of the policy finds ("source:name") */
Found
found_all (OsqueryDb &db, const std::string &id, PoExportPlatform platform)
{
  Found all;
  for (const auto &query : compile_parts (id, platform))
    if (po_export_query_get_findings_sql (query.get ()) != NULL)
      for (const auto &f : found (db, query.get ()))
        all.insert (f);
  return all;
}

/* whether some pass/fail query of the policy fails (returns no row) */
bool
fails (OsqueryDb &db, const std::string &id, PoExportPlatform platform)
{
  bool failed = false;
  for (const auto &query : compile_parts (id, platform))
    if (po_export_query_get_policy_sql (query.get ()) != NULL)
      failed = failed || db.query (po_export_query_get_policy_sql (query.get ())).empty ();
  return failed;
}

const Found kTikTok = { "programs:TikTok" };
const Found kTencentWindows = { "programs:Weixin", "programs:腾讯QQ", "registry:Weixin" };
const Found kCapCutWindows = { "programs:CapCut", "registry:CapCut" };
const Found kDingTalkWindows = { "programs:DingTalk", "registry:DingTalk" };
const Found kHiSuite = { "programs:HiSuite", "registry:Hi Suite" };
const Found kSmartPss = { "programs:SmartPSSLite 1.003.0000006.0", "registry:SmartPSSLite" };
const Found kIvms = { "processes:iVMS-4200.exe" };

Found
operator+ (Found a, const Found &b)
{
  a.insert (b.begin (), b.end ());
  return a;
}

struct Expectation {
  const char *policy;
  Found found;
  bool fails; /* a confirmed indicator among them */
};

}  // namespace

/* the Windows host with one of each: per policy, what it finds and whether Fleet fails it */
TEST (ExportBans, WindowsHostUnderEveryPolicy)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  db.load ("bans");
  const Expectation expectations[] = {
    { "us-tiktok-2022", kTikTok, true },
    { "uk-tiktok-2023", kTikTok, true },
    { "au-tiktok-2023", kTikTok, true },
    { "us-tx-2022", kTikTok, true },
    /* every ByteDance and Tencent app: the publisher of Tencent is corroborated,
     * CapCut's names are weak (one source) */
    { "us-va-2022", kTikTok + kTencentWindows + kCapCutWindows, true },
    { "us-tx-2023", kTikTok + kTencentWindows + kCapCutWindows, true },
    { "us-oh-2023", kTikTok + kTencentWindows + kCapCutWindows + kDingTalkWindows, true },
    { "us-md-2022", kTikTok + kTencentWindows + kDingTalkWindows + kHiSuite, true },
    { "us-wi-2023", kTikTok + kTencentWindows + kDingTalkWindows + kHiSuite + kSmartPss + kIvms,
      true },
    /* iVMS-4200's process is corroborated; HiSuite's and SmartPSS Lite's names weak */
    { "us-ndaa19-889", kHiSuite + kSmartPss + kIvms, true },
    /* DeepSeek has no desktop client, Lemon8 none either */
    { "au-deepseek-2025", {}, false },
    { "tw-deepseek-2025", {}, false },
    { "cz-deepseek-2025", {}, false },
    { "us-tx-2025", {}, false },
    { "us-dhs-bod-17-01", {}, false },
  };
  for (const auto &e : expectations)
    {
      SCOPED_TRACE (e.policy);
      EXPECT_EQ (found_all (db, e.policy, PO_EXPORT_PLATFORM_WINDOWS), e.found);
      EXPECT_EQ (fails (db, e.policy, PO_EXPORT_PLATFORM_WINDOWS), e.fails);
    }
}

/* only the weak ones: listed by the findings query, marked, failing no host */
TEST (ExportBans, WeakIndicatorsAreListedButFailNoHost)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  db.load_json (R"json({
    "programs": [{"name": "HiSuite", "version": "14.0.0.380", "publisher": "Huawei Technologies Co., Ltd."}],
    "registry": [
      {"key": "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall", "path": "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Hi Suite", "name": "Hi Suite", "type": "subkey", "data": ""},
      {"key": "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Hi Suite", "path": "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Hi Suite\\Publisher", "name": "Publisher", "type": "REG_SZ", "data": "Huawei Technologies Co., Ltd."}
    ]
  })json");
  ExportQueryPtr query = compile (builtin_catalogue (), "us-ndaa19-889",
                                  PO_EXPORT_PLATFORM_WINDOWS);

  auto rows = finding_rows (db, query.get ());
  ASSERT_EQ (rows.size (), 2u);
  for (const auto &row : rows)
    {
      EXPECT_TRUE (g_str_has_suffix (row.at ("matched").c_str (), " [weak]")) << row.at ("matched");
    }
  Found expected = kHiSuite;
  EXPECT_EQ (found (db, query.get ()), expected);
  /* the pass/fail query has the confirmed indicators only: it passes */
  ASSERT_NE (po_export_query_get_policy_sql (query.get ()), nullptr);
  EXPECT_EQ (db.query (po_export_query_get_policy_sql (query.get ())).size (), 1u);
  EXPECT_EQ (po_export_query_get_policy_sql (query.get ())
               ? std::string (po_export_query_get_policy_sql (query.get ())).find ("[weak]")
               : 0,
             std::string::npos);
  EXPECT_GT (po_export_query_get_n_unconfirmed (query.get ()), 0u);
  EXPECT_LT (po_export_query_get_n_unconfirmed (query.get ()),
             po_export_query_get_n_indicators (query.get ()));
}

TEST (ExportBans, WindowsLookAlikes)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  db.load ("bans-lookalike");
  /* another publisher's key named WeChat, a CapCut key with no publisher,
   * Tencent's key of another name, a WeChat key outside Uninstall, a Store
   * package of TikTok's name but another publisher's id */
  for (const auto &id : builtin_policy_ids ())
    {
      SCOPED_TRACE (id);
      EXPECT_EQ (found_all (db, id, PO_EXPORT_PLATFORM_WINDOWS), Found ());
      EXPECT_FALSE (fails (db, id, PO_EXPORT_PLATFORM_WINDOWS));
    }
}

TEST (ExportBans, WhatTheRowsSay)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_WINDOWS);
  db.load ("bans");
  auto parts = compile_parts ("us-va-2022", PO_EXPORT_PLATFORM_WINDOWS);
  ASSERT_EQ (parts.size (), 2u);

  std::map<std::string, Row> by_name;
  for (const auto &row : finding_rows (db, parts[0].get ()))
    by_name[row.at ("source") + ":" + row.at ("name")] = row;
  ASSERT_EQ (by_name.count ("registry:Weixin"), 1u);
  Row weixin = by_name["registry:Weixin"];
  EXPECT_EQ (weixin.at ("matched"), "tencent/wechat (messaging): windows.uninstall_key [weak]");
  EXPECT_EQ (weixin.at ("signer"), "腾讯科技(深圳)有限公司");
  EXPECT_EQ (weixin.at ("path"), "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\"
                                 "CurrentVersion\\Uninstall\\Weixin");
  EXPECT_EQ (weixin.at ("detail"), "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\"
                                   "CurrentVersion\\Uninstall");
  /* a per-user install, under HKEY_USERS */
  ASSERT_EQ (by_name.count ("registry:CapCut"), 1u);
  EXPECT_TRUE (
    g_str_has_prefix (by_name["registry:CapCut"].at ("path").c_str (), "HKEY_USERS\\S-1-5-21-"));
  /* the QQ entry's own name is weak; its publisher, vendor-wide, is corroborated */
  EXPECT_EQ (by_name["programs:腾讯QQ"].at ("matched"),
             "tencent/qq (messaging): windows.program [weak]");
  EXPECT_EQ (by_name["programs:Weixin"].at ("matched"), "tencent (vendor-wide): windows.publisher");

  auto store = finding_rows (db, parts[1].get ());
  ASSERT_EQ (store.size (), 1u);
  EXPECT_EQ (store[0].at ("source"), "programs");
  EXPECT_EQ (store[0].at ("detail"), "BytedancePte.Ltd.TikTok_6yccndn6064se");
  EXPECT_EQ (store[0].at ("matched"), "bytedance/tiktok (social-media): windows.store_package");
}

/*
 * Store apps have a query of their own: programs.package_family_name is in
 * osquery from 5.17.0, and a query naming a column the agent lacks fails
 * as a whole.  On a 5.16 agent every main query still runs; only the Store
 * queries fail.
 */
TEST (ExportBans, StoreAppsQueryIsSeparate)
{
  OsqueryDb old_agent (PO_EXPORT_PLATFORM_WINDOWS, "5.16.0");
  OsqueryDb new_agent (PO_EXPORT_PLATFORM_WINDOWS, "5.17.0");
  const gchar *const *parts = po_export_platform_get_parts (PO_EXPORT_PLATFORM_WINDOWS);

  ASSERT_NE (parts[0], nullptr);
  EXPECT_STREQ (parts[0], "store_apps");
  EXPECT_EQ (parts[1], nullptr);
  EXPECT_STREQ (po_export_part_get_osquery_version ("store_apps"), "5.17.0");
  EXPECT_EQ (po_export_platform_get_parts (PO_EXPORT_PLATFORM_LINUX)[0], nullptr);
  EXPECT_EQ (po_export_platform_get_parts (PO_EXPORT_PLATFORM_DARWIN)[0], nullptr);

  guint n_store = 0;
  for (const auto &id : builtin_policy_ids ())
    for (const auto &query : compile_parts (id, PO_EXPORT_PLATFORM_WINDOWS))
      {
        if (!po_policy_covers_hosts (po_export_query_get_policy (query.get ())))
          continue;
        const gchar *sql = po_export_query_get_findings_sql (query.get ());
        SCOPED_TRACE (id + (po_export_query_get_part (query.get ()) ? " (store)" : ""));
        if (sql == NULL)
          continue;
        bool store = po_export_query_get_part (query.get ()) != NULL;
        EXPECT_EQ (std::string (sql).find ("package_family_name") != std::string::npos, store);
        EXPECT_TRUE (new_agent.prepares (sql));
        EXPECT_EQ ((bool) old_agent.prepares (sql), !store);
        n_store += store;
      }
  /* the TikTok bans that reach desktops, and the orders naming ByteDance */
  EXPECT_EQ (n_store, 9u);
}

/*
 * osquery's registry table lists a key's subkeys only for a constraint of
 * its own on key or path ('=' or LIKE without ESCAPE); without one it lists
 * the hives.  Every read of registry in the generated SQL has one.
 */
TEST (ExportBans, RegistryReadsAreConstrained)
{
  const std::regex read (
    "FROM registry(?: AS ([a-z]+))?\\s+WHERE ([a-z]+\\.)?(key|path) (=|LIKE) ");
  const std::regex any ("FROM registry");
  guint n_checked = 0;

  for (const auto &id : builtin_policy_ids ())
    for (const auto &query : compile_parts (id, PO_EXPORT_PLATFORM_WINDOWS))
      for (const gchar *sql : { po_export_query_get_findings_sql (query.get ()),
                                po_export_query_get_policy_sql (query.get ()) })
        {
          if (sql == NULL)
            continue;
          std::string text (sql);
          auto n_any = std::distance (std::sregex_iterator (text.begin (), text.end (), any),
                                      std::sregex_iterator ());
          auto n_constrained = std::distance (std::sregex_iterator (text.begin (), text.end (),
                                                                    read),
                                              std::sregex_iterator ());
          EXPECT_EQ (n_any, n_constrained) << id << ":\n" << text;
          n_checked += n_any;
          /* the three places programs reads, and no ESCAPE on their LIKE */
          if (n_any > 0)
            {
              EXPECT_NE (text.find ("WHERE key LIKE 'HKEY_USERS\\%\\Software\\Microsoft\\Windows"
                                    "\\CurrentVersion\\Uninstall')"),
                         std::string::npos);
              EXPECT_NE (text.find ("WHERE key = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\"
                                    "Microsoft\\Windows\\CurrentVersion\\Uninstall'"),
                         std::string::npos);
            }
        }
  EXPECT_GT (n_checked, 0u);
}

TEST (ExportBans, MacHostUnderEveryPolicy)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_DARWIN);
  db.load ("bans");
  const Found tencent = { "apps:WeChat.app", "apps:QQ.app" };
  const Found capcut = { "apps:CapCut.app" };
  const Found dingtalk = { "apps:DingTalk.app" };
  const Expectation expectations[] = {
    { "us-va-2022", tencent + capcut, true },
    { "us-tx-2023", tencent + capcut, true },
    { "us-oh-2023", tencent + capcut + dingtalk, true },
    { "us-md-2022", tencent + dingtalk, true },
    { "us-wi-2023", tencent + dingtalk, true },
    /* nothing of TikTok's on a Mac; CapCut alone, weak, fails nothing */
    { "us-tiktok-2022", {}, false },
    { "uk-tiktok-2023", {}, false },
    { "us-ndaa19-889", {}, false },
  };
  for (const auto &e : expectations)
    {
      SCOPED_TRACE (e.policy);
      EXPECT_EQ (found_all (db, e.policy, PO_EXPORT_PLATFORM_DARWIN), e.found);
      EXPECT_EQ (fails (db, e.policy, PO_EXPORT_PLATFORM_DARWIN), e.fails);
    }
  ExportQueryPtr va = compile (builtin_catalogue (), "us-va-2022", PO_EXPORT_PLATFORM_DARWIN);
  for (const auto &row : finding_rows (db, va.get ()))
    if (row.at ("name") == "WeChat.app")
      {
        EXPECT_EQ (row.at ("signer"), "5A4RE8SF68");
        EXPECT_EQ (row.at ("detail"), "com.tencent.xinWeChat");
        EXPECT_EQ (row.at ("matched"), "tencent/wechat (messaging): macos.bundle_id");
      }

  /* signed by another team, or not at all: not theirs */
  OsqueryDb look (PO_EXPORT_PLATFORM_DARWIN);
  look.load ("bans-lookalike");
  for (const auto &id : builtin_policy_ids ())
    EXPECT_EQ (found_all (look, id, PO_EXPORT_PLATFORM_DARWIN), Found ()) << id;
}

/* a phones-only rule has nothing to find where osquery runs */
TEST (ExportBans, PhonesOnlyPoliciesAreNotExported)
{
  for (const char *id :
       { "ca-tiktok-2023", "eu-com-tiktok-2023", "nl-apps-2023", "nl-deepseek-2025" })
    {
      SCOPED_TRACE (id);
      PoPolicy *policy = po_catalogue_lookup_policy (builtin_catalogue (), id);
      GPtrArray *one = g_ptr_array_new ();
      g_ptr_array_add (one, policy);
      PoExportOptions options = {};
      GString *out = g_string_new (NULL);
      GString *notes = g_string_new (NULL);
      GError *error = NULL;

      EXPECT_FALSE (
        po_export_fleet_policies (builtin_catalogue (), one, &options, out, notes, &error));
      EXPECT_TRUE (g_error_matches (error, PO_ERROR, PO_ERROR_NOT_FOUND));
      g_clear_error (&error);
      EXPECT_TRUE (Contains (notes->str, std::string (id)
                                           + ": left out: it covers mobile "
                                             "devices only"));
      EXPECT_FALSE (po_export_pack (builtin_catalogue (), one, &options, out, NULL, &error));
      g_clear_error (&error);
      EXPECT_EQ (out->len, 0u);
      g_string_free (out, TRUE);
      g_string_free (notes, TRUE);
      g_ptr_array_unref (one);
    }

  TempDir dir;
  auto sql = run_export_cli ({ "sql", "--policy", "ca-tiktok-2023", "--platform", "windows" },
                             dir.path ());
  EXPECT_EQ (sql.status, 1);
  EXPECT_TRUE (Contains (sql.err, "policy ca-tiktok-2023 covers mobile devices only (devices: "
                                  "mobile)"));
}

TEST (ExportBans, FleetOutputForTheStoreQuery)
{
  PoPolicy *policy = po_catalogue_lookup_policy (builtin_catalogue (), "us-tiktok-2022");
  GPtrArray *one = g_ptr_array_new ();
  g_ptr_array_add (one, policy);
  PoExportOptions options = {};
  options.platforms = 1u << PO_EXPORT_PLATFORM_WINDOWS;
  GString *out = g_string_new (NULL);
  GError *error = NULL;

  GString *notes = g_string_new (NULL);
  ASSERT_TRUE (po_export_fleet_policies (builtin_catalogue (), one, &options, out, notes, &error));
  std::string text (out->str);
  /* TikTok has nothing but a Store package on Windows: one policy, the Store one, and
   * --verbose does not call the platform left out */
  EXPECT_FALSE (Contains (notes->str, "us-tiktok-2022 on windows: left out")) << notes->str;
  g_string_free (notes, TRUE);
  EXPECT_EQ (text.find ("(Windows)\""), std::string::npos);
  EXPECT_TRUE (Contains (text, "name: \"phaseout: us-tiktok-2022 - no TikTok software (Windows, "
                               "Store apps)\""));
  EXPECT_TRUE (Contains (text, "Needs osquery 5.17.0 or later"));
  EXPECT_TRUE (Contains (text, "How to remove it:\n    - TikTok: Get-AppxPackage -AllUsers -Name "
                               "BytedancePte.Ltd.TikTok | Remove-AppxPackage -AllUsers"));
  EXPECT_TRUE (Contains (text, "Replacement, as the instrument says: The Act and the memo require "
                               "removal and blocking; they name no replacement."));
  EXPECT_TRUE (Contains (text, "the query pack's phaseout_us-tiktok-2022_windows_store_apps."));
  g_string_truncate (out, 0);

  ASSERT_TRUE (po_export_pack (builtin_catalogue (), one, &options, out, NULL, &error));
  EXPECT_TRUE (Contains (out->str, "\"phaseout_us-tiktok-2022_windows_store_apps\""));
  EXPECT_FALSE (Contains (out->str, "\"phaseout_us-tiktok-2022_windows\""));
  g_string_free (out, TRUE);
  g_ptr_array_unref (one);

  /* the CLI's sql: the Store query headed by what it needs */
  TempDir dir;
  auto sql = run_export_cli ({ "sql", "--policy", "us-tiktok-2022", "--platform", "windows" },
                             dir.path ());
  EXPECT_EQ (sql.status, 0) << sql.err;
  EXPECT_TRUE (g_str_has_prefix (sql.out.c_str (), "-- store_apps: a query of its own, for "
                                                   "osquery 5.17.0 or later\nSELECT 'programs'"))
    << sql.out;
}

/* the resolution lists each covered product's removal for the platform, then the replacement */
TEST (ExportBans, ResolutionSaysHowToRemove)
{
  PoPolicy *policy = po_catalogue_lookup_policy (builtin_catalogue (), "us-va-2022");
  GPtrArray *one = g_ptr_array_new ();
  g_ptr_array_add (one, policy);
  PoExportOptions options = {};
  options.platforms = 1u << PO_EXPORT_PLATFORM_DARWIN;
  GString *out = g_string_new (NULL);
  GError *error = NULL;

  ASSERT_TRUE (po_export_fleet_policies (builtin_catalogue (), one, &options, out, NULL, &error));
  EXPECT_TRUE (Contains (out->str, "    - WeChat (Weixin) desktop client: Quit WeChat, delete "
                                   "/Applications/WeChat.app"));
  EXPECT_TRUE (Contains (out->str, "    - Tencent QQ (QQNT) desktop client: Quit QQ"));
  EXPECT_TRUE (Contains (out->str, "    - CapCut (video editor): Quit CapCut"));
  /* the vendor's text, for what is found by Tencent's Team ID alone */
  EXPECT_TRUE (Contains (out->str, "    - Tencent: Quit the app and delete it from /Applications"));
  EXPECT_TRUE (Contains (out->str, "Replacement, as the instrument says: The order names no "
                                   "replacement."));
  g_string_free (out, TRUE);
  g_ptr_array_unref (one);

  /* Kaspersky's, from its catalogue entry */
  ExportQueryPtr bod = compile (builtin_catalogue (), "us-dhs-bod-17-01",
                                PO_EXPORT_PLATFORM_WINDOWS);
  std::string lines;
  for (const gchar *const *r = po_export_query_get_remediations (bod.get ()); *r != NULL; r++)
    lines += std::string (*r) + "\n";
  EXPECT_TRUE (Contains (lines, "Kaspersky Security Center Network Agent: Uninstall Kaspersky "
                                "Security Center Network Agent from Settings > Apps"));
  EXPECT_TRUE (Contains (lines, "kavremover"));
}

/* the same policies on Linux hosts without the extension: packages and processes */
TEST (ExportBans, LinuxHostWithoutTheExtension)
{
  OsqueryDb db (PO_EXPORT_PLATFORM_LINUX);
  db.load ("bans");
  const Found tencent = { "deb_packages:linuxqq", "processes:qq", "processes:wechat" };

  for (const char *id : { "us-va-2022", "us-tx-2023", "us-oh-2023", "us-md-2022", "us-wi-2023" })
    {
      SCOPED_TRACE (id);
      EXPECT_EQ (found_all (db, id, PO_EXPORT_PLATFORM_LINUX), tencent);
      EXPECT_TRUE (fails (db, id, PO_EXPORT_PLATFORM_LINUX));
    }
  /* TikTok has no Linux client; the Flatpak the extension finds osquery cannot see */
  EXPECT_EQ (compile_parts ("us-tiktok-2022", PO_EXPORT_PLATFORM_LINUX).size (), 1u);
  ExportQueryPtr tiktok = compile (builtin_catalogue (), "us-tiktok-2022",
                                   PO_EXPORT_PLATFORM_LINUX);
  EXPECT_EQ (po_export_query_get_findings_sql (tiktok.get ()), nullptr);
  ExportQueryPtr va = compile (builtin_catalogue (), "us-va-2022", PO_EXPORT_PLATFORM_LINUX);
  EXPECT_TRUE (Contains (po_export_query_get_notes (va.get ()),
                         "tencent/wechat (messaging): linux.flatpak com.tencent.WeChat not looked "
                         "for: osquery has no flatpak table"));
}
