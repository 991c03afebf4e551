// How close the solver comes to the optimum on small random single-stage MEMS
// fabrics: the full sample of the comparison in
// tests/solver/exact_comparison_test.cpp (whose 200 cases are seeds 1..200
// of this sample). Usage: solver_quality [cases] [examples-to-print]
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>

#include "tests/solver/exact_search.h"

namespace ex = lightpath::testing::exact;

namespace {

// Runs the sample under one batch policy and prints the tally; false when an
// allocation is invalid or lightpath beats an optimum (a bug somewhere).
bool measure(const char* title, const lightpath::solver::SolverOptions& options,
             std::uint64_t cases, int show) {
  fmt::print("== {}\n", title);
  // In arrival order lightpath is itself an in-order solver that admits what
  // still fits, so the best such solver bounds it and measures its placements.
  const bool arrival = options.batch == lightpath::solver::BatchPolicy::kArrivalOrder;
  std::uint64_t optimal_admission = 0;
  std::uint64_t optimal = 0;
  std::uint64_t invalid = 0;
  std::uint64_t over_optimum = 0;
  std::uint64_t flows = 0;
  std::uint64_t admitted = 0;
  std::uint64_t admitted_optimum = 0;
  int max_gap = 0;
  std::map<int, std::uint64_t> gaps;
  std::uint64_t xc_lightpath = 0;  // over cases with optimal admission
  std::uint64_t xc_minimum = 0;
  int max_xc_excess = 0;
  std::uint64_t states = 0;
  // Against the best in-order solver that admits every flow it can place.
  std::uint64_t in_order_admission = 0;
  std::uint64_t in_order_optimal = 0;
  std::uint64_t admitted_in_order = 0;
  std::uint64_t xc_in_order_lightpath = 0;
  std::uint64_t xc_in_order_minimum = 0;
  int max_in_order_gap = 0;
  int shown_gap = 0;
  int shown_placement = 0;
  int shown_xc = 0;
  int shown_in_order_xc = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t seed = 1; seed <= cases; ++seed) {
    const auto c = ex::compare_with_lightpath(ex::generate_case(seed), options);
    if (!c.error.empty()) {
      fmt::print(stderr, "seed {}: {}\n", seed, c.error);
      return false;
    }
    if (!c.lightpath_violations.empty() || !c.optimum_violations.empty() ||
        c.lightpath_state_cross_connects != c.lightpath_cross_connects) {
      ++invalid;
      fmt::print("INVALID ALLOCATION\n{}", ex::describe(c));
      for (const auto& v : c.lightpath_violations)
        fmt::print("  lightpath {}: {}\n", v.kind, v.message);
      for (const auto& v : c.optimum_violations) fmt::print("  exact {}: {}\n", v.kind, v.message);
    }
    flows += static_cast<std::uint64_t>(c.flows);
    admitted += static_cast<std::uint64_t>(c.lightpath_admitted);
    admitted_optimum += static_cast<std::uint64_t>(c.optimum_admitted);
    states += c.search_states;
    const int gap = c.optimum_admitted - c.lightpath_admitted;
    if (gap < 0) {
      ++over_optimum;
      fmt::print("LIGHTPATH ABOVE THE OPTIMUM\n{}", ex::describe(c));
    }
    ++gaps[gap];
    admitted_in_order += static_cast<std::uint64_t>(c.in_order_admitted);
    const int in_order_gap = c.in_order_admitted - c.lightpath_admitted;
    max_in_order_gap = std::max(max_in_order_gap, in_order_gap);
    if (arrival && in_order_gap < 0) {
      ++over_optimum;
      fmt::print("LIGHTPATH ABOVE THE IN-ORDER OPTIMUM\n{}", ex::describe(c));
    }
    if (!arrival) {
      // Reordered batches are not bounded by in-order solvers; nothing to compare.
    } else if (in_order_gap == 0) {
      ++in_order_admission;
      xc_in_order_lightpath += static_cast<std::uint64_t>(c.lightpath_cross_connects);
      xc_in_order_minimum += static_cast<std::uint64_t>(c.in_order_cross_connects);
      if (c.in_order_optimal()) {
        ++in_order_optimal;
      } else if (shown_in_order_xc < show) {
        ++shown_in_order_xc;
        fmt::print("MORE CROSS-CONNECTS THAN THE IN-ORDER MINIMUM\n{}\n", ex::describe(c));
      }
    } else if (shown_placement < show) {
      ++shown_placement;
      fmt::print("BELOW THE IN-ORDER OPTIMUM (placement)\n{}\n", ex::describe(c));
    }
    max_gap = std::max(max_gap, gap);
    if (gap == 0) {
      ++optimal_admission;
      xc_lightpath += static_cast<std::uint64_t>(c.lightpath_cross_connects);
      xc_minimum += static_cast<std::uint64_t>(c.optimum_cross_connects);
      max_xc_excess =
          std::max(max_xc_excess, c.lightpath_cross_connects - c.optimum_cross_connects);
      if (c.optimal()) {
        ++optimal;
      } else if (shown_xc < show) {
        ++shown_xc;
        fmt::print("MORE CROSS-CONNECTS THAN THE MINIMUM\n{}\n", ex::describe(c));
      }
    } else if (shown_gap < show && (!arrival || in_order_gap == 0)) {
      ++shown_gap;
      fmt::print("BELOW THE OPTIMUM{}\n{}\n", arrival ? " (admission order)" : "", ex::describe(c));
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto pct = [&](std::uint64_t n) {
    return 100.0 * static_cast<double>(n) / static_cast<double>(cases);
  };

  fmt::print("cases                                {}\n", cases);
  fmt::print("flows                                {} (lightpath admits {}, the optimum {})\n",
             flows, admitted, admitted_optimum);
  fmt::print("optimal admissions                   {} ({:.1f}%)\n", optimal_admission,
             pct(optimal_admission));
  fmt::print("admission gap (flows short)          mean {:.3f}, max {}\n",
             static_cast<double>(admitted_optimum - admitted) / static_cast<double>(cases),
             max_gap);
  fmt::print("  distribution                      ");
  for (const auto& [g, n] : gaps) fmt::print(" {}:{}", g, n);
  fmt::print("\n");
  fmt::print(
      "at optimal admission, cross-connects {} vs minimum {} (ratio {:.3f}, max excess {})\n",
      xc_lightpath, xc_minimum,
      xc_minimum ? static_cast<double>(xc_lightpath) / static_cast<double>(xc_minimum) : 1.0,
      max_xc_excess);
  fmt::print("  at the minimum                     {} of {} ({:.1f}%)\n", optimal,
             optimal_admission,
             optimal_admission
                 ? 100.0 * static_cast<double>(optimal) / static_cast<double>(optimal_admission)
                 : 0.0);
  fmt::print("fully optimal (both)                 {} ({:.1f}%)\n", optimal, pct(optimal));
  if (arrival) {
    fmt::print("against the best in-order solver that admits whatever still fits:\n");
    fmt::print("  flows it admits                    {}\n", admitted_in_order);
    fmt::print("  as many admissions                 {} ({:.1f}%), max gap {}\n",
               in_order_admission, pct(in_order_admission), max_in_order_gap);
    fmt::print("  cross-connects at equal admission  {} vs minimum {} (ratio {:.3f})\n",
               xc_in_order_lightpath, xc_in_order_minimum,
               xc_in_order_minimum ? static_cast<double>(xc_in_order_lightpath) /
                                         static_cast<double>(xc_in_order_minimum)
                                   : 1.0);
    fmt::print("  fully optimal (both)               {} ({:.1f}%)\n", in_order_optimal,
               pct(in_order_optimal));
  }
  fmt::print("invalid allocations                  {}\n", invalid);
  fmt::print("lightpath above the optimum          {}\n", over_optimum);
  fmt::print("exact search states                  {} ({:.0f} per case)\n", states,
             static_cast<double>(states) / static_cast<double>(cases));
  fmt::print("time                                 {:.2f} s\n", secs);
  fmt::print("\n");
  return invalid == 0 && over_optimum == 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t cases = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2000;
  const int show = argc > 2 ? std::atoi(argv[2]) : 0;
  namespace sv = lightpath::solver;
  sv::SolverOptions arrival;
  arrival.batch = sv::BatchPolicy::kArrivalOrder;
  sv::SolverOptions most;
  most.batch = sv::BatchPolicy::kMostAdmitted;
  bool ok = measure("batch policy: arrival order (the default)", arrival, cases, show);
  ok = measure("batch policy: most admitted", most, cases, show) && ok;
  return ok ? 0 : 1;
}
