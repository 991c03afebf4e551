// Utilization accounting of the fluid model: bytes carried per directed
// link, accounted whenever the model advances and on demand with sync(),
// exact totals for finished flows, and no effect on the flows' times.

#include <doctest/doctest.h>

#include "netmodel_test_util.h"
#include "simulator/netmodel/fluid_model.h"

using namespace lightpath;
using namespace lightpath::netmodel;
using namespace lightpath::netmodel::testing;

namespace {

// s1, s2 and r on one leaf: s1 and s2 at 400 Gb/s, r at 120 Gb/s (15 GB/s
// into r, shared by what s1 and s2 send it).
Fabric star() {
  return load_fabric(std::string("lightpath_topology: 1\nname: t\n") + kTransceivers +
                     "endpoints:\n  - name: \"s{1..2}\"\n    " + kNic + "\n  - name: r\n    " +
                     kNic +
                     "\npacket:\n  switches:\n    - {name: leaf1, role: leaf}\n"
                     "  links:\n    - {a: \"s{1..2}\", b: leaf1, capacity_gbps: 400}\n"
                     "    - {a: r, b: leaf1, capacity_gbps: 120}\n");
}

struct Run {
  std::vector<std::int64_t> done_at;
  std::vector<double> sampled;  // carried into r at each sample
};

// s1 sends 300 MB to r and s2 600 MB: 7.5 GB/s each until s1's flow is
// through at 40 ms, then s2 alone at 15 GB/s until 60 ms. With `sample_ns`
// > 0, a sampler calls sync() every that many ns.
Run run(std::int64_t sample_ns) {
  const Fabric fabric = star();
  Network net(fabric);
  sim::EventEngine engine(sim::Rng(1));
  FluidModel model(engine, net);
  const EndpointId s1 = *fabric.find_endpoint("s1");
  const EndpointId s2 = *fabric.find_endpoint("s2");
  const EndpointId r = *fabric.find_endpoint("r");
  const std::uint32_t into_r = net.route(s1, r, {})->links.back();
  Run out;
  out.done_at.assign(2, -1);
  REQUIRE(model.start(s1, r, Bytes(300'000'000),
                      [&] { out.done_at[0] = engine.now().since_epoch_ns(); }));
  REQUIRE(model.start(s2, r, Bytes(600'000'000),
                      [&] { out.done_at[1] = engine.now().since_epoch_ns(); }));
  std::function<void()> sample = [&] {
    model.sync();
    out.sampled.push_back(model.carried(into_r));
    if (model.active_flows() > 0) engine.schedule_after(Duration::ns(sample_ns), sample);
  };
  if (sample_ns > 0) engine.schedule_after(Duration::ns(sample_ns), sample);
  engine.run();
  return out;
}

}  // namespace

TEST_CASE("carried counts each link's bytes, up to the last advance or sync") {
  const Fabric fabric = star();
  Network net(fabric);
  sim::EventEngine engine(sim::Rng(1));
  FluidModel model(engine, net);
  const EndpointId s1 = *fabric.find_endpoint("s1");
  const EndpointId s2 = *fabric.find_endpoint("s2");
  const EndpointId r = *fabric.find_endpoint("r");
  const auto from_s1 = net.route(s1, r, {})->links;  // s1→leaf1, leaf1→r
  const auto from_s2 = net.route(s2, r, {})->links;
  const auto back = net.route(r, s1, {})->links;
  REQUIRE(from_s1.size() == 2);
  REQUIRE(from_s1.back() == from_s2.back());
  REQUIRE(model.start(s1, r, Bytes(300'000'000), [] {}));
  REQUIRE(model.start(s2, r, Bytes(600'000'000), [] {}));
  engine.run_until(TimePoint::from_ns(10'000'000));
  // Nothing advanced the model since the rates were set at time 0.
  CHECK(model.carried(from_s1.back()) == 0.0);
  CHECK(model.link_rate(from_s1.back()) == doctest::Approx(15.0));
  CHECK(model.link_rate(from_s1.front()) == doctest::Approx(7.5));
  model.sync();
  // 10 ms at 7.5 GB/s each.
  CHECK(model.carried(from_s1.front()) == doctest::Approx(75e6));
  CHECK(model.carried(from_s2.front()) == doctest::Approx(75e6));
  CHECK(model.carried(from_s1.back()) == doctest::Approx(150e6));
  CHECK(model.carried(back.front()) == 0.0);  // full duplex: the other direction is idle
  engine.run_until(TimePoint::from_ns(50'000'000));
  // s1's flow ended at 40 ms: its link has its whole size; the model last
  // advanced then, so the shared link shows 40 ms at 15 GB/s.
  CHECK(model.carried(from_s1.front()) == doctest::Approx(300e6).epsilon(1e-9));
  CHECK(model.carried(from_s1.back()) == doctest::Approx(600e6).epsilon(1e-6));
  model.sync();
  CHECK(model.carried(from_s2.front()) == doctest::Approx(300e6 + 10e6 * 15.0).epsilon(1e-6));
  engine.run();
  CHECK(model.carried(from_s1.front()) == doctest::Approx(300e6).epsilon(1e-12));
  CHECK(model.carried(from_s2.front()) == doctest::Approx(600e6).epsilon(1e-12));
  CHECK(model.carried(from_s1.back()) == doctest::Approx(900e6).epsilon(1e-12));
  CHECK(model.link_rate(from_s1.back()) == 0.0);
  CHECK(model.carried(99'999) == 0.0);  // no such link
}

TEST_CASE("a sampler calling sync changes no flow's time") {
  const Run plain = run(0);
  const Run sampled = run(1'000'003);             // an odd period, off the flows' own times
  CHECK(plain.done_at[0] == 40'000'000 + 2'000);  // and two 1 µs links
  CHECK(plain.done_at[1] == 60'000'000 + 2'000);
  CHECK(sampled.done_at == plain.done_at);
  // The samples grow by 15 GB/s x period while both flows or s2 alone fill r's link.
  REQUIRE(sampled.sampled.size() >= 59);
  for (std::size_t k = 0; k < 59; ++k) {
    CAPTURE(k);
    CHECK(sampled.sampled[k] == doctest::Approx(15.0 * 1'000'003 * static_cast<double>(k + 1)));
  }
  CHECK(sampled.sampled.back() == doctest::Approx(900e6).epsilon(1e-12));
}

TEST_CASE("a circuit carries nothing while dark, then its flow's bytes") {
  const Fabric fabric = endpoints_only(2);
  Network net(fabric);
  net.add_circuit(Circuit{EndpointId(0), EndpointId(1), DataRate::bps(100'000'000'000),
                          TimePoint::from_ns(5'000'000), Duration::us(1)});
  sim::EventEngine engine(sim::Rng(1));
  FluidModel model(engine, net);
  const std::uint32_t link = net.route(EndpointId(0), EndpointId(1), {})->links.front();
  REQUIRE(model.start(EndpointId(0), EndpointId(1), Bytes(125'000'000), [] {}));
  engine.run_until(TimePoint::from_ns(5'000'000));
  model.sync();
  CHECK(model.carried(link) == 0.0);
  engine.run_until(TimePoint::from_ns(9'000'000));
  model.sync();
  CHECK(model.carried(link) == doctest::Approx(4e6 * 12.5));  // 4 ms at 12.5 GB/s
  engine.run();
  CHECK(model.carried(link) == doctest::Approx(125e6).epsilon(1e-12));
}
