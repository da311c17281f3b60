/* SPDX-License-Identifier: Apache-2.0 */
/*
 * po-bench: times phaseout and its peers side by side, in one process, in
 * interleaved rounds, so that whatever else the machine does hits every arm
 * alike.  bench/run drives it; bench/README.md says what each figure means.
 *
 *   po-bench [SETTINGS] [--rounds N] [--warmup N] ARM...
 *   po-bench [SETTINGS] --memory N --ext PATH --work DIR
 *   po-bench [SETTINGS] --startup N --ext PATH --work DIR
 *
 * SETTINGS are phaseout's own (--root, --config, --policy-dir, --state-db,
 * --now); they apply to the in-process runtime, to phaseout.ext (through a
 * wrapper that adds them to osqueryd's argv) and to nothing else.  An ARM is
 * LABEL=KIND:SPEC:
 *
 *   inproc:SQL       po_engine_query() on one runtime kept across runs (warm:
 *                    catalogue loaded, module info cached), as the CLI and
 *                    the SQLite module run it
 *   inproc-cold:SQL  inproc on a new runtime every run (catalogue parsed,
 *                    module files read); the runtime's creation is timed too
 *   generate:TABLE   po_table_generate() alone on a kept runtime, no
 *                    constraints: the table's own cost, without SQLite and
 *                    the result rows
 *   thrift:SQL       the query through the osqueryd stand-in's SQLite and
 *                    phaseout.ext's socket, as osqueryd runs it (ping probe,
 *                    new connection, JSON context, rows as string maps)
 *   thrift-generate:TABLE
 *                    one "generate" call of the table through phaseout.ext's
 *                    socket as osqueryd makes it (ping probe, new connection,
 *                    an empty context), no SQL on either side: what
 *                    generate:TABLE is in-process
 *   exec:ARGV        a command, argv separated by \x1f, output to /dev/null;
 *                    exec:@FILE takes the argv from FILE, one word a line
 *   read:LIST        open/read/close each file listed in LIST, once each, with
 *                    a 64 KiB buffer as cat does ("L path": readlink instead)
 *
 * Each round runs every arm once; odd rounds run them in reverse order
 * (A B C, C B A, ...) so a drift in machine load cancels out.  Output, one
 * tab-separated line per arm:
 *
 *   LABEL n median p25 p75 min max maxrss_kb cpu faults
 *                                  (milliseconds; cpu: mean CPU time per
 *                                  run; faults: mean page faults per run)
 *
 * maxrss_kb is the peak RSS of the process that did the work where that is
 * one process: the command for exec arms (one more, untimed run through
 * po-peak-rss, after the rounds), phaseout.ext (VmHWM) for thrift
 * arms, this process for inproc arms (so run those alone for a clean figure).
 * cpu is the CPU time per run, all processes involved: the child's for exec
 * arms, this process's and phaseout.ext's for thrift arms (phaseout.ext's in
 * clock ticks, so only the mean over many runs means anything).  faults are
 * the page faults (minor and major) of the process that did the work: the
 * child for exec arms, phaseout.ext for thrift arms, this process for the
 * others.
 *
 * An arm can carry its own settings: inproc[policy-dir=/x,state-db=/y]:SQL.
 */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "osqueryd_standin.h"

extern "C"
{
#include "po-engine.h"
#include "po-runtime.h"
#include "po-settings.h"
#include "po-table.h"
}

extern char **environ;

namespace {

using Clock = std::chrono::steady_clock;

double
ms_since (Clock::time_point start)
{
  return std::chrono::duration<double, std::milli> (Clock::now () - start).count ();
}

[[noreturn]] void
die (const std::string &message)
{
  std::fprintf (stderr, "po-bench: %s\n", message.c_str ());
  std::exit (1);
}

struct Settings {
  std::vector<std::pair<std::string, std::string>> flags; /* name, value */

  void
  Set (const std::string &name, const std::string &value)
  {
    for (auto &flag : flags)
      if (flag.first == name)
        {
          flag.second = value;
          return;
        }
    flags.emplace_back (name, value);
  }

  PoRuntime *
  NewRuntime () const
  {
    g_autoptr (PoSettings) settings = po_settings_new ();
    g_autoptr (GError) error = nullptr;
    for (const auto &flag : flags)
      if (!po_settings_apply_flag (settings, flag.first.c_str (), flag.second.c_str (), &error))
        die (error->message);
    PoRuntime *runtime = po_runtime_new (settings, &error);
    if (runtime == nullptr)
      die (error->message);
    return runtime;
  }
};

/* ---- the osqueryd stand-in with phaseout.ext ------------------------------ */

po_standin::StandinOptions
standin_options ()
{
  po_standin::StandinOptions options;
  options.extensions_interval = "3";
  options.extensions_timeout = "10";
  options.thrift_timeout = 120;
  return options;
}

long
proc_status_kb (pid_t pid, const char *field)
{
  std::ifstream in ("/proc/" + std::to_string (pid) + "/status");
  std::string line;
  size_t length = std::strlen (field);
  while (std::getline (in, line))
    if (line.compare (0, length, field) == 0 && line.size () > length && line[length] == ':')
      return std::strtol (line.c_str () + length + 1, nullptr, 10);
  return -1;
}

class Extension {
 public:
  Extension (const std::string &ext, const std::string &work, const Settings &settings,
             const std::map<std::string, std::string> &env = {})
      : standin_ (standin_options ())
  {
    std::string error;
    std::string wrapper = work + "/phaseout-bench.ext";
    {
      std::ofstream out (wrapper);
      out << "#!/bin/sh\nexec '" << ext << "'";
      for (const auto &flag : settings.flags)
        out << " '--" << flag.first << "' '" << flag.second << "'";
      out << " \"$@\"\n";
    }
    ::chmod (wrapper.c_str (), 0755);
    if (!standin_.Start (work + "/osquery.em", &error))
      die ("stand-in: " + error);
    pid_ = standin_.LaunchExtension (wrapper, env, &error);
    if (pid_ <= 0)
      die ("launch: " + error);
    auto uuid = standin_.WaitForRegistration ("phaseout", std::chrono::seconds (20));
    if (!uuid)
      die ("phaseout.ext did not register");
    uuid_ = *uuid;
    for (int i = 0; i < 500 && !standin_.PingExtension (uuid_).ok (); i++)
      std::this_thread::sleep_for (std::chrono::milliseconds (10));
  }

  ~Extension ()
  {
    standin_.Kill (pid_, SIGTERM);
    if (!standin_.WaitForExit (pid_, std::chrono::seconds (10)))
      standin_.Kill (pid_, SIGKILL);
    standin_.Stop ();
  }

  po_standin::OsquerydStandin &
  standin ()
  {
    return standin_;
  }
  pid_t
  pid () const
  {
    return pid_;
  }

 private:
  po_standin::OsquerydStandin standin_;
  pid_t pid_ = -1;
  po_standin::RouteUUID uuid_ = 0;
};

/* ---- arms --------------------------------------------------------------------- */

struct Arm {
  std::string label;
  std::function<void ()> run;
  std::function<long ()> maxrss_kb;
  std::function<double ()> cpu;    /* CPU time spent so far, ms */
  std::function<double ()> faults; /* page faults so far */
  std::vector<double> times;
  double cpu_total = 0;
  double faults_total = 0;
  double exec_cpu_ms = 0;
  double exec_faults = 0;
};

/* CPU time of this process (every thread), ms */
double
process_cpu_ms ()
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

/* the sum of fields of /proc/PID/stat (numbered as proc(5) does) */
double
proc_stat_sum (pid_t pid, std::initializer_list<int> wanted)
{
  std::ifstream in ("/proc/" + std::to_string (pid) + "/stat");
  std::string text ((std::istreambuf_iterator<char> (in)), std::istreambuf_iterator<char> ());
  size_t paren = text.rfind (')');
  if (paren == std::string::npos)
    return 0;
  std::istringstream fields (text.substr (paren + 2));
  std::string field;
  double sum = 0;
  /* state is field 3 */
  for (int i = 3; fields >> field; i++)
    if (std::find (wanted.begin (), wanted.end (), i) != wanted.end ())
      sum += std::strtod (field.c_str (), nullptr);
  return sum;
}

/* CPU time of another process, exited threads included (clock ticks):
 * utime and stime are fields 14 and 15 */
double
proc_cpu_ms (pid_t pid)
{
  return proc_stat_sum (pid, { 14, 15 }) * 1000.0 / (double) sysconf (_SC_CLK_TCK);
}

/* page faults of another process: minflt and majflt, fields 10 and 12 */
double
proc_faults (pid_t pid)
{
  return proc_stat_sum (pid, { 10, 12 });
}

/* page faults of this process */
double
self_faults ()
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  return (double) (usage.ru_minflt + usage.ru_majflt);
}

void
run_inproc (PoRuntime *runtime, const std::string &sql)
{
  g_autoptr (PoResult) result = nullptr;
  g_autoptr (GError) error = nullptr;
  if (!po_engine_query (runtime, sql.c_str (), &result, &error))
    die (sql + ": " + error->message);
}

/* the peak RSS of one more run of a command, through po-peak-rss: a child
 * of this process would be charged this process's own peak (po-peak-rss.c) */
long
peak_rss_kb (const std::vector<std::string> &argv)
{
  std::vector<char *> args;
  args.push_back (const_cast<char *> (PO_PEAK_RSS_PATH));
  for (const auto &a : argv)
    args.push_back (const_cast<char *> (a.c_str ()));
  args.push_back (nullptr);
  int out[2];
  if (pipe (out) != 0)
    die ("pipe: " + std::string (std::strerror (errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_adddup2 (&actions, out[1], 1);
  posix_spawn_file_actions_addclose (&actions, out[0]);
  pid_t pid;
  int rc = posix_spawn (&pid, args[0], &actions, nullptr, args.data (), environ);
  posix_spawn_file_actions_destroy (&actions);
  close (out[1]);
  if (rc != 0)
    die (std::string (PO_PEAK_RSS_PATH) + ": " + std::strerror (rc));
  std::string text;
  char buffer[64];
  ssize_t n;
  while ((n = read (out[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      text.append (buffer, (size_t) n);
  close (out[0]);
  int status;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      die ("waitpid: " + std::string (std::strerror (errno)));
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    die (argv[0] + ": failed under po-peak-rss");
  return std::atol (text.c_str ());
}

/* posix_spawn, output to /dev/null; the child's CPU time and page faults
 * (not its peak RSS: see peak_rss_kb) */
void
run_exec (const std::vector<std::string> &argv, double *ret_cpu_ms, double *ret_faults)
{
  std::vector<char *> args;
  for (const auto &a : argv)
    args.push_back (const_cast<char *> (a.c_str ()));
  args.push_back (nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen (&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawnp (&pid, args[0], &actions, nullptr, args.data (), environ);
  posix_spawn_file_actions_destroy (&actions);
  if (rc != 0)
    die (argv[0] + ": " + std::strerror (rc));
  int status;
  struct rusage usage;
  while (wait4 (pid, &status, 0, &usage) < 0)
    if (errno != EINTR)
      die ("wait4: " + std::string (std::strerror (errno)));
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    die (argv[0] + ": failed (status " + std::to_string (status) + ")");
  *ret_cpu_ms = (double) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3
                + (double) (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
  *ret_faults = (double) (usage.ru_minflt + usage.ru_majflt);
}

struct ReadItem {
  bool link;
  std::string path;
};

std::vector<ReadItem>
read_list (const std::string &file)
{
  std::ifstream in (file);
  if (!in)
    die ("cannot read " + file);
  std::vector<ReadItem> items;
  std::string line;
  while (std::getline (in, line))
    {
      if (line.empty ())
        continue;
      if (line.compare (0, 2, "L ") == 0)
        items.push_back ({ true, line.substr (2) });
      else
        items.push_back ({ false, line });
    }
  return items;
}

void
run_read (const std::vector<ReadItem> &items)
{
  static char buffer[64 * 1024];
  for (const auto &item : items)
    {
      if (item.link)
        {
          char target[4096];
          if (readlink (item.path.c_str (), target, sizeof target) < 0)
            die ("readlink " + item.path + ": " + std::strerror (errno));
          continue;
        }
      int fd = open (item.path.c_str (), O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        die ("open " + item.path + ": " + std::strerror (errno));
      while (read (fd, buffer, sizeof buffer) > 0)
        ;
      close (fd);
    }
}

std::vector<std::string>
split (const std::string &text, char separator)
{
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in (text);
  while (std::getline (in, part, separator))
    parts.push_back (part);
  return parts;
}

double
percentile (std::vector<double> sorted, double p)
{
  if (sorted.empty ())
    return 0;
  double index = p * (double) (sorted.size () - 1);
  size_t lo = (size_t) index;
  size_t hi = std::min (lo + 1, sorted.size () - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (index - (double) lo);
}

long
self_maxrss_kb ()
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/* ---- memory: RSS of phaseout.ext over many mixed queries ----------------------- */

int
memory_mode (Extension &extension, long n_queries)
{
  static const char *const queries[] = {
    "SELECT * FROM banned_software",
    "SELECT * FROM phaseout_status",
    "SELECT * FROM vendor_drivers",
    "SELECT * FROM phaseout_policies",
    "SELECT * FROM phaseout_info",
    "SELECT * FROM phaseout_history",
    "SELECT name, version FROM banned_software WHERE source = 'deb'",
    "SELECT * FROM phaseout_policies WHERE id = 'us-dhs-bod-17-01'",
    "SELECT name FROM vendor_drivers WHERE name = 'kav4fs_oas'",
    "SELECT policy_id, status FROM phaseout_status WHERE applies = 1",
    "SELECT * FROM banned_software WHERE policy_id IN ('de-bsi-2022', 'lt-gov-2017')",
    "SELECT version FROM phaseout_info",
  };
  auto &standin = extension.standin ();
  pid_t pid = extension.pid ();
  long rss_1000 = -1;
  /* the checkpoints are queries 1,000 and 10,000: a tenth and all */
  long checkpoint = std::max (1L, n_queries / 10);
  long report_every = std::max (1L, n_queries / 50);
  /* samples from the checkpoint on, for the trend (least squares) */
  std::vector<std::pair<double, double>> trend;
  long max_after = 0;
  auto start = Clock::now ();
  std::printf ("query\tvmrss_kb\tvmhwm_kb\telapsed_s\trss_anon_kb\trss_file_kb\trss_shmem_kb\n");
  for (long i = 1; i <= n_queries; i++)
    {
      const char *sql = queries[(size_t) (i - 1) % G_N_ELEMENTS (queries)];
      if (i % 7 == 3)
        {
          /* a "columns" call, as osqueryd makes when it attaches a table */
          if (!standin.CallTable ("vendor_drivers", { { "action", "columns" } }).ok ())
            die ("columns call failed");
        }
      else
        {
          auto result = standin.Query (sql);
          if (!result.ok ())
            die (std::string (sql) + ": " + result.message);
        }
      if (i == 1 || i % report_every == 0 || i == checkpoint || i == n_queries)
        {
          long rss = proc_status_kb (pid, "VmRSS");
          if (i == checkpoint)
            rss_1000 = rss;
          if (i >= checkpoint)
            {
              trend.emplace_back ((double) i, (double) rss);
              max_after = std::max (max_after, rss);
            }
          std::printf ("%ld\t%ld\t%ld\t%.1f\t%ld\t%ld\t%ld\n", i, rss,
                       proc_status_kb (pid, "VmHWM"), ms_since (start) / 1000.0,
                       proc_status_kb (pid, "RssAnon"), proc_status_kb (pid, "RssFile"),
                       proc_status_kb (pid, "RssShmem"));
          std::fflush (stdout);
        }
    }
  double n = (double) trend.size (), sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto &p : trend)
    {
      sx += p.first;
      sy += p.second;
      sxx += p.first * p.first;
      sxy += p.first * p.second;
    }
  double slope = n > 1 && n * sxx - sx * sx != 0 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0;
  long rss_end = proc_status_kb (pid, "VmRSS");
  /* the fitted line's rise from the checkpoint to the end: growth, not noise */
  std::printf ("# rss_at_checkpoint_kb %ld rss_at_end_kb %ld growth_kb %ld checkpoint %ld "
               "max_after_checkpoint_kb %ld trend_kb %.0f\n",
               rss_1000, rss_end, rss_end - rss_1000, checkpoint, max_after,
               slope * (double) (n_queries - checkpoint));
  return 0;
}

/* ---- start-up: exec to the first answered call, the manager already up -------- */

int
startup_mode (const std::string &ext, const std::string &work, const Settings &settings, int n_runs)
{
  po_standin::OsquerydStandin standin (standin_options ());
  std::string error;
  std::vector<double> registered, answered;

  if (!standin.Start (work + "/osquery-startup.em", &error))
    die ("stand-in: " + error);
  /* the settings phaseout.ext can take from osqueryd's configuration */
  for (const auto &flag : settings.flags)
    if (flag.first == "config" || flag.first == "policy-dir" || flag.first == "state-db")
      {
        std::string name = "custom_phaseout_" + flag.first;
        std::replace (name.begin (), name.end (), '-', '_');
        standin.SetConfigOption (name, flag.second);
      }
  for (int run = 0; run < n_runs; run++)
    {
      auto start = Clock::now ();
      pid_t pid = standin.LaunchExtension (ext, false, "10", "3", {}, &error);
      if (pid <= 0)
        die ("launch: " + error);
      std::optional<po_standin::RouteUUID> uuid;
      while (!(uuid = standin.FindExtension ("phaseout")))
        {
          if (ms_since (start) > 10000)
            die ("phaseout.ext did not register");
          std::this_thread::sleep_for (std::chrono::microseconds (200));
        }
      registered.push_back (ms_since (start));
      for (;;)
        {
          auto result = standin.CallTable ("phaseout_policies",
                                           { { "action", "generate" }, { "context", "{}" } });
          if (result.ok () && !result.response.empty ())
            break;
          if (ms_since (start) > 10000)
            die ("phaseout.ext did not answer: " + result.message);
          std::this_thread::sleep_for (std::chrono::microseconds (200));
        }
      answered.push_back (ms_since (start));
      standin.Kill (pid, SIGTERM);
      if (!standin.WaitForExit (pid, std::chrono::seconds (10)))
        standin.Kill (pid, SIGKILL);
      /* it deregisters on SIGTERM; make sure before the next launch */
      if (standin.FindExtension ("phaseout"))
        standin.DeregisterExtension (*uuid);
    }
  standin.Stop ();
  for (auto *series : { &registered, &answered })
    {
      std::sort (series->begin (), series->end ());
      std::printf ("%s\t%zu\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t-\t-\t-\n",
                   series == &registered ? "startup-registered" : "startup-answered",
                   series->size (), percentile (*series, 0.5), percentile (*series, 0.25),
                   percentile (*series, 0.75), series->front (), series->back ());
    }
  return 0;
}

}  // namespace

/* the untimed first runs (the first query reads every module file); a
 * function of its own, never inlined, so that bench/alloc-share can leave
 * its samples out by name */
extern "C" __attribute__ ((noinline)) void
po_bench_warm_up (std::vector<Arm> &arms, int warmup)
{
  for (int w = 0; w < warmup; w++)
    for (auto &arm : arms)
      arm.run ();
  /* keeps the call a call */
  __asm__ volatile("" ::: "memory");
}

int
main (int argc, char **argv)
{
  Settings settings;
  std::string ext, work = "/tmp";
  int rounds = 20, warmup = 2;
  long memory = 0;
  int startup = 0;
  std::vector<std::pair<std::string, std::string>> specs; /* label, kind:spec */
  std::map<std::string, std::string> ext_env;

  for (int i = 1; i < argc; i++)
    {
      std::string arg = argv[i];
      auto value = [&] () -> std::string {
        if (i + 1 >= argc)
          die (arg + " needs a value");
        return argv[++i];
      };
      if (arg == "--root" || arg == "--config" || arg == "--policy-dir" || arg == "--state-db"
          || arg == "--now")
        settings.flags.emplace_back (arg.substr (2), value ());
      else if (arg == "--ext")
        ext = value ();
      else if (arg == "--ext-env")
        {
          std::string pair = value ();
          if (pair.find ('=') == std::string::npos)
            die ("--ext-env takes NAME=VALUE");
          ext_env[pair.substr (0, pair.find ('='))] = pair.substr (pair.find ('=') + 1);
        }
      else if (arg == "--work")
        work = value ();
      else if (arg == "--rounds")
        rounds = std::atoi (value ().c_str ());
      else if (arg == "--warmup")
        warmup = std::atoi (value ().c_str ());
      else if (arg == "--memory")
        memory = std::atol (value ().c_str ());
      else if (arg == "--startup")
        startup = std::atoi (value ().c_str ());
      else if (arg.find ('=') != std::string::npos && arg[0] != '-')
        specs.emplace_back (arg.substr (0, arg.find ('=')), arg.substr (arg.find ('=') + 1));
      else
        die ("unknown argument " + arg + " (see the comment at the top of bench/po-bench.cc)");
    }
  signal (SIGPIPE, SIG_IGN);

  if (startup > 0)
    {
      if (ext.empty ())
        die ("--startup needs --ext");
      return startup_mode (ext, work, settings, startup);
    }

  std::unique_ptr<Extension> extension;
  if (memory > 0)
    {
      if (ext.empty ())
        die ("--memory needs --ext");
      extension = std::make_unique<Extension> (ext, work, settings, ext_env);
      return memory_mode (*extension, memory);
    }

  std::vector<PoRuntime *> runtimes;
  std::vector<std::vector<ReadItem>> lists;
  lists.reserve (specs.size ());
  std::vector<Arm> arms;
  arms.reserve (specs.size ());
  for (const auto &spec : specs)
    {
      Arm arm;
      size_t colon = spec.second.find (':');
      std::string kind = spec.second.substr (0, colon);
      std::string rest = colon == std::string::npos ? "" : spec.second.substr (colon + 1);
      Settings arm_settings = settings;
      size_t bracket = kind.find ('[');
      if (bracket != std::string::npos && kind.back () == ']')
        {
          /* inproc[policy-dir=/x,state-db=/y]: this arm's own settings */
          for (const auto &pair :
               split (kind.substr (bracket + 1, kind.size () - bracket - 2), ','))
            {
              size_t eq = pair.find ('=');
              if (eq == std::string::npos)
                die ("bad arm setting " + pair);
              arm_settings.Set (pair.substr (0, eq), pair.substr (eq + 1));
            }
          kind = kind.substr (0, bracket);
        }
      arm.label = spec.first;
      if (kind == "inproc")
        {
          runtimes.emplace_back (arm_settings.NewRuntime ());
          PoRuntime *r = runtimes.back ();
          arm.run = [r, rest] () { run_inproc (r, rest); };
          arm.maxrss_kb = self_maxrss_kb;
          arm.cpu = process_cpu_ms;
          arm.faults = self_faults;
        }
      else if (kind == "generate")
        {
          /* the table's generate function alone: no SQL, no result rows */
          const PoTable *table = po_tables_lookup (rest.c_str ());
          if (table == nullptr)
            die ("no table " + rest);
          runtimes.emplace_back (arm_settings.NewRuntime ());
          PoRuntime *r = runtimes.back ();
          arm.run = [r, table] () {
            g_autoptr (PoQueryContext) query = po_query_context_new (table->schema);
            g_autoptr (PoRows) rows = po_rows_new (table->schema);
            g_autoptr (GError) error = nullptr;
            if (!po_table_generate (table, r, query, rows, &error))
              die (error->message);
          };
          arm.maxrss_kb = self_maxrss_kb;
          arm.cpu = process_cpu_ms;
          arm.faults = self_faults;
        }
      else if (kind == "inproc-cold")
        {
          arm.run = [arm_settings, rest] () {
            g_autoptr (PoRuntime) fresh = arm_settings.NewRuntime ();
            run_inproc (fresh, rest);
          };
          arm.maxrss_kb = self_maxrss_kb;
          arm.cpu = process_cpu_ms;
          arm.faults = self_faults;
        }
      else if (kind == "thrift")
        {
          if (ext.empty ())
            die ("thrift arms need --ext");
          if (extension == nullptr)
            extension = std::make_unique<Extension> (ext, work, arm_settings, ext_env);
          Extension *e = extension.get ();
          arm.run = [e, rest] () {
            auto result = e->standin ().Query (rest);
            if (!result.ok ())
              die (rest + ": " + result.message);
          };
          arm.maxrss_kb = [e] () { return proc_status_kb (e->pid (), "VmHWM"); };
          /* the stand-in's side (this process) and phaseout.ext's */
          arm.cpu = [e] () { return process_cpu_ms () + proc_cpu_ms (e->pid ()); };
          arm.faults = [e] () { return proc_faults (e->pid ()); };
        }
      else if (kind == "thrift-generate")
        {
          if (ext.empty ())
            die ("thrift arms need --ext");
          if (po_tables_lookup (rest.c_str ()) == nullptr)
            die ("no table " + rest);
          if (extension == nullptr)
            extension = std::make_unique<Extension> (ext, work, arm_settings, ext_env);
          Extension *e = extension.get ();
          arm.run = [e, rest] () {
            auto result = e->standin ().CallTable (rest, { { "action", "generate" },
                                                           { "context", "{}" } });
            if (!result.ok ())
              die (rest + " generate: " + result.message);
          };
          arm.maxrss_kb = [e] () { return proc_status_kb (e->pid (), "VmHWM"); };
          arm.cpu = [e] () { return process_cpu_ms () + proc_cpu_ms (e->pid ()); };
          arm.faults = [e] () { return proc_faults (e->pid ()); };
        }
      else if (kind == "exec")
        {
          /* exec:@FILE: the argv in FILE, one word a line (a command line
           * longer than one argument may be: MAX_ARG_STRLEN is 128 kB) */
          std::vector<std::string> command;
          if (!rest.empty () && rest[0] == '@')
            {
              std::ifstream in (rest.substr (1));
              if (!in)
                die ("cannot read " + rest.substr (1));
              for (std::string line; std::getline (in, line);)
                command.push_back (line);
            }
          else
            command = split (rest, '\x1f');
          if (command.empty ())
            die ("empty command for " + arm.label);
          arms.push_back (std::move (arm));
          Arm *a = &arms.back ();
          a->run = [a, command] () {
            double cpu_ms = 0, faults = 0;
            run_exec (command, &cpu_ms, &faults);
            a->exec_cpu_ms += cpu_ms;
            a->exec_faults += faults;
          };
          /* once, after the timed rounds, from a small process */
          a->maxrss_kb = [command] () { return peak_rss_kb (command); };
          a->cpu = [a] () { return a->exec_cpu_ms; };
          a->faults = [a] () { return a->exec_faults; };
          continue;
        }
      else if (kind == "read")
        {
          lists.push_back (read_list (rest));
          const std::vector<ReadItem> *items = &lists.back ();
          arm.run = [items] () { run_read (*items); };
          arm.maxrss_kb = [] () { return -1L; };
          arm.cpu = process_cpu_ms;
          arm.faults = self_faults;
        }
      else
        die ("unknown arm kind " + kind);
      arms.push_back (std::move (arm));
    }
  if (arms.empty ())
    die ("nothing to time");

  /* arms hold pointers into `arms`: no reallocation from here on */
  po_bench_warm_up (arms, warmup);
  for (int round = 0; round < rounds; round++)
    for (size_t k = 0; k < arms.size (); k++)
      {
        Arm &arm = arms[round % 2 == 0 ? k : arms.size () - 1 - k];
        double cpu_start = arm.cpu ();
        double faults_start = arm.faults ();
        auto start = Clock::now ();
        arm.run ();
        arm.times.push_back (ms_since (start));
        arm.cpu_total += arm.cpu () - cpu_start;
        arm.faults_total += arm.faults () - faults_start;
      }
  for (auto &arm : arms)
    {
      std::vector<double> sorted = arm.times;
      std::sort (sorted.begin (), sorted.end ());
      std::printf ("%s\t%zu\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%ld\t%.3f\t%.1f\n", arm.label.c_str (),
                   sorted.size (), percentile (sorted, 0.5), percentile (sorted, 0.25),
                   percentile (sorted, 0.75), sorted.front (), sorted.back (), arm.maxrss_kb (),
                   arm.cpu_total / (double) sorted.size (),
                   arm.faults_total / (double) sorted.size ());
    }
  for (auto *r : runtimes)
    po_runtime_unref (r);
  return 0;
}
