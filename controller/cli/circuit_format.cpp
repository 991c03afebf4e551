#include "controller/cli/circuit_format.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <vector>

namespace lightpath::cli {

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string state_name(v1::CircuitState s) {
  if (s == v1::CIRCUIT_STATE_UNSPECIFIED) return "-";
  const std::string& name = v1::CircuitState_Name(s);
  return name.empty() ? fmt::format("STATE_{}", static_cast<int>(s)) : name;
}

std::string path_text(const v1::Circuit& c) {
  if (c.hops().empty()) return "-";
  std::vector<std::string> hops;
  for (const auto& h : c.hops())
    hops.push_back(fmt::format("{}[{}>{}]", h.switch_name(), h.in_port(), h.out_port()));
  return fmt::format("{}", fmt::join(hops, " > "));
}

std::string wavelengths_text(const google::protobuf::RepeatedField<std::uint32_t>& w) {
  if (w.empty()) return "-";
  bool contiguous = true;
  for (int i = 1; i < w.size(); ++i) contiguous &= w[i] == w[i - 1] + 1;
  if (contiguous && w.size() > 1) return fmt::format("{}-{}", w[0], w[w.size() - 1]);
  return fmt::format("{}", fmt::join(w, ","));
}

std::string lease_text(std::int64_t expires_unix_ms, std::int64_t now_ms) {
  if (expires_unix_ms == 0) return "-";
  const std::int64_t left = (expires_unix_ms - now_ms) / 1000;
  if (left <= 0) return "expired";
  if (left >= 86400) return fmt::format("{}d{}h", left / 86400, left % 86400 / 3600);
  if (left >= 3600) return fmt::format("{}h{}m", left / 3600, left % 3600 / 60);
  if (left >= 60) return fmt::format("{}m{}s", left / 60, left % 60);
  return fmt::format("{}s", left);
}

std::string time_text(std::int64_t unix_ms) {
  if (unix_ms == 0) return "-";
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(seconds), unix_ms % 1000);
}

std::string number_text(double v) {
  return fmt::format("{:g}", v);
}

Table circuit_table() {
  return Table({"ID", "STATE", "JOB", "TENANT", "A", "B", "PATH", "WAVELENGTHS", "GBPS", "LEASE"});
}

void add_circuit_row(Table& t, const v1::Circuit& c, std::int64_t now_ms) {
  const auto or_dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  t.add_row({std::to_string(c.id()), state_name(c.state()), or_dash(c.job_id()),
             or_dash(c.tenant()), c.a_port(), c.b_port(), path_text(c),
             wavelengths_text(c.wavelengths()), number_text(c.bandwidth_gbps()),
             lease_text(c.lease_expires_unix_ms(), now_ms)});
}

std::string circuit_details(const v1::Circuit& c, std::int64_t now_ms) {
  std::string out;
  const auto line = [&out](std::string_view key, const std::string& value) {
    out += fmt::format("{:<12} {}\n", fmt::format("{}:", key), value.empty() ? "-" : value);
  };
  line("id", std::to_string(c.id()));
  line("state", state_name(c.state()));
  line("reason", c.state_reason());
  line("request", c.request_id());
  line("job", c.job_id());
  line("tenant", c.tenant());
  line("priority", std::to_string(c.priority()));
  line("a", c.a_port());
  line("b", c.b_port());
  line("path", path_text(c));
  line("wavelengths", wavelengths_text(c.wavelengths()));
  line("gbps", number_text(c.bandwidth_gbps()));
  const std::string lease = lease_text(c.lease_expires_unix_ms(), now_ms);
  line("lease", c.lease_expires_unix_ms() == 0
                    ? lease
                    : fmt::format("{} (until {})", lease, time_text(c.lease_expires_unix_ms())));
  line("created", time_text(c.created_unix_ms()));
  line("updated", time_text(c.updated_unix_ms()));
  return out;
}

}  // namespace lightpath::cli
