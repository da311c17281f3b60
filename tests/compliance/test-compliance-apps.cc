/* SPDX-License-Identifier: Apache-2.0 */
/*
 * banned_software's snap and flatpak findings, against apps-host and a
 * made-up vendor whose policy the tests bring: what is found, what is not
 * (a disabled snap, an older revision), and which collectors run.
 */
#include "compliance-test-util.h"

#include <glib/gstdio.h>

using namespace po_test;

namespace {

const char *const kProfile = "jurisdictions=NL\norganisation-types=x-example-engineering\n";
const char *const kPolicy = "example-no-example-secure";

const char *const kPolicyFile = R"({
  "format": 1,
  "vendors": [{
    "id": "example-secure", "name": "Example Secure Ltd",
    "products": [{
      "id": "example-av", "name": "Example Secure Anti-Virus", "category": "antivirus",
      "indicators": {"linux": {
        "deb_package": ["example-av-common"],
        "snap": ["example-av", "example-av-gui"],
        "flatpak": ["com.examplesecure.*"]
      }}
    }]
  }],
  "policies": [{
    "id": "example-no-example-secure", "title": "No Example Secure software",
    "issuer": "Example Corp IT", "jurisdiction": "*", "instrument": "IT rule 1",
    "issued": "2026-01-01", "binding": true,
    "vendors": ["example-secure"], "categories": ["antivirus"],
    "scope": {"binds": ["x-example-engineering"]},
    "milestones": [{"kind": "remove", "date": "2026-12-31"}],
    "sources": [{"title": "IT rule 1", "url": "https://intranet.example.com/it/1"}]
  }]
})";

/* apps-host with the example vendor's policy in the world's policy directory */
class AppsWorld : public World {
 public:
  AppsWorld () : World ("apps-host", kProfile)
  {
    std::string path = policy_dir () + "/20-example-secure.json";
    EXPECT_TRUE (g_file_set_contents (path.c_str (), kPolicyFile, -1, nullptr));
  }
};

}  // namespace

TEST (BannedSoftwareApps, SnapAndFlatpakFindings)
{
  AppsWorld world;
  auto runtime = world.runtime ("2026-12-01");
  auto rows = where (banned (runtime.get ()), "policy_id", kPolicy);

  /* example-av-gui is disabled (no current link): not a finding */
  EXPECT_EQ (findings (rows),
             (std::vector<std::string>{ "deb example-av-common",
                                        "flatpak com.examplesecure.Scanner", "snap example-av" }));

  auto snaps = where (rows, "source", "snap");
  ASSERT_EQ (snaps.size (), 1u);
  /* the current revision's, not the older 52 kept beside it */
  EXPECT_EQ (snaps[0].at ("version"), "4.2.1");
  EXPECT_EQ (snaps[0].at ("path"), "/snap/example-av/57");
  EXPECT_EQ (snaps[0].at ("indicator"), "linux.snap:example-av");
  EXPECT_EQ (snaps[0].at ("finding"), "snap:example-av");
  EXPECT_EQ (snaps[0].at ("vendor"), "example-secure");
  EXPECT_EQ (snaps[0].at ("product"), "example-av");
  EXPECT_EQ (snaps[0].at ("pid"), "<NULL>");
  EXPECT_EQ (snaps[0].at ("required_action"), "remove the products by 2026-12-31");

  auto flatpak = where (rows, "source", "flatpak")[0];
  EXPECT_EQ (flatpak.at ("version"), "2.0.3");
  EXPECT_EQ (flatpak.at ("path"), "/var/lib/flatpak/app/com.examplesecure.Scanner/x86_64/stable");
  EXPECT_EQ (flatpak.at ("indicator"), "linux.flatpak:com.examplesecure.*");
  EXPECT_EQ (flatpak.at ("finding"), "flatpak:com.examplesecure.Scanner");
  EXPECT_EQ (flatpak.at ("confidence"), "verified");

  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.snap"), 1u);
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.flatpak"), 1u);
}

/* enabling the snap again (snap enable: the current link is back) makes it a finding */
TEST (BannedSoftwareApps, EnabledAgainIsAFinding)
{
  AppsWorld world;
  ASSERT_EQ (symlink ("12", world.host_file ("snap/example-av-gui/current").c_str ()), 0);
  auto runtime = world.runtime ("2026-12-01");
  auto snaps = where (banned (runtime.get (), "WHERE source = 'snap'"), "name", "example-av-gui");
  ASSERT_EQ (snaps.size (), 1u);
  EXPECT_EQ (snaps[0].at ("path"), "/snap/example-av-gui/12");
}

TEST (BannedSoftwareApps, SourceDebDoesNotRunTheSnapOrFlatpakCollector)
{
  AppsWorld world;
  auto runtime = world.runtime ("2026-12-01");
  auto rows = banned (runtime.get (), "WHERE source = 'deb'");

  EXPECT_EQ (findings (rows), (std::vector<std::string>{ "deb example-av-common" }));
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.deb"), 1u);
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.snap"), 0u);
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.flatpak"), 0u);
  EXPECT_EQ (collectors_run (runtime.get ()), 1u) << collector_counts (runtime.get ());
}

TEST (BannedSoftwareApps, SourceSnapRunsOnlyTheSnapCollector)
{
  AppsWorld world;
  auto runtime = world.runtime ("2026-12-01");
  auto rows = banned (runtime.get (), "WHERE source = 'snap'");

  EXPECT_EQ (findings (rows), (std::vector<std::string>{ "snap example-av" }));
  EXPECT_EQ (po_runtime_get_count (runtime.get (), "collector.snap"), 1u);
  EXPECT_EQ (collectors_run (runtime.get ()), 1u) << collector_counts (runtime.get ());
}

/* a removed snap closes its episode, as a removed package does */
TEST (BannedSoftwareApps, RemovedSnapIsRecordedAsRemoved)
{
  AppsWorld world;
  banned (world.runtime ("2026-12-01").get ());
  world.remove_path ("snap/example-av/current");
  banned (world.runtime ("2026-12-02").get ());

  auto runtime = world.runtime ("2026-12-02");
  auto episodes = query (runtime.get (), "SELECT * FROM phaseout_history "
                                         "WHERE finding = 'snap:example-av'");
  ASSERT_EQ (episodes.size (), 1u);
  EXPECT_EQ (episodes[0].at ("source"), "snap");
  EXPECT_EQ (episodes[0].at ("first_seen"), unix_time ("2026-12-01T00:00:00Z"));
  EXPECT_EQ (episodes[0].at ("removed_at"), unix_time ("2026-12-02T00:00:00Z"));
}
