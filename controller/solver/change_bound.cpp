#include "controller/solver/change_bound.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace lightpath::solver::detail {
namespace {

// One pair of endpoints that the plan must link: its target count and where
// its links are today.
struct Pair {
  int i, j, target, today;
  std::vector<std::pair<int, int>> on;  // (switch, links today), ascending switch
};

// min_s a[s] + b[s], with four running minima: one chain of dependent
// comparisons was most of the bound's time.
double min_sum(const double* a, const double* b, int n) {
  double m[4] = {a[0] + b[0], a[0] + b[0], a[0] + b[0], a[0] + b[0]};
  int s = 0;
  for (; s + 4 <= n; s += 4)
    for (int k = 0; k < 4; ++k) m[k] = std::min(m[k], a[s + k] + b[s + k]);
  for (; s < n; ++s) m[0] = std::min(m[0], a[s] + b[s]);
  return std::min(std::min(m[0], m[1]), std::min(m[2], m[3]));
}

}  // namespace

double lagrangian_change_bound(const ChangeBoundInput& in, int iterations,
                               std::vector<double>* average) {
  const auto& x = *in.target;
  const auto& cap = *in.capacity;
  const int n = static_cast<int>(x.size());
  const int S = n > 0 ? static_cast<int>(cap[0].size()) : 0;
  if (average) average->assign(static_cast<std::size_t>(n) * n * S, 0.0);
  if (n == 0 || S == 0) return 0;

  // Pairs with no target lose every link today whatever the multipliers: a constant.
  std::vector<std::vector<int>> index(n, std::vector<int>(n, -1));
  std::vector<Pair> pairs;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (x[i][j] > 0) {
        index[i][j] = static_cast<int>(pairs.size());
        pairs.push_back({i, j, x[i][j], 0, {}});
      }
  double constant = 0;
  {
    std::vector<std::array<int, 3>> links = in.current;
    std::sort(links.begin(), links.end(), [](const auto& a, const auto& b) {
      return std::tie(a[1], a[2], a[0]) < std::tie(b[1], b[2], b[0]);
    });
    for (const auto& [s, i, j] : links) {
      const int k = index[i][j];
      if (k < 0) {
        constant += 1;
        continue;
      }
      Pair& p = pairs[static_cast<std::size_t>(k)];
      ++p.today;
      if (!p.on.empty() && p.on.back().first == s)
        ++p.on.back().second;
      else
        p.on.emplace_back(s, 1);
    }
  }

  // Multipliers of the port constraints Σ_j x_sij ≤ cap[i][s], flat [i][s].
  const std::size_t cells = static_cast<std::size_t>(n) * S;
  std::vector<double> lambda(cells, 0.0), degree(cells, 0.0);
  std::vector<std::pair<double, int>> units;  // (marginal cost, switch) of today's links
  double best = -1e300, last_best = -1e300;
  // Deflected subgradient steps (each direction keeps kDeflect of the last):
  // plain steps zigzag and took thousands of iterations to come near the LP
  // value on tpuv4-pod. Polyak step lengths aim kAim above the best value so
  // far, with the factor halved whenever the best stalls for kPatience steps.
  constexpr double kDeflect = 0.85, kAim = 0.3, kSmallestFactor = 1e-3;
  constexpr int kPatience = 30;
  double factor = 2.0;
  int stalled = 0;
  std::vector<double> direction(cells, 0.0);
  // The primal estimate sums the steps' relaxed plans from the last power of
  // two on: the later half or more of the steps, however many are run (the
  // early ones, far from the dual optimum, would only blur it).
  std::vector<std::pair<std::size_t, int>> step_plan;  // ([i][j][s] with i < j, links)
  std::vector<double> sum;
  int summed = 0;
  if (average) sum.assign(average->size(), 0.0);
  auto plan_at = [&](const Pair& p, int s, int links) {
    if (average) step_plan.emplace_back((static_cast<std::size_t>(p.i) * n + p.j) * S + s, links);
  };
  for (int it = 0; it < iterations && factor >= kSmallestFactor; ++it) {
    std::fill(degree.begin(), degree.end(), 0.0);
    step_plan.clear();
    double value = constant;
    for (const Pair& p : pairs) {
      const double* li = &lambda[static_cast<std::size_t>(p.i) * S];
      const double* lj = &lambda[static_cast<std::size_t>(p.j) * S];
      // A link beyond today's on switch s costs an addition plus the ports'
      // prices; the cheapest such switch takes whatever today's links do not.
      const double cheapest_price = min_sum(li, lj, S);
      int cheapest = 0;
      while (li[cheapest] + lj[cheapest] != cheapest_price) ++cheapest;
      // Keeping one of today's links saves its removal.
      units.clear();
      for (const auto& [s, count] : p.on)
        for (int c = 0; c < count; ++c) units.emplace_back(li[s] + lj[s] - 1.0, s);
      std::sort(units.begin(), units.end());
      double cost = p.today;  // every link of today removed, none placed
      int placed = 0;
      for (const auto& [price, s] : units) {
        if (placed == p.target || price >= cheapest_price + 1.0) break;
        cost += price;
        degree[static_cast<std::size_t>(p.i) * S + s] += 1;
        degree[static_cast<std::size_t>(p.j) * S + s] += 1;
        plan_at(p, s, 1);
        ++placed;
      }
      const int rest = p.target - placed;
      cost += rest * (cheapest_price + 1.0);
      degree[static_cast<std::size_t>(p.i) * S + cheapest] += rest;
      degree[static_cast<std::size_t>(p.j) * S + cheapest] += rest;
      if (rest > 0) plan_at(p, cheapest, rest);
      value += cost;
    }
    bool fits = true;
    for (std::size_t c = 0; c < cells; ++c) {
      const int i = static_cast<int>(c / S), s = static_cast<int>(c % S);
      value -= lambda[c] * cap[i][s];
      degree[c] -= cap[i][s];  // now the subgradient
      if (degree[c] > 0 || (lambda[c] > 0 && degree[c] < 0)) fits = false;
    }
    best = std::max(best, value);
    if (average) {
      if (fits || (it & (it - 1)) == 0) {
        std::fill(sum.begin(), sum.end(), 0.0);
        summed = 0;
      }
      for (const auto& [k, links] : step_plan) sum[k] += links;
      ++summed;
    }
    // The relaxed plan fits every port and prices only full ones: optimal.
    if (fits) break;
    if (best > last_best + 1e-9) {
      last_best = best, stalled = 0;
    } else if (++stalled >= kPatience) {
      factor /= 2, stalled = 0;
    }
    double norm = 0;
    for (std::size_t c = 0; c < cells; ++c) {
      direction[c] = degree[c] + kDeflect * direction[c];
      norm += direction[c] * direction[c];
    }
    if (norm == 0) break;
    const double step = factor * (best + std::max(1.0, kAim * std::abs(best)) - value) / norm;
    for (std::size_t c = 0; c < cells; ++c)
      lambda[c] = std::max(0.0, lambda[c] + step * direction[c]);
  }
  if (average && summed > 0)
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j)
        for (int s = 0; s < S; ++s) {
          const double v = sum[(static_cast<std::size_t>(i) * n + j) * S + s] / summed;
          (*average)[(static_cast<std::size_t>(i) * n + j) * S + s] = v;
          (*average)[(static_cast<std::size_t>(j) * n + i) * S + s] = v;
        }
  return best;
}

int round_change_bound(double dual, int pair_bound) {
  // The dual is a float sum: allow for rounding before rounding up.
  int bound = static_cast<int>(std::ceil(dual - 1e-6));
  if (bound <= pair_bound) return pair_bound;
  if ((bound - pair_bound) % 2 != 0) ++bound;
  return bound;
}

}  // namespace lightpath::solver::detail
