/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * What the hardening tests share: phaseout.ext under the osqueryd stand-in
 * with settings of the test's choosing (osqueryd starts an extension with
 * its own argv only, so a wrapper script adds them, as an administrator's
 * wrapper would), the resident memory of a process, and a mixed query
 * workload.
 */
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "po-ext-fixture.h"

namespace po_test {

/* VmRSS of a process in KiB (/proc/PID/status), -1 when it is gone */
inline long
resident_kib (pid_t pid)
{
  std::ifstream status ("/proc/" + std::to_string (pid) + "/status");
  std::string line;
  while (std::getline (status, line))
    if (line.rfind ("VmRSS:", 0) == 0)
      return std::stol (line.substr (6));
  return -1;
}

/*
 * phaseout.ext launched through a wrapper that adds `flags` after
 * osqueryd's own arguments (phaseout.ext takes the last of a repeated flag)
 */
class HardeningFixture : public ExtensionFixture {
 protected:
  void
  SetUp () override
  {
  }

  void
  LaunchWith (const std::string &flags, const std::string &prefix = "")
  {
    std::string wrapper = "#!/bin/sh\n" + prefix + "exec " + build_path ("extension/phaseout.ext")
                          + " \"$@\" " + flags + "\n";
    dir.write ("phaseout-hardening.ext", wrapper, 0755);
    Launch (dir.file ("phaseout-hardening.ext"));
  }

  /*
   * launches phaseout.ext again with other flags under the same stand-in,
   * after the previous instance was killed or stopped and the stand-in has
   * forgotten it (its watcher notices within the 1 s interval)
   */
  void
  LaunchAgainWith (const std::string &flags)
  {
    for (int i = 0; i < 200 && standin.FindExtension ("phaseout").has_value (); i++)
      usleep (50 * 1000);
    exited = false;
    std::string wrapper = "#!/bin/sh\nexec " + build_path ("extension/phaseout.ext") + " \"$@\" "
                          + flags + "\n";
    dir.write ("phaseout-hardening.ext", wrapper, 0755);
    std::string error;
    pid = standin.LaunchExtension (dir.file ("phaseout-hardening.ext"), false, "5", "1", {},
                                   &error);
    ASSERT_GT (pid, 0) << error;
    auto registered = standin.WaitForRegistration ("phaseout", 20s);
    ASSERT_TRUE (registered.has_value ()) << "phaseout.ext did not register again";
    uuid = *registered;
    for (int i = 0; i < 500 && !standin.PingExtension (uuid).ok (); i++)
      usleep (10 * 1000);
  }

  /* the tables this build has (the compliance tables may not exist yet) */
  bool
  HasTable (const std::string &table)
  {
    return standin.TableRoutes (table).has_value ();
  }
};

/* one query of the mixed workload; i picks which */
struct Workload {
  std::vector<std::string> queries;
  std::vector<std::string> tables;

  explicit Workload (po_standin::OsquerydStandin &standin)
  {
    const std::pair<const char *, const char *> all[] = {
      { "phaseout_info", "SELECT version, tables FROM phaseout_info" },
      { "phaseout_policies",
        "SELECT id, applicability FROM phaseout_policies WHERE id = 'us-dhs-bod-17-01'" },
      { "phaseout_policies", "SELECT * FROM phaseout_policies" },
      { "banned_software", "SELECT policy_id, name, source, days_remaining FROM banned_software" },
      { "banned_software", "SELECT name FROM banned_software WHERE source = 'deb'" },
      { "phaseout_status", "SELECT policy_id, status, days_remaining FROM phaseout_status" },
      { "vendor_drivers", "SELECT name, vendor FROM vendor_drivers" },
      { "phaseout_history", "SELECT finding, first_seen FROM phaseout_history" },
    };
    for (const auto &q : all)
      if (standin.TableRoutes (q.first).has_value ())
        {
          queries.push_back (q.second);
          tables.push_back (q.first);
        }
  }

  /* a query, a "columns" call or a ping; true when it succeeded */
  bool
  Run (po_standin::OsquerydStandin &standin, po_standin::RouteUUID uuid, unsigned i,
       std::string *ret_error) const
  {
    unsigned kind = i % (unsigned) (queries.size () + 2);
    if (kind == queries.size ())
      {
        auto status = standin.PingExtension (uuid);
        *ret_error = status.message;
        return status.ok ();
      }
    if (kind == queries.size () + 1)
      {
        auto result = standin.CallTable (tables[i % tables.size ()], { { "action", "columns" } });
        *ret_error = result.message;
        return result.ok ();
      }
    auto result = standin.Query (queries[kind]);
    *ret_error = result.message;
    return result.ok ();
  }
};

}  // namespace po_test
