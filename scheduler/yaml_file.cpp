#include "scheduler/yaml_file.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace lightpath::scheduler {

Result<YAML::Node> parse_yaml(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    // yaml-cpp marks are 0-based.
    return unexpected(Error{
        "BAD_FILE", fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg)});
  }
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return unexpected(Error{"BAD_FILE", fmt::format("{}: cannot read the file", path)});
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<Error> diagnostics_error(topology::YamlReader& reader) {
  if (reader.ok()) return std::nullopt;
  std::string message;
  for (const auto& d : reader.take_diagnostics()) {
    if (!message.empty()) message += '\n';
    message += d.to_string();
  }
  return Error{"BAD_FILE", message};
}

}  // namespace lightpath::scheduler
