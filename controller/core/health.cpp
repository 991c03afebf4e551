// What the switches report, and what the controller does about it: alarms
// and the ports they take out of service, restoration of circuits that lost
// light, telemetry intake with its own threshold alarms, and drift found by
// the reconcile pass.
#include "controller/core/controller_impl.h"

namespace lightpath::core {

using southbound::AlarmKind;

void DurationHistogram::observe(Duration d) {
  const double s = d.seconds();
  ++count;
  sum_seconds += s;
  for (std::size_t i = 0; i < kBoundsSeconds.size(); ++i)
    if (s <= kBoundsSeconds[i]) ++buckets[i];
}

void Controller::Impl::on_device_event(SwitchId sw, const southbound::DeviceEvent& e) {
  if (const auto* p = std::get_if<southbound::PortEvent>(&e)) {
    if (PortSlot* slot = port_slot(sw, p->port)) {
      slot->status = p->status;
      if (p->status == southbound::PortStatus::kIdle) slot->history = TelemetryRing();
    }
  } else if (const auto* t = std::get_if<southbound::TelemetryEvent>(&e)) {
    on_telemetry(sw, *t);
  } else if (const auto* a = std::get_if<southbound::AlarmEvent>(&e)) {
    on_alarm(sw, *a);
  }
}

bool Controller::Impl::set_alarm(SwitchId sw, AlarmKind kind, int port, bool raised,
                                 std::string message, TimePoint at) {
  const auto key = std::tuple{sw, kind, port};
  if (raised == (active_alarms.count(key) != 0)) return false;
  const std::string& name = fabric.optical_switch(sw).name;
  const bool quality = kind == AlarmKind::kLowPower || kind == AlarmKind::kHighBer;
  if (!raised) {
    active_alarms.erase(key);
    if (quality) --active_quality_alarms;
    auto active = std::find_if(alarm_log.begin(), alarm_log.end(), [&](const AlarmView& v) {
      return v.active && v.switch_name == name && v.alarm.kind == kind && v.alarm.port == port;
    });
    if (active != alarm_log.end()) active->active = false;
    return true;
  }
  active_alarms.insert(key);
  if (quality) ++active_quality_alarms;
  alarm_log.push_back(
      {at, name, southbound::AlarmEvent{at, kind, port, true, std::move(message)}, true});
  // Active alarms are always kept; the oldest cleared ones make room.
  while (alarm_log.size() > opt.alarms_in_memory) {
    auto old = std::find_if(alarm_log.begin(), alarm_log.end(),
                            [](const AlarmView& v) { return !v.active; });
    if (old == alarm_log.end()) break;
    alarm_log.erase(old);
  }
  return true;
}

void Controller::Impl::set_fault(SwitchId sw, int port, AlarmKind kind, bool raised) {
  auto& kinds = faults[{sw, port}];
  if (raised)
    kinds.insert(kind);
  else
    kinds.erase(kind);
  if (kinds.empty()) faults.erase({sw, port});
  refresh_service(sw, port);
}

void Controller::Impl::refresh_service(SwitchId sw, int port) {
  const auto fault = faults.find({sw, port});
  const bool faulty = fault != faults.end() && !fault->second.empty();
  alloc.set_out_of_service(sw, port,
                           faulty || drained.count({sw, port}) > 0 || held.count({sw, port}) > 0);
}

void Controller::Impl::hold_dark_port(SwitchId sw, int port) {
  if (opt.dark_port_hold.count_ns() <= 0) return;
  hold_port(sw, port, opt.dark_port_hold);
  // Stored, since a restart would otherwise offer the idle dark port again.
  const TimePoint until = ex.now() + opt.dark_port_hold;
  pending.holds.push_back({fabric.optical_switch(sw).name, port, until.since_epoch_ns()});
  schedule_flush();
}

void Controller::Impl::hold_port(SwitchId sw, int port, Duration hold) {
  auto& timer = held[{sw, port}];
  if (timer.valid()) ex.cancel(timer);
  timer = ex.schedule_after(hold, [this, sw, port] {
    held.erase({sw, port});
    refresh_service(sw, port);
  });
}

void Controller::Impl::set_drained(SwitchId sw, int port, bool on) {
  if (on)
    drained.insert({sw, port});
  else
    drained.erase({sw, port});
  refresh_service(sw, port);
}

void Controller::Impl::on_alarm(SwitchId sw, const southbound::AlarmEvent& a) {
  const bool changed = set_alarm(sw, a.kind, a.port, a.raised, a.message, ex.now());
  // The device's clock says when the light went; the controller only heard later.
  const TimePoint fault_at = std::min(a.at, ex.now());
  switch (a.kind) {
    case AlarmKind::kLossOfLightIn:
    case AlarmKind::kLossOfLightOut:
      if (a.port < 0) break;
      // The hold starts when an active dark-port alarm clears: its cross-connect
      // is down, and nothing would show that the port is still dark.
      if (a.kind == AlarmKind::kLossOfLightOut && !a.raised && changed) hold_dark_port(sw, a.port);
      set_fault(sw, a.port, a.kind, a.raised);
      if (a.raised && changed)
        fail_through(sw, a.port, a.message, fault_at, a.kind == AlarmKind::kLossOfLightOut);
      break;
    case AlarmKind::kMirrorStuck:
      // Light still flows through a stuck mirror; it only cannot move.
      if (a.port >= 0) set_fault(sw, a.port, a.kind, a.raised);
      break;
    case AlarmKind::kDeviceDown:
      set_fault(sw, -1, a.kind, a.raised);
      if (a.raised && changed) fail_through(sw, -1, a.message, fault_at);
      if (!a.raised) programmer.resync(sw);
      break;
    case AlarmKind::kUnreachable:
      if (!a.raised) programmer.resync(sw);
      break;
    case AlarmKind::kLowPower:
    case AlarmKind::kHighBer:
    case AlarmKind::kDrift:
      break;  // the controller's own; devices do not send them
  }
}

void Controller::Impl::fail_through(SwitchId sw, int port, const std::string& why,
                                    TimePoint fault_at, bool avoid_cross_connect) {
  std::vector<CircuitId> hit;
  for (const auto& [id, c] : circuits) {
    if (c.state != CircuitState::kPending && c.state != CircuitState::kProgramming &&
        c.state != CircuitState::kActive && c.state != CircuitState::kRestoring)
      continue;
    for (const auto& h : c.circuit.hops)
      if (h.optical_switch == sw && (port < 0 || h.in_port == port || h.out_port == port)) {
        hit.push_back(id);
        break;
      }
  }
  // Both ports of each failed cross-connect on `sw`: either may be the
  // dark one, and the other end's alarm is not in yet.
  std::set<int> suspect;
  if (avoid_cross_connect)
    for (auto id : hit)
      for (const auto& h : circuits.at(id).circuit.hops)
        if (h.optical_switch == sw) suspect.insert({h.in_port, h.out_port});
  // Every hit circuit lets go first, so none is restored onto a path
  // another one is about to leave.
  for (auto id : hit) let_go(circuits.at(id), CircuitState::kFailed, "lost light: " + why);
  for (int p : suspect) alloc.set_out_of_service(sw, p, true);
  for (auto id : hit) {
    const CircuitRecord& c = circuits.at(id);
    auto r = requests.find(c.circuit.request_id);
    if (r != requests.end() && !r->second.request.restore) {
      ++counters.restorations["not_restorable"];
      continue;
    }
    restore(id, why, fault_at);
  }
  for (int p : suspect) refresh_service(sw, p);
  if (!hit.empty()) spdlog::warn("{} circuit(s) lost light: {}", hit.size(), why);
}

void Controller::Impl::restore(CircuitId id, const std::string& why, TimePoint fault_at) {
  CircuitRecord& c = circuits.at(id);
  const auto side = [&](EndpointPortId p) {
    const EndpointPort& ep = fabric.port(p);
    const Endpoint& e = fabric.endpoint(ep.endpoint);
    return solver::EndpointRef{e.name, e.groups[static_cast<std::size_t>(ep.group)].name};
  };
  solver::CircuitRequest q;
  q.request_id = c.circuit.request_id;
  q.job_id = c.job_id;
  q.tenant = c.tenant;
  q.priority = c.circuit.priority;
  q.bandwidth_per_flow = c.circuit.bandwidth;
  q.sources = {side(c.circuit.a)};
  q.destinations = {side(c.circuit.b)};
  q.latency_max = c.circuit.latency_max;
  q.min_margin = c.circuit.min_margin;
  const auto d = restorer.solve_in_place(alloc, q);
  if (!d.accepted || d.circuits.size() != 1) {
    ++counters.restorations["unrestorable"];
    const std::string detail =
        d.rejection ? d.rejection->reason + ": " + d.rejection->message : "no single circuit fits";
    record(c, CircuitState::kFailed, fmt::format("lost light: {}; not restored: {}", why, detail));
    return;
  }
  solver::Circuit moved = d.circuits.front();
  moved.id = c.circuit.id;
  moved.request_id = c.circuit.request_id;
  moved.priority = c.circuit.priority;
  if (auto added = alloc.add(moved); !added) {
    spdlog::error("restoration of circuit {} conflicts: {}", id.value(), added.error().message);
    ++counters.restorations["unrestorable"];
    record(c, CircuitState::kFailed,
           "lost light: " + why + "; not restored: " + added.error().message);
    return;
  }
  c.circuit = std::move(moved);
  failed_at[id] = fault_at;
  record(c, CircuitState::kRestoring, "lost light: " + why + "; restoring on another path");
  want(c.circuit, +1);
  check_circuit(id);
}

void Controller::Impl::restored(CircuitRecord& c) {
  std::string reason = "restored on another path";
  if (auto it = failed_at.find(c.circuit.id); it != failed_at.end()) {
    const Duration took = ex.now() - it->second;
    failed_at.erase(it);
    counters.time_to_restore.observe(took);
    reason = fmt::format("restored on another path {:.1f} ms after the fault", took.millis());
    spdlog::info("circuit {} {}", c.circuit.id.value(), reason);
  }
  ++counters.restorations["restored"];
  record(c, CircuitState::kActive, std::move(reason));
}

void Controller::Impl::on_telemetry(SwitchId sw, const southbound::TelemetryEvent& t) {
  const TimePoint now = ex.now();
  const auto active = [&](AlarmKind kind, int port) {
    return active_quality_alarms > 0 && active_alarms.count({sw, kind, port}) != 0;
  };
  for (const auto& pt : t.ports) {
    PortSlot* v = port_slot(sw, pt.port);
    if (!v) continue;  // no such port: nothing could show it
    v->telemetry = pt;
    v->telemetry_at = now;
    // Only a settled cross-connect is expected to carry good light; history
    // is kept for those ports alone, so idle ports cost nothing.
    const bool connected = v->status == southbound::PortStatus::kConnected;
    if (connected && opt.telemetry_history > 0) v->history.push({now, pt}, opt.telemetry_history);
    // Messages are written only when an alarm changes: most samples change nothing.
    const bool low = connected && pt.output_power < opt.low_power;
    if (low != active(AlarmKind::kLowPower, pt.port))
      set_alarm(sw, AlarmKind::kLowPower, pt.port, low,
                fmt::format("{} port {}: output power {:.1f} dBm below {:.1f} dBm",
                            fabric.optical_switch(sw).name, pt.port, pt.output_power.value(),
                            opt.low_power.value()),
                now);
    const bool noisy = connected && pt.ber > opt.max_ber;
    if (noisy != active(AlarmKind::kHighBer, pt.port))
      set_alarm(sw, AlarmKind::kHighBer, pt.port, noisy,
                fmt::format("{} port {}: estimated pre-FEC BER {:.2e} above {:.2e}",
                            fabric.optical_switch(sw).name, pt.port, pt.ber, opt.max_ber),
                now);
  }
}

void Controller::Impl::on_drift(SwitchId sw, const std::vector<southbound::CrossConnect>& missing,
                                const std::vector<southbound::CrossConnect>& unexpected) {
  counters.drift["missing"] += missing.size();
  counters.drift["unexpected"] += unexpected.size();
  const bool drifted = !missing.empty() || !unexpected.empty();
  std::string message;
  if (drifted) {
    const auto list = [](const std::vector<southbound::CrossConnect>& xs) {
      std::string s;
      for (const auto& x : xs) s += fmt::format("{}{}-{}", s.empty() ? "" : ", ", x.a, x.b);
      return s.empty() ? std::string("none") : s;
    };
    message = fmt::format(
        "{}: cross-connects changed behind the controller (missing: {}; unexpected: "
        "{}); repairing",
        fabric.optical_switch(sw).name, list(missing), list(unexpected));
    spdlog::warn("{}", message);
  }
  set_alarm(sw, AlarmKind::kDrift, -1, drifted, std::move(message), ex.now());
}

}  // namespace lightpath::core
