#include "scheduler/node_mapping.h"

#include <fmt/format.h>

#include "controller/topology/name_pattern.h"
#include "scheduler/yaml_file.h"

namespace lightpath::scheduler {
namespace {

constexpr int kFormatVersion = 1;

// Adds one `nodes:` entry; problems go to the reader.
void add_entry(const YAML::Node& entry, const std::optional<std::string>& default_group,
               topology::YamlReader& reader, std::map<std::string, Attachment>& nodes) {
  if (!reader.expect_map(entry, "node entry", {"node", "endpoint", "port_group"})) return;
  const auto node = reader.text(entry, "node", "node entry", true);
  const auto endpoint = reader.text(entry, "endpoint", "node entry", true);
  auto group = reader.text(entry, "port_group", "node entry", false);
  if (!group) group = default_group;
  if (!node || !endpoint) return;
  if (!group) {
    reader.error(entry, "node entry: no port_group, and no default_port_group");
    return;
  }
  auto names = topology::expand_pattern(*node);
  auto endpoints = topology::expand_pattern(*endpoint);
  if (!names) return reader.error(entry["node"], "node: " + names.error().message);
  if (!endpoints) return reader.error(entry["endpoint"], "endpoint: " + endpoints.error().message);
  if (endpoints->size() != 1 && endpoints->size() != names->size())
    return reader.error(entry["endpoint"],
                        fmt::format("endpoint: {} names for {} nodes (give one, or one per node)",
                                    endpoints->size(), names->size()));
  for (std::size_t i = 0; i < names->size(); ++i) {
    const auto& e = endpoints->size() == 1 ? endpoints->front() : (*endpoints)[i];
    if (!nodes.emplace((*names)[i], Attachment{e, *group}).second)
      reader.error(entry["node"], fmt::format("node '{}' is mapped twice", (*names)[i]));
  }
}

}  // namespace

Result<NodeMapping> NodeMapping::parse(const std::string& text, const std::string& file) {
  auto root = parse_yaml(text, file);
  if (!root) return unexpected(std::move(root).error());
  topology::YamlReader reader(file);
  NodeMapping out;
  if (reader.expect_map(*root, "node mapping",
                        {"lightpath_node_mapping", "default_port_group", "nodes"})) {
    const auto version = reader.integer(*root, "lightpath_node_mapping", "node mapping", true);
    if (version && *version != kFormatVersion)
      reader.error((*root)["lightpath_node_mapping"],
                   fmt::format("lightpath_node_mapping: this build reads version {}, not {}",
                               kFormatVersion, *version));
    const auto group = reader.text(*root, "default_port_group", "node mapping", false);
    const YAML::Node nodes = (*root)["nodes"];
    if (!nodes || nodes.IsNull())
      reader.error(*root, "node mapping: missing required field 'nodes'");
    else if (reader.expect_list(nodes, "nodes"))
      for (const auto& entry : nodes) add_entry(entry, group, reader, out.nodes_);
  }
  if (auto e = diagnostics_error(reader)) return unexpected(std::move(*e));
  return out;
}

Result<NodeMapping> NodeMapping::load(const std::string& path) {
  auto text = read_text(path);
  if (!text) return unexpected(std::move(text).error());
  return parse(*text, path);
}

const Attachment* NodeMapping::find(const std::string& node) const {
  auto it = nodes_.find(node);
  return it == nodes_.end() ? nullptr : &it->second;
}

}  // namespace lightpath::scheduler
