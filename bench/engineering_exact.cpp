// Topology engineering against the exact optimum on small full fabrics
// (a plain main(); needs GLPK). For each case: n blocks, S MEMS switches,
// every block with 2 ports on every switch, the uniform topology planned from
// scratch, then 10% of its links rewired by degree-preserving swaps. Prints
// the pair-count bound, the planner's changes, the LP relaxation and the
// integer optimum of the exact model (docs/topology-engineering.md).
//
//   engineering_exact [blocks switches seeds fraction seconds [free]]
// seconds: time limit of the integer search; 0 solves the LP only (by the
// interior-point method; 64 48 means tpuv4-pod itself, ~3 minutes a seed);
// negative runs the planner only (with and without its improvement phase).
// free: instead, the most links to add that need no link moved.
// LIGHTPATH_EXACT_MPS=PREFIX also writes each seed's model as PREFIX-seedK.mps
// and the planner's plan as a MIP start beside it, for another MIP solver
// (e.g. Debian's coinor-cbc: cbc F.mps -mipstart F.mps.start -solve).
#include <glpk.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "bench/engineering_cases.h"
#include "controller/solver/topology_engineering.h"

namespace {

using namespace lightpath;

struct Exact {
  double lp = -1;
  double best = -1;   // best plan found
  double bound = -1;  // best proved bound
};

// The exact model: on switch s, pair e has g_se links today and
// g_se − r_se + a_se in the plan (r removed, a added, both integers >= 0).
// min Σ r + a subject to every endpoint's ports at every switch
// (Σ_{e∋i} g − r + a <= cap_is) and the target (Σ_s a_se − r_se = x_e − cur_e).
// r and a are not both positive at an optimum, so the cost is Σ |h − g|.
Exact solve_exact(const solver::PortBudget& budget, const std::vector<std::vector<int>>& x,
                  const std::map<std::tuple<int, int, int>, int>& g, int time_limit_s,
                  const std::map<std::tuple<int, int, int>, int>& planned, const std::string& mps) {
  const int n = static_cast<int>(x.size());
  const int S = static_cast<int>(budget.owner.size());
  glp_prob* p = glp_create_prob();
  glp_set_obj_dir(p, GLP_MIN);
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  auto coef = [&](int r, int c, double v) { ia.push_back(r), ja.push_back(c), ar.push_back(v); };
  std::vector<std::pair<int, int>> pairs;
  std::map<std::pair<int, int>, int> index;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      index[{i, j}] = static_cast<int>(pairs.size());
      pairs.emplace_back(i, j);
    }
  const int P = static_cast<int>(pairs.size());
  auto vertex_row = [&](int i, int s) { return 1 + i * S + s; };
  auto pair_row = [&](int e) { return 1 + n * S + e; };
  glp_add_rows(p, n * S + P);
  std::vector<std::vector<int>> used(n, std::vector<int>(S, 0));
  std::vector<int> cur(P, 0);
  std::vector<std::tuple<int, int, int>> columns;  // (s, e, sign) of each column
  auto column = [&](int s, int e, int sign, double hi) {
    columns.emplace_back(s, e, sign);
    const int c = glp_add_cols(p, 1);
    glp_set_col_kind(p, c, GLP_IV);
    glp_set_col_bnds(p, c, hi > 0 ? GLP_DB : GLP_FX, 0, hi);
    glp_set_obj_coef(p, c, 1);
    coef(vertex_row(pairs[e].first, s), c, sign);
    coef(vertex_row(pairs[e].second, s), c, sign);
    coef(pair_row(e), c, sign);
  };
  for (const auto& [key, count] : g) {
    const auto [s, i, j] = key;
    const int e = index[{i, j}];
    used[i][s] += count, used[j][s] += count;
    cur[e] += count;
    column(s, e, -1, count);  // r
  }
  for (int s = 0; s < S; ++s)
    for (int e = 0; e < P; ++e) {
      const auto [i, j] = pairs[e];
      if (x[i][j] == 0) continue;                                           // never added
      column(s, e, 1, std::min(budget.budget(i, s), budget.budget(j, s)));  // a
    }
  for (int i = 0; i < n; ++i)
    for (int s = 0; s < S; ++s)
      glp_set_row_bnds(p, vertex_row(i, s), GLP_UP, 0, budget.budget(i, s) - used[i][s]);
  for (int e = 0; e < P; ++e) {
    const double v = x[pairs[e].first][pairs[e].second] - cur[e];
    glp_set_row_bnds(p, pair_row(e), GLP_FX, v, v);
  }
  glp_load_matrix(p, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  // The planner's plan goes beside it as a MIP start (cbc's solution format).
  if (!mps.empty()) {
    glp_write_mps(p, GLP_MPS_FILE, nullptr, mps.c_str());
    std::FILE* start = std::fopen((mps + ".start").c_str(), "w");
    std::fprintf(start, "Stopped on iterations - objective value 0\n");
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const auto [s, e, sign] = columns[k];
      const auto key = std::make_tuple(s, pairs[e].first, pairs[e].second);
      const int today = g.count(key) ? g.at(key) : 0;
      const int plan = planned.count(key) ? planned.at(key) : 0;
      const int v = sign < 0 ? std::max(0, today - plan) : std::max(0, plan - today);
      std::fprintf(start, "%zu C%07zu %d 0\n", k, k + 1, v);
    }
    std::fclose(start);
  }
  Exact out;
  glp_smcp sm;
  glp_init_smcp(&sm);
  sm.msg_lev = GLP_MSG_OFF;
  // On tpuv4-pod (100,000 columns) the interior-point method is the faster;
  // its objective is optimal to ~1e-8.
  if (time_limit_s > 0) {
    if (glp_simplex(p, &sm) == 0 && glp_get_status(p) == GLP_OPT) out.lp = glp_get_obj_val(p);
  } else {
    glp_iptcp ip;
    glp_init_iptcp(&ip);
    ip.msg_lev = GLP_MSG_OFF;
    // GLPK stops on numeric instability once the gap is ~1e-8, keeping its
    // best point: good enough for a bound that is rounded down anyway.
    const int rc = glp_interior(p, &ip);
    if (rc == 0 || rc == GLP_EINSTAB) out.lp = glp_ipt_obj_val(p);
  }
  if (time_limit_s <= 0) {
    glp_delete_prob(p);
    return out;
  }
  glp_iocp io;
  glp_init_iocp(&io);
  io.msg_lev = GLP_MSG_OFF;
  io.tm_lim = time_limit_s * 1000;
  io.gmi_cuts = GLP_ON;
  io.mir_cuts = GLP_ON;
  const int rc = glp_intopt(p, &io);
  if (rc == 0 || rc == GLP_ETMLIM) {
    const int st = glp_mip_status(p);
    if (st == GLP_OPT || st == GLP_FEAS) out.best = glp_mip_obj_val(p);
    out.bound = st == GLP_OPT ? out.best : out.lp;
  }
  glp_delete_prob(p);
  return out;
}

// The most links to add that can go where removals free ports, with no link
// moved: choose which copies of each surplus pair go (z), then give each link
// to add a switch where both ends freed a port (y). Max Σ y.
double max_free_additions(const std::vector<std::vector<int>>& x,
                          const std::map<std::tuple<int, int, int>, int>& g, int S) {
  const int n = static_cast<int>(x.size());
  std::vector<std::vector<int>> cur(n, std::vector<int>(n, 0));
  for (const auto& [key, count] : g) {
    const auto [s, i, j] = key;
    cur[i][j] += count, cur[j][i] += count;
  }
  glp_prob* p = glp_create_prob();
  glp_set_obj_dir(p, GLP_MAX);
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  auto coef = [&](int r, int c, double v) { ia.push_back(r), ja.push_back(c), ar.push_back(v); };
  auto cell_row = [&](int v, int s) { return 1 + v * S + s; };
  glp_add_rows(p, n * S);
  for (int r = 1; r <= n * S; ++r) glp_set_row_bnds(p, r, GLP_UP, 0, 0);
  std::map<std::pair<int, int>, int> surplus_row;
  for (const auto& [key, count] : g) {  // z: copies of surplus pairs dropped on s
    const auto [s, i, j] = key;
    const int surplus = cur[i][j] - x[i][j];
    if (surplus <= 0) continue;
    auto [it, fresh] = surplus_row.try_emplace({i, j}, 0);
    if (fresh) {
      it->second = glp_add_rows(p, 1);
      glp_set_row_bnds(p, it->second, GLP_FX, surplus, surplus);
    }
    const int c = glp_add_cols(p, 1);
    glp_set_col_kind(p, c, GLP_IV);
    glp_set_col_bnds(p, c, GLP_DB, 0, count);
    coef(it->second, c, 1);
    coef(cell_row(i, s), c, -1);
    coef(cell_row(j, s), c, -1);
  }
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      const int deficit = x[i][j] - cur[i][j];
      if (deficit <= 0) continue;
      const int r = glp_add_rows(p, 1);
      glp_set_row_bnds(p, r, GLP_UP, 0, deficit);
      for (int s = 0; s < S; ++s) {  // y
        const int c = glp_add_cols(p, 1);
        glp_set_col_kind(p, c, GLP_IV);
        glp_set_col_bnds(p, c, GLP_LO, 0, 0);
        glp_set_obj_coef(p, c, 1);
        coef(r, c, 1);
        coef(cell_row(i, s), c, 1);
        coef(cell_row(j, s), c, 1);
      }
    }
  glp_load_matrix(p, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_smcp sm;
  glp_init_smcp(&sm);
  sm.msg_lev = GLP_MSG_OFF;
  glp_simplex(p, &sm);
  glp_iocp io;
  glp_init_iocp(&io);
  io.msg_lev = GLP_MSG_OFF;
  io.tm_lim = 60000;
  glp_intopt(p, &io);
  const double best = glp_mip_obj_val(p);
  glp_delete_prob(p);
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 12;
  const int S = argc > 2 ? std::atoi(argv[2]) : 8;
  const int seeds = argc > 3 ? std::atoi(argv[3]) : 3;
  const double fraction = argc > 4 ? std::atof(argv[4]) : 0.10;
  const int time_limit = argc > 5 ? std::atoi(argv[5]) : 60;  // 0: the LP only
  const bool free_only = argc > 6 && std::string(argv[6]) == "free";
  // For solving the same model with another MIP solver: PREFIX-seedK.mps, and
  // the planner's plan as a MIP start beside it (PREFIX-seedK.mps.start).
  const char* mps_env = std::getenv("LIGHTPATH_EXACT_MPS");
  const std::string mps_prefix = mps_env ? mps_env : "";
  auto fabric = bench::full_fabric(n, S);
  if (!fabric) {
    for (const auto& d : fabric.error()) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    return 1;
  }
  const Fabric& f = *fabric;
  const auto budget = solver::port_budget(f);
  const auto [t, current] = bench::uniform_baseline(f);
  const auto g = bench::links_today(budget, current);
  std::printf("n=%d S=%d links=%d fraction=%.2f\n", n, S, t.total_links(), fraction);
  std::printf("seed  pair_bound  unimproved  planner  moved  lp  ilp_best  ilp_bound\n");
  for (int seed = 1; seed <= seeds; ++seed) {
    const auto target = bench::rewire(t, fraction, static_cast<std::uint32_t>(seed));
    auto plan = solver::engineer(f, target, current);
    solver::PlacementOptions no_search;
    no_search.improve_rounds = 0;
    auto unimproved = solver::engineer(f, target, current, no_search);
    if (free_only) {
      std::printf("seed %d: %.0f links can be added with none moved\n", seed,
                  max_free_additions(target.links, g, S));
      continue;
    }
    std::vector<solver::CrossConnect> planned_xcs;
    for (const auto& l : plan->cross_connects) planned_xcs.push_back(l.cross_connect);
    const Exact ex = time_limit < 0
                         ? Exact{}
                         : solve_exact(budget, target.links, g, time_limit,
                                       bench::links_today(budget, planned_xcs),
                                       mps_prefix.empty()
                                           ? std::string()
                                           : mps_prefix + "-seed" + std::to_string(seed) + ".mps");
    std::printf("%4d  %10d  %10d  %7d  %5d  %.2f  %.0f  %.2f\n", seed, plan->lower_bound_changes,
                unimproved->changes(), plan->changes(), plan->moved_links, ex.lp, ex.best,
                ex.bound);
    std::fflush(stdout);
  }
  return 0;
}
