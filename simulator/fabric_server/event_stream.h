#pragma once
// One Subscribe stream of lightpath-fabric: a StreamStart, then every event
// of the switch, with a Heartbeat at the interval the client asked for.
// Events are queued by the model's thread and written by gRPC; a client too
// slow to keep up is cut off (RESOURCE_EXHAUSTED) rather than buffered
// without bound — it reconnects and starts again from a StreamStart.

#include <grpcpp/grpcpp.h>

#include <deque>
#include <memory>
#include <mutex>

#include "lightpath/device/v1/device.pb.h"
#include "simulator/fabric_server/fabric_host.h"

namespace lightpath::fabric_server {

class EventStream final : public grpc::ServerWriteReactor<pb::DeviceEvent> {
 public:
  // Registers with the switch's hub on the model's thread.
  EventStream(FabricHost& host, SwitchHub& hub, Duration heartbeat);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

  static constexpr std::size_t kMaxQueued = 8192;

 private:
  // Shared with the hub's sink and the heartbeat timer, which may outlive
  // the stream; `stream` is null once gRPC is done with it.
  // Recursive, in case gRPC runs a reaction inline inside StartWrite/Finish.
  struct Outbox {
    std::recursive_mutex mutex;
    EventStream* stream = nullptr;
    std::uint64_t sink = 0;  // the hub's id for this stream, once registered
  };

  void start_on_model();
  static void beat(std::shared_ptr<Outbox> outbox, FabricHost& host, SwitchHub& hub,
                   Duration interval);
  // With outbox->mutex held.
  void push_locked(const pb::DeviceEvent& event);
  void finish_locked(grpc::Status status);

  FabricHost& host_;
  SwitchHub& hub_;
  Duration heartbeat_;
  std::shared_ptr<Outbox> outbox_ = std::make_shared<Outbox>();
  std::deque<pb::DeviceEvent> queue_;
  bool writing_ = false;
  bool finished_ = false;
};

}  // namespace lightpath::fabric_server
