/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The government app bans on Linux endpoints, through the extension's
 * tables: fixture hosts with WeChat (Flatpak), QQ (deb), a community snap
 * running WeChat, DingTalk (a process) and nothing, each under the
 * organisation profiles of the ban policies: which policies find what,
 * and which find nothing because they are another jurisdiction's, bind
 * another kind of organisation or cover phones only.  Then the rule that
 * nothing unverified counts for status, and the remediation column.
 */
#include "compliance-test-util.h"

#include <algorithm>

using namespace po_test;

namespace {

/* after every built-in policy's issue date (the last, Czech DeepSeek, 2025-07-09) */
const char *const kNow = "2026-01-01";

struct Profile {
  const char *name;
  const char *text;
};

const Profile kProfiles[] = {
  { "none", "" },
  { "us-federal", "jurisdictions=US\norganisation-types=federal-executive\n" },
  { "texas", "jurisdictions=US-TX\norganisation-types=regional-government\n" },
  { "texas-contractor", "jurisdictions=US-TX\norganisation-types=state-contractor\n" },
  { "texas-municipality", "jurisdictions=US-TX\norganisation-types=municipality\n" },
  { "virginia", "jurisdictions=US-VA\norganisation-types=regional-government\n" },
  { "maryland", "jurisdictions=US-MD\norganisation-types=regional-government\n" },
  { "wisconsin", "jurisdictions=US-WI\norganisation-types=regional-government\n" },
  { "ohio", "jurisdictions=US-OH\norganisation-types=regional-government\n" },
  { "nl-central", "jurisdictions=NL\norganisation-types=central-government\n" },
  { "australia", "jurisdictions=AU\norganisation-types=central-government\n" },
  { "taiwan", "jurisdictions=TW\norganisation-types=government\n" },
  { "czech", "jurisdictions=CZ\norganisation-types=central-government\n" },
  { "uk", "jurisdictions=GB\norganisation-types=central-government\n" },
  { "germany", "jurisdictions=DE\norganisation-types=central-government\n" },
};

using Ids = std::vector<std::string>;

/* the state orders that name Tencent whole */
const std::map<std::string, Ids> kTencent = {
  { "none", { "us-md-2022", "us-oh-2023", "us-tx-2023", "us-va-2022", "us-wi-2023" } },
  { "texas", { "us-tx-2023" } },
  { "texas-contractor", { "us-tx-2023" } },
  { "virginia", { "us-va-2022" } },
  { "maryland", { "us-md-2022" } },
  { "wisconsin", { "us-wi-2023" } },
  { "ohio", { "us-oh-2023" } },
};

/* the orders that name Alibaba whole: Texas names Alipay, not DingTalk */
const std::map<std::string, Ids> kAlibaba = {
  { "none", { "us-md-2022", "us-oh-2023", "us-wi-2023" } },
  { "maryland", { "us-md-2022" } },
  { "wisconsin", { "us-wi-2023" } },
  { "ohio", { "us-oh-2023" } },
};

struct Host {
  const char *fixture;
  std::vector<std::string> findings;          /* "source name", as findings() gives them */
  const std::map<std::string, Ids> *policies; /* by profile; absent: none */
};

const Host kHosts[] = {
  { "wechat-flatpak-host", { "flatpak com.tencent.WeChat" }, &kTencent },
  { "qq-deb-host", { "deb linuxqq", "path /opt/QQ", "process qq" }, &kTencent },
  /* the snap is no Tencent snap (none is sourced): its WeChat process is the finding */
  { "wechat-snap-host", { "process wechat" }, &kTencent },
  { "dingtalk-process-host",
    { "path /opt/apps/com.alibabainc.dingtalk", "process com.alibabainc." },
    &kAlibaba },
  { "clean-host", {}, nullptr },
};

Ids
expected_policies (const Host &host, const std::string &profile)
{
  if (host.policies == nullptr || host.policies->count (profile) == 0)
    return {};
  return host.policies->at (profile);
}

/* appends a dpkg stanza to the world's status file */
void
add_package (const World &world, const std::string &name, const std::string &version)
{
  std::string path = world.host_file ("var/lib/dpkg/status");
  gchar *contents = nullptr;
  ASSERT_TRUE (g_file_get_contents (path.c_str (), &contents, nullptr, nullptr));
  std::string text = std::string (contents) + "\nPackage: " + name
                     + "\nStatus: install ok installed\nPriority: optional\nSection: net\n"
                       "Maintainer: Test <test@example.invalid>\nArchitecture: amd64\nVersion: "
                     + version + "\nDescription: test stanza\n";
  g_free (contents);
  ASSERT_TRUE (g_file_set_contents (path.c_str (), text.c_str (), -1, nullptr));
}

::testing::AssertionResult
Contains (const std::string &haystack, const std::string &needle)
{
  if (haystack.find (needle) != std::string::npos)
    return ::testing::AssertionSuccess ();
  return ::testing::AssertionFailure () << "\"" << needle << "\" not in: " << haystack;
}

Row
status_of (PoRuntime *runtime, const std::string &policy)
{
  auto rows = query (runtime, "SELECT * FROM phaseout_status WHERE policy_id = '" + policy + "'");
  EXPECT_EQ (rows.size (), 1u) << policy;
  return rows.empty () ? Row () : rows[0];
}

}  // namespace

/* every host under every profile: exactly the policies that cover it find it */
TEST (BannedSoftwareBans, EveryHostUnderEveryProfile)
{
  for (const auto &host : kHosts)
    for (const auto &profile : kProfiles)
      {
        SCOPED_TRACE (std::string (host.fixture) + " as " + profile.name);
        World world (host.fixture, profile.text);
        auto runtime = world.runtime (kNow);
        auto rows = banned (runtime.get ());
        Ids expected = expected_policies (host, profile.name);

        EXPECT_EQ (values (rows, "policy_id"), expected);
        for (const auto &id : expected)
          {
            SCOPED_TRACE (id);
            EXPECT_EQ (findings (where (rows, "policy_id", id)), host.findings);
            /* and phaseout_status agrees: binding, with the findings to act on */
            Row status = status_of (runtime.get (), id);
            EXPECT_EQ (status["applies"], "1");
            EXPECT_EQ (status["findings"], std::to_string (host.findings.size ()));
            EXPECT_EQ (status["unconfirmed"], "0");
            EXPECT_TRUE (status["status"] == "action_required" || status["status"] == "overdue")
              << status["status"];
          }
        /* nothing else applicable has a finding: every other applicable policy is compliant */
        for (const auto &row : query (runtime.get (), "SELECT * FROM phaseout_status "
                                                      "WHERE applies = 1"))
          if (std::find (expected.begin (), expected.end (), row.at ("policy_id"))
              == expected.end ())
            {
              EXPECT_EQ (row.at ("status"), "compliant") << row.at ("policy_id");
            }
      }
}

TEST (BannedSoftwareBans, WhatTheFindingsSay)
{
  World world ("qq-deb-host", "jurisdictions=US-VA\norganisation-types=regional-government\n");
  auto runtime = world.runtime (kNow);
  auto rows = banned (runtime.get ());
  ASSERT_EQ (rows.size (), 3u);

  for (const auto &row : rows)
    {
      SCOPED_TRACE (row.at ("finding"));
      EXPECT_EQ (row.at ("vendor"), "tencent");
      EXPECT_EQ (row.at ("vendor_name"), "Tencent");
      EXPECT_EQ (row.at ("product"), "qq");
      EXPECT_EQ (row.at ("category"), "messaging");
      EXPECT_EQ (row.at ("confidence"), "corroborated");
      EXPECT_EQ (row.at ("applicability"), "binding");
      EXPECT_EQ (row.at ("required_action"), "report the products by 2023-01-15");
      EXPECT_EQ (row.at ("remediation"), "sudo apt-get purge linuxqq, or sudo dnf remove linuxqq; "
                                         "Flatpak: flatpak uninstall --delete-data com.qq.QQ.");
    }
  auto deb = where (rows, "source", "deb")[0];
  EXPECT_EQ (deb.at ("version"), "3.2.19-250904");
  EXPECT_EQ (deb.at ("indicator"), "linux.deb_package:linuxqq");
  auto process = where (rows, "source", "process")[0];
  EXPECT_EQ (process.at ("pid"), "2300");
  EXPECT_EQ (process.at ("path"), "/opt/QQ/qq");

  World flatpak ("wechat-flatpak-host",
                 "jurisdictions=US-VA\norganisation-types=regional-government\n");
  auto flatpak_runtime = flatpak.runtime (kNow);
  auto wechat = banned (flatpak_runtime.get ());
  ASSERT_EQ (wechat.size (), 1u);
  EXPECT_EQ (wechat[0].at ("indicator"), "linux.flatpak:com.tencent.WeChat");
  EXPECT_EQ (wechat[0].at ("confidence"), "verified");
  EXPECT_EQ (wechat[0].at ("version"), "1.0.0.238");
  EXPECT_EQ (wechat[0].at ("path"), "/var/lib/flatpak/app/com.tencent.WeChat/x86_64/stable");
  EXPECT_TRUE (
    g_str_has_prefix (wechat[0].at ("remediation").c_str (), "sudo apt-get purge wechat"));
}

/*
 * A phones-only rule has nothing to say about a desktop: the Dutch app
 * policy (mobile devices) is not_applicable on a Dutch ministry's Linux
 * desktop with WeChat, and says why; Virginia's order (every device)
 * reports the same WeChat.  The TikTok and DeepSeek phones-only rules
 * likewise, for their own organisations.
 */
TEST (BannedSoftwareBans, DeviceScope)
{
  const struct {
    const char *policy;
    const char *profile;
  } phones_only[] = {
    { "nl-apps-2023", "jurisdictions=NL\norganisation-types=central-government\n" },
    { "nl-deepseek-2025", "jurisdictions=NL\norganisation-types=central-government\n" },
    { "ca-tiktok-2023", "jurisdictions=CA\norganisation-types=central-government\n" },
    { "eu-com-tiktok-2023", "jurisdictions=EU\norganisation-types=eu-institution\n" },
    /* a profile that says the host is a desktop changes nothing */
    { "nl-apps-2023", "jurisdictions=NL\norganisation-types=central-government\n"
                      "device-class=desktop\n" },
  };
  for (const auto &c : phones_only)
    {
      SCOPED_TRACE (c.policy);
      World world ("wechat-flatpak-host", c.profile);
      auto runtime = world.runtime (kNow);
      Row status = status_of (runtime.get (), c.policy);
      EXPECT_EQ (status["applicability"], "other_devices");
      EXPECT_EQ (status["applies"], "0");
      EXPECT_EQ (status["status"], "not_applicable");
      EXPECT_EQ (status["findings"], "0");
      EXPECT_TRUE (Contains (status["reason"], "the policy covers government-issued mobile "
                                               "devices only (devices: mobile); this host is a "
                                               "desktop"));
      EXPECT_TRUE (
        banned (runtime.get (), "WHERE policy_id = '" + std::string (c.policy) + "'").empty ());
      auto policies = query (runtime.get (), "SELECT devices, applicability FROM "
                                             "phaseout_policies WHERE id = '"
                                               + std::string (c.policy) + "'");
      ASSERT_EQ (policies.size (), 1u);
      EXPECT_EQ (policies[0].at ("devices"), "mobile");
      EXPECT_EQ (policies[0].at ("applicability"), "other_devices");
    }

  /* a rule for every government device reports the desktop app */
  World virginia ("wechat-flatpak-host",
                  "jurisdictions=US-VA\norganisation-types=regional-government\n");
  auto runtime = virginia.runtime (kNow);
  EXPECT_EQ (status_of (runtime.get (), "us-va-2022")["status"], "overdue");
  EXPECT_EQ (banned (runtime.get (), "WHERE policy_id = 'us-va-2022'").size (), 1u);
  /* the all-devices TikTok rules apply to a desktop: nothing of TikTok's runs on Linux */
  for (const char *profile : { "jurisdictions=GB\norganisation-types=central-government\n",
                               "jurisdictions=US\norganisation-types=federal-executive\n" })
    {
      World world ("wechat-flatpak-host", profile);
      auto r = world.runtime (kNow);
      Row uk = status_of (r.get (), "uk-tiktok-2023");
      Row us = status_of (r.get (), "us-tiktok-2022");
      EXPECT_TRUE (uk["applicability"] == "binding" || us["applicability"] == "binding");
      EXPECT_NE (uk["applicability"], "other_devices");
      EXPECT_NE (us["applicability"], "other_devices");
    }
}

/*
 * Nothing unverified counts as a binding finding: a weak indicator (one
 * source) is listed, with its confidence and a required action that asks
 * to confirm it, but on its own leaves the policy compliant, starts no grace
 * period and fails no --fail-on-findings.
 */
TEST (BannedSoftwareBans, WeakFindingsAloneDoNotMakeAPolicyActionRequired)
{
  World world ("clean-host", "jurisdictions=US-WI\norganisation-types=regional-government\n"
                             "grace-period-days=30\n");
  /* DingTalk's deb name rests on one source */
  add_package (world, "com.alibabainc.dingtalk", "7.6.0-Release.4021101");
  auto runtime = world.runtime (kNow);

  auto rows = banned (runtime.get ());
  ASSERT_EQ (rows.size (), 1u);
  EXPECT_EQ (rows[0].at ("policy_id"), "us-wi-2023");
  EXPECT_EQ (rows[0].at ("confidence"), "weak");
  EXPECT_EQ (rows[0].at ("indicator"), "linux.deb_package:com.alibabainc.dingtalk");
  EXPECT_TRUE (g_str_has_prefix (rows[0].at ("required_action").c_str (),
                                 "confirm it first (a weak indicator, one source: it does not "
                                 "count until confirmed); if it is the product: "))
    << rows[0].at ("required_action");

  Row status = status_of (runtime.get (), "us-wi-2023");
  EXPECT_EQ (status["findings"], "1");
  EXPECT_EQ (status["unconfirmed"], "1");
  EXPECT_EQ (status["status"], "compliant");
  EXPECT_EQ (status["deadline"], "<NULL>");
  EXPECT_EQ (status["action"], "1 unconfirmed finding to check (weak indicator, one source each: "
                               "it does not count for the status until confirmed)");
}

TEST (BannedSoftwareBans, WeakFindingsBesideConfirmedOnes)
{
  World world ("dingtalk-process-host",
               "jurisdictions=US-WI\norganisation-types=regional-government\n"
               "grace-period-days=30\n");
  add_package (world, "com.alibabainc.dingtalk", "7.6.0-Release.4021101");
  auto runtime = world.runtime (kNow);

  Row status = status_of (runtime.get (), "us-wi-2023");
  EXPECT_EQ (status["findings"], "3");
  EXPECT_EQ (status["unconfirmed"], "1");
  EXPECT_EQ (status["status"], "action_required");
  /* the grace period runs from the confirmed findings' detection */
  EXPECT_EQ (status["deadline_source"], "grace_period");
  EXPECT_EQ (status["deadline"], "2026-01-31");
  EXPECT_TRUE (g_str_has_prefix (status["action"].c_str (), "2 findings: remove the products by "
                                                            "2026-01-31"))
    << status["action"];
  EXPECT_TRUE (Contains (status["action"], "; and 1 unconfirmed finding to check (weak "
                                           "indicator"));
  auto weak = banned (runtime.get (), "WHERE confidence = 'weak'");
  ASSERT_EQ (weak.size (), 1u);
  EXPECT_EQ (weak[0].at ("source"), "deb");
  for (const auto &row : banned (runtime.get (), "WHERE confidence <> 'weak'"))
    EXPECT_TRUE (g_str_has_prefix (row.at ("required_action").c_str (), "remove the products by"))
      << row.at ("required_action");
}

/* the Kaspersky data has weak names too: a lone kess package under BOD 17-01 */
TEST (BannedSoftwareBans, WeakKasperskyNameUnderTheUsDirective)
{
  World world ("clean-host", kUsFederal);
  add_package (world, "kess", "3.3.0-1234");
  auto runtime = world.runtime ("2017-12-20");

  Row status = status_of (runtime.get (), "us-dhs-bod-17-01");
  EXPECT_EQ (status["findings"], "1");
  EXPECT_EQ (status["unconfirmed"], "1");
  EXPECT_EQ (status["status"], "compliant");
  auto rows = banned (runtime.get (), "WHERE policy_id = 'us-dhs-bod-17-01'");
  ASSERT_EQ (rows.size (), 1u);
  EXPECT_EQ (rows[0].at ("confidence"), "weak");
  EXPECT_EQ (rows[0].at ("product"), "kess-linux");
  /* the vendor's Linux text stands for products without one */
  EXPECT_TRUE (g_str_has_prefix (rows[0].at ("remediation").c_str (),
                                 "Remove the packages found with the package manager"));
}
