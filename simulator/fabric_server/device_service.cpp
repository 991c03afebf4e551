#include "simulator/fabric_server/device_service.h"

#include <algorithm>

#include "simulator/fabric_server/event_stream.h"

namespace lightpath::fabric_server {

namespace sg = southbound_grpc;
using southbound::ApplyReport;

Result<SwitchHub*, grpc::Status> find_switch(const FabricHost& host, const std::string& id) {
  if (id.empty())
    return unexpected(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "switch_id is required"));
  if (SwitchHub* hub = host.hub(id)) return hub;
  return unexpected(
      grpc::Status(grpc::StatusCode::NOT_FOUND,
                   "unknown switch '" + id + "' (this fabric has " + host.switch_names() + ")"));
}

namespace {

// A batch larger than any valid one is refused before it reaches the model:
// each port appears at most once per list.
grpc::Status check_size(const pb::Batch& batch, const SwitchHub& hub) {
  const int ports = hub.device().port_count();
  if (batch.connects_size() > ports || batch.disconnects_size() > ports)
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "batch names more cross-connects than the switch has ports (" + std::to_string(ports) +
                ")"};
  return grpc::Status::OK;
}

// Finds the call's switch and checks its batch. A refusal finishes the call
// here, and nullptr is returned.
SwitchHub* admit(const FabricHost& host, grpc::ServerUnaryReactor* reactor, const std::string& id,
                 const pb::Batch* batch = nullptr) {
  auto hub = find_switch(host, id);
  const grpc::Status refused = !hub    ? hub.error()
                               : batch ? check_size(*batch, **hub)
                                       : grpc::Status::OK;
  if (refused.ok()) return *hub;
  reactor->Finish(refused);
  return nullptr;
}

}  // namespace

grpc::ServerUnaryReactor* DeviceService::Describe(grpc::CallbackServerContext* ctx,
                                                  const pb::DescribeRequest* request,
                                                  pb::DeviceInfo* reply) {
  auto* reactor = ctx->DefaultReactor();
  SwitchHub* hub = admit(host_, reactor, request->switch_id());
  if (!hub) return reactor;
  host_.post([reactor, reply, hub] {
    sim::MemsSwitch& sw = hub->device();
    if (!sw.up())
      return reactor->Finish(sg::to_status(
          Error{std::string(southbound::kDeviceDown), "switch " + sw.name() + " is down"}));
    const auto& s = sw.switching();
    *reply = sg::to_proto(southbound::DeviceInfo{sw.name(), "simulated-mems", sw.port_count(),
                                                 SwitchingTime{s.min, s.max, s.settle}});
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* DeviceService::ReadCrossConnects(
    grpc::CallbackServerContext* ctx, const pb::ReadCrossConnectsRequest* request,
    pb::ReadCrossConnectsReply* reply) {
  auto* reactor = ctx->DefaultReactor();
  SwitchHub* hub = admit(host_, reactor, request->switch_id());
  if (!hub) return reactor;
  host_.post([reactor, reply, hub] {
    auto xs = hub->device().cross_connects();
    if (!xs) return reactor->Finish(sg::to_status(xs.error()));
    for (const auto& x : *xs) *reply->add_cross_connects() = sg::to_proto(x);
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* DeviceService::ValidateBatch(grpc::CallbackServerContext* ctx,
                                                       const pb::ValidateBatchRequest* request,
                                                       pb::ValidateBatchReply* reply) {
  auto* reactor = ctx->DefaultReactor();
  SwitchHub* hub = admit(host_, reactor, request->switch_id(), &request->batch());
  if (!hub) return reactor;
  host_.post([reactor, request, reply, hub] {
    auto v = hub->device().validate(sg::from_proto(request->batch()));
    if (!v) return reactor->Finish(sg::to_status(v.error()));
    *reply = sg::to_proto(*v);
    reactor->Finish(grpc::Status::OK);
  });
  return reactor;
}

grpc::ServerUnaryReactor* DeviceService::ApplyBatch(grpc::CallbackServerContext* ctx,
                                                    const pb::ApplyBatchRequest* request,
                                                    pb::ApplyBatchReply* reply) {
  auto* reactor = ctx->DefaultReactor();
  SwitchHub* hub = admit(host_, reactor, request->switch_id(), &request->batch());
  if (!hub) return reactor;
  host_.post([this, reactor, request, reply, hub] {
    // The model answers in a later event of the model's thread, once light
    // has settled (or at once when it refuses the batch).
    hub->device().apply(sg::from_proto(request->batch()),
                        [this, reactor, reply, hub](Result<ApplyReport> r) {
                          if (!r) return reactor->Finish(sg::to_status(r.error()));
                          *reply = sg::to_proto(*r, host_.clock());
                          reply->set_events_through(hub->seq());
                          reply->set_instance(host_.instance());
                          reactor->Finish(grpc::Status::OK);
                        });
  });
  return reactor;
}

grpc::ServerWriteReactor<pb::DeviceEvent>* DeviceService::Subscribe(
    grpc::CallbackServerContext* /*ctx*/, const pb::SubscribeRequest* request) {
  auto hub = find_switch(host_, request->switch_id());
  if (!hub) {
    // A stream that ends at once with the status.
    struct Refused final : grpc::ServerWriteReactor<pb::DeviceEvent> {
      explicit Refused(const grpc::Status& s) { Finish(s); }
      void OnDone() override { delete this; }
    };
    return new Refused(hub.error());
  }
  std::int64_t ms = request->heartbeat_interval_ms();
  ms = ms == 0 ? 1000 : std::clamp<std::int64_t>(ms, 50, 60'000);
  return new EventStream(host_, **hub, Duration::ms(ms));
}

}  // namespace lightpath::fabric_server
