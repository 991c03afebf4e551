#pragma once
// How long one mirror takes to move, as a distribution to draw from. A batch
// moves its mirrors in parallel, so its dark time is the slowest mirror's
// move plus the settle time (docs/mems-model.md).

#include "lightpath/fabric.h"
#include "lightpath/units.h"
#include "simulator/rng.h"

namespace lightpath::sim {

struct SwitchingDistribution {
  enum class Shape { kUniform, kFixed, kTriangular };
  Shape shape = Shape::kUniform;
  Duration min;   // fastest mirror move
  Duration max;   // slowest mirror move; kFixed always takes this
  Duration mode;  // most likely move time, for kTriangular
  Duration settle;

  // Uniform over [min, max] with the given settle: what a topology states.
  static SwitchingDistribution from(const SwitchingTime& t) {
    return {Shape::kUniform, t.min, t.max, t.min, t.settle};
  }

  Duration draw_move(Rng& rng) const {
    const auto lo = min.count_ns();
    const auto hi = max.count_ns();
    switch (shape) {
      case Shape::kFixed:
        return max;
      case Shape::kUniform:
        return Duration::ns(hi <= lo ? lo : rng.uniform_int(lo, hi));
      case Shape::kTriangular: {
        if (hi <= lo) return min;
        // Inverse CDF of the triangular distribution on [lo, hi] peaking at c.
        const double a = static_cast<double>(lo), b = static_cast<double>(hi);
        const double c = static_cast<double>(mode.count_ns());
        const double u = rng.uniform01();
        const double f = (c - a) / (b - a);
        const double x = u < f ? a + std::sqrt(u * (b - a) * (c - a))
                               : b - std::sqrt((1.0 - u) * (b - a) * (b - c));
        return Duration::ns(std::llround(x));
      }
    }
    return max;
  }

  Duration worst_case() const { return max + settle; }
};

}  // namespace lightpath::sim
