#pragma once
// Helpers for the network-model tests: small fabrics from YAML text, and
// running a plan on the fluid model to get its completion time.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "controller/topology/topology_loader.h"
#include "simulator/netmodel/plan_runner.h"

namespace lightpath::netmodel::testing {

// The topology format wants a port group on every endpoint; the network
// model does not look at them (circuits are added by hand), so every test
// endpoint gets this one.
inline constexpr const char* kNic = "port_groups: [{name: nic, ports: 1, transceiver: t}]";
inline constexpr const char* kTransceivers =
    "transceivers:\n  - {name: t, grid: grey, wavelengths: 1, channel_rate_gbps: 100,\n"
    "     launch_power_dbm: 0, rx_sensitivity_dbm: -10}\n";

inline Fabric load_fabric(const std::string& yaml) {
  auto f = topology::load_topology_text(yaml, "test.yaml");
  if (!f) {
    for (const auto& d : f.error()) MESSAGE(d.message);
  }
  REQUIRE(f);
  return std::move(*f);
}

inline Fabric load_fabric_file(const std::string& path) {
  auto f = topology::load_topology_file(path);
  REQUIRE(f);
  return std::move(*f);
}

// `n` endpoints gpu0..gpu{n-1} and nothing else: circuits are added by hand.
inline Fabric endpoints_only(int n) {
  return load_fabric(std::string("lightpath_topology: 1\nname: bare\n") + kTransceivers +
                     "endpoints:\n  - name: \"gpu{0.." + std::to_string(n - 1) + "}\"\n    " +
                     kNic + "\n");
}

inline std::vector<EndpointId> first_endpoints(int n) {
  std::vector<EndpointId> out;
  for (int i = 0; i < n; ++i) out.push_back(EndpointId(static_cast<std::uint32_t>(i)));
  return out;
}

// A circuit of `rate` and `latency` between every pair of the first n endpoints.
inline void full_mesh(Network& net, int n, DataRate rate, Duration latency,
                      TimePoint ready = TimePoint()) {
  for (int a = 0; a < n; ++a) {
    for (int b = a + 1; b < n; ++b) {
      net.add_circuit(Circuit{EndpointId(static_cast<std::uint32_t>(a)),
                              EndpointId(static_cast<std::uint32_t>(b)), rate, ready, latency});
    }
  }
}

// Runs `plan` over the first endpoints from time 0; returns when it was done, in ns.
inline std::int64_t run_to_completion(const Network& net, const FlowPlan& plan, int n) {
  sim::EventEngine engine(sim::Rng(1));
  FluidModel model(engine, net);
  std::int64_t finished = -1;
  REQUIRE(run_plan(engine, model, plan, first_endpoints(n),
                   [&] { finished = engine.now().since_epoch_ns(); }));
  engine.run();
  REQUIRE(finished >= 0);
  return finished;
}

// Seconds to ns, for closed forms written in seconds.
inline double ns(double seconds) {
  return seconds * 1e9;
}

}  // namespace lightpath::netmodel::testing
