#include "simulator/trace/json_record.h"

#include <algorithm>
#include <limits>

namespace lightpath::trace {
namespace {

std::string type_name(const nlohmann::json& v) {
  if (v.is_number_float()) return "a decimal number";
  if (v.is_number()) return "an integer";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "an object";
  return "null";
}

}  // namespace

int JsonRecord::column_of(const char* key) const {
  // Appends rather than `"\"" + std::string(...)`, which trips GCC 12's
  // false -Wrestrict (GCC bug 105329).
  std::string quoted = "\"";
  quoted.append(key).append("\"");
  const auto pos = text_.find(quoted);
  return pos == std::string_view::npos ? 1 : static_cast<int>(pos) + 1;
}

void JsonRecord::field_error(const char* key, const std::string& message) {
  diags_.add(line_, column_of(key), prefix() + "field '" + key + "' " + message);
}

void JsonRecord::error(const std::string& message) {
  diags_.add(line_, 1, prefix() + message);
}

void JsonRecord::only_keys(std::initializer_list<std::string_view> allowed, std::string_view why) {
  for (const auto& [key, value] : obj_.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string known;
    for (auto k : allowed) known += (known.empty() ? "" : ", ") + std::string(k);
    std::string message = prefix() + "unknown field '" + key + "'";
    if (!why.empty()) message.append(" ").append(why);
    message.append(" (known fields: ").append(known).append(")");
    diags_.add(line_, column_of(key.c_str()), std::move(message));
  }
}

std::optional<std::string> JsonRecord::text(const char* key) {
  if (!obj_.contains(key)) {
    error("missing field '" + std::string(key) + "'");
    return std::nullopt;
  }
  const auto& v = obj_.at(key);
  if (!v.is_string()) {
    field_error(key, "must be a string, got " + type_name(v));
    return std::nullopt;
  }
  auto s = v.get<std::string>();
  if (s.empty()) {
    field_error(key, "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> JsonRecord::integer(const char* key, std::int64_t min) {
  if (!obj_.contains(key)) {
    error("missing field '" + std::string(key) + "'");
    return std::nullopt;
  }
  const auto& v = obj_.at(key);
  if (v.is_number_unsigned()) {
    if (v.get<std::uint64_t>() >
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      field_error(key, "is too large");
      return std::nullopt;
    }
  } else if (!v.is_number_integer()) {
    field_error(key, "must be an integer, got " + type_name(v));
    return std::nullopt;
  }
  const auto n = v.get<std::int64_t>();
  if (n < min) {
    if (min == 0)
      field_error(key, "must not be negative, got " + std::to_string(n));
    else
      field_error(key, "must be at least " + std::to_string(min) + ", got " + std::to_string(n));
    return std::nullopt;
  }
  return n;
}

std::optional<std::vector<std::vector<int>>> JsonRecord::int_lists(const char* key) {
  if (!obj_.contains(key)) {
    error("missing field '" + std::string(key) + "'");
    return std::nullopt;
  }
  const auto& v = obj_.at(key);
  if (!v.is_array() || v.empty()) {
    field_error(key, "must be a non-empty list of GPU lists");
    return std::nullopt;
  }
  std::vector<std::vector<int>> out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto& inner = v[i];
    if (!inner.is_array() || inner.empty()) {
      field_error(key, "entry " + std::to_string(i) + " must be a non-empty list of GPU numbers");
      return std::nullopt;
    }
    std::vector<int> ids;
    ids.reserve(inner.size());
    for (const auto& g : inner) {
      if (!g.is_number_integer() || g.get<std::int64_t>() < 0 ||
          g.get<std::int64_t>() > std::numeric_limits<int>::max()) {
        field_error(key, "entry " + std::to_string(i) +
                             " must hold only non-negative GPU numbers, got " + g.dump());
        return std::nullopt;
      }
      ids.push_back(g.get<int>());
    }
    out.push_back(std::move(ids));
  }
  return out;
}

std::optional<std::vector<std::string>> JsonRecord::optional_text_list(const char* key) {
  if (!obj_.contains(key)) return std::vector<std::string>{};
  const auto& v = obj_.at(key);
  if (!v.is_array()) {
    field_error(key, "must be a list of op ids, got " + type_name(v));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& s : v) {
    if (!s.is_string() || s.get<std::string>().empty()) {
      field_error(key, "must hold only op ids (strings), got " + s.dump());
      return std::nullopt;
    }
    out.push_back(s.get<std::string>());
  }
  return out;
}

}  // namespace lightpath::trace
