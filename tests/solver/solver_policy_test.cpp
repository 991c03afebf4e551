// The solver's preferences and policies: balance, shortest path, priority
// preemption, packet fallback, atomicity, batches.
#include <fmt/format.h>

#include "solver/solver_test_util.h"

using namespace lightpath;
using namespace lightpath::solver;
using namespace lightpath::testing;

namespace {
// Two racks with a port on each of two switches; fiber to o2 is longer.
std::string two_switches() {
  return header(8) + R"(
endpoints:
  - name: "r{1..2}"
    port_groups: [{name: gpu-nic, ports: 4, transceiver: x}]
optical_switches:
  - {name: "o{1..2}", ports: 8}
fibers:
  - {a: "r{1..2}/gpu-nic/{0..1}", b: "o1/{0..3}", length_m: 10}
  - {a: "r{1..2}/gpu-nic/{2..3}", b: "o2/{0..3}", length_m: 40}
)";
}
}  // namespace

TEST_CASE("equal load: the shorter path wins; then load is balanced across switches") {
  const Fabric f = fabric_from(two_switches());
  const Solver s(f);
  AllocationState st(f);
  const auto first = admit(s, st, pairwise("a", {{"r1", "r2"}}, 800));
  CHECK(f.optical_switch(first.circuits[0].hops[0].optical_switch).name == "o1");
  const auto second = admit(s, st, pairwise("b", {{"r1", "r2"}}, 800));
  CHECK(f.optical_switch(second.circuits[0].hops[0].optical_switch).name == "o2");
  check_valid(st);
}

TEST_CASE("circuit_preferred falls back to the packet fabric and says so") {
  const Fabric f = shipped("tiny.yaml");
  const Solver s(f);
  AllocationState st(f);
  for (int i = 0; i < 4; ++i) admit(s, st, pairwise("fill" + std::to_string(i), {{"rack1", "rack2"}}, 800));
  auto r = pairwise("pref", {{"rack1", "rack3"}}, 100);
  r.flow_type = FlowType::kCircuitPreferred;
  const auto d = s.solve(st, r);
  REQUIRE(d.accepted);
  REQUIRE(d.flows.size() == 1);
  REQUIRE(d.flows[0].packet);
  CHECK_FALSE(d.flows[0].circuit);
  CHECK(d.flows[0].packet->nodes == std::vector<std::string>{"rack1", "leaf1", "spine1", "leaf2", "rack3"});
  CHECK(d.flows[0].packet->bottleneck == DataRate::gbps(400));
  CHECK(d.flows[0].packet->latency == Duration::us(4));
  CHECK(d.circuits.empty());
  // The same flow as a dedicated circuit is refused.
  r.flow_type = FlowType::kDedicatedCircuit;
  CHECK(s.solve(st, r).rejection->reason == "INSUFFICIENT_PORTS");
}

TEST_CASE("circuit_preferred with neither circuit nor packet path: NO_PACKET_ROUTE") {
  const Fabric f = fabric_from(header(8) + R"(
endpoints:
  - name: "r{1..2}"
    port_groups: [{name: gpu-nic, ports: 1, transceiver: x}]
optical_switches: [{name: o, ports: 2}]
fibers: [{a: "r{1..2}/gpu-nic/0", b: "o/{0..1}", length_m: 5}]
)");
  const Solver s(f);
  AllocationState st(f);
  admit(s, st, pairwise("full", {{"r1", "r2"}}, 800));
  auto r = pairwise("pref", {{"r1", "r2"}}, 100);
  r.flow_type = FlowType::kCircuitPreferred;
  const auto d = s.solve(st, r);
  REQUIRE_FALSE(d.accepted);
  CHECK(d.rejection->reason == "NO_PACKET_ROUTE");
  CHECK(d.rejection->message.find("no packet path joins r1 and r2") != std::string::npos);
}

TEST_CASE("atomic requests are all or nothing; non-atomic ones take what fits") {
  const Fabric f = shipped("tiny.yaml");
  const Solver s(f);
  AllocationState st(f);
  for (int i = 0; i < 3; ++i) admit(s, st, pairwise("fill" + std::to_string(i), {{"rack1", "rack2"}}, 800));
  auto r = pairwise("two", {{"rack1", "rack3"}, {"rack1", "rack4"}}, 800);
  auto d = s.solve(st, r);
  CHECK_FALSE(d.accepted);
  CHECK(d.circuits.empty());
  r.atomic = false;
  d = s.solve(st, r);
  REQUIRE(d.accepted);
  CHECK(d.circuits.size() == 1);
  CHECK(d.flows[1].rejection->reason == "INSUFFICIENT_PORTS");
}

TEST_CASE("preemption releases the smallest set of lower-priority circuits") {
  const Fabric f = shipped("tiny.yaml");
  const Solver s(f);
  AllocationState st(f);
  // rack1's ports go to rack3 and rack2's to rack4, all at low priority.
  for (int i = 0; i < 4; ++i) {
    admit(s, st, pairwise("a" + std::to_string(i), {{"rack1", "rack3"}}, 800, "gpu-nic", 1));
    admit(s, st, pairwise("b" + std::to_string(i), {{"rack2", "rack4"}}, 800, "gpu-nic", 2));
  }
  const auto high = pairwise("urgent", {{"rack1", "rack2"}}, 800, "gpu-nic", 10);
  const auto d = s.solve(st, high);
  REQUIRE(d.accepted);
  // One circuit must go on each side; no fewer can work.
  REQUIRE(d.preempt.size() == 2);
  std::set<std::string> victims;
  for (auto id : d.preempt) victims.insert(st.find(id)->request_id.substr(0, 1));
  CHECK(victims == std::set<std::string>{"a", "b"});
  REQUIRE(apply(st, d));
  CHECK(st.circuits().size() == 7);
  check_valid(st);

  SUBCASE("one victim suffices when a single circuit frees both sides") {
    AllocationState st2(f);
    admit(s, st2, pairwise("ab", {{"rack1", "rack2"}}, 800, "gpu-nic", 1));
    for (int i = 0; i < 3; ++i) {
      admit(s, st2, pairwise("a" + std::to_string(i), {{"rack1", "rack3"}}, 800, "gpu-nic", 1));
      admit(s, st2, pairwise("b" + std::to_string(i), {{"rack2", "rack4"}}, 800, "gpu-nic", 1));
    }
    const auto d2 = s.solve(st2, high);
    REQUIRE(d2.accepted);
    REQUIRE(d2.preempt.size() == 1);
    CHECK(st2.find(d2.preempt[0])->request_id == "ab");
  }
}

TEST_CASE("equal or higher priority is never preempted") {
  const Fabric f = shipped("tiny.yaml");
  const Solver s(f);
  AllocationState st(f);
  // rack1 is full of priority-9 circuits; rack3-rack4 carry priority-1 ones.
  for (int i = 0; i < 4; ++i) admit(s, st, pairwise("p" + std::to_string(i), {{"rack1", "rack3"}}, 800, "gpu-nic", 9));
  admit(s, st, pairwise("low", {{"rack4", "rack2"}}, 800, "gpu-nic", 1));

  SUBCASE("a request outranking nothing in its way is short of ports") {
    const auto d = s.solve(st, pairwise("q", {{"rack1", "rack2"}}, 100, "gpu-nic", 0));
    REQUIRE_FALSE(d.accepted);
    CHECK(d.rejection->reason == "INSUFFICIENT_PORTS");
  }
  SUBCASE("equal priority: not preemptible") {
    const auto d = s.solve(st, pairwise("q", {{"rack1", "rack2"}}, 100, "gpu-nic", 9));
    REQUIRE_FALSE(d.accepted);
    CHECK(d.preempt.empty());
    CHECK(d.rejection->reason == "PREEMPTION_NOT_ALLOWED");
    CHECK(d.rejection->message.find("rack1/gpu-nic has no free port") == 0);
  }
  SUBCASE("outranking only circuits that are not in the way") {
    const auto d = s.solve(st, pairwise("q", {{"rack1", "rack2"}}, 100, "gpu-nic", 5));
    REQUIRE_FALSE(d.accepted);
    CHECK(d.preempt.empty());
    CHECK(d.rejection->reason == "PREEMPTION_NOT_ALLOWED");
  }
  SUBCASE("preemption switched off") {
    SolverOptions no_preempt;
    no_preempt.allow_preemption = false;
    AllocationState st2(f);
    for (int i = 0; i < 4; ++i) admit(s, st2, pairwise("p" + std::to_string(i), {{"rack1", "rack3"}}, 800, "gpu-nic", 1));
    const auto d = Solver(f, no_preempt).solve(st2, pairwise("q", {{"rack1", "rack2"}}, 100, "gpu-nic", 9));
    REQUIRE_FALSE(d.accepted);
    CHECK(d.rejection->message.find("which is switched off") != std::string::npos);
  }
}

TEST_CASE("a batch sees earlier decisions and leaves the given state alone") {
  const Fabric f = shipped("tiny.yaml");
  const Solver s(f);
  const AllocationState st(f);
  std::vector<CircuitRequest> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(pairwise("r" + std::to_string(i), {{"rack1", "rack2"}}, 800));
  batch.push_back(pairwise("r0", {{"rack3", "rack4"}}, 100));
  const auto ds = s.solve_batch(st, batch);
  REQUIRE(ds.size() == 6);
  for (int i = 0; i < 4; ++i) CHECK(ds[static_cast<std::size_t>(i)].accepted);
  CHECK(ds[4].rejection->reason == "INSUFFICIENT_PORTS");
  CHECK(ds[5].rejection->reason == "DUPLICATE_REQUEST_ID");
  CHECK(st.circuits().empty());
  // Circuit ids of the batch do not collide.
  std::set<std::uint32_t> ids;
  for (const auto& d : ds)
    for (const auto& c : d.circuits) CHECK(ids.insert(c.id.value()).second);
}

TEST_CASE("ring and all_to_all patterns expand as documented") {
  CircuitRequest r;
  r.sources = {{"a", "g"}, {"b", "g"}, {"c", "g"}};
  r.pattern = Pattern::kRing;
  auto flows = expand_flows(r);
  REQUIRE(flows.size() == 3);
  CHECK(flows[2].a.endpoint == "c");
  CHECK(flows[2].b.endpoint == "a");
  r.pattern = Pattern::kAllToAll;
  CHECK(expand_flows(r).size() == 3);
  r.sources.push_back({"d", "g"});
  CHECK(expand_flows(r).size() == 6);
  r.sources.resize(2);
  r.pattern = Pattern::kRing;
  CHECK(expand_flows(r).size() == 1);
}

TEST_CASE("64 circuits on the TPU v4 pod shape") {
  const Fabric f = shipped("tpuv4-pod.yaml");
  const Solver s(f);
  AllocationState st(f);
  CircuitRequest r;
  r.request_id = "ring";
  r.bandwidth_per_flow = DataRate::gbps(200);
  r.pattern = Pattern::kRing;
  for (int i = 0; i < 64; ++i) r.sources.push_back({fmt::format("block{:02}", i), "ocs-uplinks"});
  const auto d = admit(s, st, r);
  CHECK(d.circuits.size() == 64);
  check_valid(st);
  // Balanced: no switch carries more than two of the 64 cross-connects.
  std::map<std::uint32_t, int> per_switch;
  for (const auto& c : d.circuits) ++per_switch[c.hops[0].optical_switch.value()];
  for (const auto& [sw, n] : per_switch) CHECK(n <= 2);
}
