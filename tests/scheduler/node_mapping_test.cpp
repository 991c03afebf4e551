// The node mapping file: patterns, defaults, and every kind of mistake.
#include "scheduler/node_mapping.h"

#include <doctest/doctest.h>

using lightpath::scheduler::NodeMapping;

namespace {
std::string error_of(const std::string& text) {
  auto m = NodeMapping::parse(text, "m.yaml");
  REQUIRE_MESSAGE(!m.has_value(), text);
  return m.error().message;
}
}  // namespace

TEST_CASE("mapping: one-to-one and many-to-one entries") {
  auto m = NodeMapping::parse(R"(lightpath_node_mapping: 1
default_port_group: gpu-nic
nodes:
  - {node: "node{1..4}", endpoint: "rack{1..4}"}
  - {node: "gpu{01..03}", endpoint: rack9, port_group: nic2}
)",
                              "m.yaml");
  REQUIRE_MESSAGE(m.has_value(), m.error().message);
  CHECK(m->size() == 7);
  REQUIRE(m->find("node3"));
  CHECK(m->find("node3")->endpoint == "rack3");
  CHECK(m->find("node3")->port_group == "gpu-nic");
  CHECK(m->find("gpu02")->endpoint == "rack9");
  CHECK(m->find("gpu02")->port_group == "nic2");
  CHECK(m->find("node5") == nullptr);
}

TEST_CASE("mapping: the shipped example reads") {
  auto m = NodeMapping::load(LIGHTPATH_SOURCE_DIR "/examples/slurm/nodes.yaml");
  REQUIRE_MESSAGE(m.has_value(), m.error().message);
  CHECK(m->size() == 4);
  CHECK(m->find("node4")->endpoint == "node4");
}

TEST_CASE("mapping: mistakes are reported with file, line and column") {
  CHECK(error_of("nodes: []\n")
            .find("m.yaml:1:1: node mapping: missing required field "
                  "'lightpath_node_mapping'") != std::string::npos);
  CHECK(error_of("lightpath_node_mapping: 2\nnodes: []\n").find("m.yaml:1:25: ") !=
        std::string::npos);
  CHECK(error_of("lightpath_node_mapping: 1\n").find("missing required field 'nodes'") !=
        std::string::npos);
  CHECK(error_of("lightpath_node_mapping: 1\nnodes:\n  - {node: a, endpoint: r}\n")
            .find("m.yaml:3:5: node entry: no port_group, and no default_port_group") !=
        std::string::npos);
  CHECK(error_of("lightpath_node_mapping: 1\ndefault_port_group: g\nnodes:\n"
                 "  - {node: \"n{1..3}\", endpoint: \"r{1..2}\"}\n")
            .find("2 names for 3 nodes") != std::string::npos);
  CHECK(error_of("lightpath_node_mapping: 1\ndefault_port_group: g\nnodes:\n"
                 "  - {node: \"n{1..2}\", endpoint: r}\n  - {node: n2, endpoint: s}\n")
            .find("m.yaml:5:12: node 'n2' is mapped twice") != std::string::npos);
  CHECK(error_of("lightpath_node_mapping: 1\ndefault_port_group: g\nnodes:\n"
                 "  - {node: a, endpoint: r, rack: x}\n")
            .find("unknown key 'rack'") != std::string::npos);
  CHECK(error_of("lightpath_node_mapping: 1\ndefault_port_group: g\nnodes:\n"
                 "  - {node: \"n{3..1}\", endpoint: r}\n")
            .find("node: ") != std::string::npos);
  CHECK(error_of("lightpath_node_mapping: [1\n").find("m.yaml:") != std::string::npos);
  auto missing = NodeMapping::load("/nonexistent/nodes.yaml");
  REQUIRE(!missing.has_value());
  CHECK(missing.error().message == "/nonexistent/nodes.yaml: cannot read the file");
}
