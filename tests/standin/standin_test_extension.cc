/* SPDX-License-Identifier: Apache-2.0 */

#include "standin_test_extension.h"

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <stdexcept>

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TServerSocket.h>
#include <thrift/transport/TSocket.h>

#include "ExtensionManager.h"

namespace po_standin_test {

namespace ext = ::osquery::extensions;
namespace att = ::apache::thrift::transport;
namespace atp = ::apache::thrift::protocol;
namespace ats = ::apache::thrift::server;

po_standin::PluginRow Column (const std::string &name, const std::string &type, int op) {
  return {{"id", "column"}, {"name", name}, {"type", type}, {"op", std::to_string (op)}};
}

ScratchDir::ScratchDir () {
  char templ[] = "/tmp/po-standin-XXXXXX";
  if (mkdtemp (templ) == nullptr)
    throw std::runtime_error ("mkdtemp failed");
  path_ = templ;
}

ScratchDir::~ScratchDir () {
  std::error_code ec;
  std::filesystem::remove_all (path_, ec);
}

struct TestExtension::State {
  mutable std::mutex mu;
  RouteUUID uuid = 0;
  int ping_code = 0;
  int pings = 0;
  int shutdowns = 0;
  std::map<std::string, std::pair<PluginResponse, Generate>> tables;
  std::vector<std::pair<std::string, std::string>> items;
  std::vector<std::pair<std::string, PluginRequest>> calls;
};

namespace {

/* the extension's Thrift handler, as the C++ SDK's ExtensionHandler */
class Handler : public ext::ExtensionIf {
 public:
  explicit Handler (std::shared_ptr<TestExtension::State> state) : state_ (std::move (state)) {}

  void ping (ext::ExtensionStatus &_return) override {
    std::lock_guard<std::mutex> lock (state_->mu);
    state_->pings++;
    _return.code = state_->ping_code;
    _return.message = "pong";
    _return.uuid = state_->uuid;
  }

  void call (ext::ExtensionResponse &_return, const std::string &registry, const std::string &item,
             const ext::ExtensionPluginRequest &request) override {
    PluginRequest req (request.begin (), request.end ());
    TestExtension::Generate generate;
    PluginResponse routes;
    {
      std::lock_guard<std::mutex> lock (state_->mu);
      state_->calls.emplace_back (item, req);
      _return.status.uuid = state_->uuid;
      auto it = state_->tables.find (item);
      if (registry != "table" || it == state_->tables.end ()) {
        for (const auto &owned : state_->items) {
          if (owned.first == registry && owned.second == item) {
            _return.status.code = 0;
            _return.status.message = "OK";
            return;
          }
        }
        _return.status.code = 1;
        _return.status.message = "Unknown registry item: " + registry + "/" + item;
        return;
      }
      routes = it->second.first;
      generate = it->second.second;
    }
    auto action = req.find ("action");
    if (action == req.end ()) {
      _return.status.code = 1;
      _return.status.message = "Table plugins must include a request action";
    } else if (action->second == "columns") {
      _return.status.code = 0;
      _return.status.message = "OK";
      _return.response.assign (routes.begin (), routes.end ());
    } else if (action->second == "generate") {
      CallResult result = generate ? generate (req) : CallResult ();
      _return.status.code = result.code;
      _return.status.message = result.message;
      _return.response.assign (result.response.begin (), result.response.end ());
    } else {
      _return.status.code = 1;
      _return.status.message = "Unknown table plugin action: " + action->second;
    }
  }

  void shutdown () override {
    std::lock_guard<std::mutex> lock (state_->mu);
    state_->shutdowns++;
  }

 private:
  std::shared_ptr<TestExtension::State> state_;
};

}  // namespace

TestExtension::TestExtension (std::string manager_socket, std::string name)
    : manager_socket_ (std::move (manager_socket)),
      name_ (std::move (name)),
      state_ (std::make_shared<State> ()) {}

TestExtension::~TestExtension () {
  StopServing ();
}

void TestExtension::AddTable (const std::string &table, const PluginResponse &routes,
                              Generate generate) {
  std::lock_guard<std::mutex> lock (state_->mu);
  state_->tables[table] = {routes, std::move (generate)};
}

void TestExtension::AddItem (const std::string &registry, const std::string &item) {
  std::lock_guard<std::mutex> lock (state_->mu);
  state_->items.emplace_back (registry, item);
}

po_standin::Status TestExtension::Register (const std::string &sdk_version) {
  ext::InternalExtensionInfo info;
  info.name = name_;
  info.version = "1.0.0";
  info.sdk_version = sdk_version;
  info.min_sdk_version = "0.0.0";
  ext::ExtensionRegistry registry;
  {
    std::lock_guard<std::mutex> lock (state_->mu);
    for (const auto &table : state_->tables)
      registry["table"][table.first].assign (table.second.first.begin (),
                                             table.second.first.end ());
    for (const auto &item : state_->items)
      registry[item.first][item.second];
  }
  auto socket = std::make_shared<att::TSocket> (manager_socket_);
  socket->setRecvTimeout (10000);
  socket->setSendTimeout (10000);
  auto transport = std::make_shared<att::TBufferedTransport> (socket);
  ext::ExtensionManagerClient client (std::make_shared<atp::TBinaryProtocol> (transport));
  transport->open ();
  ext::ExtensionStatus status;
  client.registerExtension (status, info, registry);
  transport->close ();
  uuid_ = status.uuid;
  {
    std::lock_guard<std::mutex> lock (state_->mu);
    state_->uuid = uuid_;
  }
  po_standin::Status out;
  out.code = status.code;
  out.message = status.message;
  return out;
}

std::string TestExtension::socket_path () const {
  return manager_socket_ + "." + std::to_string (uuid_);
}

bool TestExtension::Serve () {
  ::unlink (socket_path ().c_str ());
  auto processor = std::make_shared<ext::ExtensionProcessor> (std::make_shared<Handler> (state_));
  auto server = std::make_shared<ats::TThreadedServer> (
    processor, std::make_shared<att::TServerSocket> (socket_path ()),
    std::make_shared<att::TBufferedTransportFactory> (),
    std::make_shared<atp::TBinaryProtocolFactory> ());
  /* ready once preServe runs (it also orders listen() before a later stop()) */
  class Ready : public ats::TServerEventHandler {
   public:
    std::promise<void> listening;
    void preServe () override { listening.set_value (); }
  };
  auto ready = std::make_shared<Ready> ();
  auto listening = ready->listening.get_future ();
  server->setServerEventHandler (ready);
  server_ = server;
  thread_ = std::thread ([server] {
    try {
      server->serve ();
    } catch (const std::exception &) {
    }
  });
  return listening.wait_for (std::chrono::seconds (10)) == std::future_status::ready;
}

void TestExtension::StopServing () {
  auto server = std::static_pointer_cast<ats::TThreadedServer> (server_);
  if (server)
    server->stop ();
  if (thread_.joinable ())
    thread_.join ();
  server_.reset ();
}

std::vector<std::pair<std::string, PluginRequest>> TestExtension::Calls () const {
  std::lock_guard<std::mutex> lock (state_->mu);
  return state_->calls;
}

std::vector<std::string> TestExtension::Contexts (const std::string &table) const {
  std::vector<std::string> out;
  for (const auto &call : Calls ()) {
    auto action = call.second.find ("action");
    if (call.first == table && action != call.second.end () && action->second == "generate")
      out.push_back (call.second.count ("context") ? call.second.at ("context") : "");
  }
  return out;
}

int TestExtension::CountActions (const std::string &table, const std::string &action) const {
  int n = 0;
  for (const auto &call : Calls ()) {
    auto it = call.second.find ("action");
    if (call.first == table && it != call.second.end () && it->second == action)
      n++;
  }
  return n;
}

int TestExtension::shutdown_calls () const {
  std::lock_guard<std::mutex> lock (state_->mu);
  return state_->shutdowns;
}

int TestExtension::ping_calls () const {
  std::lock_guard<std::mutex> lock (state_->mu);
  return state_->pings;
}

void TestExtension::set_ping_code (int code) {
  std::lock_guard<std::mutex> lock (state_->mu);
  state_->ping_code = code;
}

}  // namespace po_standin_test
