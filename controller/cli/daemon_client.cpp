#include "controller/cli/daemon_client.h"

#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>
#include <sstream>

namespace lightpath::cli {

void add_daemon_options(CLI::App& cmd, DaemonOptions& options) {
  cmd.add_option("--server", options.server, "lightpathd gRPC address (host:port)")
      ->envname("LIGHTPATH_SERVER")
      ->capture_default_str();
  cmd.add_option("--timeout", options.timeout_seconds, "Deadline of each call, in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd.add_flag("--json", options.json, "Print JSON for scripts");
  cmd.add_option("--token", options.token, "Bearer token for lightpathd (docs/security.md)")
      ->envname("LIGHTPATH_TOKEN");
  cmd.add_option("--tls-ca", options.tls_ca,
                 "PEM file of the CA that signed lightpathd's certificate (connect over TLS)")
      ->envname("LIGHTPATH_TLS_CA");
}

DaemonClient::DaemonClient(const DaemonOptions& options) : options_(options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(256 << 20);  // a list of every circuit of a large fabric
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!options_.tls_ca.empty()) {
    std::ifstream in(options_.tls_ca);
    std::stringstream pem;
    pem << in.rdbuf();
    if (!in) std::cerr << "lightpathctl: cannot read --tls-ca " << options_.tls_ca << "\n";
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = pem.str();
    credentials = grpc::SslCredentials(ssl);
  }
  channel_ = grpc::CreateCustomChannel(options_.server, credentials, args);
  circuits_ = v1::CircuitService::NewStub(channel_);
  fabric_ = v1::FabricService::NewStub(channel_);
}

DaemonClient::Clock::time_point DaemonClient::deadline() const {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(options_.timeout_seconds));
}

void DaemonClient::authorize(grpc::ClientContext& ctx) const {
  if (!options_.token.empty()) ctx.AddMetadata("authorization", "Bearer " + options_.token);
}

int DaemonClient::fail(const grpc::Status& status, std::string_view what) const {
  std::string message = status.error_message();
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE)
    message = fmt::format("cannot reach lightpathd at {}: {}", options_.server, message);
  else if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
    message = fmt::format("no answer from lightpathd at {} within {}s (--timeout)", options_.server,
                          options_.timeout_seconds);
  if (!what.empty()) message = fmt::format("{}: {}", what, message);
  std::cerr << fmt::format("lightpathctl: {}: {}\n", status_code_name(status.error_code()),
                           message);
  return kExitRpcError;
}

std::string to_json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  options.add_whitespace = false;
  std::string out;
  // Printing a well-formed message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

}  // namespace lightpath::cli
