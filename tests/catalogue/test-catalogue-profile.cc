/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The organisation profile and what a policy means for it: the scoping
 * rules of docs/policy-format.md applied to the built-in policies.
 */
#include "catalogue-test-util.h"

using namespace po_test;

namespace {

std::pair<std::string, std::string>
evaluate_for (const std::string &id, const std::string &profile_text)
{
  ProfilePtr profile = profile_from (profile_text);
  return evaluate (builtin_catalogue (), id, profile.get ());
}

std::string
load_error (const std::string &key_file_text)
{
  GKeyFile *key_file = g_key_file_new ();
  PoProfile *profile = po_profile_new ();
  GError *error = NULL;
  std::string message;

  EXPECT_TRUE (
    g_key_file_load_from_data (key_file, key_file_text.c_str (), -1, G_KEY_FILE_NONE, NULL));
  if (po_profile_load_key_file (profile, key_file, "test.conf", &error))
    ADD_FAILURE () << "accepted: " << key_file_text;
  else
    {
      EXPECT_EQ (error->domain, PO_ERROR);
      message = error->message;
      g_error_free (error);
    }
  /* unchanged on failure */
  EXPECT_TRUE (po_profile_is_empty (profile));
  po_profile_unref (profile);
  g_key_file_unref (key_file);
  return message;
}

}  // namespace

TEST (CatalogueProfile, ReadsTheProfileGroup)
{
  ProfilePtr profile = profile_from ("[other]\nkey=value\n"
                                     "[profile]\nname=Ministerie van Voorbeeldzaken\n"
                                     "jurisdictions=nl, uk\n"
                                     "organisation-types=central-government;x-acme-unit\n"
                                     "grace-period-days=180\n"
                                     "disabled-policies=uk-ncsc-2017\n");
  const gchar *const *jurisdictions = po_profile_get_jurisdictions (profile.get ());

  EXPECT_STREQ (po_profile_get_name (profile.get ()), "Ministerie van Voorbeeldzaken");
  ASSERT_EQ (g_strv_length ((gchar **) jurisdictions), 2u);
  EXPECT_STREQ (jurisdictions[0], "NL");
  EXPECT_STREQ (jurisdictions[1], "GB");
  EXPECT_EQ (po_profile_get_grace_period_days (profile.get ()), 180);
  EXPECT_TRUE (po_profile_has_organisation_type (profile.get (), "central-government"));
  EXPECT_TRUE (po_profile_has_organisation_type (profile.get (), "government"));
  EXPECT_TRUE (po_profile_has_organisation_type (profile.get (), "x-acme-unit"));
  EXPECT_FALSE (po_profile_has_organisation_type (profile.get (), "municipality"));
  EXPECT_TRUE (po_profile_is_policy_disabled (profile.get (), "uk-ncsc-2017"));
  EXPECT_FALSE (po_profile_is_empty (profile.get ()));
}

TEST (CatalogueProfile, TyposAreErrorsNamingTheKey)
{
  EXPECT_TRUE (Contains (load_error ("[profile]\norganisation-types=muncipality\n"),
                         "test.conf: [profile]: key 'organisation-types': unknown organisation "
                         "type 'muncipality'"));
  EXPECT_TRUE (Contains (load_error ("[profile]\njurisdiction=Netherlands\n"),
                         "key 'jurisdiction': 'Netherlands' is not a jurisdiction"));
  EXPECT_TRUE (Contains (load_error ("[profile]\nsectors=vital-sector\n"),
                         "test.conf: [profile]: unknown key 'sectors'"));
  EXPECT_TRUE (Contains (load_error ("[profile]\ngrace-period-days=soon\n"),
                         "key 'grace-period-days': 'soon' is not a number of days"));
  EXPECT_TRUE (Contains (load_error ("[profile]\norganisation-types=all\n"),
                         "unknown organisation type 'all'"));
}

TEST (CatalogueProfile, OsqueryOptions)
{
  ProfilePtr profile (po_profile_new ());
  GError *error = NULL;

  ASSERT_TRUE (po_profile_apply_option (profile.get (), "phaseout_jurisdiction", "US", &error));
  ASSERT_TRUE (po_profile_apply_option (profile.get (), "custom_phaseout_organisation_types",
                                        "federal-executive", &error));
  ASSERT_TRUE (
    po_profile_apply_option (profile.get (), "phaseout_grace_period_days", "30", &error));
  EXPECT_STREQ (po_profile_get_jurisdictions (profile.get ())[0], "US");
  EXPECT_TRUE (po_profile_has_organisation_type (profile.get (), "central-government"));
  EXPECT_EQ (po_profile_get_grace_period_days (profile.get ()), 30);

  EXPECT_FALSE (po_profile_apply_option (profile.get (), "phaseout_colour", "red", &error));
  ASSERT_TRUE (error != NULL);
  EXPECT_TRUE (Contains (error->message, "unknown profile option 'phaseout_colour'"));
  g_clear_error (&error);
  EXPECT_FALSE (
    po_profile_apply_option (profile.get (), "phaseout_organization_type", "municipalty", &error));
  ASSERT_TRUE (error != NULL);
  EXPECT_TRUE (Contains (error->message, "option 'phaseout_organization_type': unknown "
                                         "organisation type 'municipalty'"));
  g_clear_error (&error);
  /* a failed option leaves the profile as it was */
  EXPECT_TRUE (po_profile_has_organisation_type (profile.get (), "federal-executive"));
}

TEST (CatalogueProfile, NoProfileEveryPolicyApplies)
{
  GPtrArray *policies = po_catalogue_get_policies (builtin_catalogue ());
  GDateTime *now = parse_time (kAfterEveryIssue);

  for (guint i = 0; i < policies->len; i++)
    {
      PoPolicy *policy = (PoPolicy *) g_ptr_array_index (policies, i);
      PoApplicability applicability;
      gchar *reason = NULL;

      po_policy_evaluate (policy, NULL, now, &applicability, &reason);
      /* but a phones-only rule has no part on a desktop or server, profile or not */
      if (!po_policy_covers_hosts (policy))
        {
          EXPECT_EQ (po_applicability_to_string (applicability), std::string ("other_devices"))
            << po_policy_get_id (policy);
          EXPECT_TRUE (Contains (reason, "mobile devices only (devices: mobile); this host is a "
                                         "desktop or server"));
          g_free (reason);
          continue;
        }
      EXPECT_TRUE (po_applicability_applies (applicability)) << po_policy_get_id (policy);
      EXPECT_TRUE (Contains (reason, "no organisation profile configured: evaluated as"));
      g_free (reason);
    }
  g_date_time_unref (now);
  auto nl = evaluate (builtin_catalogue (), "nl-kamerbrief-2018", NULL);
  EXPECT_EQ (nl.first, "binding");
  EXPECT_EQ (nl.second, "no organisation profile configured: evaluated as binding (the policy "
                        "binds central-government)");
  /* guidance stays guidance */
  EXPECT_EQ (evaluate (builtin_catalogue (), "de-bsi-2022", NULL).first, "advisory");
}

/* an issue date is a whole UTC day: issued on D is in force from D 00:00 UTC */
TEST (CatalogueProfile, NotIssuedBeforeTheIssueDate)
{
  ProfilePtr federal = profile_from ("[profile]\njurisdictions=US\n"
                                     "organisation-types=federal-executive\n");
  const char *bod = "us-dhs-bod-17-01";
  auto before = evaluate (builtin_catalogue (), bod, federal.get (), "2017-09-12T23:59:59Z");
  EXPECT_EQ (before.first, "not_issued");
  EXPECT_EQ (before.second, "the policy is not issued until 2017-09-13 (in force from 00:00 UTC "
                            "that day)");
  /* 01:00 in Amsterdam on the 13th is still the 12th in UTC */
  EXPECT_EQ (
    evaluate (builtin_catalogue (), bod, federal.get (), "2017-09-13T01:00:00+02:00").first,
    "not_issued");
  EXPECT_EQ (evaluate (builtin_catalogue (), bod, federal.get (), "2017-09-13T00:00:00Z").first,
             "binding");
  /* without a profile too */
  EXPECT_EQ (evaluate (builtin_catalogue (), bod, NULL, "2017-09-01T00:00:00Z").first,
             "not_issued");
  /* what holds whenever the policy was issued comes first */
  ProfilePtr dutch = profile_from ("[profile]\njurisdictions=NL\n"
                                   "organisation-types=central-government\n");
  EXPECT_EQ (evaluate (builtin_catalogue (), bod, dutch.get (), "2017-09-01T00:00:00Z").first,
             "other_jurisdiction");
  ProfilePtr off = profile_from ("[profile]\njurisdictions=US\n"
                                 "organisation-types=federal-executive\n"
                                 "disabled-policies=us-dhs-bod-17-01\n");
  EXPECT_EQ (evaluate (builtin_catalogue (), bod, off.get (), "2017-09-01T00:00:00Z").first,
             "switched_off");
  EXPECT_FALSE (po_applicability_applies (PO_APPLICABILITY_NOT_ISSUED));
}

/*
 * The ministry told NU.nl (May 2018) that the phase-out does not apply to
 * smaller governments such as provinces and municipalities: an exclusion
 * at confidence reported, which the reason cites.
 */
TEST (CatalogueProfile, DutchProvincesAndMunicipalitiesAreExcluded)
{
  const std::string cited = " (confidence reported; source: NU.nl, May 2018, the ministry's "
                            "spokesperson on who is not covered, https://www.nu.nl/internet/"
                            "5265584/nederlandse-overheid-stopt-met-russische-antivirussoftware-"
                            "kaspersky.html)";
  auto municipality = evaluate_for ("nl-kamerbrief-2018", "[profile]\njurisdictions=NL\n"
                                                          "organisation-types=municipality\n");
  EXPECT_EQ (municipality.first, "excluded");
  EXPECT_EQ (municipality.second, "the policy excludes local-government, which includes the "
                                  "profile's municipality"
                                    + cited);
  auto province = evaluate_for ("nl-kamerbrief-2018", "[profile]\njurisdictions=NL\n"
                                                      "organisation-types=province\n");
  EXPECT_EQ (province.first, "excluded");
  EXPECT_EQ (province.second, "the policy excludes regional-government, which includes the "
                              "profile's province"
                                + cited);
  /* excluded and advised at once (a municipality that runs vital infrastructure): the
   * exclusion wins, as it does over binding */
  auto both = evaluate_for ("nl-kamerbrief-2018", "[profile]\njurisdictions=NL\n"
                                                  "organisation-types=vital-sector;municipality\n");
  EXPECT_EQ (both.first, "excluded");
  /* the central government stays bound, on the letter's own (verified) terms */
  EXPECT_EQ (evaluate_for ("nl-kamerbrief-2018", "[profile]\njurisdictions=NL\n"
                                                 "organisation-types=central-government\n")
               .second,
             "the policy binds central-government, as the profile is");
}

TEST (CatalogueProfile, RijksoverheidIsBoundByTheDutchPolicy)
{
  auto result = evaluate_for (
    "nl-kamerbrief-2018", "[profile]\njurisdictions=NL\norganisation-types=central-government\n");
  EXPECT_EQ (result.first, "binding");
  EXPECT_EQ (result.second, "the policy binds central-government, as the profile is");
}

TEST (CatalogueProfile, VitalSectorIsAdvisedByTheDutchPolicy)
{
  auto result = evaluate_for ("nl-kamerbrief-2018",
                              "[profile]\njurisdictions=NL\norganisation-types=vital-sector\n");
  EXPECT_EQ (result.first, "advisory");
  EXPECT_EQ (result.second, "the policy advises vital-sector, as the profile is");
}

TEST (CatalogueProfile, UsFederalAgencyIsBoundByTheDirective)
{
  const char *federal = "[profile]\njurisdictions=US\norganisation-types=federal-executive\n";
  auto bod = evaluate_for ("us-dhs-bod-17-01", federal);
  EXPECT_EQ (bod.first, "binding");
  /* NDAA binds central-government, which a federal-executive agency is */
  auto ndaa = evaluate_for ("us-ndaa18-1634", federal);
  EXPECT_EQ (ndaa.first, "binding");
  EXPECT_EQ (ndaa.second, "the policy binds central-government, which includes the profile's "
                          "federal-executive");
  /* the Dutch letter is not for a US agency */
  auto nl = evaluate_for ("nl-kamerbrief-2018", federal);
  EXPECT_EQ (nl.first, "other_jurisdiction");
  EXPECT_EQ (nl.second, "the policy is for NL; the profile's jurisdictions are US");
}

TEST (CatalogueProfile, ExclusionBeatsBinding)
{
  /* national security systems are outside the BOD, but not outside the NDAA */
  const char *nss = "[profile]\njurisdictions=US\n"
                    "organisation-types=federal-executive;national-security\n";
  auto bod = evaluate_for ("us-dhs-bod-17-01", nss);
  EXPECT_EQ (bod.first, "excluded");
  EXPECT_EQ (bod.second, "the policy excludes national-security, as the profile is");
  EXPECT_EQ (evaluate_for ("us-ndaa18-1634", nss).first, "binding");
}

TEST (CatalogueProfile, FederalContractor)
{
  const char *contractor = "[profile]\njurisdictions=US\norganisation-types=federal-contractor\n";
  EXPECT_EQ (evaluate_for ("us-ndaa18-1634", contractor).first, "binding");
  EXPECT_EQ (evaluate_for ("us-dhs-bod-17-01", contractor).first, "out_of_scope");
  /* the Commerce determination advises everybody in the US */
  EXPECT_EQ (evaluate_for ("us-doc-ictsfd-2024", contractor).first, "advisory");
}

/*
 * A type means something only in its own jurisdiction: a profile in NL and
 * the US whose organisation is a US federal contractor is no Dutch
 * government-supplier, and a US federal agency is no Dutch central
 * government; both keep their US policies.
 */
TEST (CatalogueProfile, JurisdictionalTypesCountOnlyAtHome)
{
  const char *contractor = "[profile]\njurisdictions=NL,US\n"
                           "organisation-types=federal-contractor\n";
  auto nl = evaluate_for ("nl-kamerbrief-2018", contractor);
  EXPECT_EQ (nl.first, "out_of_scope");
  EXPECT_EQ (nl.second, "the policy binds central-government and advises vital-sector, "
                        "government-supplier; the profile (federal-contractor) is neither");
  auto ndaa = evaluate_for ("us-ndaa18-1634", contractor);
  EXPECT_EQ (ndaa.first, "binding");
  EXPECT_EQ (ndaa.second, "the policy binds federal-contractor, as the profile is");

  const char *agency = "[profile]\njurisdictions=NL,US\norganisation-types=federal-executive\n";
  EXPECT_EQ (evaluate_for ("nl-kamerbrief-2018", agency).first, "out_of_scope");
  EXPECT_EQ (evaluate_for ("us-dhs-bod-17-01", agency).first, "binding");
  auto agency_ndaa = evaluate_for ("us-ndaa18-1634", agency);
  EXPECT_EQ (agency_ndaa.first, "binding");
  EXPECT_EQ (agency_ndaa.second, "the policy binds central-government, which includes the "
                                 "profile's federal-executive");

  /* a type of no particular jurisdiction counts everywhere */
  const char *supplier = "[profile]\njurisdictions=NL,US\n"
                         "organisation-types=government-supplier\n";
  EXPECT_EQ (evaluate_for ("nl-kamerbrief-2018", supplier).first, "advisory");
}

/* a US state's policy is within the US, and so is a policy for anywhere; the EU is not */
TEST (CatalogueProfile, JurisdictionalTypesInSubdivisionsAndEverywhere)
{
  const std::string suppliers = "{\"binds\": [\"government-supplier\"], \"advises\": [], "
                                "\"excludes\": []}";
  const std::string governments = "{\"binds\": [\"central-government\"], \"advises\": [], "
                                  "\"excludes\": []}";
  TempDir dir;
  dir.write (
    "policies/local.json",
    policy_file (
      { policy_json ("texas-suppliers",
                     { { "jurisdiction", "\"US-TX\"" }, { "scope", suppliers } }),
        policy_json ("acme-governments", { { "jurisdiction", "\"*\"" }, { "scope", governments } }),
        policy_json ("eu-suppliers", { { "jurisdiction", "\"EU\"" }, { "scope", suppliers } }) }));
  OptionsPtr options = options_for_dirs ({ dir.file ("policies") });
  CataloguePtr catalogue (po_catalogue_load (options.get (), NULL));
  ASSERT_EQ (problems_text (catalogue.get ()), "");
  ProfilePtr texan = profile_from ("[profile]\njurisdictions=US-TX,EU\n"
                                   "organisation-types=federal-contractor;federal-executive\n");

  auto texas = evaluate (catalogue.get (), "texas-suppliers", texan.get ());
  EXPECT_EQ (texas.first, "binding");
  EXPECT_EQ (texas.second, "the policy binds government-supplier, which includes the profile's "
                           "federal-contractor");
  EXPECT_EQ (evaluate (catalogue.get (), "acme-governments", texan.get ()).first, "binding");
  EXPECT_EQ (evaluate (catalogue.get (), "eu-suppliers", texan.get ()).first, "out_of_scope");
}

TEST (CatalogueProfile, SubdivisionIsInTheCountry)
{
  const char *texas = "[profile]\njurisdictions=US-TX\norganisation-types=business\n";
  auto commerce = evaluate_for ("us-doc-ictsfd-2024", texas);
  EXPECT_EQ (commerce.first, "advisory");
  EXPECT_EQ (commerce.second, "the policy advises all organisations, the profile's business "
                              "among them");
}

/* a policy for everybody names the profile's type in a whole sentence */
TEST (CatalogueProfile, AllOrganisationsReasonIsASentence)
{
  auto bsi = evaluate_for ("de-bsi-2022", "[profile]\njurisdictions=DE\n"
                                          "organisation-types=regional-government\n");
  EXPECT_EQ (bsi.first, "advisory");
  EXPECT_EQ (bsi.second, "the policy advises all organisations, the profile's "
                         "regional-government among them");
}

TEST (CatalogueProfile, SwitchedOff)
{
  auto result = evaluate_for ("us-dhs-bod-17-01", "[profile]\njurisdictions=US\n"
                                                  "organisation-types=federal-executive\n"
                                                  "disabled-policies=us-dhs-bod-17-01\n");
  EXPECT_EQ (result.first, "switched_off");
  EXPECT_TRUE (Contains (result.second, "switched off"));
}

TEST (CatalogueProfile, JurisdictionWithoutOrganisationType)
{
  auto result = evaluate_for ("nl-kamerbrief-2018", "[profile]\njurisdictions=NL\n");
  EXPECT_EQ (result.first, "binding");
  EXPECT_TRUE (Contains (result.second, "names no organisation type: evaluated as binding"));
  EXPECT_EQ (evaluate_for ("de-bsi-2022", "[profile]\njurisdictions=NL\n").first,
             "other_jurisdiction");
}

TEST (CatalogueProfile, GuidanceOnlyAdvises)
{
  const char *german_business = "[profile]\njurisdictions=DE\norganisation-types=business\n";
  EXPECT_EQ (evaluate_for ("de-bsi-2022", german_business).first, "advisory");
  /* the NCSC told the public there was no need to remove it */
  EXPECT_EQ (evaluate_for ("uk-ncsc-2017", "[profile]\njurisdictions=GB\n"
                                           "organisation-types=individual\n")
               .first,
             "excluded");
  EXPECT_EQ (evaluate_for ("uk-ncsc-2017", "[profile]\njurisdictions=UK\n"
                                           "organisation-types=central-government;"
                                           "national-security\n")
               .first,
             "advisory");
}

TEST (CatalogueProfile, ItalianPublicAdministrations)
{
  EXPECT_EQ (evaluate_for ("it-dl21-2022", "[profile]\njurisdictions=IT\n"
                                           "organisation-types=municipality\n")
               .first,
             "binding");
  EXPECT_EQ (evaluate_for ("it-dl21-2022", "[profile]\njurisdictions=IT\n"
                                           "organisation-types=business\n")
               .first,
             "excluded");
}

TEST (CatalogueProfile, DescribeForReports)
{
  ProfilePtr profile = profile_from ("[profile]\njurisdictions=NL\n"
                                     "organisation-types=vital-sector\n");
  gchar *text = po_profile_describe (profile.get ());
  EXPECT_STREQ (text, "jurisdictions: NL; organisation types: vital-sector");
  g_free (text);
}
