#pragma once
// Which fabric endpoint and port group serve each scheduler node.
//
//   lightpath_node_mapping: 1
//   default_port_group: gpu-nic          # used where an entry names none
//   nodes:
//     - {node: "node{1..4}", endpoint: "rack{1..4}"}            # one to one
//     - {node: "gpu{01..16}", endpoint: rack5, port_group: nic}  # many to one
//
// `node` and `endpoint` take the topology's brace patterns
// (docs/topology-format.md). A pattern endpoint must expand to as many names
// as the node pattern (paired in order); a plain endpoint serves them all.
// Whether the endpoints exist is the controller's to say (UNKNOWN_ENDPOINT):
// the mapping does not read the topology. Format: docs/slurm.md.

#include <map>
#include <optional>
#include <string>

#include "lightpath/result.h"

namespace lightpath::scheduler {

struct Attachment {
  std::string endpoint;
  std::string port_group;
};

class NodeMapping {
 public:
  // Parses mapping YAML; errors list every problem as "file:line:col: ...".
  static Result<NodeMapping> parse(const std::string& text, const std::string& file);
  static Result<NodeMapping> load(const std::string& path);

  const Attachment* find(const std::string& node) const;
  std::size_t size() const { return nodes_.size(); }

 private:
  std::map<std::string, Attachment> nodes_;
};

}  // namespace lightpath::scheduler
