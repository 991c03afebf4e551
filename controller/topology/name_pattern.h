#pragma once
// Brace patterns that let a topology file name many things in one line:
//   "rack{1..4}"          -> rack1 rack2 rack3 rack4
//   "block{00..63}"       -> block00 ... block63 (width from the first bound)
//   "ocs1/{0..15}"        -> ocs1/0 ... ocs1/15
//   "leaf{a,b}"           -> leafa leafb
//   "r{1..2}/p/{0..1}"    -> r1/p/0 r1/p/1 r2/p/0 r2/p/1 (leftmost varies slowest)

#include <string>
#include <string_view>
#include <vector>

#include "lightpath/result.h"

namespace lightpath::topology {

// Guards against a typo such as {0..99999999} exhausting memory.
inline constexpr std::size_t kMaxPatternExpansion = 1'000'000;

Result<std::vector<std::string>> expand_pattern(std::string_view pattern);

}  // namespace lightpath::topology
