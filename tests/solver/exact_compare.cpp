// Runs lightpath's solver on a small case and sets its answer beside the
// exact ones, for the comparison test and bench.
#include <fmt/format.h>

#include "controller/solver/checker.h"
#include "controller/solver/solver.h"
#include "controller/topology/topology_loader.h"
#include "tests/solver/exact_search.h"

namespace lightpath::testing::exact {
namespace {

std::string join_ints(const std::vector<int>& v) {
  std::string s;
  for (int x : v) {
    if (!s.empty()) s += ',';
    s += std::to_string(x);
  }
  return s;
}

}  // namespace

Comparison compare_with_lightpath(const SmallCase& sc, const solver::SolverOptions& options) {
  Comparison out;
  out.small_case = sc;
  out.flows = static_cast<int>(sc.flows.size());
  auto loaded =
      topology::load_topology_text(sc.topology_yaml, fmt::format("case-{}.yaml", sc.seed));
  if (!loaded) {
    out.error = "the generated topology does not load: " + loaded.error().front().to_string();
    return out;
  }
  out.fabric = std::move(*loaded);
  const Fabric& f = out.fabric;

  // lightpath: one single-flow request per flow, in order.
  std::vector<solver::CircuitRequest> requests;
  for (std::size_t i = 0; i < sc.flows.size(); ++i) {
    solver::CircuitRequest r;
    r.request_id = fmt::format("flow-{}", i);
    r.bandwidth_per_flow = sc.flows[i].bandwidth;
    r.sources = {{sc.flows[i].a, "g"}};
    r.destinations = {{sc.flows[i].b, "g"}};
    r.pattern = solver::Pattern::kPairwise;
    r.atomic = true;
    requests.push_back(std::move(r));
  }
  const solver::Solver lightpath(f, options);
  const solver::AllocationState empty(f);
  const auto decisions = lightpath.solve_batch(empty, requests);
  solver::AllocationState state(f);
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    const auto& d = decisions[i];
    const auto& fl = sc.flows[i];
    std::string line = fmt::format("  {}-{} {:.0f}G: ", fl.a, fl.b, fl.bandwidth.gbps());
    if (!d.accepted) {
      line += "rejected " + (d.rejection ? d.rejection->reason : std::string("?"));
    } else {
      ++out.lightpath_admitted;
      out.lightpath_cross_connects += d.new_cross_connects;
      if (auto applied = solver::apply(state, d); !applied)
        out.lightpath_violations.push_back({"apply", applied.error().message});
      for (const auto& c : d.circuits) {
        const auto& h = c.hops.front();
        line += fmt::format("{} {}:{}<->{}:{} ch {} ({})", f.optical_switch(h.optical_switch).name,
                            f.port_name(c.a), h.in_port, h.out_port, f.port_name(c.b),
                            join_ints(c.wavelengths), d.new_cross_connects > 0 ? "new" : "groomed");
      }
    }
    out.lightpath_plan += line + "\n";
  }
  std::vector<solver::Circuit> circuits;
  for (const auto& [id, c] : state.circuits()) circuits.push_back(c);
  for (auto& v : solver::check_allocation(f, circuits))
    out.lightpath_violations.push_back(std::move(v));
  out.lightpath_state_cross_connects = static_cast<int>(state.cross_connects().size());

  // The optimum.
  std::vector<FlowSpec> specs;
  for (const auto& fl : sc.flows)
    specs.push_back({*f.find_endpoint(fl.a), *f.find_endpoint(fl.b), fl.bandwidth});
  auto answer = solve_exact(f, specs, options.default_margin);
  if (!answer) {
    out.error = answer.error().code + ": " + answer.error().message;
    return out;
  }
  out.optimum_admitted = answer->admitted;
  out.optimum_cross_connects = answer->new_cross_connects;
  out.search_states = answer->states;
  std::vector<solver::Circuit> exact_circuits;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const Placement& p = answer->placements[i];
    const auto& fl = sc.flows[i];
    std::string line = fmt::format("  {}-{} {:.0f}G: ", fl.a, fl.b, fl.bandwidth.gbps());
    if (!p.admitted) {
      out.optimum_plan += line + "rejected\n";
      continue;
    }
    solver::Circuit c;
    c.id = CircuitId(static_cast<std::uint32_t>(i + 1));
    c.request_id = fmt::format("flow-{}", i);
    c.a = p.port_a;
    c.b = p.port_b;
    c.hops = {{p.optical_switch, p.switch_port_a, p.switch_port_b}};
    c.wavelengths = p.wavelengths;
    c.bandwidth = fl.bandwidth;
    c.min_margin = options.default_margin;
    exact_circuits.push_back(c);
    out.optimum_plan +=
        line + fmt::format("{} {}:{}<->{}:{} ch {} ({})\n", f.optical_switch(p.optical_switch).name,
                           f.port_name(p.port_a), p.switch_port_a, p.switch_port_b,
                           f.port_name(p.port_b), join_ints(p.wavelengths),
                           p.new_cross_connect ? "new" : "groomed");
  }
  out.optimum_violations = solver::check_allocation(f, exact_circuits);
  auto in_order = solve_exact_in_order(f, specs, options.default_margin);
  if (!in_order) {
    out.error = in_order.error().code + ": " + in_order.error().message;
    return out;
  }
  out.in_order_admitted = in_order->admitted;
  out.in_order_cross_connects = in_order->new_cross_connects;
  return out;
}

std::string describe(const Comparison& c) {
  const Fabric& f = c.fabric;
  std::string s = fmt::format(
      "case seed {}: lightpath admits {} with {} cross-connect(s); the optimum admits {} with {}; "
      "the best in-order admit-when-possible solver {} with {}\n",
      c.small_case.seed, c.lightpath_admitted, c.lightpath_cross_connects, c.optimum_admitted,
      c.optimum_cross_connects, c.in_order_admitted, c.in_order_cross_connects);
  s += "  switches:";
  for (const auto& sw : f.optical_switches)
    s += fmt::format(" {} ({} ports)", sw.name, sw.port_count);
  s += "\n";
  for (const auto& ep : f.endpoints) {
    s += fmt::format("  {} ports on:", ep.name);
    const auto& g = ep.groups.front();
    for (int i = 0; i < g.count; ++i) {
      const EndpointPort& p = f.port(g.port(i));
      if (!p.fiber.valid()) {
        s += " -";
        continue;
      }
      const Fiber& fb = f.fiber(p.fiber);
      const FiberEnd& sw = fb.a.is_endpoint() ? fb.b : fb.a;
      s += " " + f.optical_switch(sw.optical_switch).name;
    }
    s += "\n";
  }
  s += "  lightpath, flows in order:\n" + c.lightpath_plan;
  s += "  optimum:\n" + c.optimum_plan;
  return s;
}

}  // namespace lightpath::testing::exact
