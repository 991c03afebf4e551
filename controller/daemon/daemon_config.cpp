#include "controller/daemon/daemon_config.h"

#include "controller/requests/request_file.h"

namespace lightpath::daemon {

Result<bool, std::vector<topology::Diagnostic>> read_config_file(const std::string& path,
                                                                 DaemonConfig& c) {
  auto text = requests::read_text_file(path);
  if (!text) return unexpected(std::move(text).error());
  topology::YamlReader r(path);
  YAML::Node root;
  try {
    root = YAML::Load(*text);
  } catch (const YAML::Exception& e) {
    r.error(e.mark, "syntax error: " + e.msg);
    return unexpected(r.take_diagnostics());
  }
  const char* what = "lightpathd config";
  if (r.expect_map(root, what,
                   {"topology",
                    "db",
                    "grpc_listen",
                    "http_listen",
                    "fabric",
                    "time_scale",
                    "seed",
                    "durable",
                    "ready_file",
                    "log_level",
                    "max_message_bytes",
                    "max_circuits_per_request",
                    "reconcile_interval_s",
                    "dark_port_hold_s",
                    "fabric_timeout_s",
                    "telemetry_history",
                    "low_power_dbm",
                    "max_ber",
                    "auth_tokens",
                    "audit_log",
                    "tls_cert",
                    "tls_key",
                    "requests_per_second_per_tenant",
                    "request_burst",
                    "max_circuits_per_tenant",
                    "event_log_keep"})) {
    auto text_field = [&](const char* key, std::string& out) {
      if (auto v = r.text(root, key, what, false)) out = *v;
    };
    text_field("topology", c.topology);
    text_field("db", c.db);
    text_field("grpc_listen", c.grpc_listen);
    text_field("http_listen", c.http_listen);
    text_field("fabric", c.fabric);
    text_field("ready_file", c.ready_file);
    text_field("log_level", c.log_level);
    text_field("auth_tokens", c.auth_tokens);
    text_field("audit_log", c.audit_log);
    text_field("tls_cert", c.tls_cert);
    text_field("tls_key", c.tls_key);
    if (auto v = r.non_negative(root, "requests_per_second_per_tenant", what)) {
      c.requests_per_second_per_tenant = *v;
    }
    if (auto v = r.non_negative(root, "request_burst", what)) c.request_burst = *v;
    if (auto v = r.integer(root, "max_circuits_per_tenant", what, false)) {
      if (*v < 0)
        r.error(root["max_circuits_per_tenant"], "max_circuits_per_tenant must not be negative");
      else
        c.max_circuits_per_tenant = static_cast<std::size_t>(*v);
    }
    if (auto v = r.integer(root, "event_log_keep", what, false)) {
      if (*v < 0)
        r.error(root["event_log_keep"],
                "event_log_keep must not be negative (0 keeps every event)");
      else
        c.event_log_keep = static_cast<std::size_t>(*v);
    }
    if (c.tls_cert.empty() != c.tls_key.empty()) {
      r.error(root, "tls_cert and tls_key go together: give both or neither");
    }
    if (auto v = r.number(root, "time_scale", what, false)) {
      if (*v <= 0)
        r.error(root["time_scale"], "time_scale must be greater than zero");
      else
        c.time_scale = *v;
    }
    if (auto v = r.integer(root, "seed", what, false)) c.seed = static_cast<std::uint64_t>(*v);
    if (auto v = r.integer(root, "max_message_bytes", what, false)) {
      if (*v <= 0)
        r.error(root["max_message_bytes"], "max_message_bytes must be greater than zero");
      else
        c.max_message_bytes = static_cast<std::size_t>(*v);
    }
    if (auto v = r.integer(root, "max_circuits_per_request", what, false)) {
      if (*v <= 0)
        r.error(root["max_circuits_per_request"],
                "max_circuits_per_request must be greater than zero");
      else
        c.max_circuits_per_request = static_cast<std::size_t>(*v);
    }
    if (auto v = r.number(root, "reconcile_interval_s", what, false)) {
      if (*v < 0)
        r.error(root["reconcile_interval_s"], "reconcile_interval_s must not be negative");
      else
        c.reconcile_interval_s = *v;
    }
    if (auto v = r.number(root, "dark_port_hold_s", what, false)) {
      if (*v < 0)
        r.error(root["dark_port_hold_s"], "dark_port_hold_s must not be negative");
      else
        c.dark_port_hold_s = *v;
    }
    if (auto v = r.number(root, "fabric_timeout_s", what, false)) {
      if (*v <= 0)
        r.error(root["fabric_timeout_s"], "fabric_timeout_s must be greater than zero");
      else
        c.fabric_timeout_s = *v;
    }
    if (auto v = r.integer(root, "telemetry_history", what, false)) {
      if (*v < 0)
        r.error(root["telemetry_history"], "telemetry_history must not be negative");
      else
        c.telemetry_history = static_cast<std::size_t>(*v);
    }
    if (auto v = r.number(root, "low_power_dbm", what, false)) c.low_power_dbm = *v;
    if (auto v = r.number(root, "max_ber", what, false)) {
      if (*v <= 0 || *v >= 1)
        r.error(root["max_ber"], "max_ber must be between 0 and 1");
      else
        c.max_ber = *v;
    }
    if (root["durable"]) {
      try {
        c.durable = root["durable"].as<bool>();
      } catch (const YAML::Exception&) {
        r.error(root["durable"], "durable must be true or false");
      }
    }
  }
  if (!r.ok()) return unexpected(r.take_diagnostics());
  return true;
}

}  // namespace lightpath::daemon
