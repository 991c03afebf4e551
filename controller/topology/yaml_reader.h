#pragma once
// Reads typed fields out of yaml-cpp nodes and collects every problem as a
// diagnostic with file, line and column, so a loader can report all errors in
// one pass instead of stopping at the first.

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lightpath::topology {

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when the problem has no position (unreadable file)
  int column = 0;  // 1-based
  std::string message;

  std::string to_string() const;  // "file:line:col: message"
};

class YamlReader {
 public:
  // Past this many, further diagnostics are counted but not kept.
  static constexpr std::size_t kMaxDiagnostics = 200;

  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  void error(const YAML::Mark& at, std::string message);
  void error(const YAML::Node& at, std::string message) { error(at.Mark(), std::move(message)); }
  void error_no_position(std::string message);

  // True when `node` is a map; reports keys outside `allowed` as unknown.
  bool expect_map(const YAML::Node& node, std::string_view what,
                  std::initializer_list<std::string_view> allowed);
  // True when `node` is a sequence (an absent node counts as empty and is fine).
  bool expect_list(const YAML::Node& node, std::string_view what);

  // Field readers. A missing required field is reported at the map's position;
  // a wrong type at the value's. `what` names the enclosing object.
  std::optional<std::string> text(const YAML::Node& map, const char* key, std::string_view what,
                                  bool required);
  std::optional<long long> integer(const YAML::Node& map, const char* key, std::string_view what,
                                   bool required);
  std::optional<double> number(const YAML::Node& map, const char* key, std::string_view what,
                               bool required);

  // Numbers with a sign rule; a violation is reported at the value.
  std::optional<double> non_negative(const YAML::Node& map, const char* key, std::string_view what,
                                     bool required = false);
  std::optional<double> positive(const YAML::Node& map, const char* key, std::string_view what,
                                 bool required);

  bool ok() const { return total_ == 0; }
  std::vector<Diagnostic> take_diagnostics();
  const std::string& file() const { return file_; }

 private:
  std::optional<YAML::Node> scalar(const YAML::Node& map, const char* key, std::string_view what,
                                   bool required);

  std::string file_;
  std::vector<Diagnostic> diags_;
  std::size_t total_ = 0;
};

}  // namespace lightpath::topology
