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
 *   - `fleetctl gitops` reads a policies file named by `- path:` in a team
 *     or default file: environment variables expanded first, then a YAML
 *     list of policies with known keys only.
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

/* the chunks `fleetctl apply` parses one by one (spec.SplitYaml) */
std::vector<std::string> split_apply_file (const std::string &text);

/* a `fleetctl apply -f` file: fails with Fleet's message where Fleet
 * would refuse it, and also where Fleet would silently drop or alter
 * something phaseout wrote (an unknown key, a second document in a piece,
 * a plain scalar YAML 1.1 reads as a boolean or a number) */
::testing::AssertionResult parse_apply_file (const std::string &text,
                                             std::vector<Policy> *policies);

/* Fleet's environment expansion of a GitOps file with no variable set
 * (spec.ExpandEnvBytes): the text Fleet parses, or a failure naming the
 * variable Fleet would ask for */
::testing::AssertionResult expand_gitops_env (const std::string &text, std::string *expanded);

/* a GitOps policies file (the file a `policies: - path:` entry names) */
::testing::AssertionResult parse_gitops_policies_file (const std::string &text,
                                                       std::vector<Policy> *policies);

}  // namespace fleet
}  // namespace po_test
