/* SPDX-License-Identifier: Apache-2.0 */
/*
 * banned_software against the fixture hosts: what is found under which
 * policy for which profile, and which collectors a query runs.
 */
#include "compliance-test-util.h"

#include <set>
#include <sys/stat.h>
#include <unistd.h>

using namespace po_test;

namespace {

const char *const kBod = "us-dhs-bod-17-01";
const char *const kNl = "nl-kamerbrief-2018";

}  // namespace

/* BOD 17-01 covers every Kaspersky product: KESL and the Network Agent, found every way */
TEST (BannedSoftware, UsDirectiveFindsPackageProcessUnitAndPath)
{
  World world ("kes-host", kUsFederal);
  auto runtime = world.runtime ("2017-12-01");
  auto bod = where (banned (runtime.get ()), "policy_id", kBod);

  EXPECT_EQ (findings (bod),
             (std::vector<std::string>{
               "deb kesl", "deb klnagent64", "path /opt/kaspersky/kesl",
               "path /opt/kaspersky/klnagent64", "path /var/opt/kaspersky/kesl",
               "path /var/opt/kaspersky/klnagent64", "process kesl", "process klnagent",
               "systemd_unit kesl.service", "systemd_unit klnagent64.service" }));

  auto deb = where (bod, "name", "kesl")[0];
  EXPECT_EQ (deb.at ("source"), "deb");
  EXPECT_EQ (deb.at ("vendor"), "kaspersky");
  EXPECT_EQ (deb.at ("vendor_name"), "Kaspersky");
  EXPECT_EQ (deb.at ("product"), "kesl");
  EXPECT_EQ (deb.at ("product_name"), "Kaspersky Endpoint Security for Linux");
  EXPECT_EQ (deb.at ("category"), "antivirus");
  EXPECT_EQ (deb.at ("version"), "12.1.0-1297");
  EXPECT_EQ (deb.at ("indicator"), "linux.deb_package:kesl");
  EXPECT_EQ (deb.at ("confidence"), "verified");
  EXPECT_EQ (deb.at ("finding"), "deb:kesl");
  EXPECT_EQ (deb.at ("pid"), "<NULL>");
  EXPECT_EQ (deb.at ("applicability"), "binding");
  EXPECT_EQ (deb.at ("required_action"), "begin removal by 2017-12-12");
  EXPECT_EQ (deb.at ("next_milestone"), "begin-removal");
  EXPECT_EQ (deb.at ("next_milestone_date"), "2017-12-12");
  EXPECT_EQ (deb.at ("deadline"), "2017-12-12");
  EXPECT_EQ (deb.at ("days_remaining"), "11");
  EXPECT_EQ (deb.at ("first_seen"), unix_time ("2017-12-01T00:00:00Z"));
  EXPECT_EQ (deb.at ("last_seen"), unix_time ("2017-12-01T00:00:00Z"));

  auto process = where (where (bod, "source", "process"), "name", "kesl")[0];
  EXPECT_EQ (process.at ("pid"), "812");
  EXPECT_EQ (process.at ("path"), "/opt/kaspersky/kesl/libexec/kesl");
  EXPECT_EQ (process.at ("product"), "kesl");
  EXPECT_EQ (process.at ("indicator"), "linux.process:kesl");

  auto unit = where (bod, "name", "kesl.service")[0];
  EXPECT_EQ (unit.at ("path"), "/usr/lib/systemd/system/kesl.service");
  EXPECT_EQ (unit.at ("product"), "kesl");

  /* DIR/STAR indicators name the directory; the vendor-wide /opt/kaspersky
   * is left out because product paths lie beneath it */
  auto var = where (bod, "name", "/var/opt/kaspersky/kesl")[0];
  EXPECT_EQ (var.at ("indicator"), "linux.path:/var/opt/kaspersky/kesl/*");
  auto opt = where (bod, "name", "/opt/kaspersky/kesl")[0];
  EXPECT_EQ (opt.at ("indicator"), "linux.path:/opt/kaspersky/kesl");
  EXPECT_TRUE (where (bod, "name", "/opt/kaspersky").empty ());

  auto agent = where (bod, "name", "klnagent64");
  ASSERT_EQ (agent.size (), 1u);
  EXPECT_EQ (agent[0].at ("product"), "ksc-network-agent");
  EXPECT_EQ (agent[0].at ("category"), "management");
}

/* a package removed but not purged (config-files) is not installed software */
TEST (BannedSoftware, ConfigFilesPackageIsNotAFinding)
{
  World world ("kes-host", kUsFederal);
  auto runtime = world.runtime ("2017-12-01");
  EXPECT_TRUE (where (banned (runtime.get ()), "name", "kesl-gui").empty ());
}

/* a process is recognised by its executable's path as well as its name */
TEST (BannedSoftware, ProcessMatchedByExecutablePath)
{
  World world ("kes-host", kUsFederal);
  world.write ("proc/790/comm", "wdserver\n");
  world.write ("proc/790/status", "Name:\twdserver\nPid:\t790\nPPid:\t1\nUid:\t0\t0\t0\t0\n");
  world.write ("proc/790/cmdline", std::string ("/opt/kaspersky/kesl/libexec/wdserver\0", 37));
  world.write ("opt/kaspersky/kesl/libexec/wdserver", "\x7f"
                                                      "ELF");
  ASSERT_EQ (symlink ("/opt/kaspersky/kesl/libexec/wdserver",
                      world.host_file ("proc/790/exe").c_str ()),
             0);
  auto runtime = world.runtime ("2017-12-01");
  auto rows = where (where (banned (runtime.get (), "WHERE source = 'process'"), "policy_id", kBod),
                     "name", "wdserver");
  ASSERT_EQ (rows.size (), 1u);
  EXPECT_EQ (rows[0].at ("product"), "kesl");
  EXPECT_EQ (rows[0].at ("indicator"), "linux.path:/opt/kaspersky/kesl/*");
  EXPECT_EQ (rows[0].at ("pid"), "790");
}

/* one process of a test under proc/<pid>: comm, status with real uid, exe link (if any) */
static void
add_process (const World &world, int pid, const std::string &name, int uid, const char *exe)
{
  std::string dir = "proc/" + std::to_string (pid) + "/";
  world.write (dir + "comm", name + "\n");
  world.write (dir + "status", "Name:\t" + name + "\nPPid:\t1\nUid:\t" + std::to_string (uid) + "\t"
                                 + std::to_string (uid) + "\t0\t0\n");
  if (exe != nullptr)
    {
      ASSERT_EQ (symlink (exe, world.host_file (dir + "exe").c_str ()), 0);
    }
}

static std::set<std::string>
process_finding_pids (const World &world)
{
  auto runtime = world.runtime ("2017-12-01");
  std::set<std::string> pids;
  for (auto &row : where (banned (runtime.get (), "WHERE source = 'process'"), "policy_id", kBod))
    pids.insert (row.at ("pid"));
  return pids;
}

/*
 * Anyone can name a process "kesl": a process counts only where an
 * unprivileged user could not have made it (po-compliance-match.c).
 */
TEST (BannedSoftware, ProcessLookAlikesAreNotFindings)
{
  World world ("kes-host", kUsFederal);
  /* a copy anyone could have made: a writable file (and, as root, a user's) */
  world.write ("home/user/kesl", "\x7f"
                                 "ELF");
  ASSERT_EQ (chmod (world.host_file ("home/user/kesl").c_str (), 0777), 0);
  add_process (world, 4001, "kesl", 1000, "/home/user/kesl");
  if (geteuid () == 0)
    {
      world.write ("home/user/kesl-gui", "\x7f"
                                         "ELF");
      ASSERT_EQ (chown (world.host_file ("home/user/kesl-gui").c_str (), 1000, 1000), 0);
      add_process (world, 4002, "kesl-gui", 1000, "/home/user/kesl-gui");
    }
  /* a symlink named kesl to some root-owned program: comm says kesl, exe does not */
  add_process (world, 4003, "kesl", 1000, "/usr/sbin/sshd");
  /* a name and nothing else, started by a user */
  add_process (world, 4004, "kesl", 1000, nullptr);

  auto pids = process_finding_pids (world);
  EXPECT_TRUE (pids.count ("812")) << "the real kesl daemon";
  for (const char *pid : { "4001", "4002", "4003", "4004" })
    EXPECT_FALSE (pids.count (pid)) << "look-alike " << pid << " reported as banned software";
}

/* a root process whose executable cannot be read still counts by its name */
TEST (BannedSoftware, RootProcessWithoutReadableExecutableCountsByName)
{
  World world ("kes-host", kUsFederal);
  add_process (world, 4005, "kesl", 0, nullptr);
  add_process (world, 4006, "kesl-control", 0, "/opt/kaspersky/kesl/bin/kesl-control");
  world.write ("opt/kaspersky/kesl/bin/kesl-control", "\x7f"
                                                      "ELF");

  auto pids = process_finding_pids (world);
  EXPECT_TRUE (pids.count ("4005")) << "root's kesl with no readable exe";
  EXPECT_TRUE (pids.count ("4006")) << "kesl-control from the install directory";
}

/* a kernel module named by the catalogue is a finding of the policies covering its product */
TEST (BannedSoftware, KernelModuleFinding)
{
  World world ("kes-host", kUsFederal);
  world.write ("proc/modules", "e1000e 335872 0 - Live 0x0000000000000000\n"
                               "kav4fs_oas 16384 2 - Live 0x0000000000000000 (PO)\n");
  auto runtime = world.runtime ("2017-12-01");
  auto rows = where (banned (runtime.get (), "WHERE source = 'kernel_module'"), "policy_id", kBod);
  ASSERT_EQ (rows.size (), 1u);
  EXPECT_EQ (rows[0].at ("name"), "kav4fs_oas");
  EXPECT_EQ (rows[0].at ("product"), "kav4fs");
  EXPECT_EQ (rows[0].at ("confidence"), "weak");
  EXPECT_EQ (rows[0].at ("indicator"), "linux.kernel_module:kav4fs_oas*");
}

/* NL: anti-virus only; the Network Agent is management software */
TEST (BannedSoftware, DutchLetterCountsAntivirusNotTheNetworkAgent)
{
  World world ("kes-host", kNlCentral);
  auto runtime = world.runtime ("2019-01-01");
  auto rows = banned (runtime.get ());

  EXPECT_EQ (values (rows, "policy_id"), (std::vector<std::string>{ kNl }));
  EXPECT_EQ (values (rows, "product"), (std::vector<std::string>{ "kesl" }));
  EXPECT_EQ (findings (rows),
             (std::vector<std::string>{ "deb kesl", "path /opt/kaspersky/kesl",
                                        "path /var/opt/kaspersky/kesl", "process kesl",
                                        "systemd_unit kesl.service" }));
  EXPECT_EQ (rows[0].at ("applicability"), "binding");
  EXPECT_EQ (rows[0].at ("deadline"), "<NULL>");
  EXPECT_EQ (rows[0].at ("days_remaining"), "<NULL>");
  EXPECT_EQ (rows[0].at ("required_action"),
             "phase the products out (the policy sets no deadline)");
}

TEST (BannedSoftware, DutchLetterIgnoresAHostWithOnlyTheNetworkAgent)
{
  World world ("agent-only-host", kNlCentral);
  auto runtime = world.runtime ("2019-01-01");
  EXPECT_TRUE (banned (runtime.get ()).empty ());

  /* the same host under the US directive: the agent is a Kaspersky product */
  world.set_profile (kUsFederal);
  auto us = world.runtime ("2019-01-01");
  EXPECT_EQ (values (where (banned (us.get ()), "policy_id", kBod), "product"),
             (std::vector<std::string>{ "ksc-network-agent" }));
}

TEST (BannedSoftware, DutchMunicipalityHasNoFindingsAndRunsNoCollector)
{
  World world ("kes-host", kNlMunicipality);
  auto runtime = world.runtime ("2019-01-01");
  EXPECT_TRUE (banned (runtime.get ()).empty ());
  EXPECT_EQ (collectors_run (runtime.get ()), 0u) << collector_counts (runtime.get ());
}

TEST (BannedSoftware, DutchVitalSectorIsAdvised)
{
  World world ("kes-host", kNlVitalSector);
  auto runtime = world.runtime ("2019-01-01");
  auto rows = banned (runtime.get ());
  ASSERT_FALSE (rows.empty ());
  EXPECT_EQ (values (rows, "applicability"), (std::vector<std::string>{ "advisory" }));
  EXPECT_EQ (rows[0].at ("required_action"), "advised, not binding: replace the products");
}

TEST (BannedSoftware, CleanHostHasNoRows)
{
  for (const char *profile : { kUsFederal, kNlCentral, "" })
    {
      World world ("clean-host", profile);
      auto runtime = world.runtime ("2019-01-01");
      EXPECT_TRUE (banned (runtime.get ()).empty ()) << profile;
    }
}

/* a US federal contractor with Dutch and US jurisdictions: US law binds it, and the Dutch
 * advice to government suppliers does not reach it */
TEST (BannedSoftware, FederalContractorGetsNoDutchAdvice)
{
  World world ("kes-host", "jurisdictions=NL,US\norganisation-types=federal-contractor\n");
  auto runtime = world.runtime ("2019-01-01");
  auto rows = banned (runtime.get ());
  EXPECT_EQ (values (rows, "policy_id"), (std::vector<std::string>{ "us-ndaa18-1634" }));
  EXPECT_EQ (values (rows, "applicability"), (std::vector<std::string>{ "binding" }));
}

/* without a profile every policy applies as broadly as its scope allows */
TEST (BannedSoftware, NoProfileMeansEveryPolicy)
{
  World world ("kes-host", "");
  /* once every policy is issued (the last, Commerce, on 2024-06-20) */
  auto runtime = world.runtime ("2025-01-01");
  auto rows = banned (runtime.get ());
  /* the state orders that name Kaspersky among others find it too; the
   * Dutch app policy names it as well, but covers mobile devices only */
  EXPECT_EQ (values (rows, "policy_id"),
             (std::vector<std::string>{ "de-bsi-2022", "it-dl21-2022", "lt-gov-2017",
                                        "nl-kamerbrief-2018", "uk-ncsc-2017", kBod,
                                        "us-doc-ictsfd-2024", "us-md-2022", "us-ndaa18-1634",
                                        "us-tx-2023", "us-wi-2023" }));
  /* anti-virus-only policies see KESL, not the agent */
  EXPECT_EQ (values (where (rows, "policy_id", "de-bsi-2022"), "product"),
             (std::vector<std::string>{ "kesl" }));
}

/* ---- pushdown ----------------------------------------------------------- */

TEST (BannedSoftwarePushdown, SourceDebRunsOnlyThePackageCollector)
{
  World world ("kes-host", kUsFederal);
  auto runtime = world.runtime ("2017-12-01");
  auto rows = banned (runtime.get (), "WHERE source = 'deb'");

  EXPECT_EQ (findings (where (rows, "policy_id", kBod)),
             (std::vector<std::string>{ "deb kesl", "deb klnagent64" }));
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.deb"), 1u);
  EXPECT_EQ (collectors_run (runtime.get ()), 1u) << collector_counts (runtime.get ());
}

TEST (BannedSoftwarePushdown, SourceInListRunsThoseCollectors)
{
  World world ("kes-host", kUsFederal);
  auto runtime = world.runtime ("2017-12-01");
  auto rows = banned (runtime.get (), "WHERE source IN ('process', 'systemd_unit')");

  EXPECT_EQ (values (rows, "source"), (std::vector<std::string>{ "process", "systemd_unit" }));
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.process"), 1u);
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.systemd"), 1u);
  EXPECT_EQ (collectors_run (runtime.get ()), 2u) << collector_counts (runtime.get ());
}

TEST (BannedSoftwarePushdown, UnknownSourceRunsNothing)
{
  World world ("kes-host", kUsFederal);
  auto runtime = world.runtime ("2017-12-01");
  EXPECT_TRUE (banned (runtime.get (), "WHERE source = 'msi'").empty ());
  EXPECT_EQ (collectors_run (runtime.get ()), 0u) << collector_counts (runtime.get ());
}

/* the built-in catalogue has no snap or flatpak indicators, so nothing asks for
 * their collectors (test-compliance-apps.cc has a policy that does) */
TEST (BannedSoftwarePushdown, BuiltinCatalogueRunsNoSnapOrFlatpakCollector)
{
  World world ("kes-host", kUsFederal);
  auto runtime = world.runtime ("2017-12-01");
  banned (runtime.get ());
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.snap"), 0u);
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.flatpak"), 0u);
  EXPECT_GE (po_runtime_get_count (runtime.get (), "collector.deb"), 1u);
}

TEST (BannedSoftwarePushdown, CategoryLimitsProductsAndCollectors)
{
  World world ("kes-host", kUsFederal);
  auto runtime = world.runtime ("2017-12-01");
  auto rows = banned (runtime.get (), "WHERE category = 'management'");

  EXPECT_EQ (values (rows, "product"), (std::vector<std::string>{ "ksc-network-agent" }));
  /* no management product has a kernel module indicator, and the vendor-wide
   * indicators (which would need the module signer) have no category */
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.kmod"), 0u)
    << collector_counts (runtime.get ());
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.deb"), 1u);
}

TEST (BannedSoftwarePushdown, PolicyIdLimitsPolicies)
{
  World world ("kes-host", "");
  auto runtime = world.runtime ("2019-01-01");
  auto rows = banned (runtime.get (), "WHERE policy_id = 'nl-kamerbrief-2018'");
  EXPECT_EQ (values (rows, "policy_id"), (std::vector<std::string>{ kNl }));
  EXPECT_EQ (values (rows, "product"), (std::vector<std::string>{ "kesl" }));
  /* each collector ran once: one scan */
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.deb"), 1u);
}

TEST (BannedSoftwarePushdown, UnknownVendorRunsNothing)
{
  World world ("kes-host", kUsFederal);
  auto runtime = world.runtime ("2017-12-01");
  EXPECT_TRUE (banned (runtime.get (), "WHERE vendor = 'acme'").empty ());
  EXPECT_EQ (collectors_run (runtime.get ()), 0u) << collector_counts (runtime.get ());
  auto kaspersky = banned (runtime.get (), "WHERE vendor = 'kaspersky'");
  EXPECT_FALSE (kaspersky.empty ());
}

/* constraints pushdown does not handle are still applied by SQLite */
TEST (BannedSoftwarePushdown, OtherConstraintsAreRechecked)
{
  World world ("kes-host", kUsFederal);
  /* BOD 17-01, the NDAA and the Commerce determination all in force */
  auto runtime = world.runtime ("2025-01-01");
  auto rows = banned (runtime.get (), "WHERE name LIKE 'kesl%' AND pid IS NOT NULL");
  EXPECT_EQ (findings (rows),
             (std::vector<std::string>{ "process kesl", "process kesl", "process kesl" }));
}

/*
 * Path indicators are planned once per catalogue by the directory that
 * decides whether they can match (/opt/<vendor>): a scan passes over the
 * indicators beneath a missing one.  With forty vendors, present and
 * missing, and patterns of every shape (under the vendor directory, with
 * a wildcard above it, a link as the vendor directory), exactly the
 * present paths are found, on the first query and the next.
 */
TEST (BannedSoftware, ManyVendorsPathIndicatorsFoundExactly)
{
  World world ("kes-host", "jurisdictions=NL\norganisation-types=x-example-engineering\n");
  std::string vendors, ids;
  std::vector<std::string> expected;
  for (int i = 0; i < 40; i++)
    {
      std::string v = "pathvendor" + std::to_string (i);
      vendors += std::string (i > 0 ? "," : "") + R"({"id": ")" + v + R"(", "name": ")" + v
                 + R"(", "products": [{"id": ")" + v
                 + R"(-agent", "name": "Agent", "category": "edr",
          "indicators": {"linux": {"path": ["/opt/)"
                 + v + R"(/bin/agent", "/opt/)" + v + R"(/lib/*", "/opt/)" + v
                 + R"(-*/state", "/srv/)" + v + R"(/x"]}}}]})";
      ids += std::string (i > 0 ? "," : "") + "\"" + v + "\"";
      if (i % 3 == 0)
        {
          world.write ("opt/" + v + "/bin/agent", "");
          expected.push_back ("path /opt/" + v + "/bin/agent");
        }
      if (i % 4 == 0)
        {
          world.write ("opt/" + v + "/lib/libagent.so", "");
          expected.push_back ("path /opt/" + v + "/lib");
        }
      if (i % 5 == 0)
        {
          world.write ("opt/" + v + "-2/state", "");
          expected.push_back ("path /opt/" + v + "-2/state");
        }
    }
  /* a vendor directory that is a link, beneath the root */
  world.write ("srv/real/x", "");
  ASSERT_EQ (symlink ("real", world.host_file ("srv/pathvendor7").c_str ()), 0);
  expected.push_back ("path /srv/pathvendor7/x");
  std::sort (expected.begin (), expected.end ());
  std::string policy = R"({"format": 1, "vendors": [)" + vendors + R"(],
    "policies": [{"id": "example-paths", "title": "Paths", "issuer": "Example Corp IT",
      "jurisdiction": "*", "instrument": "IT rule 2", "issued": "2026-01-01", "binding": true,
      "vendors": [)" + ids
                       + R"(], "categories": ["edr"],
      "scope": {"binds": ["x-example-engineering"]},
      "milestones": [{"kind": "remove", "date": "2026-12-31"}],
      "sources": [{"title": "IT rule 2", "url": "https://intranet.example.com/it/2"}]}]})";
  ASSERT_TRUE (g_file_set_contents ((world.policy_dir () + "/20-paths.json").c_str (),
                                    policy.c_str (), -1, nullptr));

  auto runtime = world.runtime ("2026-06-01");
  for (int run = 0; run < 2; run++)
    {
      auto rows = where (banned (runtime.get (), "WHERE source = 'path'"), "policy_id",
                         "example-paths");
      EXPECT_EQ (findings (rows), expected) << "query " << run + 1;
    }
}
