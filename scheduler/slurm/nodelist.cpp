#include "scheduler/slurm/nodelist.h"

#include <fmt/format.h>

#include <charconv>

namespace lightpath::slurm {
namespace {

Error malformed(std::string_view list, std::string_view why) {
  return {"MALFORMED_NODELIST", fmt::format("malformed node list '{}': {}", list, why)};
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// One range inside brackets: "7", "1-3" or "01-10", as zero-padded strings.
Result<std::vector<std::string>> expand_range(std::string_view list, std::string_view range) {
  const auto dash = range.find('-');
  const std::string_view lo_text = range.substr(0, dash);
  const std::string_view hi_text =
      dash == std::string_view::npos ? lo_text : range.substr(dash + 1);
  if (!all_digits(lo_text) || !all_digits(hi_text))
    return unexpected(malformed(list, fmt::format("bad range '{}'", range)));
  unsigned long long lo = 0, hi = 0;
  auto r1 = std::from_chars(lo_text.data(), lo_text.data() + lo_text.size(), lo);
  auto r2 = std::from_chars(hi_text.data(), hi_text.data() + hi_text.size(), hi);
  if (r1.ec != std::errc{} || r2.ec != std::errc{})
    return unexpected(malformed(list, fmt::format("number too large in '{}'", range)));
  if (hi < lo) return unexpected(malformed(list, fmt::format("range '{}' runs downwards", range)));
  if (hi - lo >= kMaxNodes)
    return unexpected(
        malformed(list, fmt::format("range '{}' is over {} nodes", range, kMaxNodes)));
  // Slurm pads to the width of the lower bound: "08-10" gives 08 09 10.
  const std::size_t width = lo_text.size();
  std::vector<std::string> out;
  // Stops at `hi` before incrementing: `v <= hi` never fails when hi is ULLONG_MAX.
  for (unsigned long long v = lo;; ++v) {
    out.push_back(fmt::format("{:0{}}", v, width));
    if (v == hi) break;
  }
  return out;
}

// The inside of one bracket group: comma-separated ranges.
Result<std::vector<std::string>> expand_group(std::string_view list, std::string_view inside) {
  if (inside.empty()) return unexpected(malformed(list, "empty brackets"));
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= inside.size()) {
    const auto comma = inside.find(',', start);
    const auto end = comma == std::string_view::npos ? inside.size() : comma;
    auto values = expand_range(list, inside.substr(start, end - start));
    if (!values) return unexpected(std::move(values).error());
    out.insert(out.end(), values->begin(), values->end());
    if (out.size() > kMaxNodes)
      return unexpected(malformed(list, fmt::format("more than {} nodes", kMaxNodes)));
    start = end + 1;
  }
  return out;
}

// One comma-separated element outside brackets: literal text and bracket
// groups, expanded as a cartesian product (leftmost group varies slowest).
Result<std::vector<std::string>> expand_element(std::string_view list, std::string_view element,
                                                std::size_t budget) {
  if (element.empty()) return unexpected(malformed(list, "empty node name"));
  std::vector<std::string> names{""};
  std::size_t pos = 0;
  while (pos < element.size()) {
    const auto open = element.find('[', pos);
    const auto literal = element.substr(pos, open == std::string_view::npos ? open : open - pos);
    if (literal.find(']') != std::string_view::npos)
      return unexpected(malformed(list, "']' without '['"));
    for (auto& n : names) n += literal;
    if (open == std::string_view::npos) break;
    const auto close = element.find(']', open);
    if (close == std::string_view::npos) return unexpected(malformed(list, "'[' without ']'"));
    auto values = expand_group(list, element.substr(open + 1, close - open - 1));
    if (!values) return unexpected(std::move(values).error());
    if (names.size() * values->size() > budget)
      return unexpected(malformed(list, fmt::format("more than {} nodes", kMaxNodes)));
    std::vector<std::string> next;
    next.reserve(names.size() * values->size());
    for (const auto& n : names)
      for (const auto& v : *values) next.push_back(n + v);
    names = std::move(next);
    pos = close + 1;
  }
  return names;
}

}  // namespace

Result<std::vector<std::string>> expand_nodelist(std::string_view list) {
  if (list.empty()) return unexpected(malformed(list, "empty"));
  std::vector<std::string> out;
  // Split on commas outside brackets; commas inside separate ranges.
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    const char c = i < list.size() ? list[i] : ',';
    if (c == '[' && ++depth > 1) return unexpected(malformed(list, "nested '['"));
    if (c == ']' && --depth < 0) return unexpected(malformed(list, "']' without '['"));
    if (c == ' ' || c == '\t' || c == '\n')
      return unexpected(malformed(list, "whitespace in the list"));
    if (c != ',' || depth > 0) continue;
    auto names = expand_element(list, list.substr(start, i - start), kMaxNodes - out.size());
    if (!names) return unexpected(std::move(names).error());
    // The element's own budget only bounds its bracket groups; a plain name counts too.
    if (names->size() > kMaxNodes - out.size())
      return unexpected(malformed(list, fmt::format("more than {} nodes", kMaxNodes)));
    out.insert(out.end(), names->begin(), names->end());
    start = i + 1;
  }
  if (depth != 0) return unexpected(malformed(list, "'[' without ']'"));
  return out;
}

}  // namespace lightpath::slurm
