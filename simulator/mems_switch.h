#pragma once
// A MEMS optical circuit switch in virtual time (model: docs/mems-model.md).
//
// A batch of disconnects and connects moves its mirrors in parallel; each
// move takes a time drawn from the switching distribution, and every moved
// port carries no light until the slowest move plus the settle time has
// passed. Each cross-connect has an insertion loss made of the nominal loss,
// a fixed per-port offset (seeded) and a slow per-port drift. At every
// telemetry interval the switch samples input/output power, OSNR and BER of
// every port and raises or clears loss-of-light alarms. Faults are injected
// by name (scripted or random, see fault_injector.h).

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lightpath/fabric.h"
#include "lightpath/result.h"
#include "lightpath/southbound.h"
#include "simulator/crossconnect_table.h"
#include "simulator/event_engine.h"
#include "simulator/optical_model.h"
#include "simulator/switching_time.h"

namespace lightpath::sim {

enum class FaultKind : std::uint8_t { kStuckMirror, kDarkPort, kFiberCut, kSwitchDown };
std::string_view to_string(FaultKind kind);
std::optional<FaultKind> parse_fault_kind(std::string_view text);
inline bool is_port_fault(FaultKind k) {
  return k != FaultKind::kSwitchDown;
}

struct DriftOptions {
  Decibels max = Decibels::db(0.2);                  // |drift| of one port never exceeds this
  Decibels step_per_sqrt_hour = Decibels::db(0.05);  // random-walk scale
};

struct MemsOptions {
  // Unset: uniform over the switch's `switching` {min, max, settle}.
  std::optional<SwitchingDistribution> switching;
  Duration telemetry_interval = Duration::s(1);  // zero: no sampling
  PowerDbm loss_of_light_threshold = PowerDbm::dbm(-30.0);
  PowerDbm no_light = PowerDbm::dbm(-60.0);  // what a monitor reads in the dark
  // Light arriving on a fiber from another switch (multi-stage fabrics).
  PowerDbm inter_switch_input_power = PowerDbm::dbm(0.0);
  DriftOptions drift;
  SignalQualityModel signal;
};

// Everything the model needs to know about one switch.
struct MemsSpec {
  std::string name;
  int port_count = 0;
  Decibels insertion_loss = Decibels::db(2.0);
  Decibels insertion_loss_spread;
  SwitchingTime switching;
  // Power arriving on each port's fiber; unset for an uncabled port.
  std::vector<std::optional<PowerDbm>> input_power;

  // From the fabric: launch power minus fiber loss for endpoint fibers.
  static MemsSpec from_fabric(const Fabric& fabric, SwitchId id, const MemsOptions& options);
};

class MemsSwitch {
 public:
  using Listener = std::function<void(const southbound::DeviceEvent&)>;
  using ApplyDone = std::function<void(Result<southbound::ApplyReport>)>;

  MemsSwitch(EventEngine& engine, MemsSpec spec, MemsOptions options, Rng rng);
  MemsSwitch(const MemsSwitch&) = delete;
  MemsSwitch& operator=(const MemsSwitch&) = delete;
  ~MemsSwitch();

  const std::string& name() const { return spec_.name; }
  int port_count() const { return spec_.port_count; }
  const MemsSpec& spec() const { return spec_; }
  const SwitchingDistribution& switching() const { return switching_; }
  bool up() const { return up_; }

  // Errors are kDeviceDown while the switch is down, else kInvalidBatch.
  Result<southbound::Validation> validate(const southbound::Batch& batch) const;
  Result<std::vector<southbound::CrossConnect>> cross_connects() const;
  // Starts the batch; `done` runs in a later engine event, once light has
  // settled, or at once (still in a later event) when the batch is refused.
  void apply(const southbound::Batch& batch, ApplyDone done);

  // Listeners hear port events, telemetry and alarms in the engine's order.
  std::uint64_t add_listener(Listener listener);
  void remove_listener(std::uint64_t id);

  // What the port monitors read now (no drift step, no alarms).
  southbound::PortTelemetry measure(int port) const;
  // Output light present on `port` now.
  bool carries_light(int port) const;
  // Insertion loss of the cross-connect between `a` and `b` now.
  Decibels cross_connect_loss(int a, int b) const;

  // Faults. False when the fault is already present (inject) or absent
  // (recover), or `port` is out of range; `port` is ignored for kSwitchDown.
  bool inject(FaultKind kind, int port);
  bool recover(FaultKind kind, int port);
  bool has_fault(FaultKind kind, int port) const;
  std::vector<southbound::AlarmEvent> active_alarms() const;

 private:
  struct InFlight {
    std::vector<int> ports;
    southbound::ApplyReport report;
    ApplyDone done;
    EventId settle_event;
  };
  struct PortState {
    Decibels offset;       // fixed part of this port's share of insertion loss
    Decibels drift;        // slow part
    TimePoint light_from;  // moving until then
    bool stuck = false;
    bool dark = false;
    bool cut = false;
    bool los_in = false;  // mirrors alarms_, read on every sample
    bool los_out = false;
  };

  std::size_t idx(int port) const { return static_cast<std::size_t>(port); }
  bool input_light(int port) const;
  // Moves `ports` from now on; returns the drawn dark time (settle included).
  Duration start_moves(const std::vector<int>& ports);
  void settle(std::uint64_t batch_id);
  void sample_telemetry();
  void schedule_next_sample();
  void evaluate_alarms();
  void evaluate_alarms(const std::vector<southbound::PortTelemetry>& readings);
  void evaluate_alarms_on(const std::vector<int>& ports);
  void check_port_alarms(int port, const southbound::PortTelemetry& reading, PowerDbm peer_input);
  void set_alarm(southbound::AlarmKind kind, int port, bool raised, std::string message);
  void emit(const southbound::DeviceEvent& event);
  void emit_port_state(int port);
  void go_down();
  void come_up();

  EventEngine& engine_;
  MemsSpec spec_;
  MemsOptions options_;
  SwitchingDistribution switching_;
  Rng rng_;
  CrossConnectTable table_;
  std::vector<PortState> ports_;
  std::map<std::uint64_t, InFlight> in_flight_;
  std::uint64_t next_batch_ = 1;
  std::map<std::uint64_t, Listener> listeners_;
  std::uint64_t next_listener_ = 1;
  // Raised alarms by (kind, port), so that raising twice emits once.
  std::map<std::pair<int, int>, southbound::AlarmEvent> alarms_;
  EventId sample_event_;
  TimePoint last_sample_;
  TimePoint down_since_;
  bool up_ = true;
};

}  // namespace lightpath::sim
