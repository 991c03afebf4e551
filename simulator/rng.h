#pragma once
// The simulator's random source: xoshiro256** seeded through splitmix64.
// Distributions are written out here rather than taken from <random>, whose
// distributions differ between standard libraries; with these, the same seed
// gives the same numbers everywhere, which the byte-identical replay needs.

#include <cmath>
#include <cstdint>
#include <limits>

namespace lightpath::sim {

class Rng {
 public:
  using result_type = std::uint64_t;

  explicit Rng(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& s : s_) s = splitmix64(x);
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // An independent stream for one model component, so that adding draws in
  // one component does not shift the numbers every other component sees.
  Rng fork(std::uint64_t stream) {
    std::uint64_t x = (*this)() ^ (stream * 0xD1B54A32D192ED03ULL);
    return Rng(splitmix64(x));
  }

  // Uniform in [0, 1).
  double uniform01() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  // Uniform integer in [lo, hi]; the multiply-shift bias is below 2^-32 here.
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi) {
    __extension__ typedef unsigned __int128 Wide;  // GCC and Clang both have it
    const auto span = static_cast<Wide>(static_cast<std::uint64_t>(hi - lo) + 1);
    return lo + static_cast<std::int64_t>((span * (*this)()) >> 64);
  }
  // Exponential with the given mean (inverse CDF).
  double exponential(double mean) { return -mean * std::log1p(-uniform01()); }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  std::uint64_t s_[4];
};

}  // namespace lightpath::sim
