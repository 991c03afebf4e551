#include "controller/topology/yaml_reader.h"

#include <algorithm>
#include <cmath>

namespace lightpath::topology {
namespace {

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past
// U+10FFFF. yaml-cpp passes the bytes of a UTF-8 file through unchecked;
// names must be text that JSON (and protobuf strings) can carry.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    char32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace

std::string Diagnostic::to_string() const {
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

void YamlReader::error(const YAML::Mark& at, std::string message) {
  ++total_;
  if (diags_.size() >= kMaxDiagnostics) return;
  // yaml-cpp marks are 0-based and -1 for nodes built in memory.
  diags_.push_back({file_, at.line >= 0 ? at.line + 1 : 0, at.column >= 0 ? at.column + 1 : 0,
                    std::move(message)});
}

void YamlReader::error_no_position(std::string message) {
  ++total_;
  if (diags_.size() < kMaxDiagnostics) diags_.push_back({file_, 0, 0, std::move(message)});
}

bool YamlReader::expect_map(const YAML::Node& node, std::string_view what,
                            std::initializer_list<std::string_view> allowed) {
  if (!node.IsMap()) {
    error(node, std::string(what) + " must be a mapping of key: value");
    return false;
  }
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      error(kv.first, std::string(what) + ": keys must be plain names");
      continue;
    }
    const auto& key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string known;
      for (auto k : allowed) known += (known.empty() ? "" : ", ") + std::string(k);
      error(kv.first, std::string(what) + ": unknown key '" + key + "' (known keys: " + known + ")");
    }
  }
  return true;
}

bool YamlReader::expect_list(const YAML::Node& node, std::string_view what) {
  if (!node || node.IsNull()) return true;
  if (!node.IsSequence()) {
    error(node, std::string(what) + " must be a list");
    return false;
  }
  return true;
}

std::optional<YAML::Node> YamlReader::scalar(const YAML::Node& map, const char* key,
                                            std::string_view what, bool required) {
  // Copy-construct: assigning to a yaml-cpp Node would rebind the node it refers to.
  const YAML::Node value = map[key];
  if (!value || value.IsNull()) {
    if (required) error(map, std::string(what) + ": missing required field '" + key + "'");
    return std::nullopt;
  }
  if (!value.IsScalar()) {
    error(value, std::string(what) + ": field '" + key + "' must be a single value");
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> YamlReader::text(const YAML::Node& map, const char* key,
                                            std::string_view what, bool required) {
  const auto n = scalar(map, key, what, required);
  if (!n) return std::nullopt;
  if (n->Scalar().empty()) {
    error(*n, std::string(what) + ": field '" + key + "' must not be empty");
    return std::nullopt;
  }
  if (!valid_utf8(n->Scalar())) {
    error(*n, std::string(what) + ": field '" + key + "' is not valid UTF-8 text");
    return std::nullopt;
  }
  return n->Scalar();
}

std::optional<long long> YamlReader::integer(const YAML::Node& map, const char* key,
                                             std::string_view what, bool required) {
  const auto n = scalar(map, key, what, required);
  if (!n) return std::nullopt;
  try {
    return n->as<long long>();
  } catch (const YAML::Exception&) {
    error(*n, std::string(what) + ": field '" + key + "' must be an integer, got '" + n->Scalar() +
                  "'");
    return std::nullopt;
  }
}

std::optional<double> YamlReader::number(const YAML::Node& map, const char* key,
                                         std::string_view what, bool required) {
  const auto n = scalar(map, key, what, required);
  if (!n) return std::nullopt;
  try {
    const double v = n->as<double>();
    if (std::isfinite(v)) return v;
  } catch (const YAML::Exception&) {
  }
  error(*n, std::string(what) + ": field '" + key + "' must be a number, got '" + n->Scalar() + "'");
  return std::nullopt;
}

std::optional<double> YamlReader::non_negative(const YAML::Node& map, const char* key,
                                               std::string_view what, bool required) {
  auto v = number(map, key, what, required);
  if (v && *v < 0) {
    error(map[key], std::string(what) + ": field '" + key + "' must not be negative");
    return std::nullopt;
  }
  return v;
}

std::optional<double> YamlReader::positive(const YAML::Node& map, const char* key,
                                           std::string_view what, bool required) {
  auto v = number(map, key, what, required);
  if (v && *v <= 0) {
    error(map[key], std::string(what) + ": field '" + key + "' must be greater than zero");
    return std::nullopt;
  }
  return v;
}

std::vector<Diagnostic> YamlReader::take_diagnostics() {
  auto out = std::move(diags_);
  if (total_ > out.size())
    out.push_back({file_, 0, 0,
                   std::to_string(total_ - out.size()) + " more errors not shown"});
  diags_.clear();
  total_ = 0;
  return out;
}

}  // namespace lightpath::topology
