/* SPDX-License-Identifier: Apache-2.0 */

/*
 * po-osqueryd: the osqueryd stand-in as a command, for packaging tests,
 * benchmarks and people.  It serves the extension manager, launches the
 * extensions as osqueryd's watcher would, waits for the named ones to
 * register, runs the queries, prints the rows, and stops: shutdown() to
 * every registered extension, SIGTERM to the launched ones, SIGKILL after
 * the grace period.  Exit status: 0 when everything worked, 1 on any
 * failure (a launch, a registration, a query, an extension that died early
 * or had to be killed), 2 on bad usage.
 */

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "osqueryd_standin.h"
#include "standin_sqlite.h"

namespace {

std::atomic<bool> g_stop{false};

void OnSignal (int) {
  g_stop = true;
}

const char kUsage[] =
  "usage: po-osqueryd --socket PATH [options]\n"
  "  --extension PATH         launch an extension as osqueryd does (repeatable)\n"
  "  --verbose                verbose log on stderr; extensions get --verbose\n"
  "  --interval N             --extensions_interval (seconds, default 3)\n"
  "  --timeout N              --extensions_timeout (seconds, default 3)\n"
  "  --thrift-timeout N       --thrift_timeout (seconds, default 300)\n"
  "  --no-default-index       --extensions_default_index=false\n"
  "  --wait-registered NAME   wait for this extension to register (repeatable)\n"
  "  --wait-timeout N         seconds to wait for each registration (default 10)\n"
  "  --option KEY=VALUE       a config option, accepted as osqueryd would (repeatable)\n"
  "  --query SQL              run a query after the waits (repeatable)\n"
  "  --json                   print rows as JSON objects, one per line\n"
  "  --serve-seconds N        keep serving N seconds after the queries (-1: until a signal)\n"
  "  --stop-grace N           seconds between SIGTERM and SIGKILL (default 11)\n";

int Usage (const std::string &problem) {
  std::fprintf (stderr, "po-osqueryd: %s\n%s", problem.c_str (), kUsage);
  return 2;
}

void PrintJson (const po_standin::QueryResult &result) {
  for (const auto &row : result.rows) {
    std::string line = "{";
    for (size_t i = 0; i < result.columns.size (); i++) {
      const auto &name = result.columns[i];
      if (i > 0)
        line += ",";
      line += po_standin::JsonString (name) + ":";
      auto it = row.find (name);
      line += (it == row.end () || !it->second) ? "null" : po_standin::JsonString (*it->second);
    }
    std::cout << line << "}\n";
  }
}

void PrintTable (const po_standin::QueryResult &result) {
  std::vector<size_t> widths;
  for (const auto &name : result.columns)
    widths.push_back (name.size ());
  for (const auto &row : result.rows) {
    for (size_t i = 0; i < result.columns.size (); i++) {
      auto it = row.find (result.columns[i]);
      if (it != row.end () && it->second)
        widths[i] = std::max (widths[i], it->second->size ());
    }
  }
  auto rule = [&] {
    std::string line = "+";
    for (size_t w : widths)
      line += std::string (w + 2, '-') + "+";
    std::cout << line << "\n";
  };
  auto cells = [&] (const std::vector<std::string> &values) {
    std::string line = "|";
    for (size_t i = 0; i < values.size (); i++)
      line += " " + values[i] + std::string (widths[i] - values[i].size (), ' ') + " |";
    std::cout << line << "\n";
  };
  rule ();
  cells (result.columns);
  rule ();
  for (const auto &row : result.rows) {
    std::vector<std::string> values;
    for (const auto &name : result.columns) {
      auto it = row.find (name);
      values.push_back ((it != row.end () && it->second) ? *it->second : "");
    }
    cells (values);
  }
  rule ();
}

bool ParseInt (const std::string &s, long *ret) {
  char *end = nullptr;
  errno = 0;
  long v = std::strtol (s.c_str (), &end, 10);
  if (s.empty () || *end != '\0' || errno != 0)
    return false;
  *ret = v;
  return true;
}

}  // namespace

int main (int argc, char **argv) {
  po_standin::StandinOptions options;
  std::string socket;
  std::vector<std::string> extensions, waits, queries, option_pairs;
  bool json = false;
  long serve_seconds = 0, wait_timeout = 10, stop_grace = 11;

  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    auto value = [&] (std::string *out) {
      if (i + 1 >= argc)
        return false;
      *out = argv[++i];
      return true;
    };
    auto number = [&] (long *out) {
      std::string v;
      return value (&v) && ParseInt (v, out);
    };
    std::string v;
    long n = 0;
    if (arg == "--socket") {
      if (!value (&socket))
        return Usage ("--socket needs a path");
    } else if (arg == "--extension") {
      if (!value (&v))
        return Usage ("--extension needs a path");
      extensions.push_back (v);
    } else if (arg == "--verbose") {
      options.verbose = true;
    } else if (arg == "--interval" || arg == "--timeout") {
      if (!value (&v))
        return Usage (arg + " needs a value");
      (arg == "--interval" ? options.extensions_interval : options.extensions_timeout) = v;
    } else if (arg == "--thrift-timeout") {
      if (!number (&n) || n <= 0)
        return Usage ("--thrift-timeout needs a positive number");
      options.thrift_timeout = static_cast<int> (n);
    } else if (arg == "--no-default-index") {
      options.extensions_default_index = false;
    } else if (arg == "--wait-registered") {
      if (!value (&v))
        return Usage ("--wait-registered needs a name");
      waits.push_back (v);
    } else if (arg == "--wait-timeout") {
      if (!number (&wait_timeout) || wait_timeout < 0)
        return Usage ("--wait-timeout needs a number of seconds");
    } else if (arg == "--option") {
      if (!value (&v) || v.find ('=') == std::string::npos)
        return Usage ("--option needs KEY=VALUE");
      option_pairs.push_back (v);
    } else if (arg == "--query") {
      if (!value (&v))
        return Usage ("--query needs SQL");
      queries.push_back (v);
    } else if (arg == "--json") {
      json = true;
    } else if (arg == "--serve-seconds") {
      if (!number (&serve_seconds))
        return Usage ("--serve-seconds needs a number");
    } else if (arg == "--stop-grace") {
      if (!number (&stop_grace) || stop_grace < 0)
        return Usage ("--stop-grace needs a number of seconds");
    } else if (arg == "--help" || arg == "-h") {
      std::fputs (kUsage, stdout);
      return 0;
    } else {
      return Usage ("unknown argument: " + arg);
    }
  }
  if (socket.empty ())
    return Usage ("--socket is required");

  struct sigaction sa;
  std::memset (&sa, 0, sizeof (sa));
  sa.sa_handler = OnSignal;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, nullptr);
  sigaction (SIGTERM, &sa, nullptr);
  signal (SIGPIPE, SIG_IGN);

  bool failed = false;
  po_standin::OsquerydStandin standin (options);
  std::string error;
  if (!standin.Start (socket, &error)) {
    std::fprintf (stderr, "po-osqueryd: %s\n", error.c_str ());
    return 1;
  }
  for (const auto &pair : option_pairs) {
    auto eq = pair.find ('=');
    /* refused as osqueryd refuses it; with --verbose the stand-in's log already said so */
    if (!standin.SetConfigOption (pair.substr (0, eq), pair.substr (eq + 1)) && !options.verbose)
      std::fprintf (stderr, "po-osqueryd: Cannot set unknown or invalid flag: %s\n",
                    pair.substr (0, eq).c_str ());
  }

  std::vector<pid_t> pids;
  for (const auto &path : extensions) {
    pid_t pid = standin.LaunchExtension (path, {}, &error);
    if (pid < 0) {
      std::fprintf (stderr, "po-osqueryd: %s\n", error.c_str ());
      failed = true;
    } else {
      pids.push_back (pid);
    }
  }

  for (const auto &name : waits) {
    if (g_stop)
      break;
    if (!standin.WaitForRegistration (name, std::chrono::seconds (wait_timeout))) {
      std::fprintf (stderr, "po-osqueryd: Required extension not found or not loaded: %s\n",
                    name.c_str ());
      failed = true;
    }
  }

  for (const auto &sql : queries) {
    if (g_stop)
      break;
    auto result = standin.Query (sql);
    if (!result.ok ()) {
      std::fprintf (stderr, "po-osqueryd: Error running query: %s\n", result.message.c_str ());
      failed = true;
      continue;
    }
    if (json)
      PrintJson (result);
    else
      PrintTable (result);
  }
  std::cout.flush ();

  auto deadline = std::chrono::steady_clock::now () + std::chrono::seconds (serve_seconds);
  while (!g_stop && (serve_seconds < 0 || std::chrono::steady_clock::now () < deadline))
    std::this_thread::sleep_for (std::chrono::milliseconds (50));

  /* an extension that is gone before we stop it has died on its own */
  auto early = standin.ReapedStatuses ();
  for (const auto &entry : early) {
    std::fprintf (stderr, "po-osqueryd: extension %d exited early (status 0x%x)\n",
                  static_cast<int> (entry.first), entry.second);
    failed = true;
  }

  standin.Stop ();
  auto killed = standin.StopExtensions (std::chrono::seconds (stop_grace));
  for (pid_t pid : killed) {
    std::fprintf (stderr, "po-osqueryd: extension %d ignored SIGTERM and was killed\n",
                  static_cast<int> (pid));
    failed = true;
  }
  if (options.verbose) {
    for (const auto &entry : standin.ReapedStatuses ()) {
      if (early.count (entry.first) == 0)
        std::fprintf (stderr, "po-osqueryd: extension %d stopped (status 0x%x)\n",
                      static_cast<int> (entry.first), entry.second);
    }
  }
  return failed ? 1 : 0;
}
