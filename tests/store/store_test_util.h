#pragma once
// Building blocks for store tests: a temp dir per test, records with every
// field set, field-by-field comparisons, and one-line opens.

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "controller/store/sqlite_store.h"

namespace lightpath::testing {

// A fresh directory, removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "lightpath-store-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::unique_ptr<store::SqliteStore> open_store(const std::string& path,
                                                      bool durable = true) {
  auto s = store::SqliteStore::open(path, {.durable = durable});
  REQUIRE_MESSAGE(s, (s ? "" : s.error().code + ": " + s.error().message));
  return std::move(*s);
}

inline void require_ok(const Result<bool>& r) {
  REQUIRE_MESSAGE(r, (r ? "" : r.error().code + ": " + r.error().message));
}

// A request with every field away from its default.
inline solver::CircuitRequest full_request(const std::string& id) {
  solver::CircuitRequest q;
  q.request_id = id;
  q.job_id = "job-" + id;
  q.tenant = "tenant-a";
  q.application = "allreduce";
  q.priority = 7;
  q.duration_seconds = 3600;
  q.bandwidth_per_flow = DataRate::bps(400'000'000'001);
  q.flow_type = solver::FlowType::kCircuitPreferred;
  q.sources = {{"rack-1", "gpu-nic"}, {"rack-2", "gpu-nic"}};
  q.destinations = {{"rack-3", "uplink"}};
  q.pattern = solver::Pattern::kExplicit;
  q.pairs = {{0, 0}, {1, 0}};
  q.latency_max = Duration::ns(1'234'567);
  q.min_margin = Decibels::db(1.0 / 3.0);
  q.atomic = false;
  return q;
}

inline core::RequestRecord request_record(const std::string& id, std::vector<CircuitId> circuits,
                                          std::vector<CircuitId> preempted = {}) {
  core::RequestRecord r;
  r.request = full_request(id);
  r.accepted = true;
  r.message = "granted " + id;
  r.circuits = std::move(circuits);
  r.preempted = std::move(preempted);
  r.packet_flows_json = R"([{"a":"rack-1","b":"rack-3","path":["leaf-1","spine-2"]}])";
  r.created = TimePoint::from_ns(1'700'000'000'123'456'789);
  return r;
}

inline core::CircuitRecord circuit_record(std::uint32_t id, const std::string& request_id,
                                          core::CircuitState state = core::CircuitState::kActive) {
  core::CircuitRecord r;
  solver::Circuit& c = r.circuit;
  c.id = CircuitId(id);
  c.request_id = request_id;
  c.priority = 7;
  c.a = EndpointPortId(10 + id);
  c.b = EndpointPortId(1000 + id);
  c.hops = {{SwitchId(2), 5, 17}, {SwitchId(9), 3, 120}};
  c.wavelengths = {6, 2, 31};  // deliberately unsorted: order must survive
  c.bandwidth = DataRate::bps(100'000'000'000);
  c.latency_max = Duration::ns(900'001);
  c.min_margin = Decibels::db(2.718281828459045);
  r.job_id = "job-" + request_id;
  r.tenant = "tenant-a";
  r.state = state;
  r.reason = "programmed";
  r.lease_end = TimePoint::from_ns(1'700'003'600'000'000'007);
  r.created = TimePoint::from_ns(1'700'000'000'000'000'001);
  r.updated = TimePoint::from_ns(1'700'000'000'500'000'003);
  return r;
}

inline core::CircuitEvent event(std::uint64_t sequence, const core::CircuitRecord& c,
                                core::CircuitState previous = core::CircuitState::kPending) {
  core::CircuitEvent e;
  e.sequence = sequence;
  e.at = TimePoint::from_ns(1'700'000'000'000'000'000 + static_cast<std::int64_t>(sequence));
  e.previous = previous;
  e.circuit = c;
  return e;
}

inline void check_same(const solver::CircuitRequest& a, const solver::CircuitRequest& b) {
  CHECK(a.request_id == b.request_id);
  CHECK(a.job_id == b.job_id);
  CHECK(a.tenant == b.tenant);
  CHECK(a.application == b.application);
  CHECK(a.priority == b.priority);
  CHECK(a.duration_seconds == b.duration_seconds);
  CHECK(a.bandwidth_per_flow == b.bandwidth_per_flow);
  CHECK(a.flow_type == b.flow_type);
  CHECK(a.sources == b.sources);
  CHECK(a.destinations == b.destinations);
  CHECK(a.pattern == b.pattern);
  CHECK(a.pairs == b.pairs);
  CHECK(a.latency_max == b.latency_max);
  CHECK(a.min_margin == b.min_margin);
  CHECK(a.atomic == b.atomic);
}

inline void check_same(const core::RequestRecord& a, const core::RequestRecord& b) {
  check_same(a.request, b.request);
  CHECK(a.accepted == b.accepted);
  CHECK(a.reason == b.reason);
  CHECK(a.message == b.message);
  CHECK(a.circuits == b.circuits);
  CHECK(a.preempted == b.preempted);
  CHECK(a.packet_flows_json == b.packet_flows_json);
  CHECK(a.created == b.created);
}

inline void check_same(const core::CircuitRecord& a, const core::CircuitRecord& b) {
  CHECK(a.circuit.id == b.circuit.id);
  CHECK(a.circuit.request_id == b.circuit.request_id);
  CHECK(a.circuit.priority == b.circuit.priority);
  CHECK(a.circuit.a == b.circuit.a);
  CHECK(a.circuit.b == b.circuit.b);
  CHECK(a.circuit.hops == b.circuit.hops);
  CHECK(a.circuit.wavelengths == b.circuit.wavelengths);
  CHECK(a.circuit.bandwidth == b.circuit.bandwidth);
  CHECK(a.circuit.latency_max == b.circuit.latency_max);
  CHECK(a.circuit.min_margin == b.circuit.min_margin);  // exact: REAL and JSON keep all bits
  CHECK(a.job_id == b.job_id);
  CHECK(a.tenant == b.tenant);
  CHECK(a.state == b.state);
  CHECK(a.reason == b.reason);
  CHECK(a.lease_end == b.lease_end);
  CHECK(a.created == b.created);
  CHECK(a.updated == b.updated);
}

inline void check_same(const core::CircuitEvent& a, const core::CircuitEvent& b) {
  CHECK(a.sequence == b.sequence);
  CHECK(a.at == b.at);
  CHECK(a.previous == b.previous);
  check_same(a.circuit, b.circuit);
}

}  // namespace lightpath::testing
