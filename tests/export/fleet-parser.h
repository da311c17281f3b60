/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Fleet's two readers of policy YAML, re-implemented from Fleet's source
 * (github.com/fleetdm/fleet; the commits read are named in fleet-parser.cc)
 * so that the tests read every Fleet file phaseout writes, and every YAML
 * file in fleet/, as Fleet does, not only as a YAML parser does.
 *
 *   - `fleetctl apply -f FILE` splits the file at every line that starts
 *     with "---" and requires kind and spec in every piece;
 *   - `fleetctl gitops` reads a default or team file (top-level keys,
 *     policies: and queries: inline), and the policies and queries files
 *     that `- path:` entries name: environment variables expanded first,
 *     then YAML with known keys only.
 *
 * Both need libyaml (PO_HAVE_LIBYAML).
 */
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace po_test {
namespace fleet {

/* one policy as Fleet takes it in (fleet.PolicySpec) */
struct Policy {
  std::string name, query, description, resolution, platform, team;
  bool critical = false;
};

/* one query as Fleet takes it in (fleet.QuerySpec) */
struct Query {
  std::string name, query, description, platform, team, logging, min_osquery_version;
  unsigned long interval = 0;
  bool observer_can_run = false, automations_enabled = false, discard_data = false;
};

/* the chunks `fleetctl apply` parses one by one (spec.SplitYaml) */
std::vector<std::string> split_apply_file (const std::string &text);

/* a `fleetctl apply -f` file: fails with Fleet's message where Fleet
 * would refuse it, and also where Fleet would silently drop or alter
 * something phaseout wrote (an unknown key, a second document in a piece,
 * a plain scalar YAML 1.1 reads as a boolean or a number) */
::testing::AssertionResult parse_apply_file (const std::string &text, std::vector<Policy> *policies,
                                             std::vector<Query> *queries = nullptr);

/* Fleet's environment expansion of a GitOps file with no variable set
 * (spec.ExpandEnvBytes): the text Fleet parses, or a failure naming the
 * variable Fleet would ask for */
::testing::AssertionResult expand_gitops_env (const std::string &text, std::string *expanded);

/* a GitOps policies file (the file a `policies: - path:` entry names) */
::testing::AssertionResult parse_gitops_policies_file (const std::string &text,
                                                       std::vector<Policy> *policies);
/* a GitOps queries file (the file a `queries: - path:` entry names) */
::testing::AssertionResult parse_gitops_queries_file (const std::string &text,
                                                      std::vector<Query> *queries);
/*
 * a GitOps default.yml or team file (spec.GitOpsFromFile): its top-level
 * keys, that it is one or the other (org_settings: or name:), and its
 * inline policies: and queries:/reports: items; other keys are only
 * named, not read
 */
::testing::AssertionResult parse_gitops_file (const std::string &text,
                                              std::vector<Policy> *policies,
                                              std::vector<Query> *queries);

}  // namespace fleet
}  // namespace po_test
