/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The built-in catalogue: it passes its own validator, and what it encodes
 * is what the research notes (docs/dev/ban-policies-research.md)
 * verify or report, policy by policy.
 */
#include "catalogue-test-util.h"

using namespace po_test;

namespace {

PoPolicy *
policy (const char *id)
{
  PoPolicy *p = po_catalogue_lookup_policy (builtin_catalogue (), id);
  EXPECT_TRUE (p != NULL) << id;
  return p;
}

std::vector<std::string>
strv (const gchar *const *list)
{
  std::vector<std::string> out;
  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    out.push_back (list[i]);
  return out;
}

std::vector<std::pair<std::string, std::string>>
milestones (PoPolicy *p)
{
  guint n = 0;
  const PoMilestone *m = po_policy_get_milestones (p, &n);
  std::vector<std::pair<std::string, std::string>> out;
  for (guint i = 0; i < n; i++)
    out.emplace_back (m[i].kind, m[i].date);
  return out;
}

using Strings = std::vector<std::string>;
using Milestones = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST (CatalogueBuiltin, PassesItsOwnValidator)
{
  PoCatalogue *catalogue = builtin_catalogue ();

  EXPECT_EQ (po_catalogue_get_problems (catalogue)->len, 0u) << problems_text (catalogue);
  EXPECT_GE (po_catalogue_get_policies (catalogue)->len, 8u);
  EXPECT_TRUE (po_catalogue_lookup_vendor (catalogue, "kaspersky") != NULL);
}

/* every file of data/, vendors and policies, as `phaseout policy check` sees it,
 * and every one of them in the built-in catalogue */
TEST (CatalogueBuiltin, EveryDataFilePassesPolicyCheck)
{
  std::vector<std::string> files;
  for (const char *dir : { "data/vendors", "data/policies" })
    {
      GDir *listing = g_dir_open (project_path (dir).c_str (), 0, NULL);
      ASSERT_NE (listing, nullptr) << dir;
      for (const gchar *name = g_dir_read_name (listing); name != NULL;
           name = g_dir_read_name (listing))
        if (g_str_has_suffix (name, ".json"))
          files.push_back (std::string (dir) + "/" + name);
      g_dir_close (listing);
    }
  /* 9 vendor files, 26 policy files */
  EXPECT_EQ (files.size (), 35u);
  for (const auto &file : files)
    {
      auto result = check_file (project_path (file));
      EXPECT_TRUE (result.first) << result.second;
      EXPECT_TRUE (Contains (result.second, ": ok:"));
      /* a policy file holds the policy its name says */
      if (g_str_has_prefix (file.c_str (), "data/policies/"))
        {
          std::string id = file.substr (strlen ("data/policies/"),
                                        file.size () - strlen ("data/policies/") - 5);
          EXPECT_NE (po_catalogue_lookup_policy (builtin_catalogue (), id.c_str ()), nullptr) << id;
        }
    }
}

TEST (CatalogueBuiltin, RequiredPoliciesArePresent)
{
  for (const char *id :
       { "us-dhs-bod-17-01", "nl-kamerbrief-2018", "us-ndaa18-1634", "us-doc-ictsfd-2024",
         "de-bsi-2022", "uk-ncsc-2017", "lt-gov-2017", "it-dl21-2022" })
    {
      PoPolicy *p = policy (id);
      ASSERT_TRUE (p != NULL);
      EXPECT_STREQ (po_policy_get_origin (p), "builtin");
      EXPECT_EQ (strv (po_policy_get_vendors (p)), Strings ({ "kaspersky" }));
    }
}

/* nothing marked unverified in the research is encoded as fact */
TEST (CatalogueBuiltin, OnlyVerifiedOrReportedFacts)
{
  GPtrArray *policies = po_catalogue_get_policies (builtin_catalogue ());

  for (guint i = 0; i < policies->len; i++)
    {
      PoPolicy *p = (PoPolicy *) g_ptr_array_index (policies, i);
      std::string confidence = po_policy_get_confidence (p);
      guint n_sources = 0;
      const PoSource *sources = po_policy_get_sources (p, &n_sources);
      bool any_url = false;

      EXPECT_TRUE (confidence == "verified" || confidence == "reported")
        << po_policy_get_id (p) << ": " << confidence;
      for (guint s = 0; s < n_sources; s++)
        any_url = any_url || sources[s].url != NULL;
      EXPECT_TRUE (any_url) << po_policy_get_id (p) << " cites no URL";
      /* so does every scope entry, and one with its own confidence cites its own source */
      for (const gchar *const *list :
           { po_policy_get_binds (p), po_policy_get_advises (p), po_policy_get_excludes (p) })
        for (guint e = 0; list[e] != NULL; e++)
          {
            std::string entry = po_policy_get_scope_confidence (p, list[e]);
            guint n_entry_sources = 0;
            const PoSource *entry_sources = po_policy_get_scope_sources (p, list[e],
                                                                         &n_entry_sources);
            EXPECT_TRUE (entry == "verified" || entry == "reported")
              << po_policy_get_id (p) << ": " << list[e] << ": " << entry;
            if (entry != confidence)
              {
                ASSERT_GT (n_entry_sources, 0u) << po_policy_get_id (p) << ": " << list[e];
                EXPECT_TRUE (entry_sources[0].url != NULL) << list[e];
              }
          }
    }
}

TEST (CatalogueBuiltin, BuiltinHashIsTheSha256OfTheFile)
{
  gchar *contents = NULL;
  gsize length = 0;
  std::string path = project_path ("data/policies/us-dhs-bod-17-01.json");

  ASSERT_TRUE (g_file_get_contents (path.c_str (), &contents, &length, NULL));
  gchar *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  EXPECT_STREQ (po_policy_get_sha256 (policy ("us-dhs-bod-17-01")), sha);
  g_free (sha);
  g_free (contents);
}

TEST (CatalogueBuiltin, BodMilestonesAreTheDirectivesDates)
{
  PoPolicy *p = policy ("us-dhs-bod-17-01");

  EXPECT_STREQ (po_policy_get_issued (p), "2017-09-13");
  EXPECT_STREQ (po_policy_get_jurisdiction (p), "US");
  EXPECT_TRUE (po_policy_get_binding (p));
  EXPECT_EQ (milestones (p), Milestones ({ { "identify", "2017-10-13" },
                                           { "plan", "2017-11-12" },
                                           { "begin-removal", "2017-12-12" } }));
  EXPECT_EQ (strv (po_policy_get_categories (p)), Strings ({ "all" }));
  EXPECT_EQ (strv (po_policy_get_binds (p)), Strings ({ "federal-executive" }));
  /* national security systems are outside DHS's BOD authority */
  EXPECT_EQ (strv (po_policy_get_excludes (p)), Strings ({ "national-security" }));
  EXPECT_STREQ (po_policy_get_final_milestone (p)->date, "2017-12-12");
}

TEST (CatalogueBuiltin, DutchLetterHasNoDeadlineAndCoversAntivirusOnly)
{
  PoPolicy *p = policy ("nl-kamerbrief-2018");

  EXPECT_STREQ (po_policy_get_issued (p), "2018-05-14");
  EXPECT_STREQ (po_policy_get_jurisdiction (p), "NL");
  EXPECT_TRUE (po_policy_get_binding (p));
  EXPECT_EQ (milestones (p), Milestones ());
  EXPECT_TRUE (po_policy_get_final_milestone (p) == NULL);
  EXPECT_EQ (strv (po_policy_get_categories (p)), Strings ({ "antivirus" }));
  EXPECT_TRUE (po_policy_covers (p, "kaspersky", "kesl", "antivirus"));
  EXPECT_FALSE (po_policy_covers (p, "kaspersky", "ksc-network-agent", "management"));
  EXPECT_FALSE (
    po_policy_covers (p, "kaspersky", "kaspersky-password-manager", "password-manager"));
  EXPECT_EQ (strv (po_policy_get_binds (p)), Strings ({ "central-government" }));
  EXPECT_EQ (strv (po_policy_get_advises (p)), Strings ({ "vital-sector", "government-supplier" }));
  /* provinces and municipalities are out, as the ministry told NU.nl (reported) */
  EXPECT_EQ (strv (po_policy_get_excludes (p)),
             Strings ({ "regional-government", "local-government" }));
  EXPECT_STREQ (po_policy_get_confidence (p), "verified");
  for (const char *type : { "regional-government", "local-government" })
    {
      guint n_sources = 0;
      const PoSource *sources = po_policy_get_scope_sources (p, type, &n_sources);
      EXPECT_STREQ (po_policy_get_scope_confidence (p, type), "reported");
      ASSERT_EQ (n_sources, 1u);
      EXPECT_STREQ (sources[0].url, "https://www.nu.nl/internet/5265584/nederlandse-overheid-"
                                    "stopt-met-russische-antivirussoftware-kaspersky.html");
      EXPECT_TRUE (Contains (po_policy_get_scope_note (p, type), "kleinere overheden"));
    }
  /* the letter's own scope keeps the policy's confidence and sources */
  EXPECT_STREQ (po_policy_get_scope_confidence (p, "central-government"), "verified");
  EXPECT_TRUE (po_policy_get_scope_sources (p, "central-government", NULL) == NULL);
  EXPECT_TRUE (po_policy_get_scope_note (p, "vital-sector") == NULL);
}

TEST (CatalogueBuiltin, NdaaCoversEverythingFromOctober2018)
{
  PoPolicy *p = policy ("us-ndaa18-1634");

  EXPECT_STREQ (po_policy_get_issued (p), "2017-12-12");
  EXPECT_EQ (strv (po_policy_get_categories (p)), Strings ({ "all" }));
  EXPECT_TRUE (po_policy_covers (p, "kaspersky", "kaspersky-vpn", "vpn"));
  EXPECT_TRUE (po_policy_covers (p, "kaspersky", NULL, NULL));
  ASSERT_TRUE (po_policy_get_final_milestone (p) != NULL);
  EXPECT_STREQ (po_policy_get_final_milestone (p)->kind, "use-prohibited");
  EXPECT_STREQ (po_policy_get_final_milestone (p)->date, "2018-10-01");
}

TEST (CatalogueBuiltin, CommerceDeterminationCutOffIsMidnightEastern)
{
  PoPolicy *p = policy ("us-doc-ictsfd-2024");
  guint n = 0;
  const PoMilestone *m = po_policy_get_milestones (p, &n);

  EXPECT_STREQ (po_policy_get_issued (p), "2024-06-20");
  ASSERT_EQ (n, 2u);
  EXPECT_STREQ (m[0].date, "2024-07-20");
  EXPECT_STREQ (m[1].kind, "end-of-updates");
  /* 00:00 EDT = 04:00 UTC */
  gchar *utc = g_date_time_format_iso8601 (m[1].when);
  EXPECT_STREQ (utc, "2024-09-29T04:00:00Z");
  g_free (utc);
  /* binding on Kaspersky's transactions; continued use is not penalised */
  EXPECT_TRUE (po_policy_get_binding (p));
  EXPECT_EQ (strv (po_policy_get_binds (p)), Strings ());
}

TEST (CatalogueBuiltin, GuidanceIsNotBinding)
{
  PoPolicy *bsi = policy ("de-bsi-2022");
  PoPolicy *ncsc = policy ("uk-ncsc-2017");

  EXPECT_FALSE (po_policy_get_binding (bsi));
  EXPECT_STREQ (po_policy_get_issued (bsi), "2022-03-15");
  EXPECT_STREQ (po_policy_get_jurisdiction (bsi), "DE");
  EXPECT_EQ (strv (po_policy_get_categories (bsi)), Strings ({ "antivirus" }));
  EXPECT_EQ (milestones (bsi), Milestones ());

  EXPECT_FALSE (po_policy_get_binding (ncsc));
  EXPECT_STREQ (po_policy_get_issued (ncsc), "2017-12-01");
  EXPECT_STREQ (po_policy_get_jurisdiction (ncsc), "GB");
  EXPECT_EQ (milestones (ncsc), Milestones ());
}

TEST (CatalogueBuiltin, LithuaniaAndItalyAreReportedWithoutDeadlines)
{
  PoPolicy *lt = policy ("lt-gov-2017");
  PoPolicy *it = policy ("it-dl21-2022");

  EXPECT_STREQ (po_policy_get_confidence (lt), "reported");
  EXPECT_STREQ (po_policy_get_issued (lt), "2017-12-21");
  EXPECT_EQ (milestones (lt), Milestones ());
  EXPECT_STREQ (po_policy_get_confidence (it), "reported");
  EXPECT_STREQ (po_policy_get_issued (it), "2022-03-21");
  EXPECT_EQ (milestones (it), Milestones ());
  EXPECT_TRUE (po_policy_covers (it, "kaspersky", "kaspersky-endpoint-agent", "edr"));
  EXPECT_FALSE (po_policy_covers (it, "kaspersky", "kaspersky-vpn", "vpn"));
}

TEST (CatalogueBuiltin, KasperskyLinuxProductsAndCategories)
{
  PoCatalogue *catalogue = builtin_catalogue ();
  GPtrArray *matches = NULL;

  ASSERT_TRUE (po_catalogue_match (catalogue, PO_INDICATOR_DEB_PACKAGE, "kesl", &matches));
  ASSERT_EQ (matches->len, 1u);
  PoProduct *kesl = po_indicator_get_product ((PoIndicator *) g_ptr_array_index (matches, 0));
  EXPECT_STREQ (po_product_get_id (kesl), "kesl");
  EXPECT_STREQ (po_product_get_category (kesl), "antivirus");
  EXPECT_STREQ (po_indicator_get_confidence ((PoIndicator *) g_ptr_array_index (matches, 0)),
                "verified");
  g_ptr_array_unref (matches);

  /* the Network Agent is the management plane, not anti-virus (research 2.4) */
  ASSERT_TRUE (po_catalogue_match (catalogue, PO_INDICATOR_RPM_PACKAGE, "klnagent64", &matches));
  PoProduct *agent = po_indicator_get_product ((PoIndicator *) g_ptr_array_index (matches, 0));
  EXPECT_STREQ (po_product_get_category (agent), "management");
  ArrayPtr covering (po_catalogue_get_policies_for_product (catalogue, agent));
  for (guint i = 0; i < covering->len; i++)
    EXPECT_STRNE (po_policy_get_id ((PoPolicy *) g_ptr_array_index (covering.get (), i)),
                  "nl-kamerbrief-2018");
  g_ptr_array_unref (matches);

  EXPECT_TRUE (po_catalogue_match (catalogue, PO_INDICATOR_SYSTEMD_UNIT, "kesl.service", NULL));
  EXPECT_TRUE (po_catalogue_match (catalogue, PO_INDICATOR_LINUX_PROCESS, "kesl-control", NULL));
  EXPECT_TRUE (po_catalogue_match (catalogue, PO_INDICATOR_LINUX_PATH,
                                   "/opt/kaspersky/kesl/bin/kesl-control", NULL));
  /* kav4ms is unverified in the research: not encoded */
  EXPECT_FALSE (po_catalogue_match (catalogue, PO_INDICATOR_DEB_PACKAGE, "kav4ms", NULL));
  /* the UltraAV replacement is not Kaspersky */
  EXPECT_FALSE (po_catalogue_match (catalogue, PO_INDICATOR_WINDOWS_PUBLISHER, "Pango", NULL));
}

/*
 * The driver files of Kaspersky's 21.x consumer products (K4W: Kaspersky
 * for Windows) carry the product and version in their names, as a real
 * install lists them; names that only look alike are not Kaspersky's.
 */
TEST (CatalogueBuiltin, KasperskyConsumerDriverNames)
{
  PoCatalogue *catalogue = builtin_catalogue ();

  for (const char *name :
       { "klupd_K4W-21-25_arkmon.sys", "klupd_K4W-21-25_klbg.sys", "KLUPD_k4w-21-26_klark.sys" })
    {
      GPtrArray *matches = NULL;
      ASSERT_TRUE (po_catalogue_match (catalogue, PO_INDICATOR_WINDOWS_DRIVER, name, &matches))
        << name;
      const PoIndicator *indicator = (const PoIndicator *) g_ptr_array_index (matches, 0);
      EXPECT_STREQ (po_vendor_get_id (po_indicator_get_vendor (indicator)), "kaspersky");
      EXPECT_TRUE (po_indicator_get_product (indicator) == NULL) << "drivers are vendor-wide";
      EXPECT_STREQ (po_indicator_get_confidence (indicator), "corroborated");
      g_ptr_array_unref (matches);
    }
  for (const char *name : { "klupd_K4W-21-25_arkmon.sys.disabled", "myklupd_K4W-21-25_klbg.sys",
                            "klupd_K4W.sys", "kbdclass.sys", "ksecdd.sys" })
    EXPECT_FALSE (po_catalogue_match (catalogue, PO_INDICATOR_WINDOWS_DRIVER, name, NULL)) << name;
}

TEST (CatalogueBuiltin, KasperskyWindowsAndMacIndicators)
{
  PoCatalogue *catalogue = builtin_catalogue ();
  GPtrArray *matches = NULL;

  EXPECT_TRUE (
    po_catalogue_match (catalogue, PO_INDICATOR_WINDOWS_DRIVER, "KLIF.KES-21-9.sys", NULL));
  EXPECT_TRUE (
    po_catalogue_match (catalogue, PO_INDICATOR_WINDOWS_SIGNER, "AO Kaspersky Lab", NULL));
  EXPECT_TRUE (
    po_catalogue_match (catalogue, PO_INDICATOR_WINDOWS_PUBLISHER, "Kaspersky Lab ZAO", NULL));
  ASSERT_TRUE (po_catalogue_match (catalogue, PO_INDICATOR_WINDOWS_PROGRAM,
                                   "Kaspersky Password Manager", &matches));
  EXPECT_STREQ (po_product_get_category (
                  po_indicator_get_product ((PoIndicator *) g_ptr_array_index (matches, 0))),
                "password-manager");
  g_ptr_array_unref (matches);
  /* the Team ID is vendor-wide: it says Kaspersky, not which product */
  ASSERT_TRUE (po_catalogue_match (catalogue, PO_INDICATOR_MACOS_TEAM_ID, "2Y8XE5CQ94", &matches));
  EXPECT_TRUE (po_indicator_get_product ((PoIndicator *) g_ptr_array_index (matches, 0)) == NULL);
  g_ptr_array_unref (matches);
}
