#pragma once
// Conversion between the southbound domain types (include/lightpath/southbound.h)
// and the device protocol's messages (proto/lightpath/device/v1/device.proto),
// in one place for both sides: lightpath-fabric serves with it and
// lightpathd's gRPC driver calls with it. Also the one mapping between
// southbound error codes and gRPC status codes.

#include <grpcpp/support/status.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "lightpath/device/v1/device.pb.h"
#include "lightpath/southbound.h"
#include "proto/support/status_name.h"

namespace lightpath::southbound_grpc {

namespace pb = ::lightpath::device::v1;

// The protocol stamps times as wall-clock Unix nanoseconds, as devices do;
// each side maps them to and from its own clock.
using ToUnixNs = std::function<std::int64_t(TimePoint)>;
using FromUnixNs = std::function<TimePoint(std::int64_t)>;

pb::CrossConnect to_proto(const southbound::CrossConnect& x);
southbound::CrossConnect from_proto(const pb::CrossConnect& x);
pb::Batch to_proto(const southbound::Batch& batch);
southbound::Batch from_proto(const pb::Batch& batch);
pb::DeviceInfo to_proto(const southbound::DeviceInfo& info);
southbound::DeviceInfo from_proto(const pb::DeviceInfo& info);
pb::ValidateBatchReply to_proto(const southbound::Validation& v);
southbound::Validation from_proto(const pb::ValidateBatchReply& v);
pb::ApplyBatchReply to_proto(const southbound::ApplyReport& r, const ToUnixNs& clock);
southbound::ApplyReport from_proto(const pb::ApplyBatchReply& r, const FromUnixNs& clock);
pb::Alarm to_proto(const southbound::AlarmEvent& a, const ToUnixNs& clock);
southbound::AlarmEvent from_proto(const pb::Alarm& a, const FromUnixNs& clock);

// Fills the event's oneof from a device event (seq and instance untouched).
void fill_event(const southbound::DeviceEvent& e, const ToUnixNs& clock, pb::DeviceEvent& out);
// The device event a stream message carries; none for StreamStart and Heartbeat.
std::optional<southbound::DeviceEvent> device_event(const pb::DeviceEvent& e,
                                                    const FromUnixNs& clock);

// Server side: a southbound error as a gRPC status (kInvalidBatch ->
// INVALID_ARGUMENT, kDeviceDown -> UNAVAILABLE, kApplyFailed ->
// FAILED_PRECONDITION, anything else -> INTERNAL).
grpc::Status to_status(const Error& error);
// Client side: a failed call as a southbound error. INVALID_ARGUMENT is a
// refused batch and FAILED_PRECONDITION a refused apply; every other failure
// (unreachable, timed out, unknown switch, device down) is kDeviceDown, with
// `where` (the fabric's address) in the message.
Error from_status(const grpc::Status& status, const std::string& where);

}  // namespace lightpath::southbound_grpc
