#pragma once
// Faults on simulated switches: scripted at given times from a YAML fault
// script (format: docs/fault-script.md), or random with a mean time between
// failures and a mean time to repair.

#include <string>
#include <string_view>
#include <vector>

#include "controller/topology/yaml_reader.h"
#include "lightpath/result.h"
#include "simulator/simulated_fabric.h"

namespace lightpath::sim {

struct FaultAction {
  TimePoint at;
  std::string switch_name;
  FaultKind kind = FaultKind::kStuckMirror;
  int port = -1;         // -1 for kSwitchDown
  bool recover = false;  // clears the fault instead of raising it
  Duration duration;     // when positive, a recovery follows after it
};

struct FaultScript {
  std::vector<FaultAction> actions;  // in file order
};

using Diagnostics = std::vector<topology::Diagnostic>;
using FaultScriptResult = Result<FaultScript, Diagnostics>;

// Checks switch names and ports against `fabric`, and refuses times before
// `now`. Every problem is reported with file:line:col.
FaultScriptResult parse_fault_script(std::string_view yaml, const std::string& file_label,
                                     const SimulatedFabric& fabric, TimePoint now);
FaultScriptResult load_fault_script(const std::string& path, const SimulatedFabric& fabric,
                                    TimePoint now);

struct RandomFaultOptions {
  Duration mtbf = Duration::s(3600);  // per switch, exponentially distributed
  Duration mttr = Duration::s(60);
  std::vector<FaultKind> kinds{FaultKind::kStuckMirror, FaultKind::kDarkPort, FaultKind::kFiberCut,
                               FaultKind::kSwitchDown};
};

// What happened, for logs and tests.
struct FaultRecord {
  TimePoint at;
  std::string switch_name;
  FaultKind kind;
  int port;
  bool recover;
  bool took_effect;  // false when the fault was already present / absent
};

class FaultInjector {
 public:
  explicit FaultInjector(SimulatedFabric& fabric) : fabric_(fabric) {}
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;
  ~FaultInjector();

  void schedule(const FaultScript& script);
  // Starts one failure process per switch, each with its own random stream.
  void start_random(const RandomFaultOptions& options);

  const std::vector<FaultRecord>& history() const { return history_; }

 private:
  bool act(MemsSwitch& sw, FaultKind kind, int port, bool recover);
  void random_failure(std::size_t index);

  SimulatedFabric& fabric_;
  RandomFaultOptions random_;
  std::vector<Rng> streams_;
  std::vector<EventId> events_;  // cancelled on destruction
  std::vector<FaultRecord> history_;
};

}  // namespace lightpath::sim
