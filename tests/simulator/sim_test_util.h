#pragma once
// Small switches and fabrics for simulator tests.

#include <string>

#include "lightpath/fabric.h"
#include "simulator/mems_switch.h"

namespace lightpath::testing {

// A switch with every port cabled and receiving `input` dBm.
inline sim::MemsSpec test_spec(int ports, PowerDbm input = PowerDbm::dbm(0.0)) {
  sim::MemsSpec s;
  s.name = "ocs-test";
  s.port_count = ports;
  s.insertion_loss = Decibels::db(2.0);
  s.insertion_loss_spread = Decibels::db(0.5);
  s.switching = SwitchingTime{Duration::ms(10), Duration::ms(30), Duration::ms(5)};
  s.input_power.assign(static_cast<std::size_t>(ports), input);
  return s;
}

inline std::string source_path(const std::string& relative) {
  return std::string(LIGHTPATH_SOURCE_DIR) + "/" + relative;
}

}  // namespace lightpath::testing
