// The five policies on the controller core in virtual time: which circuits
// each asks for and when, what they buy on an oversubscribed packet fabric,
// what switching time costs per phase, and the errors a bad run gets.

#include <doctest/doctest.h>

#include <fstream>

#include "policy_util.h"

using namespace lightpath;
using namespace lightpath::policy;
using namespace lightpath::policy::testing;

namespace {

// tiny's shape (4 racks, one 16-port MEMS switch) with a packet fabric
// oversubscribed 16:1: each rack has 50 Gb/s of uplink, against 4 x 800 Gb/s
// of optical ports.
const char* kThinPacket = R"(lightpath_topology: 1
name: thin-packet
transceivers:
  - {name: cwdm8, grid: cwdm, wavelengths: 8, channel_rate_gbps: 100,
     launch_power_dbm: 2.0, rx_sensitivity_dbm: -8.0}
endpoints:
  - name: rack{1..4}
    port_groups: [{name: nic, ports: 4, transceiver: cwdm8}]
optical_switches:
  - {name: ocs1, kind: mems, ports: 16, insertion_loss_db: 1.5,
     switching: {min_ms: 10, max_ms: 20, settle_ms: 5}}
fibers:
  - {a: "rack{1..4}/nic/{0..3}", b: "ocs1/{0..15}", length_m: 20}
packet:
  switches: [{name: leaf1, role: leaf}]
  links:
    - {a: "rack{1..4}", b: leaf1, capacity_gbps: 50, latency_us: 1}
)";

trace::GenOptions dp(int gpus, int iterations) {
  trace::GenOptions g;
  g.gpus = gpus;
  g.iterations = iterations;
  g.dp.params = 500'000'000;
  g.dp.tokens = 2048;
  return g;
}

// Tensor, pipeline and data parallel on 16 GPUs: phases over different
// groups follow each other, so per-phase reconfigures within an iteration.
trace::GenOptions small_gpt() {
  trace::GenOptions g;
  g.layout = trace::Layout::kGpt;
  g.gpus = 0;
  g.iterations = 2;
  g.gpt.tp = 2;
  g.gpt.pp = 2;
  g.gpt.dp = 4;
  g.gpt.layers = 4;
  g.gpt.hidden = 2048;
  g.gpt.seq = 1024;
  g.gpt.microbatches = 2;
  return g;
}

}  // namespace

TEST_CASE("on-demand beats packet-only on an oversubscribed packet fabric") {
  const Fabric fabric = load_text(kThinPacket);
  const trace::Trace t = make_trace(fabric, dp(16, 3));
  const auto packet = run(t, fabric, "packet-only");
  const auto circuits = run(t, fabric, "on-demand");
  CHECK(packet.circuits.empty());
  CHECK(circuits.jobs[0].circuits_granted > 0);
  CHECK(makespan(circuits) < makespan(packet));
  // The ring's bytes went over circuits, not the thin uplinks.
  CHECK(circuits.reconfigurations > 0);
}

TEST_CASE("a longer switching time never makes a job finish earlier under per-phase") {
  const Fabric fabric = load_file("tiny.yaml");
  const trace::Trace t = make_trace(fabric, small_gpt());
  Duration previous;
  std::uint64_t reconfigurations = 0;
  for (const int ms : {1, 5, 10, 30, 100}) {
    CAPTURE(ms);
    const auto r = run(t, fabric, "per-phase", Duration::ms(ms));
    const Duration m = makespan(r);
    CHECK(m >= previous);
    previous = m;
    reconfigurations = r.reconfigurations;
  }
  // The trace does make per-phase move mirrors; otherwise the check says nothing.
  CHECK(reconfigurations > 8);
}

TEST_CASE("what each policy asks for") {
  const Fabric fabric = load_file("tiny.yaml");
  const trace::Trace t = make_trace(fabric, dp(16, 4));
  SUBCASE("packet-only asks for nothing") {
    const auto r = run(t, fabric, "packet-only");
    CHECK(r.circuits.empty());
    CHECK(r.reconfigurations == 0);
    CHECK(r.dark_time == Duration());
  }
  SUBCASE("static sets up the whole fabric before the first job and keeps it") {
    const auto r = run(t, fabric, "static");
    REQUIRE(r.circuits.size() == 8);  // 16 ports, two per circuit
    for (const auto& c : r.circuits) {
      CHECK(c.job == "fabric");
      CHECK(c.active <= Duration());  // up before the trace's time zero
      CHECK(c.end_state == "ACTIVE");
    }
    CHECK(r.jobs[0].started == Duration());
  }
  SUBCASE("on-demand holds the job until its circuits are up, and releases them at its end") {
    const auto r = run(t, fabric, "on-demand", Duration::ms(10));
    REQUIRE_FALSE(r.circuits.empty());
    Duration last_up;
    for (const auto& c : r.circuits) {
      CHECK(c.job == r.jobs[0].id);
      CHECK(c.end_state == "RELEASED");
      CHECK(c.released >= r.jobs[0].finished);
      last_up = std::max(last_up, c.active);
    }
    CHECK(r.jobs[0].started.count_ns() == last_up.count_ns());
    CHECK(r.jobs[0].started >= Duration::ms(10));
  }
  SUBCASE("per-phase keeps circuits while the next phase wants the same links") {
    const auto per_phase = run(t, fabric, "per-phase");
    const auto on_demand = run(t, fabric, "on-demand");
    CHECK(per_phase.reconfigurations == on_demand.reconfigurations);
  }
}

TEST_CASE("traffic-engineered moves links towards the pairs that talk") {
  const Fabric fabric = load_file("tiny.yaml");
  // Eight GPUs on rack1 and rack2 only: the uniform start gives rack1-rack2
  // one link of eight; the observed traffic wants more.
  trace::GenOptions g = dp(8, 40);
  const trace::Trace t = make_trace(fabric, g);
  const auto te = run(t, fabric, "traffic-engineered");
  const auto fixed = run(t, fabric, "static");
  auto between = [](const report::RunResult& r) {
    int n = 0;
    for (const auto& c : r.circuits) {
      const bool pair = (c.a == "rack1" && c.b == "rack2") || (c.a == "rack2" && c.b == "rack1");
      if (pair && c.end_state == "ACTIVE") ++n;
    }
    return n;
  };
  CHECK(between(te) > between(fixed));
  CHECK(makespan(te) <= makespan(fixed));
}

TEST_CASE("bad runs are refused with the reason named") {
  const Fabric fabric = load_file("tiny.yaml");
  trace::Trace t = make_trace(fabric, dp(4, 1));
  RunOptions o;
  o.world.store_path = scratch_db("bad");
  SUBCASE("unknown policy") {
    o.policy = "fastest";
    auto r = run_policy(t, fabric, o);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "UNKNOWN_POLICY");
    CHECK(r.error().message.find("on-demand") != std::string::npos);
  }
  SUBCASE("a GPU on an endpoint the fabric does not have") {
    t.jobs[0].gpus[0].endpoint = "rack9";
    auto r = run_policy(t, fabric, o);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "UNKNOWN_ENDPOINT");
    CHECK(r.error().message.find("rack9") != std::string::npos);
  }
}

TEST_CASE("a fiber cut under a circuit fails it and its traffic finishes on the packet fabric") {
  const Fabric fabric = load_file("tiny.yaml");
  const trace::Trace t = make_trace(fabric, dp(16, 6));
  const auto path = std::filesystem::temp_directory_path() /
                    ("lightpath-policy-cut-" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream f(path);
    // on-demand takes all 16 ports of ocs1 for the ring: nowhere to restore to.
    f << "lightpath_faults: 1\nfaults:\n  - {at_ms: 100, switch: ocs1, fault: fiber_cut, port: "
         "0}\n";
  }
  RunOptions o;
  o.policy = "on-demand";
  o.world.switching = Duration::ms(10);
  o.world.store_path = scratch_db("cut");
  o.world.faults_path = path.string();
  auto cut = run_policy(t, fabric, o);
  REQUIRE(cut);
  const auto clean = run(t, fabric, "on-demand");
  int failed = 0;
  for (const auto& c : cut->circuits) failed += c.end_state == "FAILED" ? 1 : 0;
  CHECK(failed == 1);
  // Its flows moved to the pair's other circuit, which they now share.
  CHECK(makespan(*cut) >= makespan(clean));
  CHECK(cut->jobs[0].finished.count_ns() > 0);

  SUBCASE("a broken fault script is refused with its line") {
    std::ofstream(path) << "lightpath_faults: 1\nfaults:\n  - {at_ms: 1, switch: nope, fault: "
                           "fiber_cut, port: 0}\n";
    auto bad = run_policy(t, fabric, o);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == "BAD_FAULT_SCRIPT");
    CHECK(bad.error().message.find(":3:") != std::string::npos);
    CHECK(bad.error().message.find("nope") != std::string::npos);
  }
  std::filesystem::remove(path);
}
