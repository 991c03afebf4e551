#pragma once
// lightpathd's settings, from a YAML file and/or the command line (flags win).

#include <cstdint>
#include <string>
#include <vector>

#include "controller/topology/yaml_reader.h"
#include "lightpath/result.h"

namespace lightpath::daemon {

struct DaemonConfig {
  std::string topology;
  std::string db = "lightpath.db";
  std::string grpc_listen = "127.0.0.1:50051";
  std::string http_listen = "127.0.0.1:8080";
  // sim: in-process simulated MEMS switches in real time;
  // grpc://HOST:PORT: switches served over the device protocol (lightpath-fabric).
  std::string fabric = "sim";
  double time_scale = 1.0;
  std::uint64_t seed = 1;
  bool durable = true;     // fsync every commit (synchronous=FULL)
  std::string ready_file;  // written with the bound ports once serving
  std::string log_level = "info";
  std::size_t max_message_bytes = 4 << 20;
  std::size_t max_circuits_per_request = 4096;
  // Deadline of a read or validate sent to lightpath-fabric (an apply gets
  // three times as long, since it answers once light has settled).
  double fabric_timeout_s = 5;
  double reconcile_interval_s =
      30;  // re-read every switch this often; 0: only at start and reconnect
  // Ports that reported a dark port stay out of service this long after the
  // alarm clears (ControllerOptions::dark_port_hold); 0: not held.
  double dark_port_hold_s = 60;
  // Telemetry intake: samples kept per connected port and the alarm levels.
  std::size_t telemetry_history = 10;
  double low_power_dbm = -20;
  double max_ber = 1e-5;
  // Security (docs/security.md). Without a token file every caller is an
  // operator, and lightpathd refuses to listen beyond loopback.
  std::string auth_tokens;  // YAML file of token digests; reloaded on SIGHUP
  std::string audit_log;    // JSON Lines; default: next to the database
  std::string tls_cert;     // PEM certificate chain; with tls_key, gRPC and HTTP use TLS
  std::string tls_key;      // PEM private key
  double requests_per_second_per_tenant = 0;  // 0: no limit
  double request_burst = 0;                   // 0: one second's worth
  std::size_t event_log_keep = 100'000;       // 0: keep every event
  std::size_t max_circuits_per_tenant = 0;    // 0: no limit
};

// Reads a YAML config file into `config`; every problem with file:line:col.
Result<bool, std::vector<topology::Diagnostic>> read_config_file(const std::string& path,
                                                                 DaemonConfig& config);

}  // namespace lightpath::daemon
