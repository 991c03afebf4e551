#include "controller/topology/name_pattern.h"

#include <charconv>

namespace lightpath::topology {
namespace {

Error pattern_error(std::string_view pattern, std::string_view why) {
  return {"BAD_PATTERN", "pattern '" + std::string(pattern) + "': " + std::string(why)};
}

bool parse_uint(std::string_view s, long long& out) {
  if (s.empty() || s.size() > 9) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && out >= 0;
}

// The alternatives one brace group stands for.
Result<std::vector<std::string>> expand_group(std::string_view pattern, std::string_view body) {
  std::vector<std::string> out;
  if (auto dots = body.find(".."); dots != std::string_view::npos) {
    auto lo_s = body.substr(0, dots);
    auto hi_s = body.substr(dots + 2);
    long long lo = 0;
    long long hi = 0;
    if (!parse_uint(lo_s, lo) || !parse_uint(hi_s, hi))
      return unexpected(pattern_error(pattern, "range {" + std::string(body) +
                                                   "} needs two non-negative integers"));
    if (hi < lo)
      return unexpected(pattern_error(pattern, "range {" + std::string(body) + "} runs backwards"));
    if (static_cast<std::size_t>(hi - lo + 1) > kMaxPatternExpansion)
      return unexpected(pattern_error(pattern, "range {" + std::string(body) + "} is too large"));
    const bool padded = lo_s.size() > 1 && lo_s.front() == '0';
    for (long long v = lo; v <= hi; ++v) {
      std::string s = std::to_string(v);
      if (padded && s.size() < lo_s.size()) s.insert(0, lo_s.size() - s.size(), '0');
      out.push_back(std::move(s));
    }
    return out;
  }
  std::size_t start = 0;
  while (true) {
    auto comma = body.find(',', start);
    auto item = body.substr(start, comma == std::string_view::npos ? body.npos : comma - start);
    if (item.empty()) return unexpected(pattern_error(pattern, "empty alternative in braces"));
    out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> expand_pattern(std::string_view pattern) {
  std::vector<std::string> acc{""};
  std::size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '}') return unexpected(pattern_error(pattern, "'}' without '{'"));
    if (c != '{') {
      auto next = pattern.find_first_of("{}", i);
      auto literal = pattern.substr(i, next == std::string_view::npos ? pattern.npos : next - i);
      for (auto& s : acc) s += literal;
      i += literal.size();
      continue;
    }
    auto close = pattern.find('}', i);
    if (close == std::string_view::npos) return unexpected(pattern_error(pattern, "'{' never closed"));
    auto body = pattern.substr(i + 1, close - i - 1);
    if (body.find('{') != std::string_view::npos)
      return unexpected(pattern_error(pattern, "braces cannot nest"));
    auto alts = expand_group(pattern, body);
    if (!alts) return unexpected(alts.error());
    if (acc.size() * alts->size() > kMaxPatternExpansion)
      return unexpected(pattern_error(pattern, "expands to too many names"));
    std::vector<std::string> next;
    next.reserve(acc.size() * alts->size());
    for (const auto& prefix : acc)
      for (const auto& a : *alts) next.push_back(prefix + a);
    acc = std::move(next);
    i = close + 1;
  }
  return acc;
}

}  // namespace lightpath::topology
