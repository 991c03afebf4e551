#include "simulator/mems_switch.h"

#include <fmt/format.h>

#include <algorithm>

namespace lightpath::sim {

using southbound::AlarmKind;
using southbound::ApplyReport;
using southbound::CrossConnect;

namespace {

Error device_down(const std::string& name) {
  return Error{std::string(southbound::kDeviceDown), "switch " + name + " is down"};
}

}  // namespace

std::string_view to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::kStuckMirror:
      return "stuck_mirror";
    case FaultKind::kDarkPort:
      return "dark_port";
    case FaultKind::kFiberCut:
      return "fiber_cut";
    case FaultKind::kSwitchDown:
      return "switch_down";
  }
  return "?";
}

std::optional<FaultKind> parse_fault_kind(std::string_view text) {
  for (auto k : {FaultKind::kStuckMirror, FaultKind::kDarkPort, FaultKind::kFiberCut,
                 FaultKind::kSwitchDown})
    if (to_string(k) == text) return k;
  return std::nullopt;
}

MemsSpec MemsSpec::from_fabric(const Fabric& fabric, SwitchId id, const MemsOptions& options) {
  const OpticalSwitch& sw = fabric.optical_switch(id);
  MemsSpec spec{sw.name, sw.port_count, sw.insertion_loss, sw.insertion_loss_spread, sw.switching,
                {}};
  spec.input_power.resize(static_cast<std::size_t>(sw.port_count));
  for (int p = 0; p < sw.port_count; ++p) {
    const FiberId fid = sw.port_fiber[static_cast<std::size_t>(p)];
    if (!fid.valid()) continue;
    const Fiber& f = fabric.fiber(fid);
    const bool a_is_here = f.a.optical_switch == id && f.a.port == p;
    const FiberEnd& far = a_is_here ? f.b : f.a;
    const PowerDbm sent =
        far.is_endpoint()
            ? fabric.transceiver(fabric.port(far.endpoint_port).transceiver).launch_power
            : options.inter_switch_input_power;
    spec.input_power[static_cast<std::size_t>(p)] = sent - f.loss;
  }
  return spec;
}

MemsSwitch::MemsSwitch(EventEngine& engine, MemsSpec spec, MemsOptions options, Rng rng)
    : engine_(engine),
      spec_(std::move(spec)),
      options_(options),
      switching_(options.switching.value_or(SwitchingDistribution::from(spec_.switching))),
      rng_(rng),
      table_(spec_.port_count),
      ports_(static_cast<std::size_t>(spec_.port_count)),
      last_sample_(engine.now()) {
  spec_.input_power.resize(ports_.size());
  const double spread = spec_.insertion_loss_spread.value();
  for (auto& p : ports_) p.offset = Decibels::db(rng_.uniform(-spread, spread));
  schedule_next_sample();
}

MemsSwitch::~MemsSwitch() {
  engine_.cancel(sample_event_);
  for (auto& [id, b] : in_flight_) engine_.cancel(b.settle_event);
}

Result<southbound::Validation> MemsSwitch::validate(const southbound::Batch& batch) const {
  if (!up_) return unexpected(device_down(name()));
  auto moved = table_.check(batch);
  if (!moved) return unexpected(std::move(moved).error());
  const int moves = static_cast<int>(moved->size());
  return southbound::Validation{moves, moves > 0 ? switching_.worst_case() : Duration()};
}

Result<std::vector<CrossConnect>> MemsSwitch::cross_connects() const {
  if (!up_) return unexpected(device_down(name()));
  return table_.list();
}

void MemsSwitch::apply(const southbound::Batch& batch, ApplyDone done) {
  auto refuse = [&](Error e) {
    engine_.schedule_after(Duration(),
                           [done = std::move(done), e = std::move(e)] { done(unexpected(e)); });
  };
  if (!up_) return refuse(device_down(name()));
  if (auto checked = table_.check(batch); !checked) return refuse(std::move(checked).error());

  ApplyReport report;
  report.started_at = engine_.now();
  std::vector<int> moved;
  auto stuck_of = [&](const CrossConnect& x) {
    return ports_[idx(x.a)].stuck ? x.a : ports_[idx(x.b)].stuck ? x.b : -1;
  };
  for (const auto& request : batch.disconnects) {
    const CrossConnect x = request.normalized();
    if (const int s = stuck_of(x); s >= 0) {
      report.failures.push_back(
          {s, fmt::format("mirror stuck: cross-connect {}-{} left in place", x.a, x.b)});
      continue;
    }
    table_.disconnect(x.a, x.b);
    report.disconnected.push_back(x);
    moved.insert(moved.end(), {x.a, x.b});
  }
  for (const auto& request : batch.connects) {
    const CrossConnect x = request.normalized();
    int blocked = -1;
    for (int p : {x.a, x.b})
      if (blocked < 0 && table_.peer(p) >= 0) blocked = p;
    if (blocked >= 0) {
      report.failures.push_back(
          {blocked, fmt::format("still connected to port {} because its disconnect failed; "
                                "cross-connect {}-{} not made",
                                table_.peer(blocked), x.a, x.b)});
      continue;
    }
    if (const int s = stuck_of(x); s >= 0) {
      report.failures.push_back(
          {s, fmt::format("mirror stuck: cross-connect {}-{} not made", x.a, x.b)});
      continue;
    }
    table_.connect(x.a, x.b);
    report.connected.push_back(x);
    moved.insert(moved.end(), {x.a, x.b});
  }
  std::sort(moved.begin(), moved.end());
  moved.erase(std::unique(moved.begin(), moved.end()), moved.end());

  const Duration dark = start_moves(moved);
  report.settled_at = report.started_at + dark;
  const std::uint64_t id = next_batch_++;
  InFlight& f = in_flight_[id];
  f.ports = std::move(moved);
  f.report = std::move(report);
  f.done = std::move(done);
  f.settle_event = engine_.schedule_after(dark, [this, id] { settle(id); });
  evaluate_alarms_on(f.ports);
}

Duration MemsSwitch::start_moves(const std::vector<int>& ports) {
  if (ports.empty()) return Duration();
  Duration slowest;
  for (std::size_t i = 0; i < ports.size(); ++i)
    slowest = std::max(slowest, switching_.draw_move(rng_));
  const Duration dark = slowest + switching_.settle;
  const TimePoint lit = engine_.now() + dark;
  for (int p : ports) {
    ports_[idx(p)].light_from = lit;
    table_.set_busy(p, true);
  }
  for (int p : ports) emit_port_state(p);
  return dark;
}

void MemsSwitch::settle(std::uint64_t batch_id) {
  auto node = in_flight_.extract(batch_id);
  InFlight& f = node.mapped();
  for (int p : f.ports) table_.set_busy(p, false);
  for (int p : f.ports) emit_port_state(p);
  evaluate_alarms_on(f.ports);
  if (f.done) f.done(std::move(f.report));
}

void MemsSwitch::emit_port_state(int port) {
  if (listeners_.empty()) return;
  const int peer = table_.peer(port);
  const auto status = table_.busy(port) ? southbound::PortStatus::kSwitching
                      : peer >= 0       ? southbound::PortStatus::kConnected
                                        : southbound::PortStatus::kIdle;
  emit(southbound::PortEvent{engine_.now(), port, status, peer});
}

std::uint64_t MemsSwitch::add_listener(Listener listener) {
  listeners_.emplace(next_listener_, std::move(listener));
  return next_listener_++;
}

void MemsSwitch::remove_listener(std::uint64_t id) {
  listeners_.erase(id);
}

void MemsSwitch::emit(const southbound::DeviceEvent& event) {
  // A listener may remove itself (or another) while hearing an event.
  std::vector<std::uint64_t> ids;
  ids.reserve(listeners_.size());
  for (const auto& [id, l] : listeners_) ids.push_back(id);
  for (auto id : ids)
    if (auto it = listeners_.find(id); it != listeners_.end()) it->second(event);
}

bool MemsSwitch::has_fault(FaultKind kind, int port) const {
  if (kind == FaultKind::kSwitchDown) return !up_;
  if (port < 0 || port >= port_count()) return false;
  const PortState& s = ports_[idx(port)];
  return kind == FaultKind::kStuckMirror ? s.stuck : kind == FaultKind::kDarkPort ? s.dark : s.cut;
}

bool MemsSwitch::inject(FaultKind kind, int port) {
  if (is_port_fault(kind) && (port < 0 || port >= port_count())) return false;
  if (has_fault(kind, port)) return false;
  switch (kind) {
    case FaultKind::kSwitchDown:
      go_down();
      return true;
    case FaultKind::kStuckMirror:
      ports_[idx(port)].stuck = true;
      if (up_)
        set_alarm(AlarmKind::kMirrorStuck, port, true, "mirror does not follow its drive signal");
      return true;
    case FaultKind::kDarkPort:
      ports_[idx(port)].dark = true;
      break;
    case FaultKind::kFiberCut:
      ports_[idx(port)].cut = true;
      break;
  }
  evaluate_alarms();
  return true;
}

bool MemsSwitch::recover(FaultKind kind, int port) {
  if (!has_fault(kind, port)) return false;
  switch (kind) {
    case FaultKind::kSwitchDown:
      come_up();
      return true;
    case FaultKind::kStuckMirror:
      ports_[idx(port)].stuck = false;
      if (up_)
        set_alarm(AlarmKind::kMirrorStuck, port, false, "mirror follows its drive signal again");
      return true;
    case FaultKind::kDarkPort:
      ports_[idx(port)].dark = false;
      break;
    case FaultKind::kFiberCut:
      ports_[idx(port)].cut = false;
      break;
  }
  evaluate_alarms();
  return true;
}

void MemsSwitch::go_down() {
  up_ = false;
  // Batches still moving never report success: the caller must read the
  // device again once it is back.
  for (auto& [id, f] : in_flight_) {
    engine_.cancel(f.settle_event);
    for (int p : f.ports) table_.set_busy(p, false);
    if (f.done)
      engine_.schedule_after(Duration(), [done = std::move(f.done), n = name()] {
        done(unexpected(Error{std::string(southbound::kDeviceDown),
                              "switch " + n + " went down before the batch settled"}));
      });
  }
  in_flight_.clear();
  down_since_ = engine_.now();
  emit(southbound::AlarmEvent{engine_.now(), AlarmKind::kDeviceDown, -1, true,
                              "switch " + name() + " is down"});
}

void MemsSwitch::come_up() {
  up_ = true;
  emit(southbound::AlarmEvent{engine_.now(), AlarmKind::kDeviceDown, -1, false,
                              "switch " + name() + " is up"});
  // The switch keeps its cross-connects in memory and drives every mirror
  // back into place, so connected ports are dark for one switching time.
  std::vector<int> connected;
  for (int p = 0; p < port_count(); ++p)
    if (table_.peer(p) >= 0) connected.push_back(p);
  const Duration dark = start_moves(connected);
  if (!connected.empty()) {
    const std::uint64_t id = next_batch_++;
    InFlight& f = in_flight_[id];
    f.ports = std::move(connected);
    f.settle_event = engine_.schedule_after(dark, [this, id] { settle(id); });
  }
  for (int p = 0; p < port_count(); ++p)
    if (ports_[idx(p)].stuck)
      set_alarm(AlarmKind::kMirrorStuck, p, true, "mirror does not follow its drive signal");
  evaluate_alarms();
}

}  // namespace lightpath::sim
