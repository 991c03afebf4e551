#include <algorithm>
#include <cstdint>
#include <limits>

#include "controller/grpc/convert.h"
#include "controller/grpc/grpc_auth.h"
#include "controller/grpc/services.h"

namespace lightpath::grpc_api {

FabricService::FabricService(core::Controller& controller, Executor& executor, auth::Guard& guard)
    : core_(controller), ex_(executor), guard_(guard) {}

grpc::ServerUnaryReactor* FabricService::refused(grpc::CallbackServerContext* ctx,
                                                 std::string_view method, auth::Action action) {
  auto who = admit(guard_, ctx, method, action, "");
  if (who) return nullptr;
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(who.error());
  return reactor;
}

grpc::ServerUnaryReactor* FabricService::ListSwitches(grpc::CallbackServerContext* ctx,
                                                      const v1::ListSwitchesRequest*,
                                                      v1::ListSwitchesResponse* resp) {
  if (auto* no = refused(ctx, "ListSwitches", auth::Action::kReadFabric)) return no;
  auto* reactor = ctx->DefaultReactor();
  ex_.post([this, reactor, resp] {
    for (const auto& s : core_.switches()) {
      auto* out = resp->add_switches();
      out->set_name(s.name);
      out->set_kind(std::string(to_string(s.kind)));
      out->set_port_count(static_cast<std::uint32_t>(s.port_count));
      out->set_ports_in_use(static_cast<std::uint32_t>(s.ports_in_use));
      out->set_reconfigurations(s.reconfigurations);
      out->set_up(s.up);
      out->set_drained(s.drained);
    }
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* FabricService::ListPorts(grpc::CallbackServerContext* ctx,
                                                   const v1::ListPortsRequest* req,
                                                   v1::ListPortsResponse* resp) {
  if (auto* no = refused(ctx, "ListPorts", auth::Action::kReadFabric)) return no;
  auto* reactor = ctx->DefaultReactor();
  ex_.post([this, reactor, resp, name = req->switch_name()] {
    if (name.empty())
      return reactor->Finish({grpc::StatusCode::INVALID_ARGUMENT, "switch_name: required"});
    auto ports = core_.ports(name);
    if (!ports) return reactor->Finish(to_status(ports.error()));
    for (const auto& p : *ports) {
      auto* out = resp->add_ports();
      out->set_index(static_cast<std::uint32_t>(p.index));
      out->set_cabled_to(p.cabled_to);
      out->set_peer(p.peer);
      out->set_circuit_id(p.circuit ? p.circuit->value() : 0);
      out->set_status(std::string(southbound::to_string(p.status)));
      out->set_out_of_service(!p.in_service);
      out->set_drained(p.drained);
      out->set_held(p.held);
      if (p.telemetry) to_proto(*p.telemetry, p.telemetry_at, out->mutable_telemetry());
    }
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* FabricService::GetPortTelemetry(grpc::CallbackServerContext* ctx,
                                                          const v1::GetPortTelemetryRequest* req,
                                                          v1::GetPortTelemetryResponse* resp) {
  if (auto* no = refused(ctx, "GetPortTelemetry", auth::Action::kReadFabric)) return no;
  auto* reactor = ctx->DefaultReactor();
  ex_.post([this, reactor, resp, name = req->switch_name(), port = req->port()] {
    if (name.empty())
      return reactor->Finish({grpc::StatusCode::INVALID_ARGUMENT, "switch_name: required"});
    if (port > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
      return reactor->Finish({grpc::StatusCode::NOT_FOUND, "port: out of range"});
    auto samples = core_.port_telemetry(name, static_cast<int>(port));
    if (!samples) return reactor->Finish(to_status(samples.error()));
    for (const auto& s : *samples) to_proto(s.reading, s.at, resp->add_samples());
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* FabricService::ListAlarms(grpc::CallbackServerContext* ctx,
                                                    const v1::ListAlarmsRequest* req,
                                                    v1::ListAlarmsResponse* resp) {
  if (auto* no = refused(ctx, "ListAlarms", auth::Action::kReadFabric)) return no;
  auto* reactor = ctx->DefaultReactor();
  ex_.post([this, reactor, resp, all = req->include_cleared()] {
    for (const auto& a : core_.alarms(all)) {
      auto* out = resp->add_alarms();
      out->set_at_unix_ms(unix_ms(a.at));
      out->set_switch_name(a.switch_name);
      out->set_port(a.alarm.port);
      out->set_kind(std::string(southbound::to_string(a.alarm.kind)));
      out->set_message(a.alarm.message);
      out->set_active(a.active);
    }
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* FabricService::drain(grpc::CallbackServerContext* ctx,
                                               std::string_view method, std::string switch_name,
                                               int port, bool drained,
                                               std::function<void(std::uint32_t)> set_count) {
  if (auto* no = refused(ctx, method, auth::Action::kDrainSwitch)) return no;
  auto* reactor = ctx->DefaultReactor();
  ex_.post([this, reactor, name = std::move(switch_name), port, drained,
            set_count = std::move(set_count)] {
    if (name.empty())
      return reactor->Finish({grpc::StatusCode::INVALID_ARGUMENT, "switch_name: required"});
    core_.drain(name, port, drained, [reactor, set_count](core::ApiResult<int> n) {
      if (!n) return reactor->Finish(to_status(n.error()));
      set_count(static_cast<std::uint32_t>(*n));
      reactor->Finish(grpc::Status::OK);
    });
  });
  return reactor;
}

grpc::ServerUnaryReactor* FabricService::DrainSwitch(grpc::CallbackServerContext* ctx,
                                                     const v1::DrainSwitchRequest* req,
                                                     v1::DrainSwitchResponse* resp) {
  return drain(ctx, "DrainSwitch", req->switch_name(), -1, req->drained(),
               [resp](std::uint32_t n) { resp->set_circuits_on_switch(n); });
}

grpc::ServerUnaryReactor* FabricService::DrainPort(grpc::CallbackServerContext* ctx,
                                                   const v1::DrainPortRequest* req,
                                                   v1::DrainPortResponse* resp) {
  // A port number past int's range is no port of any switch either.
  const int port =
      static_cast<int>(std::min<std::uint32_t>(req->port(), std::numeric_limits<int>::max()));
  return drain(ctx, "DrainPort", req->switch_name(), port, req->drained(),
               [resp](std::uint32_t n) { resp->set_circuits_on_port(n); });
}

}  // namespace lightpath::grpc_api
