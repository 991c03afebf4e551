#include "simulator/fabric_server/admin_service.h"

#include <spdlog/spdlog.h>

#include "simulator/fabric_server/device_service.h"

namespace lightpath::fabric_server {

namespace {

std::optional<sim::FaultKind> from_proto(pb::FaultKind k) {
  switch (k) {
    case pb::STUCK_MIRROR:
      return sim::FaultKind::kStuckMirror;
    case pb::DARK_PORT:
      return sim::FaultKind::kDarkPort;
    case pb::FIBER_CUT:
      return sim::FaultKind::kFiberCut;
    case pb::SWITCH_DOWN:
      return sim::FaultKind::kSwitchDown;
    default:
      return std::nullopt;
  }
}

pb::FaultKind to_proto(sim::FaultKind k) {
  switch (k) {
    case sim::FaultKind::kStuckMirror:
      return pb::STUCK_MIRROR;
    case sim::FaultKind::kDarkPort:
      return pb::DARK_PORT;
    case sim::FaultKind::kFiberCut:
      return pb::FIBER_CUT;
    case sim::FaultKind::kSwitchDown:
      return pb::SWITCH_DOWN;
  }
  return pb::FAULT_KIND_UNSPECIFIED;
}

constexpr sim::FaultKind kAllKinds[] = {sim::FaultKind::kStuckMirror, sim::FaultKind::kDarkPort,
                                        sim::FaultKind::kFiberCut, sim::FaultKind::kSwitchDown};

// Every fault present on a switch now, as (kind, port).
std::vector<std::pair<sim::FaultKind, int>> active_faults(const sim::MemsSwitch& sw) {
  std::vector<std::pair<sim::FaultKind, int>> out;
  for (auto kind : kAllKinds) {
    if (!sim::is_port_fault(kind)) {
      if (sw.has_fault(kind, -1)) out.emplace_back(kind, -1);
      continue;
    }
    for (int p = 0; p < sw.port_count(); ++p)
      if (sw.has_fault(kind, p)) out.emplace_back(kind, p);
  }
  return out;
}

grpc::ServerUnaryReactor* finish_now(grpc::CallbackServerContext* ctx, const grpc::Status& s) {
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(s);
  return reactor;
}

}  // namespace

Result<std::vector<SwitchHub*>, grpc::Status> AdminService::select(const std::string& id) const {
  std::vector<SwitchHub*> out;
  if (id.empty()) {
    for (const auto& [name, hub] : host_.hubs()) out.push_back(hub.get());
    return out;
  }
  auto hub = find_switch(host_, id);
  if (!hub) return unexpected(hub.error());
  out.push_back(*hub);
  return out;
}

grpc::ServerUnaryReactor* AdminService::InjectFault(grpc::CallbackServerContext* ctx,
                                                    const pb::FaultRequest* request,
                                                    pb::FaultReply* reply) {
  return fault(ctx, request, reply, false);
}

grpc::ServerUnaryReactor* AdminService::ClearFault(grpc::CallbackServerContext* ctx,
                                                   const pb::FaultRequest* request,
                                                   pb::FaultReply* reply) {
  return fault(ctx, request, reply, true);
}

grpc::ServerUnaryReactor* AdminService::fault(grpc::CallbackServerContext* ctx,
                                              const pb::FaultRequest* request,
                                              pb::FaultReply* reply, bool recover) {
  auto hub = find_switch(host_, request->switch_id());
  if (!hub) return finish_now(ctx, hub.error());
  const auto kind = from_proto(request->kind());
  if (!kind)
    return finish_now(ctx, {grpc::StatusCode::INVALID_ARGUMENT,
                            "kind is required: STUCK_MIRROR, DARK_PORT, FIBER_CUT or SWITCH_DOWN"});
  const int ports = (*hub)->device().port_count();
  const int port = request->port();
  if (sim::is_port_fault(*kind) && (port < 0 || port >= ports))
    return finish_now(
        ctx, {grpc::StatusCode::INVALID_ARGUMENT,
              "port " + std::to_string(port) + " is out of range (switch " + request->switch_id() +
                  " has ports 0.." + std::to_string(ports - 1) + ")"});
  auto* reactor = ctx->DefaultReactor();
  host_.post([reactor, reply, hub = *hub, kind = *kind, port, recover] {
    sim::MemsSwitch& sw = hub->device();
    const bool effect = recover ? sw.recover(kind, port) : sw.inject(kind, port);
    spdlog::info("{} {} on {}{}: {}", recover ? "cleared" : "injected", sim::to_string(kind),
                 sw.name(), sim::is_port_fault(kind) ? " port " + std::to_string(port) : "",
                 effect ? "done" : "no change");
    reply->set_took_effect(effect);
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::ClearAll(grpc::CallbackServerContext* ctx,
                                                 const pb::ClearAllRequest* request,
                                                 pb::ClearAllReply* reply) {
  auto hubs = select(request->switch_id());
  if (!hubs) return finish_now(ctx, hubs.error());
  auto* reactor = ctx->DefaultReactor();
  host_.post([reactor, reply, hubs = *hubs] {
    int cleared = 0;
    for (SwitchHub* hub : hubs)
      for (auto [kind, port] : active_faults(hub->device()))
        cleared += hub->device().recover(kind, port) ? 1 : 0;
    spdlog::info("cleared {} faults", cleared);
    reply->set_cleared(cleared);
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::ListFaults(grpc::CallbackServerContext* ctx,
                                                   const pb::ListFaultsRequest* request,
                                                   pb::ListFaultsReply* reply) {
  auto hubs = select(request->switch_id());
  if (!hubs) return finish_now(ctx, hubs.error());
  auto* reactor = ctx->DefaultReactor();
  host_.post([reactor, reply, hubs = *hubs] {
    for (SwitchHub* hub : hubs)
      for (auto [kind, port] : active_faults(hub->device())) {
        auto* f = reply->add_faults();
        f->set_switch_id(hub->device().name());
        f->set_kind(to_proto(kind));
        f->set_port(port);
      }
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* AdminService::ChangeCounters(grpc::CallbackServerContext* ctx,
                                                       const pb::ChangeCountersRequest* request,
                                                       pb::ChangeCountersReply* reply) {
  auto hubs = select(request->switch_id());
  if (!hubs) return finish_now(ctx, hubs.error());
  auto* reactor = ctx->DefaultReactor();
  host_.post([this, reactor, reply, hubs = *hubs] {
    for (SwitchHub* hub : hubs) {
      auto* c = reply->add_switches();
      c->set_switch_id(hub->device().name());
      c->set_connects(hub->connects());
      c->set_disconnects(hub->disconnects());
    }
    reply->set_instance(host_.instance());
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

}  // namespace lightpath::fabric_server
