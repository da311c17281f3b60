/* SPDX-License-Identifier: Apache-2.0 */

/*
 * The osqueryd stand-in: the ExtensionManager service, the registry of
 * extensions and their tables, calls into extensions, the watcher, the
 * embedded SQLite, and launching extension processes.  See the header for
 * the API and tests/standin/README.md for what differs from osqueryd.
 */

#include "osqueryd_standin.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <random>
#include <stdexcept>

#include <thrift/TOutput.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TServerSocket.h>
#include <thrift/transport/TSocket.h>

#include "ExtensionManager.h"
#include "standin_sqlite.h"

extern char **environ;

namespace po_standin {

namespace ext = ::osquery::extensions;
namespace att = ::apache::thrift::transport;
namespace atp = ::apache::thrift::protocol;
namespace ats = ::apache::thrift::server;

namespace {

/* the pre-call probe's fixed receive timeout (extensionPathActive) */
const int kProbeTimeoutMs = 10 * 1000;
/* applyExtensionDelay's poll step */
const std::chrono::milliseconds kInitializeLatency{20};
/* the SDK gate osquery applies to registrations (kSDKVersionChanges) */
const char *const kSdkVersionChanges[] = {"1.7.7"};
/* registries osqueryd knows (CREATE_REGISTRY in the osquery tree) */
const char *const kKnownRegistries[] = {
  "config",          "config_parser",    "database", "distributed",        "enroll",
  "event_publisher", "event_subscriber", "logger",   "numeric_monitoring", "sql",
  "table",
};

/*
 * a Thrift client on a new connection to a UNIX socket, buffered and binary
 * as osquery's ExtensionClientCore; the connection closes with the object
 */
template <class Client>
class Connection {
 public:
  Connection (const std::string &path, int timeout_ms) {
    socket_ = std::make_shared<att::TSocket> (path);
    socket_->setRecvTimeout (timeout_ms);
    socket_->setSendTimeout (timeout_ms);
    transport_ = std::make_shared<att::TBufferedTransport> (socket_);
    auto protocol = std::make_shared<atp::TBinaryProtocol> (transport_);
    client_ = std::make_unique<Client> (protocol);
    transport_->open ();
  }
  ~Connection () {
    try {
      transport_->close ();
    } catch (const std::exception &) {
    }
  }
  Client *operator->() { return client_.get (); }

 private:
  std::shared_ptr<att::TSocket> socket_;
  std::shared_ptr<att::TTransport> transport_;
  std::unique_ptr<Client> client_;
};

PluginResponse FromThrift (const ext::ExtensionPluginResponse &response) {
  return PluginResponse (response.begin (), response.end ());
}

ext::ExtensionPluginResponse ToThrift (const PluginResponse &response) {
  return ext::ExtensionPluginResponse (response.begin (), response.end ());
}

/* prepares and steps every statement of sql; types_only only prepares */
QueryResult RunSql (sqlite3 *db, const std::string &sql, bool types_only) {
  QueryResult result;
  const char *tail = sql.c_str ();
  while (tail != nullptr && *tail != '\0') {
    sqlite3_stmt *stmt = nullptr;
    int rc = sqlite3_prepare_v2 (db, tail, -1, &stmt, &tail);
    if (rc != SQLITE_OK) {
      result.code = 1;
      result.message = sqlite3_errmsg (db);
      return result;
    }
    if (stmt == nullptr)
      continue; /* whitespace or a comment */
    int ncol = sqlite3_column_count (stmt);
    if (ncol > 0) {
      result.columns.clear ();
      for (int i = 0; i < ncol; i++)
        result.columns.emplace_back (sqlite3_column_name (stmt, i));
    }
    if (types_only) {
      for (int i = 0; i < ncol; i++) {
        const char *decl = sqlite3_column_decltype (stmt, i);
        std::string type = decl != nullptr ? NormaliseColumnType (decl) : "UNKNOWN";
        result.rows.push_back ({{sqlite3_column_name (stmt, i), type}});
      }
      sqlite3_finalize (stmt);
      continue;
    }
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
      std::map<std::string, std::optional<std::string>> row;
      for (int i = 0; i < ncol; i++) {
        std::optional<std::string> value;
        if (sqlite3_column_type (stmt, i) != SQLITE_NULL) {
          auto text = reinterpret_cast<const char *> (sqlite3_column_text (stmt, i));
          value = std::string (text, sqlite3_column_bytes (stmt, i));
        }
        row[sqlite3_column_name (stmt, i)] = std::move (value);
      }
      result.rows.push_back (std::move (row));
    }
    if (rc != SQLITE_DONE) {
      result.code = 1;
      result.message = sqlite3_errmsg (db);
      sqlite3_finalize (stmt);
      return result;
    }
    sqlite3_finalize (stmt);
  }
  return result;
}

/* osquery's split(): pieces between delimiters, empty pieces dropped */
std::vector<std::string> SplitVersion (const std::string &s) {
  std::vector<std::string> pieces;
  std::string cur;
  for (char c : s) {
    if (c == '.') {
      if (!cur.empty ())
        pieces.push_back (cur);
      cur.clear ();
    } else {
      cur += c;
    }
  }
  if (!cur.empty ())
    pieces.push_back (cur);
  return pieces;
}

void ThriftQuiet (const char *) {}

void ThriftLoud (const char *message) {
  std::fprintf (stderr, "thrift: %s\n", message);
}

}  // namespace

/* --- the pieces kept private in the header ----------------------------------- */

struct OsquerydStandin::TableEntry {
  RouteUUID uuid = 0;
  PluginResponse routes;
  bool external = false; /* false while registering: "columns" answered from routes */
};

struct OsquerydStandin::ExtensionEntry {
  ExtensionInfo info;
  std::vector<std::string> tables;
  std::vector<std::pair<std::string, std::string>> items; /* other registries */
};

/* the adapter the virtual tables call back through */
class StandinVtabHost : public VtabHost {
 public:
  explicit StandinVtabHost (OsquerydStandin *standin) : standin_ (standin) {}
  CallResult CallTable (const std::string &name, const PluginRequest &request) override {
    return standin_->CallTable (name, request);
  }
  bool DefaultIndex () const override { return standin_->options ().extensions_default_index; }
  bool ColsUsedReverse () const override { return standin_->options ().cols_used_reverse; }
  void VtabLog (const std::string &line) override { standin_->Log (line); }

 private:
  OsquerydStandin *standin_;
};

/*
 * the ExtensionManager Thrift handler: each method forwards to the
 * stand-in and translates to the wire structs, as impl_thrift.cpp does
 */
class OsquerydStandin::ManagerHandler : public ext::ExtensionManagerIf {
 public:
  explicit ManagerHandler (OsquerydStandin *standin) : s_ (standin) {}

  void ping (ext::ExtensionStatus &_return) override {
    _return.code = 0;
    _return.message = "pong";
    _return.uuid = 0;
  }

  void call (ext::ExtensionResponse &_return, const std::string &registry, const std::string &item,
             const ext::ExtensionPluginRequest &request) override {
    CallResult result;
    std::optional<RouteUUID> owner;
    {
      std::lock_guard<std::mutex> lock (s_->registry_mu_);
      for (const auto &extension : s_->extensions_) {
        for (const auto &it : extension.second->items) {
          if (it.first == registry && it.second == item)
            owner = extension.first;
        }
      }
    }
    if (registry == "table" && s_->TableOwner (item)) {
      result = s_->CallTable (item, PluginRequest (request.begin (), request.end ()));
    } else if (owner) {
      result = s_->CallExtension (*owner, registry, item,
                                  PluginRequest (request.begin (), request.end ()));
    } else {
      result.code = 1;
      result.message = "The osqueryd stand-in has no core plugin " + registry + "/" + item;
    }
    _return.status.code = result.code;
    _return.status.message = result.message;
    _return.status.uuid = 0;
    _return.response = ToThrift (result.response);
  }

  void shutdown () override {}

  void extensions (ext::InternalExtensionList &_return) override {
    for (const auto &entry : s_->Extensions ()) {
      ext::InternalExtensionInfo info;
      info.name = entry.second.name;
      info.version = entry.second.version;
      info.sdk_version = entry.second.sdk_version;
      info.min_sdk_version = entry.second.min_sdk_version;
      _return[entry.first] = info;
    }
  }

  void options (ext::InternalOptionList &_return) override {
    for (const auto &entry : s_->Options ()) {
      ext::InternalOptionInfo info;
      info.value = entry.second.value;
      info.default_value = entry.second.default_value;
      info.type = entry.second.type;
      _return[entry.first] = info;
    }
  }

  void registerExtension (ext::ExtensionStatus &_return, const ext::InternalExtensionInfo &info,
                          const ext::ExtensionRegistry &registry) override {
    ExtensionInfo mine{info.name, info.version, info.sdk_version, info.min_sdk_version};
    Registry broadcast;
    for (const auto &r : registry) {
      for (const auto &item : r.second)
        broadcast[r.first][item.first] = FromThrift (item.second);
    }
    RouteUUID uuid = 0;
    Status status = s_->RegisterExtension (mine, broadcast, &uuid);
    _return.code = status.code;
    _return.message = status.message;
    _return.uuid = status.ok () ? uuid : 0;
  }

  void deregisterExtension (ext::ExtensionStatus &_return,
                            const ext::ExtensionRouteUUID uuid) override {
    Status status = s_->DeregisterExtension (uuid);
    _return.code = status.code;
    _return.message = status.message;
    _return.uuid = 0;
  }

  void query (ext::ExtensionResponse &_return, const std::string &sql) override {
    ToResponse (s_->Query (sql), _return);
  }

  void getQueryColumns (ext::ExtensionResponse &_return, const std::string &sql) override {
    ToResponse (s_->QueryColumns (sql), _return);
  }

  /* a result as the ExtensionResponse osqueryd answers with (NULL as "") */
  static void ToResponse (const QueryResult &result, ext::ExtensionResponse &_return) {
    _return.status.code = result.code;
    _return.status.message = result.message;
    _return.status.uuid = 0;
    for (const auto &row : result.rows) {
      std::map<std::string, std::string> out;
      for (const auto &value : row)
        out[value.first] = value.second.value_or ("");
      _return.response.push_back (std::move (out));
    }
  }

 private:
  OsquerydStandin *s_;
};

/* --- StandinConnection ----------------------------------------------------------- */

StandinConnection::~StandinConnection () {
  if (db_ != nullptr)
    sqlite3_close_v2 (db_);
}

QueryResult StandinConnection::Query (const std::string &sql) {
  return RunSql (db_, sql, false);
}

/* --- options ----------------------------------------------------------------------- */

std::set<std::string> StandinOptions::DefaultCoreTables () {
  return {
    "apt_sources",
    "arp_cache",
    "authorized_keys",
    "block_devices",
    "cpu_time",
    "cpuid",
    "crontab",
    "deb_packages",
    "disk_encryption",
    "etc_hosts",
    "etc_protocols",
    "etc_services",
    "file",
    "groups",
    "hash",
    "interface_addresses",
    "interface_details",
    "iptables",
    "kernel_info",
    "kernel_modules",
    "listening_ports",
    "logged_in_users",
    "memory_info",
    "mounts",
    "os_version",
    "osquery_events",
    "osquery_extensions",
    "osquery_flags",
    "osquery_info",
    "osquery_packs",
    "osquery_registry",
    "osquery_schedule",
    "pci_devices",
    "platform_info",
    "process_envs",
    "process_memory_map",
    "process_open_files",
    "process_open_sockets",
    "processes",
    "routes",
    "rpm_packages",
    "shadow",
    "shell_history",
    "system_info",
    "systemd_units",
    "time",
    "uptime",
    "usb_devices",
    "user_groups",
    "users",
  };
}

/* --- OsquerydStandin --------------------------------------------------------------- */

OsquerydStandin::OsquerydStandin (StandinOptions options)
    : options_ (std::move (options)), host_ (std::make_unique<StandinVtabHost> (this)) {
  apache::thrift::GlobalOutput.setOutputFunction (options_.thrift_verbose ? ThriftLoud
                                                                          : ThriftQuiet);
  std::string error;
  primary_ = OpenDatabase (&error);
  if (primary_ == nullptr)
    Log ("Cannot open the primary SQLite connection: " + error);
  InitOptions ();
}

OsquerydStandin::~OsquerydStandin () {
  Stop ();
  StopExtensions (std::chrono::milliseconds (0));
  {
    std::lock_guard<std::mutex> lock (primary_mu_);
    if (primary_ != nullptr)
      sqlite3_close_v2 (primary_);
    primary_ = nullptr;
  }
}

sqlite3 *OsquerydStandin::OpenDatabase (std::string *error) {
  sqlite3 *db = nullptr;
  int rc = sqlite3_open_v2 (
    ":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    if (error != nullptr)
      *error = db != nullptr ? sqlite3_errmsg (db) : "out of memory";
    sqlite3_close_v2 (db);
    return nullptr;
  }
  RegisterCollations (db);
  return db;
}

void OsquerydStandin::InitOptions () {
  struct Flag {
    const char *name, *type, *default_value;
  };
  static const Flag kFlags[] = {
    {"alarm_timeout", "uint64", "15"},
    {"config_path", "string", "/etc/osquery/osquery.conf"},
    {"config_plugin", "string", "filesystem"},
    {"database_path", "string", "/var/osquery/osquery.db"},
    {"disable_events", "bool", "true"},
    {"disable_extensions", "bool", "false"},
    {"disable_watchdog", "bool", "false"},
    {"distributed_plugin", "string", "tls"},
    {"enable_extensions_watchdog", "bool", "false"},
    {"extensions_autoload", "string", "/etc/osquery/extensions.load"},
    {"extensions_default_index", "bool", "true"},
    {"extensions_interval", "string", "3"},
    {"extensions_require", "string", ""},
    {"extensions_socket", "string", "/var/osquery/osquery.em"},
    {"extensions_timeout", "string", "3"},
    {"host_identifier", "string", "hostname"},
    {"logger_path", "string", "/var/log/osquery/"},
    {"logger_plugin", "string", "filesystem"},
    {"pidfile", "string", "/var/osquery/osqueryd.pidfile"},
    {"thrift_string_size_limit", "uint32", "0"},
    {"thrift_timeout", "uint32", "300"},
    {"thrift_verbose", "bool", "false"},
    {"verbose", "bool", "false"},
    {"watchdog_level", "int32", "0"},
  };
  std::lock_guard<std::mutex> lock (options_mu_);
  for (const auto &flag : kFlags)
    option_list_[flag.name] = {flag.default_value, flag.default_value, flag.type};
  option_list_["extensions_interval"].value = options_.extensions_interval;
  option_list_["extensions_timeout"].value = options_.extensions_timeout;
  option_list_["thrift_timeout"].value = std::to_string (options_.thrift_timeout);
  option_list_["extensions_default_index"].value =
    options_.extensions_default_index ? "true" : "false";
  option_list_["thrift_string_size_limit"].value =
    std::to_string (options_.thrift_string_size_limit);
  option_list_["verbose"].value = options_.verbose ? "true" : "false";
  option_list_["thrift_verbose"].value = options_.thrift_verbose ? "true" : "false";
}

void OsquerydStandin::SetOption (const std::string &name, const std::string &value,
                                 const std::string &type) {
  std::lock_guard<std::mutex> lock (options_mu_);
  auto it = option_list_.find (name);
  if (it == option_list_.end ())
    option_list_[name] = {value, "", type};
  else
    it->second.value = value;
}

bool OsquerydStandin::SetConfigOption (const std::string &name, const std::string &value) {
  if (name.empty () || value.empty ())
    return false;
  {
    std::lock_guard<std::mutex> lock (options_mu_);
    auto it = option_list_.find (name);
    if (it != option_list_.end ()) {
      it->second.value = value;
      return true;
    }
    if (name.rfind ("custom_", 0) == 0) {
      option_list_[name] = {value, "", "string"};
      return true;
    }
  }
  Log ("Cannot set unknown or invalid flag: " + name);
  return false;
}

std::map<std::string, OptionInfo> OsquerydStandin::Options () const {
  std::lock_guard<std::mutex> lock (options_mu_);
  return option_list_;
}

std::chrono::milliseconds OsquerydStandin::FlagMilliseconds (const std::string &seconds) {
  long ms = static_cast<long> (std::atoi (seconds.c_str ())) * 1000;
  return std::chrono::milliseconds (std::max (ms, 200L));
}

bool OsquerydStandin::VersionAtLeast (const std::string &v, const std::string &sdk) {
  if (v == "0.0.0" || sdk == "0.0.0")
    return true;
  auto required = SplitVersion (v);
  auto build = SplitVersion (sdk);
  size_t index = 0;
  for (const auto &chunk : build) {
    if (required.size () <= index)
      return true;
    try {
      int have = std::stoi (chunk);
      int want = std::stoi (required[index]);
      if (have < want)
        return false;
      if (have > want)
        return true;
    } catch (const std::exception &) {
      if (chunk.compare (required[index]) < 0)
        return false;
    }
    index++;
  }
  return true;
}

/* --- logging --------------------------------------------------------------------- */

void OsquerydStandin::Log (const std::string &line) const {
  {
    std::lock_guard<std::mutex> lock (log_mu_);
    log_.push_back (line);
  }
  log_cv_.notify_all ();
  if (options_.verbose)
    std::fprintf (stderr, "po-osqueryd: %s\n", line.c_str ());
}

std::vector<std::string> OsquerydStandin::LogLines () const {
  std::lock_guard<std::mutex> lock (log_mu_);
  return log_;
}

bool OsquerydStandin::WaitForLog (const std::string &needle,
                                  std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock (log_mu_);
  return log_cv_.wait_for (lock, timeout, [&] {
    for (const auto &line : log_) {
      if (line.find (needle) != std::string::npos)
        return true;
    }
    return false;
  });
}

/* --- lifecycle --------------------------------------------------------------------- */

std::string OsquerydStandin::ExtensionSocket (RouteUUID uuid) const {
  if (uuid == 0)
    return socket_path_;
  return socket_path_ + "." + std::to_string (uuid);
}

/* removes every <socket>.* file, as the manager does when it starts and stops */
void OsquerydStandin::RemoveSocketFiles () const {
  if (socket_path_.empty ())
    return;
  auto slash = socket_path_.rfind ('/');
  std::string dir = slash == std::string::npos ? "." : socket_path_.substr (0, slash);
  if (dir.empty ())
    dir = "/";
  std::string prefix =
    (slash == std::string::npos ? socket_path_ : socket_path_.substr (slash + 1)) + ".";
  DIR *d = opendir (dir.c_str ());
  if (d == nullptr)
    return;
  while (struct dirent *entry = readdir (d)) {
    std::string name = entry->d_name;
    if (name.size () > prefix.size () && name.compare (0, prefix.size (), prefix) == 0)
      ::unlink ((dir + "/" + name).c_str ());
  }
  closedir (d);
}

bool OsquerydStandin::Start (const std::string &socket_path, std::string *error) {
  auto fail = [&] (const std::string &message) {
    if (error != nullptr)
      *error = message;
    Log (message);
    return false;
  };
  if (running_)
    return fail ("The stand-in is already running on " + socket_path_);
  if (primary_ == nullptr)
    return fail ("No primary SQLite connection");
  if (socket_path.size () + 7 > sizeof (sockaddr_un::sun_path))
    return fail ("Socket path too long for sun_path: " + socket_path);

  socket_path_ = socket_path;
  struct stat st;
  if (::lstat (socket_path_.c_str (), &st) == 0 && ::unlink (socket_path_.c_str ()) != 0)
    return fail ("Cannot remove extension socket: " + socket_path_);
  RemoveSocketFiles ();
  SetOption ("extensions_socket", socket_path_);

  /* preServe runs once the socket listens; a failure to listen ends serve() instead */
  struct Ready {
    std::promise<std::string> promise;
    std::atomic<bool> done{false};
    void Set (const std::string &value) {
      if (!done.exchange (true))
        promise.set_value (value);
    }
  };
  class ReadyHandler : public ats::TServerEventHandler {
   public:
    explicit ReadyHandler (std::shared_ptr<Ready> ready) : ready_ (std::move (ready)) {}
    void preServe () override { ready_->Set (""); }

   private:
    std::shared_ptr<Ready> ready_;
  };

  auto handler = std::make_shared<ManagerHandler> (this);
  auto processor = std::make_shared<ext::ExtensionManagerProcessor> (handler);
  auto transport = std::make_shared<att::TServerSocket> (socket_path_);
  auto protocol_factory = std::make_shared<atp::TBinaryProtocolFactory> (
    options_.thrift_string_size_limit, 0, false, true);
  auto server = std::make_shared<ats::TThreadedServer> (
    processor, transport, std::make_shared<att::TBufferedTransportFactory> (), protocol_factory);
  auto ready = std::make_shared<Ready> ();
  auto ready_future = ready->promise.get_future ();
  server->setServerEventHandler (std::make_shared<ReadyHandler> (ready));

  std::string path = socket_path_;
  server_thread_ = std::thread ([this, server, ready, path] {
    try {
      server->serve ();
    } catch (const std::exception &e) {
      std::string message = "Cannot serve " + path + ": " + e.what ();
      if (ready->done)
        Log (message);
      ready->Set (message);
    }
    ready->Set ("serve() returned");
  });
  if (ready_future.wait_for (std::chrono::seconds (10)) != std::future_status::ready) {
    server->stop ();
    server_thread_.join ();
    return fail ("The extension manager did not start on " + socket_path_);
  }
  std::string serve_error = ready_future.get ();
  if (!serve_error.empty ()) {
    server_thread_.join ();
    return fail (serve_error);
  }
  server_ = server;
  running_ = true;
  Log ("Extension manager service starting: " + socket_path_);

  {
    std::lock_guard<std::mutex> lock (watcher_mu_);
    watcher_stop_ = false;
    watcher_passed_ = false;
  }
  watcher_thread_ = std::thread ([this] { WatcherLoop (); });
  return true;
}

void OsquerydStandin::Stop () {
  if (!running_.exchange (false))
    return;
  {
    std::lock_guard<std::mutex> lock (watcher_mu_);
    watcher_stop_ = true;
  }
  watcher_cv_.notify_all ();
  if (watcher_thread_.joinable ())
    watcher_thread_.join ();

  auto server = std::static_pointer_cast<ats::TThreadedServer> (server_);
  if (server)
    server->stop ();
  if (server_thread_.joinable ())
    server_thread_.join ();
  server_.reset ();

  std::vector<RouteUUID> uuids;
  {
    std::lock_guard<std::mutex> lock (registry_mu_);
    for (const auto &entry : extensions_)
      uuids.push_back (entry.first);
  }
  for (RouteUUID uuid : uuids)
    RemoveBroadcast (uuid, false);

  ::unlink (socket_path_.c_str ());
  RemoveSocketFiles ();
  Log ("Extension manager service stopped: " + socket_path_);
}

/* --- registry ---------------------------------------------------------------------- */

Status OsquerydStandin::RegisterExtension (const ExtensionInfo &info, const Registry &registry,
                                           RouteUUID *ret_uuid) {
  std::lock_guard<std::mutex> serial (registration_mu_);
  auto failed = [] (const std::string &message) {
    Status status;
    status.code = 1;
    status.message = message;
    return status;
  };

  RouteUUID uuid = 0;
  {
    std::lock_guard<std::mutex> lock (registry_mu_);
    for (const auto &entry : extensions_) {
      if (entry.second->info.name == info.name) {
        Log ("Refusing to register duplicate extension " + info.name);
        return failed ("Duplicate extension registered");
      }
    }
  }
  for (const char *change : kSdkVersionChanges) {
    if (!VersionAtLeast (change, info.sdk_version)) {
      Log ("Could not add extension " + info.name + ": incompatible extension SDK " +
           info.sdk_version + ", minimum required is " + change);
      return failed ("Incompatible extension SDK version");
    }
  }

  {
    static std::mt19937 rng{std::random_device{}()};
    std::lock_guard<std::mutex> lock (registry_mu_);
    do {
      uuid = static_cast<std::uint16_t> (rng () + 1);
    } while (uuid == 0 || extensions_.count (uuid) != 0);
  }
  Log ("Registering extension (" + info.name + ", " + std::to_string (uuid) +
       ", version=" + info.version + ", sdk=" + info.sdk_version + ")");

  auto broadcast_failed = [&] (const std::string &message) {
    Log ("Could not add extension " + info.name + ": " + message);
    return failed ("Failed adding registry: " + message);
  };

  /* addBroadcast: first no item may exist already, in any registry */
  {
    std::lock_guard<std::mutex> lock (registry_mu_);
    for (const auto &r : registry) {
      for (const auto &item : r.second) {
        bool exists = false;
        if (r.first == "table") {
          exists = tables_.count (item.first) != 0 || options_.core_tables.count (item.first) != 0;
        } else {
          for (const auto &entry : extensions_) {
            for (const auto &owned : entry.second->items)
              exists = exists || (owned.first == r.first && owned.second == item.first);
          }
        }
        if (exists)
          return broadcast_failed ("Registry item " + item.first +
                                   " conflicts with another item of the same name.");
      }
    }
  }

  /* then each registry in order adds its items; any failure undoes the broadcast */
  auto entry = std::make_shared<ExtensionEntry> ();
  entry->info = info;
  std::string failure;
  for (const auto &r : registry) {
    bool known =
      std::find_if (std::begin (kKnownRegistries), std::end (kKnownRegistries),
                    [&] (const char *k) { return r.first == k; }) != std::end (kKnownRegistries);
    if (!known) {
      failure = "Unknown registry: " + r.first;
      break;
    }
    for (const auto &item : r.second) {
      if (r.first != "table") {
        entry->items.emplace_back (r.first, item.first);
        continue;
      }
      if (item.second.empty ()) {
        failure = "Invalid route info";
        break;
      }
      {
        std::lock_guard<std::mutex> lock (registry_mu_);
        auto table = std::make_shared<TableEntry> ();
        table->uuid = uuid;
        table->routes = item.second;
        tables_[item.first] = table;
      }
      entry->tables.push_back (item.first);
      int rc;
      {
        std::lock_guard<std::mutex> lock (primary_mu_);
        rc = AttachTable (primary_, host_.get (), item.first, ColumnDefinition (item.second));
      }
      if (rc != SQLITE_OK) {
        failure = SqliteReturnCodeString (rc);
        break;
      }
    }
    if (!failure.empty ())
      break;
  }

  if (!failure.empty ()) {
    std::lock_guard<std::mutex> plock (primary_mu_);
    for (const auto &table : entry->tables)
      DetachTable (primary_, table);
    std::lock_guard<std::mutex> lock (registry_mu_);
    for (const auto &table : entry->tables)
      tables_.erase (table);
    return broadcast_failed (failure);
  }

  {
    std::lock_guard<std::mutex> lock (registry_mu_);
    for (const auto &table : entry->tables)
      tables_[table]->external = true;
    extensions_[uuid] = entry;
  }
  if (ret_uuid != nullptr)
    *ret_uuid = uuid;
  return Status ();
}

Status OsquerydStandin::RemoveBroadcast (RouteUUID uuid, bool log_gone) {
  std::shared_ptr<ExtensionEntry> entry;
  {
    std::lock_guard<std::mutex> lock (registry_mu_);
    auto it = extensions_.find (uuid);
    if (it == extensions_.end ()) {
      Status status;
      status.code = 1;
      status.message = "No extension UUID found";
      return status;
    }
    entry = it->second;
  }
  /* SQLite is never entered with registry_mu_ held: xCreate takes it through CallTable */
  std::lock_guard<std::mutex> plock (primary_mu_);
  for (const auto &table : entry->tables)
    DetachTable (primary_, table);
  std::lock_guard<std::mutex> lock (registry_mu_);
  for (const auto &table : entry->tables)
    tables_.erase (table);
  extensions_.erase (uuid);
  if (log_gone) /* logged once it is true, so a test waiting for the line sees the result */
    Log ("Extension UUID " + std::to_string (uuid) + " has gone away");
  return Status ();
}

Status OsquerydStandin::DeregisterExtension (RouteUUID uuid) {
  return RemoveBroadcast (uuid, false);
}

std::map<RouteUUID, ExtensionInfo> OsquerydStandin::Extensions () const {
  std::lock_guard<std::mutex> lock (registry_mu_);
  std::map<RouteUUID, ExtensionInfo> out;
  for (const auto &entry : extensions_)
    out[entry.first] = entry.second->info;
  return out;
}

std::optional<RouteUUID> OsquerydStandin::FindExtension (const std::string &name) const {
  std::lock_guard<std::mutex> lock (registry_mu_);
  for (const auto &entry : extensions_) {
    if (entry.second->info.name == name)
      return entry.first;
  }
  return std::nullopt;
}

std::optional<RouteUUID> OsquerydStandin::TableOwner (const std::string &table) const {
  std::lock_guard<std::mutex> lock (registry_mu_);
  auto it = tables_.find (table);
  if (it == tables_.end () || !it->second->external)
    return std::nullopt;
  return it->second->uuid;
}

std::optional<PluginResponse> OsquerydStandin::TableRoutes (const std::string &table) const {
  std::lock_guard<std::mutex> lock (registry_mu_);
  auto it = tables_.find (table);
  if (it == tables_.end ())
    return std::nullopt;
  return it->second->routes;
}

/* --- calls ---------------------------------------------------------------------- */

bool OsquerydStandin::SocketUsable (const std::string &path) const {
  struct stat st;
  return ::stat (path.c_str (), &st) == 0 && ::access (path.c_str (), W_OK) == 0;
}

/*
 * extensionPathActive: socket exists and is writable, then a ping on its
 * own connection with a 10 s timeout; with use_timeout it keeps trying
 * every 20 ms for --extensions_timeout (at least 200 ms)
 */
Status OsquerydStandin::PathActive (const std::string &path, bool use_timeout) {
  auto timeout = FlagMilliseconds (options_.extensions_timeout);
  std::chrono::milliseconds delay{0};
  do {
    if (SocketUsable (path)) {
      try {
        Connection<ext::ExtensionManagerClient> client (path, kProbeTimeoutMs);
        ext::ExtensionStatus status;
        client->ping (status);
        return Status ();
      } catch (const std::exception &) {
        /* the path may exist without anything serving it */
      }
    }
    if (!use_timeout)
      break;
    delay += kInitializeLatency;
    std::this_thread::sleep_for (kInitializeLatency);
  } while (delay < timeout);
  Status status;
  status.code = 1;
  status.message = "Extension socket not available: " + path;
  return status;
}

CallResult OsquerydStandin::CallExtension (RouteUUID uuid, const std::string &registry,
                                           const std::string &item, const PluginRequest &request) {
  CallResult result;
  std::string path = ExtensionSocket (uuid);
  Status active = PathActive (path, false);
  if (!active.ok ()) {
    result.code = active.code;
    result.message = active.message;
    return result;
  }
  try {
    Connection<ext::ExtensionClient> client (path, options_.thrift_timeout * 1000);
    ext::ExtensionResponse response;
    client->call (response, registry, item,
                  ext::ExtensionPluginRequest (request.begin (), request.end ()));
    result.code = response.status.code;
    result.message = response.status.message;
    result.response = FromThrift (response.response);
  } catch (const std::exception &e) {
    result.code = 1;
    result.message = std::string ("Extension call failed: ") + e.what ();
    result.response.clear ();
  }
  return result;
}

CallResult OsquerydStandin::CallTable (const std::string &table, const PluginRequest &request) {
  RouteUUID uuid = 0;
  {
    std::lock_guard<std::mutex> lock (registry_mu_);
    auto it = tables_.find (table);
    if (it == tables_.end ()) {
      CallResult result;
      result.code = 1;
      result.message = "Cannot call unknown table: " + table;
      return result;
    }
    if (!it->second->external) {
      /* registering: the core answers "columns" itself from the broadcast */
      CallResult result;
      auto action = request.find ("action");
      if (action != request.end () && action->second == "columns") {
        result.response = it->second->routes;
      } else {
        result.code = 1;
        result.message = "Table " + table + " is not registered yet";
      }
      return result;
    }
    uuid = it->second->uuid;
  }
  return CallExtension (uuid, "table", table, request);
}

Status OsquerydStandin::PingExtension (RouteUUID uuid) {
  std::string path = ExtensionSocket (uuid);
  Status status = PathActive (path, false);
  if (!status.ok ())
    return status;
  try {
    Connection<ext::ExtensionClient> client (path, options_.thrift_timeout * 1000);
    ext::ExtensionStatus pong;
    client->ping (pong);
    status.code = 0;
    status.message = pong.message;
  } catch (const std::exception &e) {
    status.code = 1;
    status.message = std::string ("Extension call failed: ") + e.what ();
  }
  return status;
}

/* --- SQL ----------------------------------------------------------------------- */

QueryResult OsquerydStandin::RunQuery (sqlite3 *db, const std::string &sql, bool types_only) {
  return RunSql (db, sql, types_only);
}

QueryResult OsquerydStandin::Query (const std::string &sql) {
  return QueryOnAnyConnection (sql, false);
}

QueryResult OsquerydStandin::QueryColumns (const std::string &sql) {
  return QueryOnAnyConnection (sql, true);
}

/* on the primary connection when it is free, else on a new one */
QueryResult OsquerydStandin::QueryOnAnyConnection (const std::string &sql, bool types_only) {
  {
    std::unique_lock<std::mutex> lock (primary_mu_, std::try_to_lock);
    if (lock.owns_lock () && primary_ != nullptr)
      return RunQuery (primary_, sql, types_only);
  }
  std::string error;
  auto connection = OpenConnection (&error);
  if (!connection) {
    QueryResult result;
    result.code = 1;
    result.message = error;
    return result;
  }
  return RunSql (connection->db_, sql, types_only);
}

std::unique_ptr<StandinConnection> OsquerydStandin::OpenConnection (std::string *error) {
  std::unique_ptr<StandinConnection> connection (new StandinConnection ());
  connection->db_ = OpenDatabase (error);
  if (connection->db_ == nullptr)
    return nullptr;
  std::vector<std::string> names;
  {
    std::lock_guard<std::mutex> lock (registry_mu_);
    for (const auto &table : tables_) {
      if (table.second->external)
        names.push_back (table.first);
    }
  }
  /* attachVirtualTables: "columns" from the extension, then the attach (whose xCreate asks again) */
  for (const auto &name : names) {
    CallResult columns = CallTable (name, {{"action", "columns"}});
    if (!columns.ok ())
      continue;
    if (AttachTable (connection->db_, host_.get (), name, ColumnDefinition (columns.response)) ==
        SQLITE_OK)
      connection->attached_.push_back (name);
  }
  return connection;
}

/* --- the watcher ------------------------------------------------------------------- */

/*
 * ExtensionManagerWatcher::watch: a new uuid whose socket is missing gets
 * up to --extensions_timeout to appear; afterwards a missing or unwritable
 * socket, a failed connection or a ping answering code 1 deregisters it
 */
void OsquerydStandin::WatchOnce () {
  static std::mutex pass_mu;
  std::lock_guard<std::mutex> pass (pass_mu);
  std::vector<RouteUUID> uuids;
  {
    std::lock_guard<std::mutex> lock (registry_mu_);
    for (const auto &entry : extensions_)
      uuids.push_back (entry.first);
  }
  for (RouteUUID uuid : uuids) {
    std::string path = ExtensionSocket (uuid);
    bool exists = SocketUsable (path);
    int &failures = failures_[uuid];
    if (!exists && failures == 0) {
      Log ("Extension UUID " + std::to_string (uuid) + " initial check failed");
      exists = PathActive (path, true).ok ();
    }
    failures = 1;
    if (!exists) {
      failures += 1;
      continue;
    }
    ext::ExtensionStatus status;
    try {
      Connection<ext::ExtensionClient> client (path, options_.thrift_timeout * 1000);
      client->ping (status);
    } catch (const std::exception &) {
      failures += 1;
      continue;
    }
    if (status.code == 1) {
      Log ("Extension UUID " + std::to_string (uuid) + " ping failed");
      failures += 1;
    } else {
      failures = 1;
    }
  }
  for (auto &entry : failures_) {
    if (entry.second > 1) {
      RemoveBroadcast (entry.first, true);
      entry.second = 1;
    }
  }
}

bool OsquerydStandin::WaitForFirstWatch (std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock (watcher_mu_);
  return watcher_cv_.wait_for (lock, timeout, [this] { return watcher_passed_ || watcher_stop_; });
}

void OsquerydStandin::WatcherLoop () {
  auto interval = FlagMilliseconds (options_.extensions_interval);
  std::unique_lock<std::mutex> lock (watcher_mu_);
  while (!watcher_stop_) {
    lock.unlock ();
    WatchOnce ();
    lock.lock ();
    if (!watcher_passed_) {
      watcher_passed_ = true;
      watcher_cv_.notify_all ();
    }
    watcher_cv_.wait_for (lock, interval, [this] { return watcher_stop_; });
  }
  lock.unlock ();
  ShutdownExtensions ();
}

/* on the way down, each registered extension is asked to shutdown() */
void OsquerydStandin::ShutdownExtensions () {
  for (const auto &entry : Extensions ()) {
    try {
      Connection<ext::ExtensionClient> client (ExtensionSocket (entry.first),
                                               options_.thrift_timeout * 1000);
      client->shutdown ();
    } catch (const std::exception &) {
      Log ("Extension UUID " + std::to_string (entry.first) + " shutdown request failed");
    }
  }
}

/* --- processes ------------------------------------------------------------------- */

pid_t OsquerydStandin::LaunchExtension (const std::string &path,
                                        const std::map<std::string, std::string> &extra_env,
                                        std::string *error) {
  return LaunchExtension (path, options_.verbose, options_.extensions_timeout,
                          options_.extensions_interval, extra_env, error);
}

pid_t OsquerydStandin::LaunchExtension (const std::string &path, bool verbose,
                                        const std::string &timeout, const std::string &interval,
                                        const std::map<std::string, std::string> &extra_env,
                                        std::string *error) {
  /* everything the child needs is built before fork: it may only use async-signal-safe calls */
  std::vector<std::string> args = {path};
  if (verbose)
    args.emplace_back ("--verbose");
  for (const auto &s : {std::string ("--socket"), socket_path_, std::string ("--timeout"), timeout,
                        std::string ("--interval"), interval})
    args.push_back (s);
  std::vector<char *> argv;
  for (auto &a : args)
    argv.push_back (a.data ());
  argv.push_back (nullptr);

  std::vector<std::string> env;
  for (char **e = environ; e != nullptr && *e != nullptr; e++) {
    std::string entry = *e;
    std::string key = entry.substr (0, entry.find ('='));
    if (key == "OSQUERY_EXTENSION" || extra_env.count (key) != 0)
      continue;
    env.push_back (entry);
  }
  for (const auto &kv : extra_env) {
    if (kv.first != "OSQUERY_EXTENSION") /* osqueryd always sets it itself */
      env.push_back (kv.first + "=" + kv.second);
  }
  env.push_back ("OSQUERY_EXTENSION=" + std::string (24, '\0'));
  std::vector<char *> envp;
  for (auto &e : env)
    envp.push_back (e.data ());
  envp.push_back (nullptr);
  char *pid_slot = envp[envp.size () - 2] + std::strlen ("OSQUERY_EXTENSION=");

  struct sigaction default_action;
  std::memset (&default_action, 0, sizeof (default_action));
  default_action.sa_handler = SIG_DFL;
  sigemptyset (&default_action.sa_mask);

  int report[2];
  if (::pipe2 (report, O_CLOEXEC) != 0) {
    if (error != nullptr)
      *error = std::string ("pipe2: ") + std::strerror (errno);
    return -1;
  }

  pid_t pid = ::fork ();
  if (pid < 0) {
    if (error != nullptr)
      *error = std::string ("fork: ") + std::strerror (errno);
    ::close (report[0]);
    ::close (report[1]);
    return -1;
  }
  if (pid == 0) {
    sigset_t empty;
    sigemptyset (&empty);
    sigprocmask (SIG_SETMASK, &empty, nullptr);
    for (int sig = 1; sig < NSIG; sig++)
      sigaction (sig, &default_action, nullptr);
    /* nothing of the manager leaks into the extension but the report pipe (close-on-exec) */
    ::close (report[0]);
    for (int fd = 3; fd < report[1]; fd++)
      ::close (fd);
    if (::syscall (SYS_close_range, report[1] + 1, ~0U, 0) != 0) {
      for (int fd = report[1] + 1; fd < 65536; fd++)
        ::close (fd);
    }
    /* OSQUERY_EXTENSION=<own pid> */
    char digits[24];
    int n = 0;
    for (pid_t p = ::getpid (); p > 0; p /= 10)
      digits[n++] = static_cast<char> ('0' + p % 10);
    for (int i = 0; i < n; i++)
      pid_slot[i] = digits[n - 1 - i];
    pid_slot[n] = '\0';
    ::execve (path.c_str (), argv.data (), envp.data ());
    int err = errno;
    ssize_t ignored = ::write (report[1], &err, sizeof (err));
    (void) ignored;
    ::_exit (127);
  }

  ::close (report[1]);
  int child_errno = 0;
  ssize_t got;
  do {
    got = ::read (report[0], &child_errno, sizeof (child_errno));
  } while (got < 0 && errno == EINTR);
  ::close (report[0]);
  if (got == static_cast<ssize_t> (sizeof (child_errno))) {
    int status = 0;
    ::waitpid (pid, &status, 0);
    if (error != nullptr)
      *error = "execve " + path + ": " + std::strerror (child_errno);
    Log ("Cannot launch extension " + path + ": " + std::strerror (child_errno));
    return -1;
  }
  {
    std::lock_guard<std::mutex> lock (children_mu_);
    children_.insert (pid);
  }
  Log ("Created and monitoring extension child (" + std::to_string (pid) + "): " + path);
  return pid;
}

std::optional<RouteUUID> OsquerydStandin::WaitForRegistration (const std::string &name,
                                                               std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now () + timeout;
  for (;;) {
    auto uuid = FindExtension (name);
    if (uuid || std::chrono::steady_clock::now () >= deadline)
      return uuid;
    std::this_thread::sleep_for (kInitializeLatency);
  }
}

void OsquerydStandin::ReapChildren () {
  std::lock_guard<std::mutex> lock (children_mu_);
  for (auto it = children_.begin (); it != children_.end ();) {
    int status = 0;
    pid_t r = ::waitpid (*it, &status, WNOHANG);
    if (r == *it) {
      reaped_[*it] = status;
      it = children_.erase (it);
    } else if (r < 0 && errno == ECHILD) {
      it = children_.erase (it);
    } else {
      ++it;
    }
  }
}

bool OsquerydStandin::WaitForExit (pid_t pid, std::chrono::milliseconds timeout, int *ret_status) {
  auto deadline = std::chrono::steady_clock::now () + timeout;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock (children_mu_);
      if (children_.count (pid) == 0) {
        auto it = reaped_.find (pid);
        if (it != reaped_.end ()) {
          if (ret_status != nullptr)
            *ret_status = it->second;
          return true;
        }
        /* not ours: wait for it directly */
        int status = 0;
        pid_t r = ::waitpid (pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD)) {
          if (ret_status != nullptr)
            *ret_status = status;
          return r == pid;
        }
      }
    }
    ReapChildren ();
    if (std::chrono::steady_clock::now () >= deadline) {
      std::lock_guard<std::mutex> lock (children_mu_);
      auto it = reaped_.find (pid);
      if (it == reaped_.end ())
        return false;
      if (ret_status != nullptr)
        *ret_status = it->second;
      return true;
    }
    std::this_thread::sleep_for (std::chrono::milliseconds (10));
  }
}

bool OsquerydStandin::Kill (pid_t pid, int sig) {
  return ::kill (pid, sig) == 0;
}

std::vector<pid_t> OsquerydStandin::StopExtensions (std::chrono::milliseconds grace) {
  ReapChildren ();
  std::set<pid_t> running;
  {
    std::lock_guard<std::mutex> lock (children_mu_);
    running = children_;
  }
  for (pid_t pid : running)
    ::kill (pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now () + grace;
  while (std::chrono::steady_clock::now () < deadline) {
    ReapChildren ();
    std::lock_guard<std::mutex> lock (children_mu_);
    if (children_.empty ())
      break;
    std::this_thread::sleep_for (std::chrono::milliseconds (10));
  }
  std::vector<pid_t> killed;
  std::lock_guard<std::mutex> lock (children_mu_);
  for (pid_t pid : children_) {
    ::kill (pid, SIGKILL);
    int status = 0;
    ::waitpid (pid, &status, 0);
    reaped_[pid] = status;
    killed.push_back (pid);
  }
  children_.clear ();
  return killed;
}

std::map<pid_t, int> OsquerydStandin::ReapedStatuses () const {
  const_cast<OsquerydStandin *> (this)->ReapChildren ();
  std::lock_guard<std::mutex> lock (children_mu_);
  return reaped_;
}

}  // namespace po_standin
