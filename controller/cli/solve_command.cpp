#include "controller/cli/solve_command.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "controller/requests/request_file.h"
#include "controller/topology/topology_loader.h"

namespace lightpath::cli {
namespace {

struct SolveOptions {
  std::string topology;
  std::string requests;
  std::string state;
  bool json = false;
  int max_hops = 3;
  bool most_admitted = false;
};

void print_diagnostics(const std::vector<topology::Diagnostic>& diags) {
  for (const auto& d : diags) std::cerr << d.to_string() << "\n";
}

std::string wavelengths_text(const std::vector<int>& w) {
  if (w.empty()) return "-";
  bool contiguous = true;
  for (std::size_t i = 1; i < w.size(); ++i) contiguous &= w[i] == w[i - 1] + 1;
  if (contiguous && w.size() > 1) return fmt::format("{}-{}", w.front(), w.back());
  return fmt::format("{}", fmt::join(w, ","));
}

std::string path_text(const Fabric& f, const solver::Circuit& c) {
  std::string s = f.port_name(c.a);
  for (const auto& h : c.hops)
    s +=
        fmt::format(" > {}[{}>{}]", f.optical_switch(h.optical_switch).name, h.in_port, h.out_port);
  return s + " > " + f.port_name(c.b);
}

void print_decision(const Fabric& f, const solver::Decision& d) {
  if (!d.accepted) {
    std::cout << fmt::format("request {}: REJECTED {}\n  {}\n", d.request_id, d.rejection->reason,
                             d.rejection->message);
    return;
  }
  std::cout << fmt::format("request {}: ACCEPTED, {} new circuit(s), {} new cross-connect(s)\n",
                           d.request_id, d.circuits.size(), d.new_cross_connects);
  if (!d.preempt.empty()) {
    std::vector<std::uint32_t> ids;
    for (auto id : d.preempt) ids.push_back(id.value());
    std::cout << fmt::format("  preempts circuit(s) {}\n", fmt::join(ids, ", "));
  }
  for (const auto& fd : d.flows) {
    const std::string pair = fmt::format("{}/{} - {}/{}", fd.flow.a.endpoint, fd.flow.a.port_group,
                                         fd.flow.b.endpoint, fd.flow.b.port_group);
    if (fd.circuit) {
      for (const auto& c : d.circuits)
        if (c.id == *fd.circuit)
          std::cout << fmt::format("  {:<32} circuit {:<4} {}  wavelengths {}\n", pair,
                                   c.id.value(), path_text(f, c), wavelengths_text(c.wavelengths));
    } else if (fd.packet) {
      std::cout << fmt::format("  {:<32} packet fabric via {} (bottleneck {:.0f} Gb/s)\n", pair,
                               fmt::join(fd.packet->nodes, " > "), fd.packet->bottleneck.gbps());
    } else if (fd.rejection) {
      std::cout << fmt::format("  {:<32} not served: {} {}\n", pair, fd.rejection->reason,
                               fd.rejection->message);
    }
  }
}

int run_solve(const SolveOptions& o) {
  auto fabric = topology::load_topology_file(o.topology);
  if (!fabric) {
    print_diagnostics(fabric.error());
    return 1;
  }
  auto reqs = requests::load_requests(o.requests);
  if (!reqs) {
    print_diagnostics(reqs.error());
    return 1;
  }
  solver::AllocationState state(*fabric);
  if (!o.state.empty()) {
    auto loaded = requests::load_state(o.state, *fabric);
    if (!loaded) {
      print_diagnostics(loaded.error());
      return 1;
    }
    state = std::move(*loaded);
  }
  solver::SolverOptions options;
  options.max_switch_hops = o.max_hops;
  options.batch =
      o.most_admitted ? solver::BatchPolicy::kMostAdmitted : solver::BatchPolicy::kArrivalOrder;
  const solver::Solver solver(*fabric, options);
  // What-if only: the decisions are applied to a copy, never stored.
  solver::AllocationState after = state;
  const auto decisions = solver.solve_batch_into(after, *reqs);

  if (o.json) {
    nlohmann::json out{{"decisions", nlohmann::json::array()},
                       {"state", requests::state_json(after)}};
    for (const auto& d : decisions) out["decisions"].push_back(requests::decision_json(*fabric, d));
    std::cout << out.dump(2) << "\n";
  } else {
    for (const auto& d : decisions) print_decision(*fabric, d);
    std::size_t accepted = 0;
    for (const auto& d : decisions) accepted += d.accepted ? 1 : 0;
    std::cout << fmt::format("{} of {} request(s) accepted; {} circuit(s) would be allocated\n",
                             accepted, decisions.size(), after.circuits().size());
  }
  return 0;
}

}  // namespace

void add_solve_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<SolveOptions>();
  auto* cmd =
      app.add_subcommand("solve", "What-if: how requests would be placed (changes nothing)");
  cmd->add_option("--topology", o->topology, "Topology YAML file")->required();
  cmd->add_option("--requests", o->requests, "Request file (YAML or JSON)")->required();
  cmd->add_option("--state", o->state, "Circuits already allocated (a state file)");
  cmd->add_option("--max-hops", o->max_hops, "Most switches a path may cross")
      ->check(CLI::Range(1, 8));
  cmd->add_flag("--most-admitted", o->most_admitted,
                "Reorder the batch to admit as many requests as possible (default: arrival order)");
  cmd->add_flag("--json", o->json, "Print JSON for scripts");
  cmd->callback([o, &exit_code] { exit_code = run_solve(*o); });
}

}  // namespace lightpath::cli
