#pragma once
// Reading a small YAML settings file (node mapping, hook config) with every
// problem reported as "file:line:col: message", the way topology files are.

#include <yaml-cpp/yaml.h>

#include <string>

#include "controller/topology/yaml_reader.h"
#include "lightpath/result.h"

namespace lightpath::scheduler {

// Parses `text` (named `file` in messages); a syntax error is code "BAD_FILE".
Result<YAML::Node> parse_yaml(const std::string& text, const std::string& file);

// The whole file; an unreadable file is code "BAD_FILE" too.
Result<std::string> read_text(const std::string& path);

// All of the reader's diagnostics as one error (one line each), or nothing.
std::optional<Error> diagnostics_error(topology::YamlReader& reader);

}  // namespace lightpath::scheduler
