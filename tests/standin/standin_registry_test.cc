/* SPDX-License-Identifier: Apache-2.0 */

/*
 * The manager side of the stand-in: registration checks and messages,
 * the manager's own Thrift API, options, the watcher, calls and Stop().
 */

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

#include "ExtensionManager.h"
#include "osqueryd_standin.h"
#include "standin_test_extension.h"

namespace {

using namespace po_standin;
using namespace po_standin_test;
namespace ext = ::osquery::extensions;

const std::chrono::seconds kWait{20};

bool Exists (const std::string &path) {
  struct stat st;
  return ::lstat (path.c_str (), &st) == 0;
}

class StandinRegistry : public ::testing::Test {
 protected:
  void SetUp () override {
    StandinOptions options;
    /* the watcher thread runs once at start; tests call WatchOnce () themselves */
    options.extensions_interval = "3600";
    options.extensions_timeout = "1";
    options.thrift_timeout = 10;
    standin_ = std::make_unique<OsquerydStandin> (options);
    std::string error;
    ASSERT_TRUE (standin_->Start (socket (), &error)) << error;
    /* under load the pass at start could otherwise come between a test's
     * Register() and Serve(), find no socket and drop the extension */
    ASSERT_TRUE (standin_->WaitForFirstWatch (std::chrono::seconds (30)));
  }
  void TearDown () override { standin_.reset (); }
  std::string socket () const { return dir_.file ("osquery.em"); }

  std::unique_ptr<TestExtension> MakeExtension (const std::string &name, const std::string &table) {
    auto extension = std::make_unique<TestExtension> (socket (), name);
    extension->AddTable (table, {Column ("a", "TEXT")}, [] (const PluginRequest &) {
      CallResult result;
      result.response = {{{"a", "x"}}};
      return result;
    });
    return extension;
  }

  ScratchDir dir_;
  std::unique_ptr<OsquerydStandin> standin_;
};

/* the manager's own methods, called over the wire as an extension would */
template <class Fn>
void WithManager (const std::string &path, Fn fn) {
  auto socket = std::make_shared<apache::thrift::transport::TSocket> (path);
  auto transport = std::make_shared<apache::thrift::transport::TBufferedTransport> (socket);
  ext::ExtensionManagerClient client (
    std::make_shared<apache::thrift::protocol::TBinaryProtocol> (transport));
  transport->open ();
  fn (client);
  transport->close ();
}

TEST_F (StandinRegistry, RegistersAndListsOnlyExtensions) {
  auto extension = MakeExtension ("ext_one", "one_table");
  auto status = extension->Register ();
  ASSERT_EQ (status.code, 0) << status.message;
  EXPECT_EQ (status.message, "OK");
  EXPECT_GE (extension->uuid (), 1);
  EXPECT_LE (extension->uuid (), 65535);

  WithManager (socket (), [&] (ext::ExtensionManagerClient &client) {
    ext::InternalExtensionList list;
    client.extensions (list);
    ASSERT_EQ (list.size (), 1u); /* no uuid-0 "core" entry on the wire */
    EXPECT_EQ (list.at (extension->uuid ()).name, "ext_one");
    EXPECT_EQ (list.at (extension->uuid ()).sdk_version, "5.12.1");

    ext::ExtensionStatus pong;
    client.ping (pong);
    EXPECT_EQ (pong.code, 0);
    EXPECT_EQ (pong.message, "pong");
    EXPECT_EQ (pong.uuid, 0);
  });
  EXPECT_EQ (standin_->TableOwner ("one_table"), extension->uuid ());
}

TEST_F (StandinRegistry, RejectsDuplicateName) {
  auto first = MakeExtension ("dup", "t_first");
  ASSERT_EQ (first->Register ().code, 0);
  auto second = MakeExtension ("dup", "t_second");
  auto status = second->Register ();
  EXPECT_EQ (status.code, 1);
  EXPECT_EQ (status.message, "Duplicate extension registered");
  EXPECT_EQ (second->uuid (), 0);
  EXPECT_FALSE (standin_->TableOwner ("t_second").has_value ());
}

TEST_F (StandinRegistry, SdkGate) {
  auto old_sdk = MakeExtension ("old", "t_old");
  auto status = old_sdk->Register ("1.7.6");
  EXPECT_EQ (status.code, 1);
  EXPECT_EQ (status.message, "Incompatible extension SDK version");

  /* "" (Go) and "0.0.0" pass the gate */
  auto go_like = MakeExtension ("go_like", "t_go");
  EXPECT_EQ (go_like->Register ("").code, 0);
  auto zero = MakeExtension ("zero", "t_zero");
  EXPECT_EQ (zero->Register ("0.0.0").code, 0);

  EXPECT_TRUE (OsquerydStandin::VersionAtLeast ("1.7.7", "1.7.7"));
  EXPECT_TRUE (OsquerydStandin::VersionAtLeast ("1.7.7", "5.0"));
  EXPECT_FALSE (OsquerydStandin::VersionAtLeast ("1.7.7", "1.6.9"));
  EXPECT_TRUE (OsquerydStandin::VersionAtLeast ("1.7.7", "1..8")); /* empty pieces dropped */
}

TEST_F (StandinRegistry, BroadcastFailures) {
  Status status;
  RouteUUID uuid = 0;

  status = standin_->RegisterExtension (
    {"e1", "1", "5.0.0", "0.0.0"},
    {{"table", {{"t1", {Column ("a", "TEXT")}}}}, {"zzz_registry", {{"x", {}}}}}, &uuid);
  EXPECT_EQ (status.code, 1);
  EXPECT_EQ (status.message, "Failed adding registry: Unknown registry: zzz_registry");
  /* nothing of the failed broadcast stays attached */
  EXPECT_FALSE (standin_->TableRoutes ("t1").has_value ());
  EXPECT_NE (standin_->Query ("SELECT * FROM t1").code, 0);

  status = standin_->RegisterExtension (
    {"e2", "1", "5.0.0", "0.0.0"}, {{"table", {{"processes", {Column ("pid", "BIGINT")}}}}}, &uuid);
  EXPECT_EQ (status.message,
             "Failed adding registry: Registry item processes conflicts with "
             "another item of the same name.");

  status = standin_->RegisterExtension ({"e3", "1", "5.0.0", "0.0.0"},
                                        {{"table", {{"empty_t", {}}}}}, &uuid);
  EXPECT_EQ (status.message, "Failed adding registry: Invalid route info");

  status = standin_->RegisterExtension ({"e4", "1", "5.0.0", "0.0.0"},
                                        {{"table", {{"bad-name", {Column ("a", "TEXT")}}}}}, &uuid);
  EXPECT_EQ (status.code, 1);
  EXPECT_EQ (status.message, "Failed adding registry: SQLITE_ERROR: SQL error or missing database");

  /* the second of two extensions broadcasting the same table */
  ASSERT_EQ (standin_
               ->RegisterExtension ({"e5", "1", "5.0.0", "0.0.0"},
                                    {{"table", {{"shared", {Column ("a", "TEXT")}}}}}, &uuid)
               .code,
             0);
  status = standin_->RegisterExtension ({"e6", "1", "5.0.0", "0.0.0"},
                                        {{"table", {{"shared", {Column ("a", "TEXT")}}}}}, &uuid);
  EXPECT_EQ (status.message,
             "Failed adding registry: Registry item shared conflicts with another "
             "item of the same name.");
  EXPECT_EQ (standin_->Extensions ().size (), 1u);
}

TEST_F (StandinRegistry, Deregister) {
  auto extension = MakeExtension ("dereg", "dereg_t");
  ASSERT_EQ (extension->Register ().code, 0);
  ASSERT_TRUE (extension->Serve ());
  ASSERT_TRUE (standin_->Query ("SELECT * FROM dereg_t").ok ());

  WithManager (socket (), [&] (ext::ExtensionManagerClient &client) {
    ext::ExtensionStatus status;
    client.deregisterExtension (status, extension->uuid ());
    EXPECT_EQ (status.code, 0);
    EXPECT_EQ (status.message, "OK");
    client.deregisterExtension (status, extension->uuid ());
    EXPECT_EQ (status.code, 1);
    EXPECT_EQ (status.message, "No extension UUID found");
  });
  auto result = standin_->Query ("SELECT * FROM dereg_t");
  EXPECT_EQ (result.code, 1);
  /* as osqueryd: the module stays, so the name resolves to an eponymous table whose constructor fails */
  EXPECT_EQ (result.message, "vtable constructor failed: dereg_t");
}

TEST_F (StandinRegistry, OptionsOverTheWire) {
  EXPECT_TRUE (standin_->SetConfigOption ("custom_phaseout_policy_dir", "/etc/x"));
  EXPECT_FALSE (standin_->SetConfigOption ("phaseout_policy_dir", "/etc/x"));
  EXPECT_TRUE (standin_->WaitForLog ("Cannot set unknown or invalid flag: phaseout_policy_dir",
                                     std::chrono::milliseconds (0)));
  standin_->SetOption ("phaseout_test_only", "1");

  WithManager (socket (), [&] (ext::ExtensionManagerClient &client) {
    ext::InternalOptionList options;
    client.options (options);
    ASSERT_EQ (options.count ("extensions_socket"), 1u);
    EXPECT_EQ (options["extensions_socket"].value, socket ());
    EXPECT_EQ (options["extensions_socket"].type, "string");
    EXPECT_EQ (options["extensions_default_index"].value, "true");
    EXPECT_EQ (options["custom_phaseout_policy_dir"].value, "/etc/x");
    EXPECT_EQ (options["custom_phaseout_policy_dir"].type, "string");
    EXPECT_EQ (options.count ("phaseout_policy_dir"), 0u);
    EXPECT_EQ (options["phaseout_test_only"].value, "1");
  });
}

TEST_F (StandinRegistry, QueryAndColumnsOverTheWire) {
  WithManager (socket (), [&] (ext::ExtensionManagerClient &client) {
    ext::ExtensionResponse response;
    client.query (response, "SELECT 1 AS one, 'x' AS two, NULL AS three");
    EXPECT_EQ (response.status.code, 0);
    EXPECT_EQ (response.status.message, "OK");
    ASSERT_EQ (response.response.size (), 1u);
    EXPECT_EQ (response.response[0].at ("one"), "1");
    EXPECT_EQ (response.response[0].at ("two"), "x");
    EXPECT_EQ (response.response[0].at ("three"), "");

    client.query (response, "SELECT * FROM no_such_table");
    EXPECT_EQ (response.status.code, 1);
    EXPECT_EQ (response.status.message, "no such table: no_such_table");

    client.getQueryColumns (response, "SELECT 1 AS one");
    EXPECT_EQ (response.status.code, 0);
    ASSERT_EQ (response.response.size (), 1u);
    EXPECT_EQ (response.response[0].at ("one"), "UNKNOWN");

    ext::ExtensionResponse called;
    client.call (called, "config", "filesystem", {{"action", "genConfig"}});
    EXPECT_EQ (called.status.code, 1);
  });

  auto extension = std::make_unique<TestExtension> (socket (), "typed");
  extension->AddTable ("typed_t", {Column ("n", "UNSIGNED BIGINT"), Column ("s", "TEXT")}, nullptr);
  ASSERT_EQ (extension->Register ().code, 0);
  auto columns = standin_->QueryColumns ("SELECT n, s AS renamed FROM typed_t");
  ASSERT_TRUE (columns.ok ()) << columns.message;
  ASSERT_EQ (columns.rows.size (), 2u);
  EXPECT_EQ (columns.rows[0].at ("n"), "UNSIGNED BIGINT");
  EXPECT_EQ (columns.rows[1].at ("renamed"), "TEXT");
}

TEST_F (StandinRegistry, CallsNeedTheSocket) {
  auto extension = MakeExtension ("nosock", "nosock_t");
  ASSERT_EQ (extension->Register ().code, 0);
  /* registered but not serving: the pre-call probe fails at once */
  auto result = standin_->CallTable ("nosock_t", {{"action", "generate"}, {"context", "{}"}});
  EXPECT_EQ (result.code, 1);
  EXPECT_EQ (result.message, "Extension socket not available: " + extension->socket_path ());
  auto query = standin_->Query ("SELECT * FROM nosock_t");
  EXPECT_EQ (query.code, 1);
  EXPECT_EQ (query.message, "Extension socket not available: " + extension->socket_path ());

  ASSERT_TRUE (extension->Serve ());
  result = standin_->CallTable ("nosock_t", {{"action", "bogus"}});
  EXPECT_EQ (result.code, 1);
  EXPECT_EQ (result.message, "Unknown table plugin action: bogus");
  /* the probe pings on its own connection before the call */
  EXPECT_GE (extension->ping_calls (), 1);
  EXPECT_TRUE (standin_->PingExtension (extension->uuid ()).ok ());
}

TEST_F (StandinRegistry, WatcherDeregistersWhenTheSocketGoes) {
  auto extension = MakeExtension ("watched", "watched_t");
  ASSERT_EQ (extension->Register ().code, 0);
  ASSERT_TRUE (extension->Serve ());
  ASSERT_TRUE (standin_->Query ("SELECT * FROM watched_t").ok ());
  RouteUUID uuid = extension->uuid ();

  /* the watcher pings it: still registered after several passes */
  for (int i = 0; i < 3; i++)
    standin_->WatchOnce ();
  EXPECT_TRUE (standin_->FindExtension ("watched").has_value ());
  EXPECT_GE (extension->ping_calls (), 3);

  ASSERT_EQ (::unlink (extension->socket_path ().c_str ()), 0);
  standin_->WatchOnce ();
  EXPECT_TRUE (standin_->WaitForLog ("Extension UUID " + std::to_string (uuid) + " has gone away",
                                     std::chrono::milliseconds (0)));
  EXPECT_FALSE (standin_->FindExtension ("watched").has_value ());
  auto result = standin_->Query ("SELECT * FROM watched_t");
  EXPECT_EQ (result.message, "vtable constructor failed: watched_t");
}

TEST_F (StandinRegistry, WatcherThreadRunsEveryInterval) {
  StandinOptions options;
  options.extensions_interval = "0"; /* atoi gives 0: the 200 ms floor */
  options.extensions_timeout = "1";
  OsquerydStandin fast (options);
  ScratchDir dir;
  ASSERT_TRUE (fast.Start (dir.file ("em")));
  TestExtension extension (dir.file ("em"), "fast");
  extension.AddTable ("fast_t", {Column ("a", "TEXT")}, nullptr);
  ASSERT_EQ (extension.Register ().code, 0);
  ASSERT_TRUE (extension.Serve ());
  RouteUUID uuid = extension.uuid ();
  ASSERT_EQ (::unlink (extension.socket_path ().c_str ()), 0);
  EXPECT_TRUE (
    fast.WaitForLog ("Extension UUID " + std::to_string (uuid) + " has gone away", kWait));
  EXPECT_FALSE (fast.FindExtension ("fast").has_value ());
}

TEST_F (StandinRegistry, WatcherDeregistersOnFailedPing) {
  auto extension = MakeExtension ("sick", "sick_t");
  ASSERT_EQ (extension->Register ().code, 0);
  ASSERT_TRUE (extension->Serve ());
  standin_->WatchOnce ();
  ASSERT_TRUE (standin_->FindExtension ("sick").has_value ());
  extension->set_ping_code (1);
  standin_->WatchOnce ();
  EXPECT_FALSE (standin_->FindExtension ("sick").has_value ());
  EXPECT_TRUE (standin_->WaitForLog ("ping failed", std::chrono::milliseconds (0)));
}

TEST_F (StandinRegistry, NewExtensionGetsGraceBeforeItServes) {
  StandinOptions options;
  options.extensions_interval = "3600"; /* only WatchOnce below */
  options.extensions_timeout = "5";
  OsquerydStandin slow (options);
  ScratchDir dir;
  ASSERT_TRUE (slow.Start (dir.file ("em")));
  TestExtension extension (dir.file ("em"), "late");
  extension.AddTable ("late_t", {Column ("a", "TEXT")}, nullptr);
  ASSERT_EQ (extension.Register ().code, 0);
  std::thread late ([&] {
    std::this_thread::sleep_for (std::chrono::milliseconds (300));
    extension.Serve ();
  });
  slow.WatchOnce (); /* the socket appears within the grace period */
  late.join ();
  EXPECT_TRUE (slow.FindExtension ("late").has_value ());
  EXPECT_TRUE (slow.WaitForLog ("initial check failed", std::chrono::milliseconds (0)));
}

TEST_F (StandinRegistry, StopShutsExtensionsDownAndRemovesSockets) {
  auto extension = MakeExtension ("stopper", "stopper_t");
  ASSERT_EQ (extension->Register ().code, 0);
  ASSERT_TRUE (extension->Serve ());
  std::ofstream (socket () + ".999") << "stale";
  ASSERT_TRUE (Exists (socket ()));
  standin_->Stop ();
  EXPECT_EQ (extension->shutdown_calls (), 1);
  EXPECT_FALSE (Exists (socket ()));
  EXPECT_FALSE (Exists (extension->socket_path ()));
  EXPECT_FALSE (Exists (socket () + ".999"));
  EXPECT_FALSE (standin_->running ());
}

TEST_F (StandinRegistry, StartRemovesStaleSockets) {
  ScratchDir dir;
  std::string path = dir.file ("em");
  std::ofstream (path) << "stale manager";
  std::ofstream (path + ".123") << "stale extension";
  OsquerydStandin other;
  ASSERT_TRUE (other.Start (path));
  EXPECT_FALSE (Exists (path + ".123"));
  WithManager (path, [] (ext::ExtensionManagerClient &client) {
    ext::ExtensionStatus pong;
    client.ping (pong);
    EXPECT_EQ (pong.message, "pong");
  });
}

TEST_F (StandinRegistry, OtherRegistriesRouteThroughManagerCall) {
  auto extension = std::make_unique<TestExtension> (socket (), "logger_ext");
  extension->AddItem ("logger", "my_logger");
  ASSERT_EQ (extension->Register ().code, 0);
  ASSERT_TRUE (extension->Serve ());
  WithManager (socket (), [] (ext::ExtensionManagerClient &client) {
    ext::ExtensionResponse response;
    client.call (response, "logger", "my_logger", {{"string", "hello"}});
    EXPECT_EQ (response.status.code, 0) << response.status.message;
  });
  auto calls = extension->Calls ();
  ASSERT_FALSE (calls.empty ());
  EXPECT_EQ (calls.back ().first, "my_logger");
  EXPECT_EQ (calls.back ().second.at ("string"), "hello");

  auto again = std::make_unique<TestExtension> (socket (), "logger_ext2");
  again->AddItem ("logger", "my_logger");
  EXPECT_EQ (again->Register ().message,
             "Failed adding registry: Registry item my_logger "
             "conflicts with another item of the same name.");
}

}  // namespace
