#pragma once
// The connection of lightpathctl's online verbs to a running lightpathd:
// the shared flags (--server, --timeout, --json), the channel and stubs, a
// deadline on every call, and how errors are reported.

#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "lightpath/v1/lightpath.grpc.pb.h"
#include "proto/support/status_name.h"

namespace lightpath::cli {

// Exit codes of the online verbs.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRejected = 1;  // the daemon answered "no" (request rejected)
inline constexpr int kExitRpcError = 2;  // a call failed: unreachable, NOT_FOUND, ...
inline constexpr int kExitTimeout = 3;   // waited for something that did not happen

struct DaemonOptions {
  std::string server = "127.0.0.1:50051";
  double timeout_seconds = 10;
  bool json = false;
  std::string token;   // bearer token, when lightpathd has a token file
  std::string tls_ca;  // PEM of the CA that signed lightpathd's certificate: use TLS
};

// Adds --server (default from env LIGHTPATH_SERVER), --timeout, --json,
// --token (env LIGHTPATH_TOKEN) and --tls-ca (env LIGHTPATH_TLS_CA).
void add_daemon_options(CLI::App& cmd, DaemonOptions& options);

std::string to_json(const google::protobuf::Message& message);

class DaemonClient {
 public:
  using Clock = std::chrono::system_clock;

  explicit DaemonClient(const DaemonOptions& options);

  const DaemonOptions& options() const { return options_; }
  v1::CircuitService::Stub& circuits() { return *circuits_; }
  v1::FabricService::Stub& fabric() { return *fabric_; }

  // Whether the channel has a live connection to the server (after a call).
  bool connected() const { return channel_->GetState(false) == GRPC_CHANNEL_READY; }

  // Now plus --timeout: the deadline of a single call.
  Clock::time_point deadline() const;
  // Adds the bearer token to a call's metadata (when --token is given).
  void authorize(grpc::ClientContext& ctx) const;

  // One unary call with the --timeout deadline, e.g.
  //   client.call(&v1::FabricService::Stub::ListSwitches, client.fabric(), req, &resp)
  template <typename Stub, typename Req, typename Resp>
  grpc::Status call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                    Stub& stub, const Req& request, Resp* response) const {
    grpc::ClientContext ctx;
    ctx.set_deadline(deadline());
    authorize(ctx);
    return (stub.*method)(&ctx, request, response);
  }

  // A verb's call: a failure is reported and its exit code returned; with
  // --json the reply is printed and kExitOk returned; otherwise nothing, and
  // the caller prints the reply its own way.
  template <typename Stub, typename Req, typename Resp>
  std::optional<int> call_or_print_json(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                                     const Req&, Resp*),
                                        Stub& stub, const Req& request, Resp* response) const {
    if (auto s = call(method, stub, request, response); !s.ok()) return fail(s);
    if (!options_.json) return std::nullopt;
    std::cout << to_json(*response) << "\n";
    return kExitOk;
  }

  // Prints `lightpathctl: <CODE>: [<what>: ]<message>` to stderr (naming the
  // server when it could not be reached) and returns kExitRpcError.
  int fail(const grpc::Status& status, std::string_view what = {}) const;

 private:
  DaemonOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CircuitService::Stub> circuits_;
  std::unique_ptr<v1::FabricService::Stub> fabric_;
};

// A message as one line of JSON: proto field names, every field printed
// (zero values and empty lists too), enums by name, 64-bit integers as
// strings (the proto3 JSON mapping).

}  // namespace lightpath::cli
