#pragma once
// The southbound driver for a switch served over the device protocol
// (proto/lightpath/device/v1/device.proto), e.g. by lightpath-fabric. Every
// call carries a deadline: a fabric that stalls or dies makes calls fail with
// kDeviceDown, never hang. One Subscribe stream per switch stays open for
// the driver's whole life, whether or not anyone subscribes here: it is how
// the driver knows the device is there. Heartbeats on it prove the link;
// when it breaks (or goes silent) the driver raises AlarmEvent{kUnreachable}
// to subscribers, reconnects with backoff, and clears the alarm once the
// device answers again, after re-syncing what it missed meanwhile: the
// device's own kDeviceDown and its other alarms. While unreachable, calls
// fail with the error code kDeviceDown (the only code for "cannot do it").
//
// Use the driver from its executor's thread only; callbacks and events are
// delivered there.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "lightpath/executor.h"
#include "lightpath/southbound.h"

namespace lightpath::southbound_grpc {

struct GrpcDriverOptions {
  std::string address;                       // host:port of the fabric, for messages
  Duration call_timeout = Duration::s(5);    // read, validate
  Duration apply_timeout = Duration::s(15);  // apply answers only once light has settled
  Duration heartbeat = Duration::ms(500);    // asked of the server
  int missed_heartbeats = 4;                 // silence for this many intervals: link down
  Duration reconnect_min = Duration::ms(100);
  Duration reconnect_max = Duration::s(2);
};

class GrpcDriver final : public southbound::Driver {
 public:
  GrpcDriver(std::string switch_id, std::shared_ptr<grpc::Channel> channel, Executor& caller,
             GrpcDriverOptions options);
  // Cancels every call in flight and waits until gRPC has let go of them;
  // their callbacks never run.
  ~GrpcDriver() override;
  GrpcDriver(const GrpcDriver&) = delete;
  GrpcDriver& operator=(const GrpcDriver&) = delete;

  // The description the device gave when the link came up; kDeviceDown while
  // the link is down, the device reports itself down, or it never answered.
  Result<southbound::DeviceInfo> describe() const override;
  void read_cross_connects(
      southbound::Callback<std::vector<southbound::CrossConnect>> done) override;
  void validate(const southbound::Batch& batch,
                southbound::Callback<southbound::Validation> done) override;
  // The report is delivered after the port events the device emitted before
  // it, when the event stream is up, as the in-process driver does.
  void apply(southbound::Batch batch, southbound::Callback<southbound::ApplyReport> done) override;
  southbound::SubscriptionId subscribe(southbound::EventCallback on_event) override;
  void unsubscribe(southbound::SubscriptionId id) override;

  // Calls made whose callbacks have not run yet.
  std::size_t pending_calls() const;
  // The event stream is connected and heard from recently.
  bool link_up() const;

  struct State;  // shared with the calls and the stream in flight

 private:
  std::shared_ptr<State> state_;
};

}  // namespace lightpath::southbound_grpc
