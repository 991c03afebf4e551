#pragma once
// What a GrpcDriver shares with its calls and its event stream in flight.
// Fields marked "executor" are touched only on the caller's executor thread;
// the rest under `mutex`, from gRPC's threads too.

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>

#include "controller/southbound_grpc/device_convert.h"
#include "controller/southbound_grpc/grpc_driver.h"
#include "lightpath/device/v1/device.grpc.pb.h"

namespace lightpath::southbound_grpc {

class EventStreamReader;

struct GrpcDriver::State : std::enable_shared_from_this<GrpcDriver::State> {
  State(std::string id, std::shared_ptr<grpc::Channel> channel, Executor& ex, GrpcDriverOptions o);

  // ---- fixed
  const std::string switch_id;
  const std::unique_ptr<pb::DeviceService::Stub> stub;
  Executor& caller;
  const GrpcDriverOptions options;

  // ---- under mutex: what gRPC holds, so the driver can cancel and wait.
  // Recursive because gRPC may run a callback inline inside TryCancel.
  mutable std::recursive_mutex mutex;
  std::condition_variable_any released;
  std::set<grpc::ClientContext*> calls;
  EventStreamReader* stream = nullptr;
  bool closing = false;  // no new stream once the driver is going away

  // ---- executor
  bool alive = true;
  std::size_t pending = 0;
  std::map<std::uint64_t, southbound::EventCallback> subscribers;
  std::uint64_t next_subscriber = 1;
  // The link: the current stream attempt and what it has told us.
  std::uint64_t attempt = 0;
  bool link_up = false;
  bool device_up = true;
  // What subscribers last heard of kUnreachable (the link) and kDeviceDown
  // (the device's own word); both start as "fine", so a driver that
  // connects at once raises nothing.
  bool reported_unreachable = false;
  bool reported_device_down = false;
  std::optional<southbound::DeviceInfo> info;
  std::string down_reason = "not connected yet";
  std::uint64_t instance = 0;
  std::uint64_t last_seq = 0;
  TimePoint last_heard;
  TimerId watchdog;
  TimerId reconnect_timer;
  Duration backoff;
  std::minstd_rand jitter;
  // Alarms raised on the device as last heard (kDeviceDown apart), so a
  // reconnect can clear those that cleared while the link was down.
  std::map<std::pair<int, int>, southbound::AlarmEvent> raised;
  // Apply reports waiting for the stream to deliver the events before them.
  struct Parked {
    std::uint64_t instance;
    std::uint64_t events_through;
    std::function<void()> deliver;
  };
  std::vector<Parked> parked;

  // Protocol time (Unix ns) on the caller's clock, with one offset for
  // every time of a message so that their order and spacing survive.
  FromUnixNs clock() const;

  // A unary call: counted, tracked for cancellation, with a deadline; the
  // answer runs `finish(status)` on the executor unless the driver is gone.
  void track(grpc::ClientContext* ctx);
  void untrack(grpc::ClientContext* ctx);
  std::function<void(grpc::Status)> on_done(grpc::ClientContext* ctx,
                                            std::function<void(const grpc::Status&)> finish);
  void set_deadline(grpc::ClientContext& ctx, Duration timeout) const;

  // ---- the link (device_link.cpp), executor only
  void connect();
  void on_message(std::uint64_t attempt, const pb::DeviceEvent& message);
  void on_stream_end(std::uint64_t attempt, const grpc::Status& status);
  void check_heartbeat();
  void link_lost(const std::string& why);
  void report_device(bool down, const std::string& why);
  void track_alarm(const southbound::AlarmEvent& alarm);
  void resync_alarms(const pb::StreamStart& start);
  void emit(const southbound::DeviceEvent& event);
  void release_parked(bool all);
  // Cancels the stream and every call; waits until gRPC has let go.
  void shut_down();
};

}  // namespace lightpath::southbound_grpc
