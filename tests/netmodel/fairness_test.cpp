// The packet fabric shared max-min fairly, circuits as pipes that carry
// nothing before they are ready, and same input → same times. Expected rates
// and times are worked out by hand from the capacities.

#include <doctest/doctest.h>

#include <cmath>

#include "netmodel_test_util.h"
#include "simulator/netmodel/max_min.h"

using namespace lightpath;
using namespace lightpath::netmodel;
using namespace lightpath::netmodel::testing;

namespace {

// s1..s3 reach leaf1 at 400 Gb/s, slow at 20 Gb/s, r at 120 Gb/s; every
// link 1 µs, so a sender-to-r path has 2 µs of latency.
const std::string kStar = std::string(R"(lightpath_topology: 1
name: star
)") + kTransceivers + R"(endpoints:
  - {name: "s{1..3}", port_groups: [{name: nic, ports: 1, transceiver: t}]}
  - {name: slow, port_groups: [{name: nic, ports: 1, transceiver: t}]}
  - {name: r, port_groups: [{name: nic, ports: 1, transceiver: t}]}
packet:
  switches:
    - {name: leaf1, role: leaf}
  links:
    - {a: "s{1..3}", b: leaf1, capacity_gbps: 400, latency_us: 1}
    - {a: slow, b: leaf1, capacity_gbps: 20, latency_us: 1}
    - {a: r, b: leaf1, capacity_gbps: 120, latency_us: 1}
)";

EndpointId id(const Fabric& f, const char* name) {
  return *f.find_endpoint(name);
}

struct Finish {
  std::vector<std::int64_t> at;  // per flow, ns; -1 until done
};

void start(sim::EventEngine& engine, FluidModel& model, Finish& out, EndpointId a, EndpointId b,
           std::int64_t bytes) {
  const std::size_t i = out.at.size();
  out.at.push_back(-1);
  REQUIRE(model.start(a, b, Bytes(bytes),
                      [&engine, &out, i] { out.at[i] = engine.now().since_epoch_ns(); }));
}

void check_close(double got, double want) {
  CAPTURE(got);
  CAPTURE(want);
  CHECK(std::abs(got - want) <= 1e-3 * want);
}

}  // namespace

TEST_CASE("max-min rates: a link shared three ways, its leftover to a flow elsewhere") {
  // Link 1 (capacity 4) carries B, C and D: 4/3 each. A shares link 0 (10)
  // with B only, so it gets what B leaves: 10 − 4/3.
  const std::vector<double> capacity{10.0, 4.0, 10.0};
  const std::vector<FlowPath> flows{{{0}}, {{0, 1}}, {{1}}, {{1, 2}}};
  const auto rates = max_min_rates(capacity, flows);
  REQUIRE(rates.size() == 4);
  CHECK(rates[0] == doctest::Approx(10.0 - 4.0 / 3.0));
  CHECK(rates[1] == doctest::Approx(4.0 / 3.0));
  CHECK(rates[2] == doctest::Approx(4.0 / 3.0));
  CHECK(rates[3] == doctest::Approx(4.0 / 3.0));
  // A zero-capacity link (a circuit still switching) stops its flows only.
  const auto stopped = max_min_rates({0.0, 5.0}, {{{0}}, {{1}}});
  CHECK(stopped[0] == 0.0);
  CHECK(stopped[1] == doctest::Approx(5.0));
}

TEST_CASE("k flows into one 120 Gb/s link each get C/k") {
  const Fabric fabric = load_fabric(kStar);
  Network net(fabric);
  sim::EventEngine engine(sim::Rng(1));
  FluidModel model(engine, net);
  Finish done;
  const std::int64_t s = 500'000'000;
  for (const char* from : {"s1", "s2", "s3"})
    start(engine, model, done, id(fabric, from), id(fabric, "r"), s);
  engine.run_until(TimePoint::from_ns(1));
  const auto rates = model.rates_for_test();
  REQUIRE(rates.size() == 3);
  for (double r : rates) CHECK(r == doctest::Approx(120e9 / 8 / 3 / 1e9));  // 5 GB/s
  engine.run();
  // 0.5 GB at 5 GB/s = 0.1 s, plus 2 µs of links.
  for (auto t : done.at) check_close(static_cast<double>(t), ns(0.1 + 2e-6));
}

TEST_CASE("a flow bottlenecked elsewhere leaves its share to the others") {
  const Fabric fabric = load_fabric(kStar);
  Network net(fabric);
  sim::EventEngine engine(sim::Rng(1));
  FluidModel model(engine, net);
  Finish done;
  const std::int64_t s = 500'000'000;
  start(engine, model, done, id(fabric, "slow"), id(fabric, "r"), s);
  start(engine, model, done, id(fabric, "s1"), id(fabric, "r"), s);
  start(engine, model, done, id(fabric, "s2"), id(fabric, "r"), s);
  engine.run_until(TimePoint::from_ns(1));
  const auto rates = model.rates_for_test();
  REQUIRE(rates.size() == 3);
  CHECK(rates[0] == doctest::Approx(2.5));   // 20 Gb/s, its own link
  CHECK(rates[1] == doctest::Approx(6.25));  // (120 − 20) / 2 Gb/s
  CHECK(rates[2] == doctest::Approx(6.25));
  engine.run();
  // s1, s2: 0.5 GB at 6.25 GB/s = 0.08 s. slow: 20 Gb/s throughout = 0.2 s.
  check_close(static_cast<double>(done.at[1]), ns(0.08 + 2e-6));
  check_close(static_cast<double>(done.at[2]), ns(0.08 + 2e-6));
  check_close(static_cast<double>(done.at[0]), ns(0.2 + 2e-6));
}

TEST_CASE("when a flow ends the others speed up") {
  const Fabric fabric = load_fabric(kStar);
  Network net(fabric);
  sim::EventEngine engine(sim::Rng(1));
  FluidModel model(engine, net);
  Finish done;
  const double s = 300'000'000;
  start(engine, model, done, id(fabric, "s1"), id(fabric, "r"), 300'000'000);
  start(engine, model, done, id(fabric, "s2"), id(fabric, "r"), 600'000'000);
  engine.run();
  // Both at 7.5 GB/s until the first is through at S/7.5; the second then
  // has S left, at 15 GB/s.
  const double first = s / 7.5e9;
  check_close(static_cast<double>(done.at[0]), ns(first + 2e-6));
  check_close(static_cast<double>(done.at[1]), ns(first + s / 15e9 + 2e-6));
}

TEST_CASE("packet links are full duplex: opposite directions do not share") {
  const Fabric fabric = load_fabric(kStar);
  Network net(fabric);
  sim::EventEngine engine(sim::Rng(1));
  FluidModel model(engine, net);
  Finish done;
  start(engine, model, done, id(fabric, "s1"), id(fabric, "r"), 150'000'000);
  start(engine, model, done, id(fabric, "r"), id(fabric, "s1"), 150'000'000);
  engine.run();
  for (auto t : done.at) check_close(static_cast<double>(t), ns(0.15 / 15.0 + 2e-6));
}

TEST_CASE("a circuit carries nothing until its switching time has passed") {
  const Fabric fabric = endpoints_only(2);
  Network net(fabric);
  const TimePoint ready = TimePoint::from_ns(15'000'000);  // 15 ms of switching
  net.add_circuit(Circuit{EndpointId(0), EndpointId(1), DataRate::bps(100'000'000'000), ready,
                          Duration::us(1)});
  sim::EventEngine engine(sim::Rng(1));
  FluidModel model(engine, net);
  Finish done;
  start(engine, model, done, EndpointId(0), EndpointId(1), 1'000'000'000);
  engine.run_until(TimePoint::from_ns(10'000'000));
  CHECK(model.rates_for_test() == std::vector<double>{0.0});
  // A second flow started after the circuit is ready does not wait.
  engine.schedule_at(TimePoint::from_ns(20'000'000), [&] {
    start(engine, model, done, EndpointId(1), EndpointId(0), 1'000'000'000);
  });
  engine.run();
  // 1 GB at 12.5 GB/s = 80 ms, after 15 ms dark; plus 1 µs of fiber.
  check_close(static_cast<double>(done.at[0]), ns(0.015 + 0.08 + 1e-6));
  check_close(static_cast<double>(done.at[1]), ns(0.020 + 0.08 + 1e-6));
}

TEST_CASE("flows on one circuit share it; a second circuit on the pair takes the next flow") {
  for (int circuits : {1, 2}) {
    CAPTURE(circuits);
    const Fabric fabric = endpoints_only(2);
    Network net(fabric);
    for (int c = 0; c < circuits; ++c) {
      net.add_circuit(Circuit{EndpointId(0), EndpointId(1), DataRate::bps(100'000'000'000),
                              TimePoint(), Duration()});
    }
    sim::EventEngine engine(sim::Rng(1));
    FluidModel model(engine, net);
    Finish done;
    start(engine, model, done, EndpointId(0), EndpointId(1), 125'000'000);
    start(engine, model, done, EndpointId(0), EndpointId(1), 125'000'000);
    engine.run();
    // 125 MB at 12.5 GB/s = 10 ms alone; twice that when sharing.
    const double want = circuits == 1 ? 0.02 : 0.01;
    for (auto t : done.at) check_close(static_cast<double>(t), ns(want));
  }
}

TEST_CASE("same input, same finish times to the nanosecond") {
  auto run = [] {
    const Fabric fabric =
        load_fabric(std::string("lightpath_topology: 1\n") + "name: t\n" + kTransceivers +
                    "endpoints:\n  - name: \"rack{1..4}\"\n    " + kNic +
                    "\npacket:\n  switches:\n"
                    "    - {name: \"leaf{1..2}\", role: leaf}\n    - {name: spine1, role: spine}\n"
                    "  links:\n    - {a: \"rack{1..2}\", b: leaf1, capacity_gbps: 400}\n"
                    "    - {a: \"rack{3..4}\", b: leaf2, capacity_gbps: 400}\n"
                    "    - {a: \"leaf{1..2}\", b: spine1, capacity_gbps: 300}\n");
    Network net(fabric);
    net.add_circuit(Circuit{EndpointId(0), EndpointId(2), DataRate::bps(200'000'000'000),
                            TimePoint::from_ns(3'000'000), Duration::ns(98)});
    sim::EventEngine engine(sim::Rng(7));
    FluidModel model(engine, net);
    std::vector<std::int64_t> times;
    const auto all = first_endpoints(4);
    const std::int64_t sizes[] = {12'345'679, 98'765'432, 5'555'555, 77'777'777};
    for (int i = 0; i < 4; ++i) {
      const FlowPlan p = i % 2 == 0 ? ring_all_reduce(4, Bytes(sizes[i]))
                                    : pairwise_all_to_all(4, Bytes(sizes[i]));
      REQUIRE(
          run_plan(engine, model, p, all, [&] { times.push_back(engine.now().since_epoch_ns()); }));
    }
    engine.run();
    return times;
  };
  const auto first = run();
  CHECK(first.size() == 4);
  CHECK(first == run());
}
