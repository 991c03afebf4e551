#include "controller/cli/engineer_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "controller/solver/topology_engineering.h"
#include "controller/topology/topology_loader.h"

namespace lightpath::cli {
namespace {

struct EngineerOptions {
  std::string topology;
  std::string matrix;
  std::string current;
  bool json = false;
  bool no_fill = false;
  int top = 10;
};

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << path << ": cannot open file\n";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

template <class R>
bool report(const R& r, const std::string& file) {
  if (r) return true;
  for (const auto& d : r.error()) std::cerr << d.to_string() << "\n";
  std::cerr << fmt::format("{}: {} error(s)\n", file, r.error().size());
  return false;
}

struct PairLinks {
  int links;
  std::size_t i, j;
};

std::vector<PairLinks> pairs_by_links(const solver::LogicalTopology& t) {
  std::vector<PairLinks> out;
  for (std::size_t i = 0; i < t.links.size(); ++i)
    for (std::size_t j = i + 1; j < t.links.size(); ++j)
      if (t.links[i][j] > 0) out.push_back({t.links[i][j], i, j});
  std::stable_sort(out.begin(), out.end(),
                   [](const PairLinks& a, const PairLinks& b) { return a.links > b.links; });
  return out;
}

nlohmann::json to_json(const Fabric& f, const solver::EngineeringPlan& plan) {
  auto xc_json = [&](const solver::CrossConnect& xc) {
    return nlohmann::json{
        {"switch", f.optical_switch(xc.optical_switch).name}, {"a", xc.port_a}, {"b", xc.port_b}};
  };
  nlohmann::json j;
  j["endpoints"] = plan.topology.endpoints;
  j["links"] = plan.topology.links;
  j["total_links"] = plan.topology.total_links();
  j["cross_connects"] = nlohmann::json::array();
  for (const auto& l : plan.cross_connects) {
    auto x = xc_json(l.cross_connect);
    x["endpoint_a"] = f.endpoint(l.endpoint_a).name;
    x["endpoint_b"] = f.endpoint(l.endpoint_b).name;
    j["cross_connects"].push_back(x);
  }
  j["removed"] = nlohmann::json::array();
  for (const auto& xc : plan.removed) j["removed"].push_back(xc_json(xc));
  j["added"] = nlohmann::json::array();
  for (const auto& xc : plan.added) j["added"].push_back(xc_json(xc));
  j["changes"] = plan.changes();
  j["lower_bound_changes"] = plan.lower_bound_changes;
  j["pair_bound_changes"] = plan.pair_bound_changes;
  j["moved_links"] = plan.moved_links;
  j["unplaced_links"] = plan.unplaced_links;
  j["unplaced"] = nlohmann::json::array();
  for (const auto& u : plan.unplaced)
    j["unplaced"].push_back({{"a", u.endpoint_a}, {"b", u.endpoint_b}, {"count", u.count}});
  return j;
}

void print_text(const Fabric& f, const solver::EngineeringPlan& plan, int top) {
  const auto& t = plan.topology;
  const auto pairs = pairs_by_links(t);
  std::cout << fmt::format("logical topology: {} endpoints, {} links over {} pairs\n",
                           t.endpoints.size(), t.total_links(), pairs.size());
  std::cout << "top pairs by links:\n";
  for (std::size_t k = 0; k < pairs.size() && k < static_cast<std::size_t>(top); ++k)
    std::cout << fmt::format("  {:<12} {:<12} {:>4} links\n", t.endpoints[pairs[k].i],
                             t.endpoints[pairs[k].j], pairs[k].links);
  std::vector<int> per_switch(f.optical_switches.size(), 0);
  for (const auto& l : plan.cross_connects) ++per_switch[l.cross_connect.optical_switch.value()];
  std::cout << "cross-connects per switch:\n";
  for (std::size_t s = 0; s < per_switch.size(); ++s)
    if (f.optical_switches[s].kind == SwitchKind::kMems)
      std::cout << fmt::format("  {:<12} {:>4} cross-connects, {} of {} ports\n",
                               f.optical_switches[s].name, per_switch[s], 2 * per_switch[s],
                               f.optical_switches[s].port_count);
  const double ratio = plan.lower_bound_changes > 0
                           ? static_cast<double>(plan.changes()) / plan.lower_bound_changes
                           : 1.0;
  std::cout << fmt::format(
      "changes: {} removed + {} added = {} (lower bound {}, ratio {:.3f}; pair-count bound {}; {} "
      "kept links moved)\n",
      plan.removed.size(), plan.added.size(), plan.changes(), plan.lower_bound_changes, ratio,
      plan.pair_bound_changes, plan.moved_links);
  std::cout << fmt::format("unplaced links: {}\n", plan.unplaced_links);
  for (const auto& u : plan.unplaced)
    std::cout << fmt::format("  {} - {}: {}\n", u.endpoint_a, u.endpoint_b, u.count);
}

int run(const EngineerOptions& o) {
  auto fabric = topology::load_topology_file(o.topology);
  if (!report(fabric, o.topology)) return 1;
  auto matrix_text = read_text(o.matrix);
  if (!matrix_text) return 1;
  auto matrix = solver::parse_traffic_matrix(*matrix_text, o.matrix, *fabric);
  if (!report(matrix, o.matrix)) return 1;
  std::vector<solver::CrossConnect> current;
  if (!o.current.empty()) {
    auto text = read_text(o.current);
    if (!text) return 1;
    auto parsed = solver::parse_cross_connects(*text, o.current, *fabric);
    if (!report(parsed, o.current)) return 1;
    current = std::move(*parsed);
  }
  solver::EngineeringOptions eo;
  eo.fill_leftover_ports = !o.no_fill;
  auto topo = solver::logical_topology(*fabric, *matrix, eo);
  if (!topo) {
    std::cerr << topo.error().code << ": " << topo.error().message << "\n";
    return 1;
  }
  auto plan = solver::engineer(*fabric, *topo, current);
  if (!plan) {
    std::cerr << plan.error().code << ": " << plan.error().message << "\n";
    return 1;
  }
  if (auto v = solver::check_engineering_plan(*fabric, *plan); !v.empty()) {
    for (const auto& line : v) std::cerr << "plan check: " << line << "\n";
    return 2;  // a bug in the planner, not in the input
  }
  if (o.json)
    std::cout << to_json(*fabric, *plan).dump(2) << "\n";
  else
    print_text(*fabric, *plan, o.top);
  return plan->unplaced_links == 0 ? 0 : 3;
}

}  // namespace

void add_engineer_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<EngineerOptions>();
  auto* cmd = app.add_subcommand(
      "engineer", "Plan OCS cross-connects for a traffic matrix (offline; changes nothing)");
  cmd->add_option("--topology", opts->topology, "Topology YAML file")->required();
  cmd->add_option("--matrix", opts->matrix, "Traffic matrix YAML/JSON file")->required();
  cmd->add_option("--current", opts->current, "Current cross-connects YAML/JSON file");
  cmd->add_flag("--json", opts->json, "Print JSON for scripts");
  cmd->add_flag("--no-fill", opts->no_fill, "Leave ports without demand dark");
  cmd->add_option("--top", opts->top, "How many pairs to list (default 10)");
  cmd->callback([opts, &exit_code] { exit_code = run(*opts); });
}

}  // namespace lightpath::cli
