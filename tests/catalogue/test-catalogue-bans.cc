/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The government app and device bans of the built-in catalogue (TikTok,
 * DeepSeek, the US state orders, NDAA s.889): what each encodes, as
 * docs/catalogue-sources.md sources it, and whom each binds, advises and
 * excludes, policy by policy, with a profile of each kind.
 */
#include "catalogue-test-util.h"

using namespace po_test;

namespace {

using Strings = std::vector<std::string>;

Strings
strv (const gchar *const *list)
{
  Strings out;
  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    out.push_back (list[i]);
  return out;
}

struct Facts {
  const char *id;
  const char *jurisdiction;
  const char *issued;
  Strings vendors;
  Strings devices;
  const char *deadline; /* the last milestone's date, "" without one */
  bool binding;
  const char *confidence;
};

/* what docs/catalogue-sources.md lists for each policy */
const Facts kFacts[] = {
  { "us-tiktok-2022",
    "US",
    "2022-12-29",
    { "bytedance/tiktok" },
    { "all" },
    "2023-06-27",
    true,
    "verified" },
  { "ca-tiktok-2023",
    "CA",
    "2023-02-27",
    { "bytedance/tiktok" },
    { "mobile" },
    "2023-02-28",
    true,
    "verified" },
  { "eu-com-tiktok-2023",
    "EU",
    "2023-02-23",
    { "bytedance/tiktok" },
    { "mobile" },
    "2023-03-15",
    true,
    "verified" },
  { "uk-tiktok-2023",
    "GB",
    "2023-03-16",
    { "bytedance/tiktok" },
    { "all" },
    "2023-03-16",
    true,
    "verified" },
  { "au-tiktok-2023", "AU", "2023-04-04", { "bytedance/tiktok" }, { "all" }, "", true, "verified" },
  { "nl-apps-2023",
    "NL",
    "2023-03-21",
    { "bytedance", "tencent", "alibaba", "deepseek", "huawei", "zte", "hikvision", "dahua",
      "kaspersky" },
    { "mobile" },
    "",
    true,
    "reported" },
  { "au-deepseek-2025",
    "AU",
    "2025-02-04",
    { "deepseek" },
    { "all" },
    "2025-02-05",
    true,
    "reported" },
  { "tw-deepseek-2025",
    "TW",
    "2025-02-03",
    { "deepseek" },
    { "all" },
    "2025-02-03",
    true,
    "reported" },
  { "cz-deepseek-2025",
    "CZ",
    "2025-07-09",
    { "deepseek" },
    { "all" },
    "2025-07-10",
    true,
    "reported" },
  { "nl-deepseek-2025", "NL", "2025-02-06", { "deepseek" }, { "mobile" }, "", true, "reported" },
  { "us-tx-2022",
    "US-TX",
    "2022-12-07",
    { "bytedance/tiktok" },
    { "all" },
    "2022-12-07",
    true,
    "verified" },
  { "us-tx-2023",
    "US-TX",
    "2023-02-06",
    { "bytedance", "tencent", "alibaba/alipay", "kaspersky" },
    { "all" },
    "2023-02-15",
    true,
    "verified" },
  { "us-tx-2025",
    "US-TX",
    "2025-01-31",
    { "deepseek", "bytedance/lemon8" },
    { "all" },
    "2025-01-31",
    true,
    "verified" },
  { "us-va-2022",
    "US-VA",
    "2022-12-16",
    { "bytedance", "tencent" },
    { "all" },
    "2023-01-15",
    true,
    "reported" },
  { "us-md-2022",
    "US-MD",
    "2022-12-06",
    { "bytedance/tiktok", "huawei", "zte", "tencent", "alibaba", "kaspersky" },
    { "all" },
    "2022-12-20",
    true,
    "verified" },
  { "us-wi-2023",
    "US-WI",
    "2023-01-12",
    { "bytedance/tiktok", "huawei", "zte", "hikvision", "dahua", "tencent", "alibaba",
      "kaspersky" },
    { "all" },
    "",
    true,
    "verified" },
  { "us-oh-2023",
    "US-OH",
    "2023-01-08",
    { "bytedance", "tencent", "alibaba" },
    { "all" },
    "",
    true,
    "verified" },
  { "us-ndaa19-889",
    "US",
    "2018-08-13",
    { "huawei", "zte", "hikvision", "dahua" },
    { "all" },
    "2020-08-13",
    true,
    "reported" },
};

/* a profile: jurisdictions and types, "" for none */
ProfilePtr
profile (const std::string &jurisdictions, const std::string &types)
{
  return profile_from ("[profile]\njurisdictions=" + jurisdictions + "\norganisation-types=" + types
                       + "\n");
}

struct Case {
  const char *policy;
  const char *jurisdictions;
  const char *types;
  const char *applicability;
};

/*
 * For every policy, a profile it binds; one it advises where it advises
 * anybody; one it excludes where it excludes anybody; one out of scope and
 * one of another jurisdiction.  A phones-only policy binds nobody on a
 * desktop or server: other_devices, whatever the profile.
 */
const Case kCases[] = {
  { "us-tiktok-2022", "US", "federal-executive", "binding" },
  { "us-tiktok-2022", "US", "federal-contractor", "binding" },
  { "us-tiktok-2022", "US-TX", "regional-government", "out_of_scope" },
  { "us-tiktok-2022", "GB", "central-government", "other_jurisdiction" },

  { "ca-tiktok-2023", "CA", "central-government", "other_devices" },
  { "ca-tiktok-2023", "CA", "municipality", "other_devices" },
  { "ca-tiktok-2023", "US", "federal-executive", "other_jurisdiction" },

  { "eu-com-tiktok-2023", "EU", "eu-institution", "other_devices" },
  { "eu-com-tiktok-2023", "NL", "central-government", "other_jurisdiction" },

  { "uk-tiktok-2023", "GB", "central-government", "binding" },
  { "uk-tiktok-2023", "UK", "central-government", "binding" },
  { "uk-tiktok-2023", "GB", "individual", "excluded" },
  { "uk-tiktok-2023", "GB", "municipality", "out_of_scope" },
  { "uk-tiktok-2023", "NL", "central-government", "other_jurisdiction" },

  { "au-tiktok-2023", "AU", "central-government", "binding" },
  { "au-tiktok-2023", "AU", "regional-government", "out_of_scope" },
  { "au-tiktok-2023", "NZ", "central-government", "other_jurisdiction" },

  { "nl-apps-2023", "NL", "central-government", "other_devices" },
  { "nl-apps-2023", "NL", "municipality", "other_devices" },
  { "nl-apps-2023", "DE", "central-government", "other_jurisdiction" },

  { "au-deepseek-2025", "AU", "central-government", "binding" },
  { "au-deepseek-2025", "AU", "business", "out_of_scope" },
  { "au-deepseek-2025", "TW", "central-government", "other_jurisdiction" },

  { "tw-deepseek-2025", "TW", "municipality", "binding" },
  { "tw-deepseek-2025", "TW", "public-school", "binding" },
  { "tw-deepseek-2025", "TW", "state-owned-enterprise", "binding" },
  { "tw-deepseek-2025", "TW", "vital-sector", "binding" },
  /* an SOE is a business; a business is no SOE */
  { "tw-deepseek-2025", "TW", "business", "out_of_scope" },
  { "tw-deepseek-2025", "CN", "government", "other_jurisdiction" },

  { "cz-deepseek-2025", "CZ", "central-government", "binding" },
  { "cz-deepseek-2025", "CZ", "vital-sector", "advisory" },
  { "cz-deepseek-2025", "CZ", "municipality", "out_of_scope" },
  { "cz-deepseek-2025", "SK", "central-government", "other_jurisdiction" },

  { "nl-deepseek-2025", "NL", "central-government", "other_devices" },

  { "us-tx-2022", "US-TX", "regional-government", "binding" },
  { "us-tx-2022", "US-TX", "state-contractor", "out_of_scope" },
  { "us-tx-2022", "US-VA", "regional-government", "other_jurisdiction" },
  /* a state's policy does not reach the whole country */
  { "us-tx-2022", "US", "federal-executive", "other_jurisdiction" },

  { "us-tx-2023", "US-TX", "regional-government", "binding" },
  { "us-tx-2023", "US-TX", "state-contractor", "binding" },
  { "us-tx-2023", "US-TX", "municipality", "out_of_scope" },
  { "us-tx-2023", "US-OK", "regional-government", "other_jurisdiction" },

  { "us-tx-2025", "US-TX", "state-contractor", "binding" },
  { "us-tx-2025", "US-TX", "business", "out_of_scope" },

  { "us-va-2022", "US-VA", "regional-government", "binding" },
  { "us-va-2022", "US-VA", "state-contractor", "binding" },
  { "us-va-2022", "US-VA", "municipality", "out_of_scope" },
  { "us-va-2022", "US-MD", "regional-government", "other_jurisdiction" },

  { "us-md-2022", "US-MD", "regional-government", "binding" },
  { "us-md-2022", "US-MD", "state-contractor", "out_of_scope" },
  { "us-md-2022", "US-VA", "regional-government", "other_jurisdiction" },

  { "us-wi-2023", "US-WI", "regional-government", "binding" },
  { "us-wi-2023", "US-WI", "municipality", "out_of_scope" },
  { "us-wi-2023", "US-MN", "regional-government", "other_jurisdiction" },

  { "us-oh-2023", "US-OH", "regional-government", "binding" },
  { "us-oh-2023", "US-OH", "business", "out_of_scope" },
  { "us-oh-2023", "US-PA", "regional-government", "other_jurisdiction" },

  /* equipment rules reach client software only as part of a system: advice */
  { "us-ndaa19-889", "US", "federal-executive", "advisory" },
  { "us-ndaa19-889", "US", "federal-contractor", "advisory" },
  { "us-ndaa19-889", "US-TX", "state-contractor", "out_of_scope" },
  { "us-ndaa19-889", "GB", "central-government", "other_jurisdiction" },
};

}  // namespace

TEST (CatalogueBans, EveryPolicyEncodesItsSources)
{
  for (const auto &f : kFacts)
    {
      SCOPED_TRACE (f.id);
      PoPolicy *p = po_catalogue_lookup_policy (builtin_catalogue (), f.id);
      ASSERT_NE (p, nullptr);
      EXPECT_STREQ (po_policy_get_jurisdiction (p), f.jurisdiction);
      EXPECT_STREQ (po_policy_get_issued (p), f.issued);
      EXPECT_EQ (strv (po_policy_get_vendors (p)), f.vendors);
      EXPECT_EQ (strv (po_policy_get_devices (p)), f.devices);
      EXPECT_EQ (strv (po_policy_get_categories (p)), Strings ({ "all" }));
      const PoMilestone *last = po_policy_get_final_milestone (p);
      EXPECT_EQ (last != NULL ? last->day : "", std::string (f.deadline));
      EXPECT_EQ ((bool) po_policy_get_binding (p), f.binding);
      EXPECT_STREQ (po_policy_get_confidence (p), f.confidence);
      /* every one says what it says about a replacement, and cites a URL */
      EXPECT_NE (po_policy_get_replacement (p), nullptr);
      gchar *urls = po_policy_get_source_urls (p);
      EXPECT_TRUE (g_str_has_prefix (urls, "https://")) << urls;
      g_free (urls);
      EXPECT_NE (po_policy_get_notes (p), nullptr);
    }
}

TEST (CatalogueBans, EveryPolicyForEveryKindOfProfile)
{
  for (const auto &c : kCases)
    {
      SCOPED_TRACE (std::string (c.policy) + " for " + c.jurisdictions + "; " + c.types);
      ProfilePtr p = profile (c.jurisdictions, c.types);
      auto verdict = evaluate (builtin_catalogue (), c.policy, p.get ());
      EXPECT_EQ (verdict.first, c.applicability) << verdict.second;
      if (verdict.first == "other_devices")
        {
          EXPECT_TRUE (Contains (verdict.second, "the policy covers government-issued mobile "
                                                 "devices only (devices: mobile); this host is a "
                                                 "desktop or server"));
        }
    }
  /* every new policy has its cases */
  for (const auto &f : kFacts)
    {
      bool seen = false;
      for (const auto &c : kCases)
        seen = seen || g_str_equal (c.policy, f.id);
      EXPECT_TRUE (seen) << f.id;
    }
}

/* a state contractor is a government supplier of its state, not of another country */
TEST (CatalogueBans, StateContractorIsAUsType)
{
  EXPECT_STREQ (po_vocabulary_get_organisation_jurisdiction ("state-contractor"), "US");
  EXPECT_STREQ (po_vocabulary_get_organisation_parent ("state-contractor"), "government-supplier");
  EXPECT_STREQ (po_vocabulary_get_organisation_jurisdiction ("eu-institution"), "EU");
  EXPECT_EQ (po_vocabulary_get_organisation_jurisdiction ("public-school"), nullptr);
  EXPECT_STREQ (po_vocabulary_get_organisation_parent ("state-owned-enterprise"), "business");

  /* the Dutch letter advises government suppliers: a Texas contractor is none of its */
  ProfilePtr texan = profile ("NL,US-TX", "state-contractor");
  EXPECT_EQ (evaluate (builtin_catalogue (), "nl-kamerbrief-2018", texan.get ()).first,
             "out_of_scope");
  EXPECT_EQ (evaluate (builtin_catalogue (), "us-tx-2023", texan.get ()).first, "binding");
}

/* TikTok alone, or every ByteDance app: vendor/product against the whole vendor */
TEST (CatalogueBans, TikTokBansAgainstByteDanceBans)
{
  PoCatalogue *c = builtin_catalogue ();
  PoPolicy *uk = po_catalogue_lookup_policy (c, "uk-tiktok-2023");
  PoPolicy *va = po_catalogue_lookup_policy (c, "us-va-2022");
  PoPolicy *tx = po_catalogue_lookup_policy (c, "us-tx-2023");

  EXPECT_TRUE (po_policy_covers (uk, "bytedance", "tiktok", "social-media"));
  EXPECT_FALSE (po_policy_covers (uk, "bytedance", "capcut", "other"));
  EXPECT_FALSE (po_policy_covers (uk, "bytedance", NULL, NULL));
  EXPECT_TRUE (po_policy_covers (va, "bytedance", "capcut", "other"));
  EXPECT_TRUE (po_policy_covers (va, "bytedance", NULL, NULL));
  EXPECT_TRUE (po_policy_covers (va, "tencent", "qq", "messaging"));
  /* Texas names Alipay, not the rest of Alibaba */
  EXPECT_TRUE (po_policy_covers (tx, "alibaba", "alipay", "payment"));
  EXPECT_FALSE (po_policy_covers (tx, "alibaba", "dingtalk", "messaging"));
  EXPECT_FALSE (po_policy_covers (tx, "alibaba", NULL, NULL));
}

/* the new vendors: products in the new categories, remediation where sourced */
TEST (CatalogueBans, VendorsAndProducts)
{
  PoCatalogue *c = builtin_catalogue ();
  const struct {
    const char *vendor, *product, *category;
  } products[] = {
    { "bytedance", "tiktok", "social-media" },
    { "bytedance", "capcut", "other" },
    { "bytedance", "lemon8", "social-media" },
    { "tencent", "wechat", "messaging" },
    { "tencent", "qq", "messaging" },
    { "alibaba", "alipay", "payment" },
    { "alibaba", "dingtalk", "messaging" },
    { "deepseek", "deepseek-chat", "ai-assistant" },
    { "huawei", "hisuite", "other" },
    { "hikvision", "ivms-4200", "surveillance-client" },
    { "dahua", "smartpss-lite", "surveillance-client" },
  };
  for (const auto &p : products)
    {
      SCOPED_TRACE (std::string (p.vendor) + "/" + p.product);
      PoVendor *vendor = po_catalogue_lookup_vendor (c, p.vendor);
      ASSERT_NE (vendor, nullptr);
      PoProduct *found = NULL;
      GPtrArray *list = po_vendor_get_products (vendor);
      for (guint i = 0; i < list->len; i++)
        if (g_str_equal (po_product_get_id ((PoProduct *) g_ptr_array_index (list, i)), p.product))
          found = (PoProduct *) g_ptr_array_index (list, i);
      ASSERT_NE (found, nullptr);
      EXPECT_STREQ (po_product_get_category (found), p.category);
      /* every product says how to remove it somewhere */
      bool any = false;
      for (const gchar *const *platform = po_remediation_platforms (); *platform != NULL;
           platform++)
        any = any || po_remediation_for (vendor, found, *platform) != NULL;
      EXPECT_TRUE (any);
    }
  /* ZTE: named by the bans, no endpoint software sourced */
  PoVendor *zte = po_catalogue_lookup_vendor (c, "zte");
  ASSERT_NE (zte, nullptr);
  EXPECT_EQ (po_vendor_get_products (zte)->len, 0u);
  /* the Kaspersky remediation, on the vendor and on the Network Agent */
  PoVendor *kaspersky = po_catalogue_lookup_vendor (c, "kaspersky");
  EXPECT_TRUE (Contains (po_vendor_get_remediation (kaspersky, "windows"), "kavremover"));
  EXPECT_TRUE (Contains (po_vendor_get_remediation (kaspersky, "linux"), "apt-get purge"));
}
