// The optical side of the MEMS model: losses, what the monitors read,
// periodic telemetry and loss-of-light alarms (docs/mems-model.md).
#include <fmt/format.h>

#include <cmath>

#include "simulator/mems_switch.h"

namespace lightpath::sim {

using southbound::AlarmKind;
using southbound::PortTelemetry;

bool MemsSwitch::input_light(int port) const {
  return up_ && spec_.input_power[idx(port)].has_value() && !ports_[idx(port)].cut;
}

Decibels MemsSwitch::cross_connect_loss(int a, int b) const {
  const PortState& pa = ports_[idx(a)];
  const PortState& pb = ports_[idx(b)];
  const double loss = spec_.insertion_loss.value() + 0.5 * (pa.offset.value() + pb.offset.value()) +
                      0.5 * (pa.drift.value() + pb.drift.value());
  return Decibels::db(loss > 0.0 ? loss : 0.0);
}

bool MemsSwitch::carries_light(int port) const {
  const int peer = table_.peer(port);
  if (!up_ || peer < 0) return false;
  const PortState& here = ports_[idx(port)];
  const PortState& there = ports_[idx(peer)];
  const TimePoint now = engine_.now();
  return now >= here.light_from && now >= there.light_from && !here.dark && !there.dark &&
         input_light(peer);
}

PortTelemetry MemsSwitch::measure(int port) const {
  PortTelemetry t;
  t.port = port;
  t.input_power = input_light(port) ? *spec_.input_power[idx(port)] : options_.no_light;
  if (carries_light(port)) {
    const int peer = table_.peer(port);
    const PowerDbm out = *spec_.input_power[idx(peer)] - cross_connect_loss(port, peer);
    t.output_power = out < options_.no_light ? options_.no_light : out;
    const double osnr = output_osnr_linear(options_.signal, t.output_power);
    t.osnr = Decibels::db(linear_to_db(osnr));
    t.ber = bit_error_ratio(options_.signal, q_factor_linear(options_.signal, osnr));
  } else {
    t.output_power = options_.no_light;
    t.osnr = Decibels::db(0.0);
    t.ber = 0.5;
  }
  return t;
}

void MemsSwitch::schedule_next_sample() {
  if (options_.telemetry_interval <= Duration()) return;
  sample_event_ =
      engine_.schedule_after(options_.telemetry_interval, [this] { sample_telemetry(); });
}

void MemsSwitch::sample_telemetry() {
  const TimePoint now = engine_.now();
  const double hours = (now - last_sample_).seconds() / 3600.0;
  last_sample_ = now;
  if (up_) {
    // A reflected random walk: steps with standard deviation
    // step_per_sqrt_hour·sqrt(Δt in hours), kept within ±max.
    const double scale = options_.drift.step_per_sqrt_hour.value() * std::sqrt(3.0 * hours);
    const double bound = options_.drift.max.value();
    for (auto& p : ports_) {
      double d = p.drift.value() + scale * rng_.uniform(-1.0, 1.0);
      if (d > bound) d = 2.0 * bound - d;
      if (d < -bound) d = -2.0 * bound - d;
      p.drift = Decibels::db(std::clamp(d, -bound, bound));
    }
    southbound::TelemetryEvent event;
    event.at = now;
    event.ports.reserve(ports_.size());
    for (int p = 0; p < port_count(); ++p) event.ports.push_back(measure(p));
    evaluate_alarms(event.ports);
    if (!listeners_.empty()) emit(event);
  }
  schedule_next_sample();
}

void MemsSwitch::evaluate_alarms() {
  if (!up_) return;
  std::vector<PortTelemetry> readings;
  readings.reserve(ports_.size());
  for (int p = 0; p < port_count(); ++p) readings.push_back(measure(p));
  evaluate_alarms(readings);
}

void MemsSwitch::evaluate_alarms(const std::vector<PortTelemetry>& readings) {
  if (!up_) return;
  for (int p = 0; p < port_count(); ++p) {
    const int peer = table_.peer(p);
    check_port_alarms(p, readings[idx(p)], peer >= 0 ? readings[idx(peer)].input_power : PowerDbm());
  }
}

// A reconfiguration changes the light of the ports it moved and of nothing
// else, so only those are measured: a whole-switch sweep per batch would
// cost more than the batch.
void MemsSwitch::evaluate_alarms_on(const std::vector<int>& ports) {
  if (!up_) return;
  for (int p : ports) {
    const int peer = table_.peer(p);
    check_port_alarms(p, measure(p), peer >= 0 ? measure(peer).input_power : PowerDbm());
  }
}

void MemsSwitch::check_port_alarms(int p, const PortTelemetry& r, PowerDbm peer_input) {
  const PowerDbm threshold = options_.loss_of_light_threshold;
  // Only a cabled port is expected to receive light.
  const bool los_in = spec_.input_power[idx(p)].has_value() && r.input_power < threshold;
  const int peer = table_.peer(p);
  // Light goes into a settled cross-connect but does not come out here.
  const bool los_out = peer >= 0 && engine_.now() >= ports_[idx(p)].light_from &&
                       peer_input >= threshold && r.output_power < threshold;
  if (los_in != ports_[idx(p)].los_in)
    set_alarm(AlarmKind::kLossOfLightIn, p, los_in,
              fmt::format("input power {:.1f} dBm {} loss-of-light threshold {:.1f} dBm",
                          r.input_power.value(), los_in ? "below" : "back above", threshold.value()));
  if (los_out != ports_[idx(p)].los_out)
    set_alarm(AlarmKind::kLossOfLightOut, p, los_out,
              fmt::format("output power {:.1f} dBm {} loss-of-light threshold {:.1f} dBm "
                          "(cross-connect to port {})",
                          r.output_power.value(), los_out ? "below" : "back above",
                          threshold.value(), peer));
}

void MemsSwitch::set_alarm(AlarmKind kind, int port, bool raised, std::string message) {
  const std::pair<int, int> key{static_cast<int>(kind), port};
  const bool active = alarms_.count(key) > 0;
  if (active == raised) return;
  southbound::AlarmEvent event{engine_.now(), kind, port, raised,
                               fmt::format("{} port {}: {}", name(), port, std::move(message))};
  if (kind == AlarmKind::kLossOfLightIn) ports_[idx(port)].los_in = raised;
  if (kind == AlarmKind::kLossOfLightOut) ports_[idx(port)].los_out = raised;
  if (raised) {
    alarms_[key] = event;
  } else {
    alarms_.erase(key);
  }
  emit(event);
}

std::vector<southbound::AlarmEvent> MemsSwitch::active_alarms() const {
  std::vector<southbound::AlarmEvent> out;
  for (const auto& [key, a] : alarms_) out.push_back(a);
  if (!up_)
    out.push_back({down_since_, AlarmKind::kDeviceDown, -1, true, "switch " + name() + " is down"});
  return out;
}

}  // namespace lightpath::sim
