/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The members the government app bans needed (docs/policy-format.md):
 * devices, replacement, remediation, vendor/product entries in vendors,
 * the Windows kinds store_package and uninstall_key, and the profile's
 * device-class.  Each is read, validated with a clear message, and
 * evaluated as the format says.
 */
#include "catalogue-test-util.h"

using namespace po_test;

namespace {

/* a vendor with two products in one category and a vendor-wide publisher */
const char *const kVendors = R"({"format": 1, "vendors": [{
  "id": "acme", "name": "Acme",
  "indicators": {"windows": {"publisher": ["Acme Ltd"]}},
  "remediation": {"linux": "vendor text for linux", "windows": "vendor text for windows"},
  "products": [
    {"id": "chat", "name": "Acme Chat", "category": "messaging",
     "indicators": {"linux": {"deb_package": ["acme-chat"]}},
     "remediation": {"linux": "sudo apt-get purge acme-chat", "mobile": "MDM removal"}},
    {"id": "video", "name": "Acme Video", "category": "messaging",
     "indicators": {"linux": {"deb_package": ["acme-video"]}}}
  ]}]})";

/* checks one policy file next to kVendors; (ok, report) */
std::pair<bool, std::string>
check_policy (const std::map<std::string, std::string> &members)
{
  TempDir dir;
  dir.write ("10-vendors.json", kVendors);
  dir.write ("20-policy.json", policy_file ({ policy_json ("p1", members) }));
  const gchar *files[] = { nullptr, nullptr, nullptr };
  std::string vendors = dir.file ("10-vendors.json"), policy = dir.file ("20-policy.json");
  files[0] = vendors.c_str ();
  files[1] = policy.c_str ();
  GString *report = g_string_new (NULL);
  GError *error = NULL;
  bool ok = po_cli_policy_check (files, report, &error);
  std::string text (report->str);
  g_string_free (report, TRUE);
  g_clear_error (&error);
  return { ok, text };
}

/* the catalogue of kVendors and one policy, loaded */
CataloguePtr
load_with_policy (TempDir &dir, const std::map<std::string, std::string> &members)
{
  dir.write ("10-vendors.json", kVendors);
  dir.write ("20-policy.json", policy_file ({ policy_json ("p1", members) }));
  OptionsPtr options = options_for_dirs ({ dir.path () });
  return CataloguePtr (po_catalogue_load (options.get (), NULL));
}

const char *const kAcmeWhole = "[\"acme\"]";

}  // namespace

/* ---- devices ------------------------------------------------------------ */

TEST (CatalogueMembers, DevicesDefaultToAll)
{
  TempDir dir;
  CataloguePtr catalogue = load_with_policy (dir, { { "vendors", kAcmeWhole },
                                                    { "categories", "[\"all\"]" } });
  ASSERT_EQ (problems_text (catalogue.get ()), "");
  PoPolicy *policy = po_catalogue_lookup_policy (catalogue.get (), "p1");
  ASSERT_NE (policy, nullptr);
  EXPECT_STREQ (po_policy_get_devices (policy)[0], "all");
  EXPECT_EQ (po_policy_get_devices (policy)[1], nullptr);
  EXPECT_TRUE (po_policy_covers_hosts (policy));
  EXPECT_EQ (po_policy_get_replacement (policy), nullptr);
}

TEST (CatalogueMembers, DevicesValidated)
{
  auto unknown = check_policy ({ { "devices", "[\"phone\"]" } });
  EXPECT_FALSE (unknown.first);
  EXPECT_TRUE (Contains (unknown.second, "policy 'p1': field 'devices[0]': unknown device class "
                                         "'phone'"));
  auto mixed = check_policy ({ { "devices", "[\"all\", \"mobile\"]" } });
  EXPECT_FALSE (mixed.first);
  EXPECT_TRUE (Contains (mixed.second, "policy 'p1': field 'devices': 'all' cannot be combined"));
  auto empty = check_policy ({ { "devices", "[]" } });
  EXPECT_FALSE (empty.first);
  EXPECT_TRUE (Contains (empty.second, "policy 'p1': field 'devices'"));
  auto twice = check_policy ({ { "devices", "[\"mobile\", \"mobile\"]" } });
  EXPECT_FALSE (twice.first);
  auto good = check_policy ({ { "devices", "[\"desktop\", \"server\"]" } });
  EXPECT_TRUE (good.first) << good.second;
}

TEST (CatalogueMembers, PhonesOnlyPolicyIsOtherDevicesOnEveryHost)
{
  TempDir dir;
  CataloguePtr catalogue = load_with_policy (dir, { { "devices", "[\"mobile\"]" } });
  ASSERT_EQ (problems_text (catalogue.get ()), "");
  const std::string phones_only = "the policy covers government-issued mobile devices only "
                                  "(devices: mobile); this host is a desktop or server";

  /* whatever the profile, and without one */
  auto none = evaluate (catalogue.get (), "p1", NULL);
  EXPECT_EQ (none.first, "other_devices");
  EXPECT_EQ (none.second, phones_only);
  ProfilePtr bound = profile_from ("[profile]\njurisdictions=NL\n"
                                   "organisation-types=central-government\n");
  EXPECT_EQ (evaluate (catalogue.get (), "p1", bound.get ()),
             std::make_pair (std::string ("other_devices"), phones_only));
  ProfilePtr desktop = profile_from ("[profile]\njurisdictions=NL\n"
                                     "organisation-types=central-government\n"
                                     "device-class=desktop\n");
  EXPECT_EQ (evaluate (catalogue.get (), "p1", desktop.get ()),
             std::make_pair (std::string ("other_devices"),
                             std::string ("the policy covers government-issued mobile devices "
                                          "only (devices: mobile); this host is a desktop "
                                          "(device-class in the profile)")));
  /* before its issue date too: the host does not become a phone */
  EXPECT_EQ (evaluate (catalogue.get (), "p1", NULL, "2019-06-01T00:00:00Z").first,
             "other_devices");
  /* a switched-off or foreign policy says so first */
  ProfilePtr off = profile_from ("[profile]\ndisabled-policies=p1\n");
  EXPECT_EQ (evaluate (catalogue.get (), "p1", off.get ()).first, "switched_off");
  ProfilePtr foreign = profile_from ("[profile]\njurisdictions=DE\n");
  EXPECT_EQ (evaluate (catalogue.get (), "p1", foreign.get ()).first, "other_jurisdiction");
}

TEST (CatalogueMembers, DeviceClassDecidesForOneClassPolicies)
{
  TempDir dir;
  CataloguePtr catalogue = load_with_policy (dir, { { "devices", "[\"server\"]" } });
  ASSERT_EQ (problems_text (catalogue.get ()), "");
  const char *const base = "[profile]\njurisdictions=NL\norganisation-types=central-government\n";

  /* no device-class: a desktop or a server, taken to be the one the policy names */
  ProfilePtr unknown = profile_from (base);
  auto taken = evaluate (catalogue.get (), "p1", unknown.get ());
  EXPECT_EQ (taken.first, "binding");
  EXPECT_EQ (taken.second, "the policy binds central-government, as the profile is; the policy "
                           "covers servers only (devices: server) and the profile sets no "
                           "device-class, so this host is taken to be one");
  ProfilePtr server = profile_from (std::string (base) + "device-class=server\n");
  EXPECT_EQ (evaluate (catalogue.get (), "p1", server.get ()),
             std::make_pair (std::string ("binding"),
                             std::string ("the policy binds central-government, as the profile "
                                          "is")));
  ProfilePtr desktop = profile_from (std::string (base) + "device-class=desktop\n");
  EXPECT_EQ (evaluate (catalogue.get (), "p1", desktop.get ()),
             std::make_pair (std::string ("other_devices"),
                             std::string ("the policy covers servers only (devices: server); "
                                          "this host is a desktop (device-class in the "
                                          "profile)")));
}

TEST (CatalogueMembers, DeviceClassProfileKey)
{
  ProfilePtr profile (po_profile_new ());
  GError *error = NULL;

  EXPECT_EQ (po_profile_get_device_class (profile.get ()), nullptr);
  ASSERT_TRUE (
    po_profile_apply_option (profile.get (), "custom_phaseout_device_class", " server ", &error));
  EXPECT_STREQ (po_profile_get_device_class (profile.get ()), "server");
  EXPECT_FALSE (po_profile_is_empty (profile.get ()));
  gchar *text = po_profile_describe (profile.get ());
  EXPECT_TRUE (Contains (text, "device class: server"));
  g_free (text);
  /* phaseout does not run on phones: a profile cannot say it is one */
  EXPECT_FALSE (
    po_profile_apply_option (profile.get (), "phaseout_device_class", "mobile", &error));
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (Contains (error->message, "option 'phaseout_device_class': 'mobile' is not a "
                                         "device class phaseout runs on (desktop or server)"));
  g_clear_error (&error);
  EXPECT_STREQ (po_profile_get_device_class (profile.get ()), "server");
  /* an empty value clears it */
  ASSERT_TRUE (po_profile_apply_option (profile.get (), "phaseout_device_class", "", &error));
  EXPECT_EQ (po_profile_get_device_class (profile.get ()), nullptr);

  ProfilePtr copy (po_profile_copy (profile_from ("[profile]\ndevice-class=desktop\n").get ()));
  EXPECT_STREQ (po_profile_get_device_class (copy.get ()), "desktop");
}

/* ---- replacement --------------------------------------------------------- */

TEST (CatalogueMembers, Replacement)
{
  TempDir dir;
  CataloguePtr catalogue = load_with_policy (dir, { { "replacement",
                                                      "\"The letter names no replacement.\"" } });
  ASSERT_EQ (problems_text (catalogue.get ()), "");
  EXPECT_STREQ (po_policy_get_replacement (po_catalogue_lookup_policy (catalogue.get (), "p1")),
                "The letter names no replacement.");

  auto blank = check_policy ({ { "replacement", "\" starts with a space\"" } });
  EXPECT_FALSE (blank.first);
  EXPECT_TRUE (Contains (blank.second, "policy 'p1': field 'replacement'"));
  auto number = check_policy ({ { "replacement", "3" } });
  EXPECT_FALSE (number.first);
  EXPECT_TRUE (Contains (number.second, "policy 'p1': field 'replacement'"));
}

/* ---- remediation --------------------------------------------------------- */

TEST (CatalogueMembers, RemediationPerPlatformProductBeforeVendor)
{
  TempDir dir;
  CataloguePtr catalogue = load_with_policy (dir, {});
  ASSERT_EQ (problems_text (catalogue.get ()), "");
  PoVendor *acme = po_catalogue_lookup_vendor (catalogue.get (), "acme");
  ASSERT_NE (acme, nullptr);
  PoProduct *chat = (PoProduct *) g_ptr_array_index (po_vendor_get_products (acme), 0);
  PoProduct *video = (PoProduct *) g_ptr_array_index (po_vendor_get_products (acme), 1);

  EXPECT_STREQ (po_remediation_for (acme, chat, "linux"), "sudo apt-get purge acme-chat");
  EXPECT_STREQ (po_remediation_for (acme, chat, "mobile"), "MDM removal");
  /* the vendor's text stands for a product without one, and for vendor-wide findings */
  EXPECT_STREQ (po_remediation_for (acme, chat, "windows"), "vendor text for windows");
  EXPECT_STREQ (po_remediation_for (acme, video, "linux"), "vendor text for linux");
  EXPECT_STREQ (po_remediation_for (acme, NULL, "linux"), "vendor text for linux");
  EXPECT_EQ (po_remediation_for (acme, video, "macos"), nullptr);
  EXPECT_EQ (po_product_get_remediation (video, "linux"), nullptr);
}

TEST (CatalogueMembers, RemediationValidated)
{
  TempDir dir;
  dir.write ("bad.json", R"({"format": 1, "vendors": [{"id": "bad", "name": "Bad",
    "remediation": {"linux": "ok", "android": "no such platform"},
    "products": [
      {"id": "a", "name": "A", "category": "other", "remediation": {}},
      {"id": "b", "name": "B", "category": "other", "remediation": {"windows": ""}},
      {"id": "c", "name": "C", "category": "other", "remediation": "uninstall it"}
    ]}]})");
  auto result = check_file (dir.file ("bad.json"));

  EXPECT_FALSE (result.first);
  EXPECT_TRUE (Contains (result.second, "vendor 'bad': field 'remediation.android': unknown field "
                                        "(known: linux, windows, macos, mobile)"));
  EXPECT_TRUE (Contains (result.second, "product 'a': field 'remediation': empty"));
  EXPECT_TRUE (Contains (result.second, "product 'b': field 'remediation.windows'"));
  EXPECT_TRUE (Contains (result.second, "product 'c': field 'remediation'"));
}

/* ---- vendor/product entries --------------------------------------------- */

TEST (CatalogueMembers, VendorProductCoversThatProductWhateverTheCategories)
{
  TempDir dir;
  /* the policy's category is antivirus; chat is messaging, and named itself */
  CataloguePtr catalogue = load_with_policy (dir, { { "vendors", "[\"acme/chat\"]" } });
  ASSERT_EQ (problems_text (catalogue.get ()), "");
  PoPolicy *policy = po_catalogue_lookup_policy (catalogue.get (), "p1");

  EXPECT_TRUE (po_policy_covers (policy, "acme", "chat", "messaging"));
  EXPECT_FALSE (po_policy_covers (policy, "acme", "video", "messaging"));
  /* a publisher says "Acme", not "Acme Chat" */
  EXPECT_FALSE (po_policy_covers (policy, "acme", NULL, NULL));
  EXPECT_TRUE (po_policy_covers_vendor (policy, "acme"));
  EXPECT_STREQ (po_policy_get_vendor_ids (policy)[0], "acme");
  EXPECT_EQ (po_policy_get_vendor_ids (policy)[1], nullptr);
  EXPECT_STREQ (po_policy_get_vendors (policy)[0], "acme/chat");

  /* the whole vendor: its products in the categories, and vendor-wide
   * findings only for "all" */
  TempDir whole_dir;
  CataloguePtr whole = load_with_policy (whole_dir, { { "vendors", kAcmeWhole },
                                                      { "categories", "[\"messaging\"]" } });
  PoPolicy *p = po_catalogue_lookup_policy (whole.get (), "p1");
  EXPECT_TRUE (po_policy_covers (p, "acme", "video", "messaging"));
  EXPECT_FALSE (po_policy_covers (p, "acme", NULL, NULL));
  TempDir all_dir;
  CataloguePtr all = load_with_policy (all_dir, { { "vendors", kAcmeWhole },
                                                  { "categories", "[\"all\"]" } });
  EXPECT_TRUE (
    po_policy_covers (po_catalogue_lookup_policy (all.get (), "p1"), "acme", NULL, NULL));
}

/* one policy naming vendors both ways: each vendor is looked up as it was named */
TEST (CatalogueMembers, CoversVendorsWholeAndProductsInOnePolicy)
{
  TempDir dir;
  dir.write ("11-beta.json", R"({"format": 1, "vendors": [{
    "id": "beta", "name": "Beta",
    "indicators": {"windows": {"publisher": ["Beta Inc"]}},
    "products": [
      {"id": "mail", "name": "Beta Mail", "category": "messaging",
       "indicators": {"linux": {"deb_package": ["beta-mail"]}}},
      {"id": "pay", "name": "Beta Pay", "category": "payment",
       "indicators": {"linux": {"deb_package": ["beta-pay"]}}}
    ]}]})");
  CataloguePtr catalogue = load_with_policy (dir, { { "vendors",
                                                      R"(["acme/video", "beta", "acme/chat"])" },
                                                    { "categories", "[\"messaging\"]" } });
  ASSERT_EQ (problems_text (catalogue.get ()), "");
  PoPolicy *policy = po_catalogue_lookup_policy (catalogue.get (), "p1");
  ASSERT_NE (policy, nullptr);

  /* each vendor once, in the order first named */
  const gchar *const *ids = po_policy_get_vendor_ids (policy);
  EXPECT_STREQ (ids[0], "acme");
  EXPECT_STREQ (ids[1], "beta");
  EXPECT_EQ (ids[2], nullptr);
  EXPECT_STREQ (po_policy_get_vendors (policy)[2], "acme/chat");

  /* acme by its products: both named, whatever their category; nothing else */
  EXPECT_TRUE (po_policy_covers (policy, "acme", "chat", "messaging"));
  EXPECT_TRUE (po_policy_covers (policy, "acme", "video", "payment"));
  EXPECT_FALSE (po_policy_covers (policy, "acme", "mail", "messaging"));
  EXPECT_FALSE (po_policy_covers (policy, "acme", NULL, NULL));
  /* beta whole: its products in the policy's categories, no vendor-wide
   * indicators (the categories are not "all") */
  EXPECT_TRUE (po_policy_covers (policy, "beta", "mail", "messaging"));
  EXPECT_FALSE (po_policy_covers (policy, "beta", "pay", "payment"));
  EXPECT_FALSE (po_policy_covers (policy, "beta", NULL, NULL));
  /* a vendor not named, or none */
  EXPECT_FALSE (po_policy_covers (policy, "gamma", "chat", "messaging"));
  EXPECT_FALSE (po_policy_covers (policy, NULL, "chat", "messaging"));
  EXPECT_TRUE (po_policy_covers_vendor (policy, "acme"));
  EXPECT_TRUE (po_policy_covers_vendor (policy, "beta"));
  EXPECT_FALSE (po_policy_covers_vendor (policy, "gamma"));
  EXPECT_FALSE (po_policy_covers_vendor (policy, NULL));
}

TEST (CatalogueMembers, VendorProductValidated)
{
  auto unknown_product = check_policy ({ { "vendors", "[\"acme/radio\"]" } });
  EXPECT_FALSE (unknown_product.first);
  EXPECT_TRUE (Contains (unknown_product.second, "policy 'p1': field 'vendors[0]': vendor 'acme' "
                                                 "("));
  EXPECT_TRUE (Contains (unknown_product.second, ") has no product 'radio'"));
  auto unknown_vendor = check_policy ({ { "vendors", "[\"nobody/chat\"]" } });
  EXPECT_FALSE (unknown_vendor.first);
  EXPECT_TRUE (Contains (unknown_vendor.second, "field 'vendors[0]': unknown vendor 'nobody'"));
  auto both = check_policy ({ { "vendors", "[\"acme\", \"acme/chat\"]" } });
  EXPECT_FALSE (both.first);
  EXPECT_TRUE (Contains (both.second, "field 'vendors[1]': 'acme/chat' names a product of 'acme', "
                                      "which the policy covers whole"));
  for (const char *bad : { "[\"acme/\"]", "[\"/chat\"]", "[\"acme/chat/x\"]", "[\"Acme/chat\"]" })
    {
      auto result = check_policy ({ { "vendors", bad } });
      EXPECT_FALSE (result.first) << bad;
      EXPECT_TRUE (Contains (result.second, "not a vendor id or vendor/product")) << bad;
    }
  auto twice = check_policy ({ { "vendors", "[\"acme/chat\", \"acme/chat\"]" } });
  EXPECT_FALSE (twice.first);
  auto two_products = check_policy ({ { "vendors", "[\"acme/chat\", \"acme/video\"]" } });
  EXPECT_TRUE (two_products.first) << two_products.second;
}

/* ---- the Windows kinds ---------------------------------------------------- */

TEST (CatalogueMembers, StorePackagePatterns)
{
  const struct {
    const char *pattern;
    const char *problem;
  } cases[] = {
    { "BytedancePte.Ltd.TikTok_6yccndn6064se", NULL },
    { "BytedancePte.Ltd.TikTok_*", NULL },
    { "BytedancePte.Ltd.TikTok", "with one '_'" },
    { "Bytedance_Pte_6yccndn6064se", "with one '_'" },
    { "BytedancePte.Ltd.TikTok_6YCCNDN6064SE", "lower-case letters and digits" },
    { "BytedancePte.Ltd.TikTok_6yccndn606", "13 characters" },
    { "Ti_6yccndn6064se", "3 to 50 characters" },
    { "TikTok Store_6yccndn6064se", "letters, digits" },
  };
  for (const auto &c : cases)
    {
      TempDir dir;
      dir.write ("v.json", std::string (R"({"format": 1, "vendors": [{"id": "v", "name": "V",
        "indicators": {"windows": {"store_package": [")")
                             + c.pattern + "\"]}}}]}");
      auto result = check_file (dir.file ("v.json"));
      EXPECT_EQ (result.first, c.problem == NULL) << c.pattern << ": " << result.second;
      if (c.problem != NULL)
        {
          EXPECT_TRUE (Contains (result.second, "field 'indicators.windows.store_package[0]'"));
          EXPECT_TRUE (Contains (result.second, c.problem));
        }
    }
}

TEST (CatalogueMembers, UninstallKeyPatterns)
{
  std::string long_name (256, 'k');
  const struct {
    std::string pattern;
    const char *problem;
  } cases[] = {
    { "WeChat", NULL },
    { "Hi Suite", NULL },
    { "SmartPSS*", NULL },
    { "{052CFB79-9D62-42E3-8A15-DE66C2C97C3E}", NULL },
    { "Uninstall\\\\WeChat", "a key name has no '\\'" },
    { long_name, "at most 255 characters" },
  };
  for (const auto &c : cases)
    {
      TempDir dir;
      dir.write ("v.json", R"({"format": 1, "vendors": [{"id": "v", "name": "V",
        "indicators": {"windows": {"uninstall_key": [")"
                             + c.pattern + "\"]}}}]}");
      auto result = check_file (dir.file ("v.json"));
      EXPECT_EQ (result.first, c.problem == NULL) << c.pattern << ": " << result.second;
      if (c.problem != NULL)
        {
          EXPECT_TRUE (Contains (result.second, c.problem));
        }
    }
}

/* both compare as Windows does: regardless of case */
TEST (CatalogueMembers, WindowsKindsMatchIgnoringCase)
{
  PoCatalogue *catalogue = builtin_catalogue ();

  EXPECT_TRUE (po_catalogue_match (catalogue, PO_INDICATOR_WINDOWS_STORE_PACKAGE,
                                   "bytedancepte.ltd.tiktok_6yccndn6064se", NULL));
  EXPECT_FALSE (po_catalogue_match (catalogue, PO_INDICATOR_WINDOWS_STORE_PACKAGE,
                                    "BytedancePte.Ltd.TikTok_0000000000000", NULL));
  EXPECT_TRUE (po_catalogue_match (catalogue, PO_INDICATOR_WINDOWS_UNINSTALL_KEY, "WEIXIN", NULL));
  EXPECT_TRUE (
    po_catalogue_match (catalogue, PO_INDICATOR_WINDOWS_UNINSTALL_KEY, "hi suite", NULL));
  EXPECT_FALSE (
    po_catalogue_match (catalogue, PO_INDICATOR_WINDOWS_UNINSTALL_KEY, "WeChatHelper", NULL));
}
