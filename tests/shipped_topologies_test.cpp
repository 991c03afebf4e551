// The topology files shipped in topologies/ all load and have the shape
// their comments promise.
#include <doctest/doctest.h>

#include "controller/topology/topology_loader.h"

using namespace lightpath;

namespace {
Fabric load_shipped(const std::string& name) {
  auto r = topology::load_topology_file(std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/" + name);
  std::string errors;
  if (!r)
    for (const auto& d : r.error()) errors += d.to_string() + "\n";
  REQUIRE_MESSAGE(r, errors);
  return std::move(*r);
}
}  // namespace

TEST_CASE("tiny: 4 racks, one 16-port MEMS, 2 leaves and a spine") {
  const auto f = load_shipped("tiny.yaml");
  const auto s = f.summary();
  CHECK(s.endpoints == 4);
  CHECK(s.mems_switches == 1);
  CHECK(s.switch_ports == 16);
  CHECK(s.fibers == 16);
  CHECK(s.packet_switches == 3);
}

TEST_CASE("tpuv4-pod: 64 blocks, 48 OCS of 136 ports, 6,144 optical links") {
  const auto f = load_shipped("tpuv4-pod.yaml");
  const auto s = f.summary();
  CHECK(s.endpoints == 64);
  CHECK(s.mems_switches == 48);
  CHECK(s.switch_ports == 48 * 136);
  CHECK(s.fibers == 6144);
  CHECK(s.cabled_endpoint_ports == 6144);
  // Every block reaches every switch with two fibers.
  for (const auto& sw : f.optical_switches) {
    int cabled = 0;
    for (const auto& fid : sw.port_fiber) cabled += fid.valid() ? 1 : 0;
    CHECK(cabled == 128);
  }
}

TEST_CASE("jupiter-spinefree: blocks joined only through the OCS layer") {
  const auto f = load_shipped("jupiter-spinefree.yaml");
  const auto s = f.summary();
  CHECK(s.endpoints == 32);
  CHECK(s.mems_switches == 32);
  CHECK(s.fibers == 32 * 128);
  for (const auto& ps : f.packet_switches) CHECK(ps.role == PacketRole::kSpine);
}

TEST_CASE("two-stage-wss: paths cross two stages and a WSS") {
  const auto f = load_shipped("two-stage-wss.yaml");
  const auto s = f.summary();
  CHECK(s.wss_switches == 1);
  CHECK(s.mems_switches == 2);
  CHECK(s.inter_switch_fibers == 8);
  CHECK(f.transceiver(TransceiverId(0)).wavelengths > 1);
}
