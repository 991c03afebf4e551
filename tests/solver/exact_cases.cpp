// Random small single-stage MEMS fabrics and flow batches for the exact
// comparison: seeded, and the same on every platform.
#include <fmt/format.h>

#include <random>

#include "tests/solver/exact_search.h"

namespace lightpath::testing::exact {
namespace {

class Draw {
 public:
  explicit Draw(std::uint64_t seed) : rng_(seed) {}
  // Uniform enough for sampling test cases, and the same on every platform.
  int below(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  int between(int lo, int hi) { return lo + below(hi - lo + 1); }

 private:
  std::mt19937_64 rng_;
};

}  // namespace

SmallCase generate_case(std::uint64_t seed) {
  Draw d(seed);
  SmallCase c;
  c.seed = seed;
  const int switches = d.between(1, 3);
  std::vector<int> ports(static_cast<std::size_t>(switches));
  for (auto& p : ports) p = d.between(4, 10);
  const int endpoints = d.between(3, 6);

  std::string y = fmt::format(
      "lightpath_topology: 1\n"
      "name: case-{}\n"
      "fiber_defaults:\n"
      "  attenuation_db_per_km: 0.35\n"
      "  connector_loss_db: 0.5\n"
      "  length_m: 10\n"
      "transceivers:\n"
      "  - {{name: cwdm4-100g, grid: cwdm, wavelengths: 4, channel_rate_gbps: 100, "
      "launch_power_dbm: 2, rx_sensitivity_dbm: -8}}\n"
      "optical_switches:\n",
      seed);
  for (int s = 0; s < switches; ++s)
    y += fmt::format("  - {{name: s{}, kind: mems, ports: {}, insertion_loss_db: 1.5}}\n", s,
                     ports[static_cast<std::size_t>(s)]);
  y += "endpoints:\n";
  std::vector<int> next_port(static_cast<std::size_t>(switches), 0);
  std::string fibers;
  for (int e = 0; e < endpoints; ++e) {
    const int group = d.between(1, 4);
    y += fmt::format(
        "  - name: e{}\n    port_groups:\n      - {{name: g, ports: {}, transceiver: "
        "cwdm4-100g}}\n",
        e, group);
    for (int p = 0; p < group; ++p) {
      std::vector<int> open;
      for (int s = 0; s < switches; ++s)
        if (next_port[static_cast<std::size_t>(s)] < ports[static_cast<std::size_t>(s)])
          open.push_back(s);
      if (open.empty()) break;  // the switches are full: the port stays uncabled
      const int s = open[static_cast<std::size_t>(d.below(static_cast<int>(open.size())))];
      fibers += fmt::format("  - {{a: e{}/g/{}, b: s{}/{}}}\n", e, p, s,
                            next_port[static_cast<std::size_t>(s)]++);
    }
  }
  y += "fibers:\n" + fibers;
  c.topology_yaml = std::move(y);

  const int flows = d.between(4, 10);
  for (int i = 0; i < flows; ++i) {
    const int a = d.below(endpoints);
    const int b = (a + 1 + d.below(endpoints - 1)) % endpoints;
    const int gbps = 100 + 50 * d.below(7);
    c.flows.push_back({fmt::format("e{}", a), fmt::format("e{}", b), DataRate::gbps(gbps)});
  }
  return c;
}

}  // namespace lightpath::testing::exact
