#pragma once
// The simulated fabric behind lightpath-fabric: every MEMS switch of a
// topology on one event engine, paced to the real clock (or scaled) on a
// thread of its own, with a SwitchHub per switch for the protocol. All model
// state lives on that thread: gRPC handlers post their work to it.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "lightpath/executor.h"
#include "lightpath/fabric.h"
#include "lightpath/result.h"
#include "simulator/fabric_server/switch_hub.h"
#include "simulator/fault_injector.h"

namespace lightpath::fabric_server {

struct FabricHostOptions {
  std::uint64_t seed = 1;
  double time_scale = 1.0;  // simulated seconds per real second
  Duration telemetry_interval = Duration::s(1);
  std::string fault_script;  // a fault script file (docs/fault-script.md); empty: none
};

class FabricHost {
 public:
  // Builds the model and starts its clock; fails when the fault script does
  // not load (every problem as file:line:col).
  static Result<std::unique_ptr<FabricHost>> start(const Fabric& fabric,
                                                   const FabricHostOptions& options);
  ~FabricHost();
  FabricHost(const FabricHost&) = delete;
  FabricHost& operator=(const FabricHost&) = delete;

  // Runs `fn` on the model's thread, after work posted before.
  void post(Task fn);
  // The model thread's executor; use only from that thread.
  Executor& executor();
  sim::SimulatedFabric& model();

  // The hub of a switch by name; null when the fabric has none. The map is
  // fixed at start, so lookups are safe from any thread; the hub itself is
  // used on the model's thread only.
  SwitchHub* hub(std::string_view name) const;
  const std::map<std::string, std::unique_ptr<SwitchHub>, std::less<>>& hubs() const;
  // "ocs1, ocs2, ..." for error messages.
  std::string switch_names() const;

  // Changes with every start of the process, so clients can tell a restarted
  // fabric from the one they knew.
  std::uint64_t instance() const { return instance_; }
  // Model time as protocol time (wall-clock Unix ns, scaled from the start).
  const southbound_grpc::ToUnixNs& clock() const { return clock_; }

 private:
  struct Model;
  FabricHost() = default;
  std::unique_ptr<Model> model_;
  std::thread thread_;
  std::uint64_t instance_ = 0;
  southbound_grpc::ToUnixNs clock_;
};

}  // namespace lightpath::fabric_server
