/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The validator, one error class per test: each bad file in
 * tests/fixtures/catalogue/bad/ is rejected, and the message names the
 * file, the policy (or vendor) id, the field and the problem.
 */
#include "catalogue-test-util.h"

using namespace po_test;

namespace {

/* checks path and returns the report, expecting failure */
std::string
rejected (const std::string &name)
{
  std::string path = fixture_path ("catalogue/bad/" + name);
  auto result = check_file (path);

  EXPECT_FALSE (result.first) << result.second;
  EXPECT_TRUE (Contains (result.second, path + ": "));
  EXPECT_EQ (result.second.find (": ok:"), std::string::npos) << result.second;
  return result.second;
}

}  // namespace

TEST (CatalogueValidation, GoodFilesPass)
{
  for (const char *name : { "one-policy.json", "vendor-and-policy.json" })
    {
      auto result = check_file (fixture_path (std::string ("catalogue/good/") + name));
      EXPECT_TRUE (result.first) << result.second;
      EXPECT_TRUE (Contains (result.second, ": ok:"));
    }
}

TEST (CatalogueValidation, UnknownField)
{
  std::string report = rejected ("unknown-field.json");
  EXPECT_TRUE (Contains (report, "policy 'fixture-unknown-field': field 'deadlin': unknown field"));
}

TEST (CatalogueValidation, MissingId)
{
  std::string report = rejected ("missing-id.json");
  EXPECT_TRUE (Contains (report, "policies[0]: field 'id': missing"));
}

TEST (CatalogueValidation, BadDate)
{
  std::string report = rejected ("bad-date.json");
  EXPECT_TRUE (Contains (report, "policy 'fixture-bad-date': field 'issued': bad date "
                                 "'2020-13-01'"));
}

TEST (CatalogueValidation, BadMilestoneDate)
{
  std::string report = rejected ("bad-milestone-date.json");
  EXPECT_TRUE (Contains (report, "policy 'fixture-bad-milestone-date': field "
                                 "'milestones[0].date': bad date '2020-2-1'"));
}

TEST (CatalogueValidation, UnknownCategory)
{
  std::string report = rejected ("unknown-category.json");
  EXPECT_TRUE (Contains (report, "policy 'fixture-unknown-category': field 'categories[0]': "
                                 "unknown category 'antivirs'"));
}

TEST (CatalogueValidation, MilestoneOutOfOrder)
{
  std::string report = rejected ("milestone-out-of-order.json");
  EXPECT_TRUE (Contains (report, "policy 'fixture-out-of-order': field 'milestones[1].date': "
                                 "milestone out of order: 2020-02-01 comes before the previous "
                                 "milestone's 2020-03-01"));
}

TEST (CatalogueValidation, DuplicateId)
{
  std::string report = rejected ("duplicate-id.json");
  EXPECT_TRUE (Contains (report, "policy 'fixture-duplicate': field 'id': duplicate id"));
}

TEST (CatalogueValidation, InvalidGlob)
{
  std::string report = rejected ("invalid-glob.json");
  EXPECT_TRUE (Contains (report, "vendor 'fixture-vendor': product 'fixture-av': field "
                                 "'indicators.linux.deb_package[1]': 'fixture-[0-9]*': invalid "
                                 "glob"));
}

TEST (CatalogueValidation, GlobMatchingEverythingIsInvalid)
{
  TempDir dir;
  dir.write ("all.json", "{\"format\": 1, \"vendors\": [{\"id\": \"v\", \"name\": \"V\", "
                         "\"indicators\": {\"windows\": {\"program\": [\"*\"]}}}]}");
  auto result = check_file (dir.file ("all.json"));
  EXPECT_FALSE (result.first);
  EXPECT_TRUE (Contains (result.second, "vendor 'v': field 'indicators.windows.program[0]': "
                                        "'*': invalid glob: it would match every name"));
}

/* one vendor with a single indicator of kind key; the validator's report */
static std::pair<bool, std::string>
check_one_indicator (const std::string &key, const std::string &pattern)
{
  TempDir dir;
  dir.write ("one.json", "{\"format\": 1, \"vendors\": [{\"id\": \"v\", \"name\": \"V\", "
                         "\"products\": [{\"id\": \"p\", \"name\": \"P\", \"category\": "
                         "\"antivirus\", \"indicators\": {\"linux\": {\""
                           + key + "\": [\"" + pattern + "\"]}}}]}]}");
  return check_file (dir.file ("one.json"));
}

TEST (CatalogueValidation, MalformedSnapName)
{
  auto upper = check_one_indicator ("snap", "Kesl");
  EXPECT_FALSE (upper.first);
  EXPECT_TRUE (Contains (upper.second, "vendor 'v': product 'p': field 'indicators.linux.snap[0]': "
                                       "'Kesl': snap names are lower-case letters, digits and '-'"))
    << upper.second;
  for (const char *bad : { "kesl_beta", "kesl endpoint", "-kesl", "kesl--gui", "1234",
                           "a-snap-name-that-is-longer-than-forty-chars" })
    EXPECT_FALSE (check_one_indicator ("snap", bad).first) << bad;
  for (const char *good : { "kesl", "kesl-gui", "k3sl", "kesl*" })
    EXPECT_TRUE (check_one_indicator ("snap", good).first) << good;
}

TEST (CatalogueValidation, MalformedFlatpakId)
{
  auto short_id = check_one_indicator ("flatpak", "com.kaspersky");
  EXPECT_FALSE (short_id.first);
  EXPECT_TRUE (Contains (short_id.second, "field 'indicators.linux.flatpak[0]': 'com.kaspersky': "
                                          "not a flatpak application id"))
    << short_id.second;
  for (const char *bad : { "com..kaspersky.Kesl", "com.kaspersky.Kesl/x86_64", ".com.kaspersky.x",
                           "com.1kaspersky.Kesl", "com.kas-persky.Kesl", "com.kaspersky.*." })
    EXPECT_FALSE (check_one_indicator ("flatpak", bad).first) << bad;
  for (const char *good :
       { "com.kaspersky.Kesl", "com.kaspersky.*", "org.example.my-app", "io.github.some_one.App" })
    EXPECT_TRUE (check_one_indicator ("flatpak", good).first) << good;
}

TEST (CatalogueValidation, UnknownVendor)
{
  std::string report = rejected ("unknown-vendor.json");
  EXPECT_TRUE (Contains (report, "policy 'fixture-unknown-vendor': field 'vendors[0]': unknown "
                                 "vendor 'nosuchvendor'"));
}

TEST (CatalogueValidation, NewerFormat)
{
  std::string report = rejected ("format-version.json");
  EXPECT_TRUE (Contains (report, "field 'format': format 2 is not one this phaseout reads (1): "
                                 "upgrade phaseout"));
}

TEST (CatalogueValidation, CommentsAreNotJson)
{
  std::string report = rejected ("comment.json");
  EXPECT_TRUE (Contains (report, "not valid JSON: 2:3:"));
}

TEST (CatalogueValidation, DuplicateMember)
{
  /* json-glib alone would silently keep "binding": false */
  std::string report = rejected ("duplicate-member.json");
  EXPECT_TRUE (Contains (report, "not valid JSON: 7:65: duplicate member \"binding\""));
}

TEST (CatalogueValidation, AdvisoryPolicyCannotBind)
{
  std::string report = rejected ("advisory-binds.json");
  EXPECT_TRUE (Contains (report, "policy 'fixture-advisory-binds': field 'scope.binds': a policy "
                                 "that is not binding"));
}

TEST (CatalogueValidation, UnknownOrganisationType)
{
  std::string report = rejected ("unknown-organisation-type.json");
  EXPECT_TRUE (Contains (report, "policy 'fixture-unknown-type': field 'scope.binds[0]': unknown "
                                 "organisation type 'muncipality'"));
}

/* a US type in a Dutch policy could never match: the policy is wrong */
TEST (CatalogueValidation, OrganisationTypeOfAnotherJurisdiction)
{
  std::string report = rejected ("foreign-organisation-type.json");
  EXPECT_TRUE (Contains (report, "policy 'fixture-foreign-type': field 'scope.advises[0]': "
                                 "'federal-contractor' is an organisation type of US; a policy "
                                 "for NL cannot name it"));
}

/* a scope entry may carry its own confidence, sources and note */
TEST (CatalogueValidation, ScopeEntryWithItsOwnConfidenceAndSources)
{
  TempDir dir;
  const std::string scope =
    "{\"binds\": [\"central-government\"], \"advises\": [\"vital-sector\"], "
    "\"excludes\": [\"individual\", {\"type\": \"municipality\", \"confidence\": \"reported\", "
    "\"note\": \"said by a spokesperson\", \"sources\": [{\"title\": \"A newspaper\", "
    "\"url\": \"https://example.org/news\"}, {\"title\": \"A printed source\"}]}]}";
  dir.write ("entry.json", policy_file ({ policy_json ("entry", { { "scope", scope } }) }));
  auto result = check_file (dir.file ("entry.json"));
  EXPECT_TRUE (result.first) << result.second;
}

TEST (CatalogueValidation, BadScopeEntries)
{
  struct {
    const char *entry, *message;
  } cases[] = {
    { "{\"confidence\": \"reported\"}", "field 'scope.excludes[0].type': missing" },
    { "{\"type\": \"muncipality\"}",
      "field 'scope.excludes[0].type': unknown organisation type 'muncipality'" },
    { "{\"type\": \"municipality\", \"confidence\": \"rumoured\"}",
      "field 'scope.excludes[0].confidence': unknown confidence 'rumoured' (known: verified, "
      "reported, unverified)" },
    { "{\"type\": \"municipality\", \"colour\": 1}",
      "field 'scope.excludes[0].colour': unknown field (known: type, confidence, sources, note)" },
    { "{\"type\": \"municipality\", \"sources\": [{\"url\": \"https://example.org\"}]}",
      "field 'scope.excludes[0].sources[0].title': missing" },
    { "{\"type\": \"municipality\", \"sources\": [{\"title\": \"x\", \"url\": \"nope\"}]}",
      "field 'scope.excludes[0].sources[0].url': 'nope' is not an http(s) URL" },
    { "{\"type\": \"municipality\", \"note\": \"\"}",
      "field 'scope.excludes[0].note': must not be empty" },
    { "{\"type\": \"all\"}", "field 'scope.excludes': 'all' would exclude everybody" },
    { "17", "field 'scope.excludes[0]': must be an organisation type or an object with one, "
            "not a number" },
    { "\"individual\", {\"type\": \"individual\"}",
      "field 'scope.excludes[1]': 'individual' is listed twice" },
  };
  for (const auto &c : cases)
    {
      TempDir dir;
      std::string scope = std::string ("{\"binds\": [\"central-government\"], \"excludes\": [")
                          + c.entry + "]}";
      dir.write ("bad.json", policy_file ({ policy_json ("bad", { { "scope", scope } }) }));
      auto result = check_file (dir.file ("bad.json"));
      EXPECT_FALSE (result.first) << c.entry;
      EXPECT_TRUE (Contains (result.second, std::string ("policy 'bad': ") + c.message)) << c.entry;
    }
}

TEST (CatalogueValidation, WrongType)
{
  std::string report = rejected ("wrong-type.json");
  EXPECT_TRUE (Contains (report, "policy 'fixture-wrong-type': field 'binding': must be true or "
                                 "false, not a string"));
}

TEST (CatalogueValidation, UnknownMilestoneKind)
{
  std::string report = rejected ("unknown-milestone-kind.json");
  EXPECT_TRUE (Contains (report, "policy 'fixture-milestone-kind': field 'milestones[0].kind': "
                                 "unknown milestone kind 'deadline'"));
}

TEST (CatalogueValidation, ScopeMustReachSomebody)
{
  std::string report = rejected ("empty-scope.json");
  EXPECT_TRUE (Contains (report, "policy 'fixture-empty-scope': field 'scope': the policy binds "
                                 "nobody and advises nobody"));
}

TEST (CatalogueValidation, AllProblemsOfAFileAreReported)
{
  TempDir dir;
  dir.write ("many.json", policy_file ({ policy_json ("many", { { "issued", "\"yesterday\"" },
                                                                { "categories", "[\"avs\"]" },
                                                                { "colour", "\"red\"" } }) }));
  auto result = check_file (dir.file ("many.json"));
  EXPECT_FALSE (result.first);
  EXPECT_TRUE (Contains (result.second, "field 'issued': bad date 'yesterday'"));
  EXPECT_TRUE (Contains (result.second, "field 'categories[0]': unknown category 'avs'"));
  EXPECT_TRUE (Contains (result.second, "field 'colour': unknown field"));
}

TEST (CatalogueValidation, MissingFileIsReported)
{
  TempDir dir;
  auto result = check_file (dir.file ("absent.json"));
  EXPECT_FALSE (result.first);
  EXPECT_TRUE (Contains (result.second, dir.file ("absent.json") + ": "));
}

TEST (CatalogueValidation, EmptyAndNonObjectFiles)
{
  TempDir dir;
  dir.write ("empty.json", "");
  dir.write ("array.json", "[]");
  dir.write ("nothing.json", "{\"format\": 1}");
  EXPECT_TRUE (Contains (check_file (dir.file ("empty.json")).second, "empty file"));
  EXPECT_TRUE (Contains (check_file (dir.file ("array.json")).second, "must hold one JSON object"));
  EXPECT_TRUE (
    Contains (check_file (dir.file ("nothing.json")).second, "defines no vendors and no policies"));
}

TEST (CatalogueValidation, DeepNestingIsRefusedBeforeParsing)
{
  TempDir dir;
  std::string deep = "{\"format\": 1, \"policies\": " + std::string (10000, '[')
                     + std::string (10000, ']') + "}";
  dir.write ("deep.json", deep);
  auto result = check_file (dir.file ("deep.json"));
  EXPECT_FALSE (result.first);
  EXPECT_TRUE (Contains (result.second, "nested too deeply"));
}
