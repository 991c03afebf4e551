#pragma once
// The soak's invariants, checked against lightpathd's answers and the
// switches of lightpath-fabric (docs/soak.md, "What is checked").

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "bench/soak/soak.h"
#include "lightpath/device/v1/device.grpc.pb.h"

namespace lightpath::soak {

namespace dev = lightpath::device::v1;

struct Stubs {
  std::unique_ptr<v1::CircuitService::Stub> circuits;
  std::unique_ptr<v1::FabricService::Stub> fabric;
  std::unique_ptr<dev::DeviceService::Stub> device;
  std::vector<std::string> switches;
};

// (kind, detail) of every problem one look found.
using Problems = std::vector<std::pair<std::string, std::string>>;

// The states that hold ports and wavelengths.
bool is_live(v1::CircuitState s);

// Every circuit not RELEASED; false (and `out` untouched) if the call failed.
bool list_circuits(v1::CircuitService::Stub& stub, std::vector<v1::Circuit>& out);

// In one snapshot no endpoint port, switch port or wavelength is used twice
// (circuits groomed onto one fiber path share its ports, not its wavelengths).
Problems uniqueness_problems(const std::vector<v1::Circuit>& all);

// Waits until no circuit is PENDING, PROGRAMMING, RESTORING or RELEASING.
bool wait_quiescent(v1::CircuitService::Stub& stub, double timeout_s,
                    std::vector<v1::Circuit>& out);

// What became of the acknowledged circuits the clients still hold, and of
// those abandoned to their lease.
struct HeldOutcome {
  long held = 0;      // every circuit still held, abandoned ones whose lease is not over included
  long intact = 0;    // same ports, switches and wavelengths as acknowledged
  long restored = 0;  // moved by restoration after a fault (the watcher saw it fail)
  long failed = 0;    // FAILED after a fault and not restored
  long expired = 0;   // ended by its lease (leased requests still held at the end)
  long lost = 0;
  long abandoned = 0;
  long abandoned_ended = 0;    // ended by their lease, as they should
  long abandoned_live = 0;     // lease not over yet
  long unnamed_explained = 0;  // a release's answer did not name it, the watcher saw why
  std::map<std::string, long> failed_reasons;
};
HeldOutcome check_held(const std::vector<v1::Circuit>& all, Ledger& ledger);

// The daemon's port view matches its live circuits, every port is in service.
Problems port_problems(Stubs& stubs, const std::vector<v1::Circuit>& all);
// The switches hold exactly the cross-connects of the live circuits.
Problems switch_problems(Stubs& stubs, const std::vector<v1::Circuit>& all);

// Runs `look` until it finds nothing or `timeout_s` passes; what remains is
// recorded in the ledger. True when it ended clean.
bool eventually(double timeout_s, Ledger& ledger, const std::function<Problems()>& look);

}  // namespace lightpath::soak
