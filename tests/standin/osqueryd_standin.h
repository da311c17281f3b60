/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * An osqueryd stand-in for phaseout's tests, written with the C++ Thrift
 * library the way osqueryd itself is (TThreadedServer, buffered transport,
 * binary protocol, a UNIX socket, a new connection for every RPC).
 *
 * It plays the extension manager: registration with osquery's checks and
 * messages, the watcher that pings every registered extension, calls into
 * extensions preceded by the 10 s ping probe, and an embedded SQLite in
 * which every registered table is a virtual table built the way osquery's
 * virtual_table.cpp builds it (CREATE statement, constraint filtering,
 * the context JSON, value conversion).  It also launches extension
 * binaries with exactly osqueryd's argv and environment.
 *
 * Facts and their sources: docs/dev/osquery-extension-protocol.md.
 * Where this file says "as osquery" it means the behaviour described
 * there; departures are listed in tests/standin/README.md.
 */

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

struct sqlite3;

namespace po_standin {

using RouteUUID = std::int64_t;
using PluginRequest = std::map<std::string, std::string>;
using PluginRow = std::map<std::string, std::string>;
using PluginResponse = std::vector<PluginRow>;
/* registry name -> item name -> route rows (ExtensionRegistry on the wire) */
using Registry = std::map<std::string, std::map<std::string, PluginResponse>>;

/* an ExtensionStatus without the uuid: code 0 is success */
struct Status {
  int code = 0;
  std::string message = "OK";
  bool ok () const { return code == 0; }
};

/* the outcome of a plugin call, as osquery's Status plus the response rows */
struct CallResult {
  int code = 0;
  std::string message = "OK";
  PluginResponse response;
  bool ok () const { return code == 0; }
};

/* rows of a query; a NULL value is std::nullopt */
struct QueryResult {
  int code = 0;
  std::string message = "OK";
  std::vector<std::string> columns;
  std::vector<std::map<std::string, std::optional<std::string>>> rows;
  bool ok () const { return code == 0; }
};

/* InternalExtensionInfo */
struct ExtensionInfo {
  std::string name;
  std::string version;
  std::string sdk_version;
  std::string min_sdk_version;
};

/* InternalOptionInfo */
struct OptionInfo {
  std::string value;
  std::string default_value;
  std::string type;
};

/*
 * The osqueryd flags the stand-in honours.  Interval and timeout are the
 * raw string flags osqueryd passes to extensions and reads with atoi():
 * seconds, with a floor of 200 ms, so "0" means 200 ms (useful in tests).
 */
struct StandinOptions {
  std::string extensions_interval = "3"; /* --extensions_interval */
  std::string extensions_timeout = "3";  /* --extensions_timeout */
  int thrift_timeout = 300;              /* --thrift_timeout, seconds */
  bool extensions_default_index = true;  /* --extensions_default_index */
  int thrift_string_size_limit = 0;      /* --thrift_string_size_limit */
  bool verbose = false;                  /* --verbose: log to stderr, pass to extensions */
  bool thrift_verbose = false;           /* --thrift_verbose: Thrift's own log output */
  /*
   * osquery keeps colsUsed in an unordered set, so its order is
   * unspecified.  The stand-in sends declared column order, or the
   * reverse when this is set, so tests can prove an extension does not
   * depend on the order.
   */
  bool cols_used_reverse = false;
  /*
   * Table names that exist in osqueryd's core on Linux.  A registration
   * that broadcasts one of them is rejected as osqueryd rejects it.  The
   * stand-in does not implement these tables.
   */
  std::set<std::string> core_tables = DefaultCoreTables ();

  static std::set<std::string> DefaultCoreTables ();
};

class OsquerydStandin;
class VtabHost;

/*
 * A non-primary SQLite connection.  osqueryd opens one when the primary
 * connection is busy and attaches every extension table by calling the
 * extension's "columns" action; this class does the same on demand.
 */
class StandinConnection {
 public:
  ~StandinConnection ();
  StandinConnection (const StandinConnection &) = delete;
  StandinConnection &operator= (const StandinConnection &) = delete;
  QueryResult Query (const std::string &sql);
  /* tables that attached (those whose "columns" call failed are missing) */
  const std::vector<std::string> &attached_tables () const { return attached_; }

 private:
  friend class OsquerydStandin;
  StandinConnection () = default;
  sqlite3 *db_ = nullptr;
  std::vector<std::string> attached_;
};

class OsquerydStandin {
 public:
  explicit OsquerydStandin (StandinOptions options = {});
  ~OsquerydStandin ();
  OsquerydStandin (const OsquerydStandin &) = delete;
  OsquerydStandin &operator= (const OsquerydStandin &) = delete;

  /* --- manager lifecycle ------------------------------------------------ */

  /*
   * Serves ExtensionManager on socket_path.  Removes a stale socket and
   * every <socket_path>.* file first, starts the watcher thread.  Returns
   * false (and sets *error) if the socket cannot be served.
   */
  bool Start (const std::string &socket_path, std::string *error = nullptr);
  /*
   * Stops the watcher (which asks every registered extension to shutdown()),
   * stops the server, removes the manager socket and every <socket>.* file.
   * Launched processes are left alone: see StopExtensions().
   */
  void Stop ();
  bool running () const { return running_.load (); }
  const std::string &socket_path () const { return socket_path_; }
  /* <socket>.<uuid>, uuid 0 being the manager itself */
  std::string ExtensionSocket (RouteUUID uuid) const;
  const StandinOptions &options () const { return options_; }

  /* --- the extension registry ------------------------------------------- */

  /* registerExtension exactly as the Thrift handler runs it */
  Status RegisterExtension (const ExtensionInfo &info, const Registry &registry,
                            RouteUUID *ret_uuid);
  /* deregisterExtension: {0,"OK"} or {1,"No extension UUID found"} */
  Status DeregisterExtension (RouteUUID uuid);
  /* registered extensions only, as extensions() on the wire */
  std::map<RouteUUID, ExtensionInfo> Extensions () const;
  std::optional<RouteUUID> FindExtension (const std::string &name) const;
  std::optional<RouteUUID> TableOwner (const std::string &table) const;
  /* the route rows an extension broadcast for a table */
  std::optional<PluginResponse> TableRoutes (const std::string &table) const;

  /* --- options() ------------------------------------------------------------ */

  /* sets (or adds) an option exactly as given, for tests */
  void SetOption (const std::string &name, const std::string &value,
                  const std::string &type = "string");
  /*
   * As a config "options" key reaches osqueryd: accepted only if it names
   * a flag or starts with "custom_" (new ones are typed "string");
   * anything else is refused with osqueryd's warning and returns false.
   */
  bool SetConfigOption (const std::string &name, const std::string &value);
  std::map<std::string, OptionInfo> Options () const;

  /* --- calls into extensions ------------------------------------------------ */

  /*
   * callExtension: the pre-call probe (socket exists and is writable, then
   * ping on its own connection with a 10 s timeout), then a new connection
   * with thrift_timeout for the real call.
   */
  CallResult CallExtension (RouteUUID uuid, const std::string &registry, const std::string &item,
                            const PluginRequest &request);
  /* Registry::call("table", table, request), routed to the owning extension */
  CallResult CallTable (const std::string &table, const PluginRequest &request);
  /* pingExtension: the probe, then ping on a new connection */
  Status PingExtension (RouteUUID uuid);

  /* --- SQL ------------------------------------------------------------------ */

  /* runs sql on the primary connection, or on a transient one if it is busy */
  QueryResult Query (const std::string &sql);
  /* getQueryColumns: column name -> type string, in result order */
  QueryResult QueryColumns (const std::string &sql);
  /* a new non-primary connection (attaches tables through "columns") */
  std::unique_ptr<StandinConnection> OpenConnection (std::string *error = nullptr);

  /* --- launched extension processes ---------------------------------------- */

  /*
   * fork + execve(path, [path, ("--verbose"), "--socket", S, "--timeout",
   * T, "--interval", I], environ + extra_env + OSQUERY_EXTENSION=<pid>),
   * signal mask emptied and every handler reset to SIG_DFL in the child,
   * descriptors above 2 closed.  Returns the pid, or -1 (and *error).
   */
  pid_t LaunchExtension (const std::string &path, bool verbose, const std::string &timeout,
                         const std::string &interval,
                         const std::map<std::string, std::string> &extra_env = {},
                         std::string *error = nullptr);
  /* the same with the manager's own --verbose, timeout and interval */
  pid_t LaunchExtension (const std::string &path,
                         const std::map<std::string, std::string> &extra_env = {},
                         std::string *error = nullptr);
  std::optional<RouteUUID> WaitForRegistration (const std::string &name,
                                                std::chrono::milliseconds timeout);
  /* true once pid has exited (status as from waitpid); false on timeout */
  bool WaitForExit (pid_t pid, std::chrono::milliseconds timeout, int *ret_status = nullptr);
  bool Kill (pid_t pid, int sig);
  /*
   * As osqueryd's watcher stops its extensions: SIGTERM to every launched
   * process still running, wait up to grace, then SIGKILL.  Returns the
   * pids that had to be killed.
   */
  std::vector<pid_t> StopExtensions (std::chrono::milliseconds grace);
  /* exit statuses of launched processes that have been reaped */
  std::map<pid_t, int> ReapedStatuses () const;

  /* --- watcher and log ------------------------------------------------------ */

  /* one pass of the ExtensionManagerWatcher (the thread runs the same) */
  void WatchOnce ();
  /* waits until the watcher thread has made its first pass (the one at
   * start), so a test that registers afterwards is not raced by it */
  bool WaitForFirstWatch (std::chrono::milliseconds timeout);
  /* log lines, osquery's wording where osquery logs the event */
  std::vector<std::string> LogLines () const;
  bool WaitForLog (const std::string &needle, std::chrono::milliseconds timeout) const;
  void Log (const std::string &line) const;

  /* milliseconds from a string flag as osquery computes them (atoi * 1000, floor 200) */
  static std::chrono::milliseconds FlagMilliseconds (const std::string &seconds);
  /* osquery's versionAtLeast(v, sdk) */
  static bool VersionAtLeast (const std::string &v, const std::string &sdk);

 private:
  struct TableEntry;
  struct ExtensionEntry;
  class ManagerHandler;
  friend class ManagerHandler;

  Status RemoveBroadcast (RouteUUID uuid, bool log_gone);
  Status PathActive (const std::string &path, bool use_timeout);
  bool SocketUsable (const std::string &path) const;
  QueryResult RunQuery (sqlite3 *db, const std::string &sql, bool types_only);
  QueryResult QueryOnAnyConnection (const std::string &sql, bool types_only);
  void WatcherLoop ();
  void ShutdownExtensions ();
  void RemoveSocketFiles () const;
  void InitOptions ();
  sqlite3 *OpenDatabase (std::string *error);
  void ReapChildren ();

  StandinOptions options_;
  std::unique_ptr<VtabHost> host_; /* what the virtual tables call back */
  std::string socket_path_;
  std::atomic<bool> running_{false};

  /* registration is serialised; lock order: primary_mu_ then registry_mu_ */
  std::mutex registration_mu_;
  std::mutex primary_mu_;
  sqlite3 *primary_ = nullptr;
  mutable std::mutex registry_mu_;
  std::map<std::string, std::shared_ptr<TableEntry>> tables_;
  std::map<RouteUUID, std::shared_ptr<ExtensionEntry>> extensions_;
  std::map<RouteUUID, int> failures_; /* the watcher's counters */

  mutable std::mutex options_mu_;
  std::map<std::string, OptionInfo> option_list_;

  std::shared_ptr<void> server_; /* TThreadedServer, kept opaque here */
  std::thread server_thread_;
  std::thread watcher_thread_;
  std::mutex watcher_mu_;
  std::condition_variable watcher_cv_;
  bool watcher_stop_ = false;
  bool watcher_passed_ = false; /* the thread's first pass is done */

  mutable std::mutex children_mu_;
  std::set<pid_t> children_;
  std::map<pid_t, int> reaped_;

  mutable std::mutex log_mu_;
  mutable std::condition_variable log_cv_;
  mutable std::vector<std::string> log_;
};

}  // namespace po_standin
