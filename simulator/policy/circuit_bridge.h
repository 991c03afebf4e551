#pragma once
// Carries the controller's circuits into the network model: a circuit the
// controller reports ACTIVE (its cross-connects applied by the simulated
// switches, after their switching time) becomes a pipe flows can use; one
// leaving ACTIVE (released, failed, preempted, being restored) goes dark and
// its flows move elsewhere. It also keeps each circuit's life for the report
// and tells policies when the circuits they asked for are up.

#include <functional>
#include <map>
#include <vector>

#include "controller/core/controller.h"
#include "simulator/netmodel/fluid_model.h"
#include "simulator/report/run_result.h"

namespace lightpath::policy {

class CircuitBridge {
 public:
  // All must outlive the bridge; it watches `controller` from now on.
  CircuitBridge(sim::EventEngine& engine, core::Controller& controller, netmodel::Network& network,
                netmodel::FluidModel& model);
  ~CircuitBridge();
  CircuitBridge(const CircuitBridge&) = delete;
  CircuitBridge& operator=(const CircuitBridge&) = delete;

  // Runs `done` once every circuit in `ids` is ACTIVE or gone for good
  // (released, failed, preempted). Always from an event of its own, never
  // inside the controller's call that changed the circuit.
  void when_up(std::vector<CircuitId> ids, std::function<void()> done);

  // Each circuit's life with times relative to `origin`, in order of creation.
  std::vector<report::CircuitSpan> spans(TimePoint origin) const;
  // Cross-connects made and removed on the switches for circuits.
  std::uint64_t reconfigurations() const { return reconfigurations_; }
  int circuits_up() const { return up_; }
  // Circuits on their way up or down (the switches still moving for them).
  int in_transit() const;

 private:
  struct Life {
    std::string job;
    std::string a;
    std::string b;
    DataRate rate;
    TimePoint requested;
    std::optional<TimePoint> active;
    std::optional<TimePoint> released;
    core::CircuitState state = core::CircuitState::kPending;
    std::optional<std::size_t> network_index;  // while up
  };
  struct Waiter {
    std::vector<CircuitId> ids;
    std::function<void()> done;
  };

  void on_event(const core::CircuitEvent& event);
  bool settled(CircuitId id) const;
  void wake_waiters();

  sim::EventEngine& engine_;
  core::Controller& controller_;
  netmodel::Network& network_;
  netmodel::FluidModel& model_;
  core::WatchId watch_ = 0;
  std::map<CircuitId, Life> lives_;
  std::vector<CircuitId> order_;
  std::vector<Waiter> waiters_;
  std::uint64_t reconfigurations_ = 0;
  int up_ = 0;
};

}  // namespace lightpath::policy
