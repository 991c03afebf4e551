#include "scheduler/slurm/hook_config.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scheduler/yaml_file.h"

namespace lightpath::slurm {
namespace {

using topology::YamlReader;

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

// A path relative to the config file's folder.
std::string beside(const std::string& file, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(file).parent_path() / path).lexically_normal().string();
}

void read_defaults(const YAML::Node& node, YamlReader& r, scheduler::JobDefaults& d) {
  if (!node ||
      !r.expect_map(node, "defaults", {"pattern", "bandwidth_gbps", "priority", "flow_type"}))
    return;
  if (auto p = r.text(node, "pattern", "defaults", false)) {
    if (auto v = scheduler::parse_pattern(*p))
      d.pattern = *v;
    else
      r.error(node["pattern"], v.error().message);
  }
  if (auto b = r.positive(node, "bandwidth_gbps", "defaults", false)) d.bandwidth_gbps = *b;
  if (auto p = r.integer(node, "priority", "defaults", false)) d.priority = static_cast<int>(*p);
  if (auto f = r.text(node, "flow_type", "defaults", false)) {
    if (auto v = scheduler::parse_flow_type(*f))
      d.flow_type = *v;
    else
      r.error(node["flow_type"], v.error().message);
  }
}

void read_timeouts(const YAML::Node& node, YamlReader& r, HookConfig& c) {
  if (!node || !r.expect_map(node, "timeouts",
                             {"call_seconds", "request_seconds", "active_seconds",
                              "release_seconds", "scontrol_seconds"}))
    return;
  if (auto v = r.positive(node, "call_seconds", "timeouts", false))
    c.client.call_timeout = millis(*v);
  if (auto v = r.positive(node, "request_seconds", "timeouts", false))
    c.timeouts.request = millis(*v);
  if (auto v = r.positive(node, "active_seconds", "timeouts", false))
    c.timeouts.active = millis(*v);
  if (auto v = r.positive(node, "release_seconds", "timeouts", false))
    c.timeouts.release = millis(*v);
  if (auto v = r.positive(node, "scontrol_seconds", "timeouts", false))
    c.scontrol.timeout = millis(*v);
}

void read_fallback(const YAML::Node& root, const char* key, YamlReader& r,
                   scheduler::Fallback& out) {
  if (auto t = r.text(root, key, "config", false)) {
    if (auto v = scheduler::parse_fallback(*t))
      out = *v;
    else
      r.error(root[key], fmt::format("{}: '{}' is not fail or packet", key, *t));
  }
}

void read_partition_priority(const YAML::Node& node, YamlReader& r, HookConfig& c) {
  if (!node) return;
  if (!node.IsMap()) return r.error(node, "partition_priority must map partition: priority");
  for (const auto& kv : node) {
    try {
      c.policy.queue_priority[kv.first.as<std::string>()] = kv.second.as<int>();
    } catch (const YAML::Exception&) {
      r.error(kv.second, "partition_priority: priorities are integers");
    }
  }
}

}  // namespace

Result<HookConfig> parse_hook_config(const std::string& text, const std::string& file) {
  auto root = scheduler::parse_yaml(text, file);
  if (!root) return unexpected(std::move(root).error());
  YamlReader r(file);
  HookConfig c;
  c.policy.cluster = "";
  if (r.expect_map(*root, "config",
                   {"server", "mapping", "cluster", "tenant_from", "on_reject", "on_error",
                    "defaults", "partition_priority", "max_priority", "max_bandwidth_gbps",
                    "lease_grace_seconds", "lease_without_limit_seconds", "timeouts", "log_file",
                    "journal_dir", "scontrol", "slurm_conf", "token_file", "tls_ca"})) {
    if (auto s = r.text(*root, "server", "config", true)) c.client.server = *s;
    // Secrets live in files of their own (mode 0600), not in the hook's config.
    const auto read_secret = [&](const char* key, std::string& out, bool first_line) {
      auto path = r.text(*root, key, "config", false);
      if (!path) return;
      std::ifstream in(beside(file, *path));
      std::stringstream text;
      text << in.rdbuf();
      if (!in) return r.error((*root)[key], std::string(key) + ": cannot read " + *path);
      out = text.str();
      if (first_line) out = out.substr(0, out.find_first_of("\r\n"));
    };
    read_secret("token_file", c.client.token, true);
    read_secret("tls_ca", c.client.tls_ca, false);
    if (auto m = r.text(*root, "mapping", "config", true)) c.mapping = beside(file, *m);
    if (auto s = r.text(*root, "cluster", "config", false)) {
      c.policy.cluster = *s;
      c.cluster_from_env = false;
    }
    if (auto t = r.text(*root, "tenant_from", "config", false)) {
      if (*t == "user")
        c.tenant_from = TenantFrom::kUser;
      else if (*t == "account")
        c.tenant_from = TenantFrom::kAccount;
      else if (*t == "none")
        c.tenant_from = TenantFrom::kNone;
      else
        r.error((*root)["tenant_from"], "tenant_from: '" + *t + "' is not user, account or none");
    }
    read_fallback(*root, "on_reject", r, c.policy.defaults.on_reject);
    c.on_error = c.policy.defaults.on_reject;  // unless set on its own
    read_fallback(*root, "on_error", r, c.on_error);
    read_defaults((*root)["defaults"], r, c.policy.defaults);
    read_partition_priority((*root)["partition_priority"], r, c);
    if (auto v = r.integer(*root, "max_priority", "config", false))
      c.policy.max_priority = static_cast<int>(*v);
    if (auto v = r.non_negative(*root, "max_bandwidth_gbps", "config"))
      c.policy.max_bandwidth_gbps = *v;
    if (auto v = r.non_negative(*root, "lease_grace_seconds", "config"))
      c.policy.lease_grace = std::chrono::seconds(std::llround(*v));
    if (auto v = r.non_negative(*root, "lease_without_limit_seconds", "config"))
      c.policy.lease_without_limit = std::chrono::seconds(std::llround(*v));
    read_timeouts((*root)["timeouts"], r, c);
    if (auto v = r.text(*root, "log_file", "config", false)) c.log_file = beside(file, *v);
    if (auto v = r.text(*root, "journal_dir", "config", false)) c.journal_dir = beside(file, *v);
    // `scontrol: ""` turns the time limit query off.
    if (const YAML::Node s = (*root)["scontrol"]; s) {
      if (s.IsNull())
        c.scontrol.path.clear();
      else if (s.IsScalar())
        c.scontrol.path = s.Scalar();
      else
        r.error(s, "scontrol: a path, or \"\" for none");
    }
    if (auto v = r.text(*root, "slurm_conf", "config", false)) c.scontrol.slurm_conf = *v;
  }
  if (auto e = scheduler::diagnostics_error(r)) return unexpected(std::move(*e));
  return c;
}

Result<HookConfig> load_hook_config(const std::string& path) {
  auto text = scheduler::read_text(path);
  if (!text) return unexpected(std::move(text).error());
  return parse_hook_config(*text, path);
}

}  // namespace lightpath::slurm
