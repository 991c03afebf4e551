#include "scheduler/hints.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace lightpath::scheduler {
namespace {

constexpr std::string_view kTextPrefix = "lightpath:";
constexpr std::string_view kLabelPrefix = "lightpath_";

bool known(std::string_view key) {
  const auto& keys = known_hint_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

Error bad_hint(std::string message) {
  return {"BAD_HINT", std::move(message)};
}

// "k=v,k=v" of one "lightpath:" word.
Result<Hints> parse_pairs(std::string_view word, std::string_view pairs) {
  Hints out;
  std::size_t start = 0;
  while (start <= pairs.size()) {
    const auto comma = pairs.find(',', start);
    const auto end = comma == std::string_view::npos ? pairs.size() : comma;
    const auto pair = pairs.substr(start, end - start);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == pair.size())
      return unexpected(bad_hint(fmt::format("'{}': '{}' is not key=value", word, pair)));
    const std::string key(pair.substr(0, eq));
    if (!known(key))
      return unexpected(bad_hint(fmt::format("'{}': unknown key '{}' (known: {})", word, key,
                                             fmt::join(known_hint_keys(), ", "))));
    out[key] = std::string(pair.substr(eq + 1));
    start = end + 1;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& known_hint_keys() {
  static const std::vector<std::string> keys{"pattern", "bandwidth_gbps", "priority", "flow_type",
                                             "on_reject"};
  return keys;
}

Result<Hints> hints_from_text(std::string_view text) {
  Hints out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
    std::size_t end = pos;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    const auto word = text.substr(pos, end - pos);
    pos = end;
    if (!word.starts_with(kTextPrefix)) continue;
    auto pairs = parse_pairs(word, word.substr(kTextPrefix.size()));
    if (!pairs) return pairs;
    for (auto& [k, v] : *pairs) out[k] = v;  // a later word overrides an earlier one
  }
  return out;
}

Result<Hints> hints_from_labels(const std::vector<std::string>& labels) {
  Hints out;
  for (const auto& label : labels) {
    if (!label.starts_with(kLabelPrefix)) continue;
    const std::string pattern = label.substr(kLabelPrefix.size());
    if (auto it = out.find("pattern"); it != out.end() && it->second != pattern)
      return unexpected(
          bad_hint(fmt::format("labels ask for two patterns: '{}' and '{}'", it->second, pattern)));
    out["pattern"] = pattern;
  }
  return out;
}

Hints hints_from_env(const std::map<std::string, std::string>& env) {
  Hints out;
  for (const auto& key : known_hint_keys()) {
    std::string name = "LIGHTPATH_";
    for (char c : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (auto it = env.find(name); it != env.end() && !it->second.empty()) out[key] = it->second;
  }
  return out;
}

Hints merge_hints(const Hints& first, const Hints& second) {
  Hints out = first;
  for (const auto& [k, v] : second) out.try_emplace(k, v);
  return out;
}

}  // namespace lightpath::scheduler
