/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A policy before its issue date applies to nobody: applicability
 * not_issued, status not_applicable, no banned_software rows, nothing in
 * the history, no covering policy in vendor_drivers.  An issue date is a
 * whole UTC day: issued on D means in force from D 00:00 UTC.
 */
#include "compliance-test-util.h"

using namespace po_test;

namespace {

const char *const kBod = "us-dhs-bod-17-01";

Row
one (PoRuntime *runtime, const std::string &sql)
{
  auto rows = query (runtime, sql);
  EXPECT_EQ (rows.size (), 1u) << sql;
  return rows.empty () ? Row () : rows[0];
}

Row
status_of (PoRuntime *runtime, const std::string &policy)
{
  return one (runtime, "SELECT * FROM phaseout_status WHERE policy_id = '" + policy + "'");
}

Row
policy_row (PoRuntime *runtime, const std::string &policy)
{
  return one (runtime, "SELECT * FROM phaseout_policies WHERE id = '" + policy + "'");
}

::testing::AssertionResult
Contains (const std::string &haystack, const std::string &needle)
{
  if (haystack.find (needle) != std::string::npos)
    return ::testing::AssertionSuccess ();
  return ::testing::AssertionFailure () << "\"" << needle << "\" not in \"" << haystack << "\"";
}

}  // namespace

/* the audit's case: a federal agency on 2017-09-01 is not yet told to act on BOD 17-01 */
TEST (NotIssued, DirectiveBeforeItsIssueDate)
{
  struct {
    const char *now, *applicability, *status, *findings;
  } cases[] = {
    { "2017-09-01", "not_issued", "not_applicable", "0" },
    { "2017-09-12T23:59:59Z", "not_issued", "not_applicable", "0" },
    /* in force from 00:00 UTC on the day of issue */
    { "2017-09-13", "binding", "action_required", "10" },
  };
  World world ("kes-host", kUsFederal);

  for (const auto &c : cases)
    {
      auto runtime = world.runtime (c.now);
      auto row = status_of (runtime.get (), kBod);
      EXPECT_EQ (row["applicability"], c.applicability) << c.now;
      EXPECT_EQ (row["status"], c.status) << c.now;
      EXPECT_EQ (row["findings"], c.findings) << c.now;
      EXPECT_EQ (row["applies"], g_str_equal (c.status, "not_applicable") ? "0" : "1") << c.now;
      if (g_str_equal (c.applicability, "not_issued"))
        {
          EXPECT_EQ (row["reason"], "the policy is not issued until 2017-09-13 (in force from "
                                    "00:00 UTC that day)")
            << c.now;
          EXPECT_EQ (row["action"], "<NULL>") << c.now;
        }
    }
}

/* every built-in policy with a date the audit named waits for it */
TEST (NotIssued, EachPolicyWaitsForItsIssueDate)
{
  struct {
    const char *policy, *profile, *before, *issued, *then;
  } cases[] = {
    { "us-ndaa18-1634", kUsFederal, "2017-12-11", "2017-12-12", "binding" },
    { "nl-kamerbrief-2018", kNlCentral, "2018-01-01", "2018-05-14", "binding" },
    { "us-doc-ictsfd-2024", kUsFederal, "2017-12-20", "2024-06-20", "advisory" },
  };

  for (const auto &c : cases)
    {
      World world ("kes-host", c.profile);
      auto before = world.runtime (c.before);
      auto row = policy_row (before.get (), c.policy);
      EXPECT_EQ (row["applicability"], "not_issued") << c.policy;
      EXPECT_EQ (row["applies"], "0") << c.policy;
      EXPECT_TRUE (Contains (row["reason"], std::string ("not issued until ") + c.issued));
      EXPECT_EQ (status_of (before.get (), c.policy)["status"], "not_applicable") << c.policy;
      EXPECT_TRUE (
        banned (before.get (), std::string ("WHERE policy_id = '") + c.policy + "'").empty ())
        << c.policy;

      auto on_the_day = world.runtime (c.issued);
      EXPECT_EQ (policy_row (on_the_day.get (), c.policy)["applicability"], c.then) << c.policy;
      EXPECT_EQ (policy_row (on_the_day.get (), c.policy)["applies"], "1") << c.policy;
    }
}

/* without a profile every policy applies as broadly as it can: once it exists */
TEST (NotIssued, NoProfileStillWaits)
{
  World world ("kes-host", "");
  auto runtime = world.runtime ("2017-12-20");
  auto commerce = status_of (runtime.get (), "us-doc-ictsfd-2024");
  EXPECT_EQ (commerce["applicability"], "not_issued");
  EXPECT_EQ (commerce["status"], "not_applicable");
  EXPECT_TRUE (banned (runtime.get (), "WHERE policy_id = 'us-doc-ictsfd-2024'").empty ());
  /* one already issued is evaluated as before */
  EXPECT_EQ (status_of (runtime.get (), kBod)["applicability"], "binding");
}

/* nothing is recorded for a policy not yet in force; its history starts on the day */
TEST (NotIssued, NoFindingsAndNoHistory)
{
  World world ("kes-host", kUsFederal);
  auto before = world.runtime ("2017-09-01");
  EXPECT_TRUE (banned (before.get ()).empty ());
  EXPECT_TRUE (query (before.get (), "SELECT * FROM phaseout_history").empty ());
  EXPECT_TRUE (read_state (world.state_db ()).empty ());

  auto issued = world.runtime ("2017-09-13");
  auto rows = banned (issued.get ());
  ASSERT_EQ (rows.size (), 10u);
  /* the NDAA is not law until 12 December */
  EXPECT_EQ (values (rows, "policy_id"), std::vector<std::string>{ kBod });
  auto state = read_state (world.state_db ());
  ASSERT_EQ (state.size (), 10u);
  for (const auto &row : state)
    {
      EXPECT_EQ (row.at ("policy_id"), kBod);
      EXPECT_EQ (row.at ("first_seen"), "1505260800") << "2017-09-13T00:00:00Z";
    }
}

/* a kernel module is covered only by policies in force */
TEST (NotIssued, VendorDriversListOnlyPoliciesInForce)
{
  World world ("kes-host", kUsFederal);
  world.write ("proc/modules", "kav4fs_oas 16384 2 - Live 0x0000000000000000 (PO)\n");
  const std::string sql = "SELECT covered, policy_ids FROM vendor_drivers WHERE name = "
                          "'kav4fs_oas'";

  auto before = world.runtime ("2017-09-01");
  auto row = one (before.get (), sql);
  EXPECT_EQ (row["covered"], "0");
  EXPECT_EQ (row["policy_ids"], "");

  auto later = world.runtime ("2017-12-20");
  row = one (later.get (), sql);
  EXPECT_EQ (row["covered"], "1");
  EXPECT_EQ (row["policy_ids"], "us-dhs-bod-17-01,us-ndaa18-1634");
}
