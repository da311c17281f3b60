/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * A small osquery extension written with the C++ Thrift library, served
 * in-process, for the stand-in's own tests: it registers over the wire
 * like the C++ SDK (register first, then serve <socket>.<uuid> with a
 * threaded server) and records every request it receives.
 */

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "osqueryd_standin.h"

namespace po_standin_test {

using po_standin::CallResult;
using po_standin::PluginRequest;
using po_standin::PluginResponse;
using po_standin::RouteUUID;

/* a column route row: {"id":"column","name":..,"type":..,"op":..} */
po_standin::PluginRow Column (const std::string &name, const std::string &type, int op = 0);

/* a fresh short directory under /tmp (sun_path is 108 bytes), removed on destruction */
class ScratchDir {
 public:
  ScratchDir ();
  ~ScratchDir ();
  const std::string &path () const { return path_; }
  std::string file (const std::string &name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class TestExtension {
 public:
  using Generate = std::function<CallResult (const PluginRequest &)>;

  TestExtension (std::string manager_socket, std::string name);
  ~TestExtension ();

  void AddTable (const std::string &table, const PluginResponse &routes, Generate generate);
  /* any other registry item, answered with an empty success */
  void AddItem (const std::string &registry, const std::string &item);
  /* registerExtension over a new connection; the manager's status comes back */
  po_standin::Status Register (const std::string &sdk_version = "5.12.1");
  /* serves <manager>.<uuid>; false if it cannot */
  bool Serve ();
  void StopServing ();
  RouteUUID uuid () const { return uuid_; }
  std::string socket_path () const;

  /* every call() received, in order, as (item, request) */
  std::vector<std::pair<std::string, PluginRequest>> Calls () const;
  /* the context strings of the generate calls for a table */
  std::vector<std::string> Contexts (const std::string &table) const;
  int CountActions (const std::string &table, const std::string &action) const;
  int shutdown_calls () const;
  int ping_calls () const;

  /* what the handler answers to ping */
  void set_ping_code (int code);

  struct State;

 private:
  std::string manager_socket_;
  std::string name_;
  RouteUUID uuid_ = 0;
  std::shared_ptr<State> state_;
  std::shared_ptr<void> server_;
  std::thread thread_;
};

}  // namespace po_standin_test
