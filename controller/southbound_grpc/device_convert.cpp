#include "controller/southbound_grpc/device_convert.h"

namespace lightpath::southbound_grpc {

using namespace southbound;

pb::CrossConnect to_proto(const CrossConnect& x) {
  pb::CrossConnect out;
  out.set_a(x.a);
  out.set_b(x.b);
  return out;
}

CrossConnect from_proto(const pb::CrossConnect& x) {
  return CrossConnect{x.a(), x.b()};
}

pb::Batch to_proto(const Batch& batch) {
  pb::Batch out;
  for (const auto& x : batch.disconnects) *out.add_disconnects() = to_proto(x);
  for (const auto& x : batch.connects) *out.add_connects() = to_proto(x);
  return out;
}

Batch from_proto(const pb::Batch& batch) {
  Batch out;
  for (const auto& x : batch.disconnects()) out.disconnects.push_back(from_proto(x));
  for (const auto& x : batch.connects()) out.connects.push_back(from_proto(x));
  return out;
}

pb::DeviceInfo to_proto(const DeviceInfo& info) {
  pb::DeviceInfo out;
  out.set_switch_id(info.name);
  out.set_model(info.model);
  out.set_port_count(info.port_count);
  auto* s = out.mutable_switching();
  s->set_min_ns(info.switching.min.count_ns());
  s->set_max_ns(info.switching.max.count_ns());
  s->set_settle_ns(info.switching.settle.count_ns());
  return out;
}

DeviceInfo from_proto(const pb::DeviceInfo& info) {
  const auto& s = info.switching();
  return DeviceInfo{info.switch_id(), info.model(), info.port_count(),
                    SwitchingTime{Duration::ns(s.min_ns()), Duration::ns(s.max_ns()),
                                  Duration::ns(s.settle_ns())}};
}

pb::ValidateBatchReply to_proto(const Validation& v) {
  pb::ValidateBatchReply out;
  out.set_mirror_moves(v.mirror_moves);
  out.set_worst_case_switching_ns(v.worst_case_switching.count_ns());
  return out;
}

Validation from_proto(const pb::ValidateBatchReply& v) {
  return Validation{v.mirror_moves(), Duration::ns(v.worst_case_switching_ns())};
}

pb::ApplyBatchReply to_proto(const ApplyReport& r, const ToUnixNs& clock) {
  pb::ApplyBatchReply out;
  for (const auto& x : r.disconnected) *out.add_disconnected() = to_proto(x);
  for (const auto& x : r.connected) *out.add_connected() = to_proto(x);
  for (const auto& f : r.failures) {
    auto* pf = out.add_failures();
    pf->set_port(f.port);
    pf->set_reason(f.reason);
  }
  out.set_started_at_unix_ns(clock(r.started_at));
  out.set_settled_at_unix_ns(clock(r.settled_at));
  return out;
}

ApplyReport from_proto(const pb::ApplyBatchReply& r, const FromUnixNs& clock) {
  ApplyReport out;
  for (const auto& x : r.disconnected()) out.disconnected.push_back(from_proto(x));
  for (const auto& x : r.connected()) out.connected.push_back(from_proto(x));
  for (const auto& f : r.failures()) out.failures.push_back(PortFailure{f.port(), f.reason()});
  out.started_at = clock(r.started_at_unix_ns());
  out.settled_at = clock(r.settled_at_unix_ns());
  return out;
}

namespace {

pb::PortStatus to_proto(PortStatus s) {
  switch (s) {
    case PortStatus::kIdle:
      return pb::IDLE;
    case PortStatus::kSwitching:
      return pb::SWITCHING;
    case PortStatus::kConnected:
      return pb::CONNECTED;
  }
  return pb::PORT_STATUS_UNSPECIFIED;
}

PortStatus from_proto(pb::PortStatus s) {
  switch (s) {
    case pb::SWITCHING:
      return PortStatus::kSwitching;
    case pb::CONNECTED:
      return PortStatus::kConnected;
    default:
      return PortStatus::kIdle;
  }
}

pb::AlarmKind to_proto(AlarmKind k) {
  switch (k) {
    case AlarmKind::kLossOfLightIn:
      return pb::LOSS_OF_LIGHT_IN;
    case AlarmKind::kLossOfLightOut:
      return pb::LOSS_OF_LIGHT_OUT;
    case AlarmKind::kMirrorStuck:
      return pb::MIRROR_STUCK;
    case AlarmKind::kDeviceDown:
      return pb::DEVICE_DOWN;
    default:
      // The controller's own kinds (unreachable, low power, ...) never
      // travel from a device.
      return pb::ALARM_KIND_UNSPECIFIED;
  }
}

AlarmKind from_proto(pb::AlarmKind k) {
  switch (k) {
    case pb::LOSS_OF_LIGHT_OUT:
      return AlarmKind::kLossOfLightOut;
    case pb::MIRROR_STUCK:
      return AlarmKind::kMirrorStuck;
    case pb::DEVICE_DOWN:
      return AlarmKind::kDeviceDown;
    default:
      return AlarmKind::kLossOfLightIn;
  }
}

}  // namespace

pb::Alarm to_proto(const AlarmEvent& a, const ToUnixNs& clock) {
  pb::Alarm out;
  out.set_at_unix_ns(clock(a.at));
  out.set_kind(to_proto(a.kind));
  out.set_port(a.port);
  out.set_raised(a.raised);
  out.set_message(a.message);
  return out;
}

AlarmEvent from_proto(const pb::Alarm& a, const FromUnixNs& clock) {
  return AlarmEvent{clock(a.at_unix_ns()), from_proto(a.kind()), a.port(), a.raised(), a.message()};
}

void fill_event(const DeviceEvent& e, const ToUnixNs& clock, pb::DeviceEvent& out) {
  if (const auto* p = std::get_if<PortEvent>(&e)) {
    auto* ps = out.mutable_port_state();
    ps->set_at_unix_ns(clock(p->at));
    ps->set_port(p->port);
    ps->set_status(to_proto(p->status));
    ps->set_peer(p->peer);
  } else if (const auto* t = std::get_if<TelemetryEvent>(&e)) {
    auto* ts = out.mutable_telemetry();
    ts->set_at_unix_ns(clock(t->at));
    ts->mutable_ports()->Reserve(static_cast<int>(t->ports.size()));
    for (const auto& p : t->ports) {
      auto* s = ts->add_ports();
      s->set_port(p.port);
      s->set_input_power_dbm(p.input_power.value());
      s->set_output_power_dbm(p.output_power.value());
      s->set_osnr_db(p.osnr.value());
      s->set_ber(p.ber);
    }
  } else if (const auto* a = std::get_if<AlarmEvent>(&e)) {
    *out.mutable_alarm() = to_proto(*a, clock);
  }
}

std::optional<DeviceEvent> device_event(const pb::DeviceEvent& e, const FromUnixNs& clock) {
  switch (e.event_case()) {
    case pb::DeviceEvent::kPortState: {
      const auto& p = e.port_state();
      return PortEvent{clock(p.at_unix_ns()), p.port(), from_proto(p.status()), p.peer()};
    }
    case pb::DeviceEvent::kTelemetry: {
      TelemetryEvent t{clock(e.telemetry().at_unix_ns()), {}};
      t.ports.reserve(static_cast<std::size_t>(e.telemetry().ports_size()));
      for (const auto& s : e.telemetry().ports())
        t.ports.push_back(PortTelemetry{s.port(), PowerDbm::dbm(s.input_power_dbm()),
                                        PowerDbm::dbm(s.output_power_dbm()),
                                        Decibels::db(s.osnr_db()), s.ber()});
      return t;
    }
    case pb::DeviceEvent::kAlarm:
      return from_proto(e.alarm(), clock);
    default:
      return std::nullopt;
  }
}

grpc::Status to_status(const Error& error) {
  if (error.code == kInvalidBatch) return {grpc::StatusCode::INVALID_ARGUMENT, error.message};
  if (error.code == kDeviceDown) return {grpc::StatusCode::UNAVAILABLE, error.message};
  if (error.code == kApplyFailed) return {grpc::StatusCode::FAILED_PRECONDITION, error.message};
  return {grpc::StatusCode::INTERNAL, error.code + ": " + error.message};
}

Error from_status(const grpc::Status& status, const std::string& where) {
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
      return Error{std::string(kInvalidBatch), status.error_message()};
    case grpc::StatusCode::FAILED_PRECONDITION:
      return Error{std::string(kApplyFailed), status.error_message()};
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return Error{std::string(kDeviceDown),
                   "no answer from the fabric at " + where + " before the deadline"};
    default:
      return Error{std::string(kDeviceDown), "fabric at " + where + ": " +
                                                 status_code_name(status.error_code()) + ": " +
                                                 status.error_message()};
  }
}

}  // namespace lightpath::southbound_grpc
