/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Helpers for the catalogue tests: RAII owners for the catalogue types,
 * a policy-file builder, and loaders that return what the tests assert on.
 */
#include "po-test-shim.h"

extern "C"
{
#include "po-catalogue.h"
#include "po-cli.h"
}

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace po_test {

/* the repository checkout (data/, docs/, examples/) */
std::string project_path (const std::string &relative);

/* "haystack contains needle", with both in the failure message */
::testing::AssertionResult Contains (const std::string &haystack, const std::string &needle);

/*
 * A policy object as JSON text with the given members replaced (values are
 * JSON text); an empty value removes the member.  The defaults make a
 * valid NL policy binding central-government, covering Kaspersky anti-virus.
 */
std::string policy_json (const std::string &id,
                         const std::map<std::string, std::string> &members = {});
/* {"format": 1, "policies": [ ...policies ]} */
std::string policy_file (const std::vector<std::string> &policies);

/* options over the given policy directories; permissions not checked */
OptionsPtr options_for_dirs (const std::vector<std::string> &dirs, bool builtin = true);

/* every problem's message, one per line */
std::string problems_text (PoCatalogue *catalogue);

/* po_cli_policy_check on one file: (ok, report) */
std::pair<bool, std::string> check_file (const std::string &path);

/* a profile from [profile] key file text; fails the test if it does not parse */
ProfilePtr profile_from (const std::string &key_file_text);

/* a time after every built-in policy's issue date, for evaluating scopes */
extern const char *const kAfterEveryIssue;

/* a UTC time from ISO 8601 text; fails the test if it does not parse */
GDateTime *parse_time (const std::string &iso8601);

/* (applicability, reason) of a built-in policy for a profile (may be NULL) at now */
std::pair<std::string, std::string> evaluate (PoCatalogue *catalogue, const std::string &id,
                                              PoProfile *profile,
                                              const std::string &now = kAfterEveryIssue);

/* the shared built-in catalogue, loaded once */
PoCatalogue *builtin_catalogue ();

}  // namespace po_test
