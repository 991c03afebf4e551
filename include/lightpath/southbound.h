#pragma once
// The southbound driver: one narrow interface for "a cross-connect device".
// Implementations: the in-process simulated MEMS switch (simulator/), a
// scriptable fake for tests, and later the gRPC client of lightpath-fabric and
// real devices. Every implementation passes the contract suite in
// tests/simulator/southbound_contract.h, and none returns a made-up success:
// an apply reports what the device actually did, port by port.
//
// Completion callbacks and events are delivered on the executor the driver
// was given by its owner (the caller's executor), never inside the call.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lightpath/fabric.h"
#include "lightpath/result.h"
#include "lightpath/units.h"

namespace lightpath::southbound {

// Error codes carried in Error::code by every driver.
inline constexpr std::string_view kInvalidBatch =
    "INVALID_BATCH";                                              // rejected whole, nothing changed
inline constexpr std::string_view kDeviceDown = "DEVICE_DOWN";    // device unreachable or failed
inline constexpr std::string_view kApplyFailed = "APPLY_FAILED";  // device refused; nothing changed

// A bidirectional cross-connect joining ports `a` and `b` of one switch.
// Drivers report them normalized (a < b); requests may name either order.
struct CrossConnect {
  int a = -1;
  int b = -1;
  static CrossConnect between(int x, int y) {
    return x < y ? CrossConnect{x, y} : CrossConnect{y, x};
  }
  CrossConnect normalized() const { return between(a, b); }
  auto operator<=>(const CrossConnect&) const = default;
};

// One reconfiguration. A port may move from one peer to another in one batch
// by naming the old cross-connect in `disconnects` and the new in `connects`.
struct Batch {
  std::vector<CrossConnect> disconnects;
  std::vector<CrossConnect> connects;
};

struct DeviceInfo {
  std::string name;
  std::string model;  // e.g. "simulated-mems", "fake"
  int port_count = 0;
  SwitchingTime switching;  // the device's stated reconfiguration timing
};

// What a dry run learned about a valid batch.
struct Validation {
  int mirror_moves = 0;           // ports whose mirror would move
  Duration worst_case_switching;  // upper bound of the dark time, settle included
};

struct PortFailure {
  int port = -1;
  std::string reason;
};

// What an apply actually did. Requested operations that are in neither
// `disconnected` nor `connected` have a failure naming their port and why.
struct ApplyReport {
  std::vector<CrossConnect> disconnected;
  std::vector<CrossConnect> connected;
  std::vector<PortFailure> failures;
  TimePoint started_at;
  TimePoint settled_at;  // light is stable on every moved port from here on
  bool complete() const { return failures.empty(); }
};

enum class PortStatus : std::uint8_t { kIdle, kSwitching, kConnected };
inline std::string_view to_string(PortStatus status) {
  switch (status) {
    case PortStatus::kIdle:
      return "idle";
    case PortStatus::kSwitching:
      return "switching";
    case PortStatus::kConnected:
      return "connected";
  }
  return "?";
}

struct PortEvent {
  TimePoint at;
  int port = -1;
  PortStatus status = PortStatus::kIdle;
  int peer = -1;  // valid when connected or switching towards a peer
};

struct PortTelemetry {
  int port = -1;
  PowerDbm input_power;   // light arriving on the port's fiber
  PowerDbm output_power;  // light leaving the port after the cross-connect
  Decibels osnr;          // of the output signal, 0.1 nm reference bandwidth
  double ber = 0.5;       // estimated pre-FEC bit error ratio of the output signal
};

struct TelemetryEvent {
  TimePoint at;
  std::vector<PortTelemetry> ports;
};

enum class AlarmKind : std::uint8_t {
  kLossOfLightIn,   // no light arriving on a cabled port (fiber cut, far transmitter off)
  kLossOfLightOut,  // light goes in but does not come out of a settled cross-connect
  kMirrorStuck,     // a mirror does not follow its drive signal
  kDeviceDown,      // the device reports itself down: no light through it (port = -1)
  // The controller cannot reach the device (port = -1). Its mirrors hold, so
  // circuits through it are not assumed dark; it is re-read on reconnect.
  kUnreachable,
  // Raised by the controller from what it observes, not by devices:
  kLowPower,  // output power of a connected port below the controller's threshold
  kHighBer,   // estimated pre-FEC BER of a connected port above the threshold
  kDrift,     // the device's cross-connects changed behind the controller's back (port = -1)
};
inline std::string_view to_string(AlarmKind kind) {
  switch (kind) {
    case AlarmKind::kLossOfLightIn:
      return "loss-of-light-in";
    case AlarmKind::kLossOfLightOut:
      return "loss-of-light-out";
    case AlarmKind::kMirrorStuck:
      return "mirror-stuck";
    case AlarmKind::kDeviceDown:
      return "device-down";
    case AlarmKind::kUnreachable:
      return "unreachable";
    case AlarmKind::kLowPower:
      return "low-power";
    case AlarmKind::kHighBer:
      return "high-ber";
    case AlarmKind::kDrift:
      return "drift";
  }
  return "?";
}

struct AlarmEvent {
  TimePoint at;
  AlarmKind kind = AlarmKind::kLossOfLightIn;
  int port = -1;
  bool raised = true;  // false: the condition has cleared
  std::string message;
};

using DeviceEvent = std::variant<PortEvent, TelemetryEvent, AlarmEvent>;

template <class T>
using Callback = std::function<void(Result<T>)>;
using EventCallback = std::function<void(const DeviceEvent&)>;

struct SubscriptionId {
  std::uint64_t value = 0;
  auto operator<=>(const SubscriptionId&) const = default;
};

class Driver {
 public:
  virtual ~Driver() = default;

  // The device's shape and timing; fails with kDeviceDown when unreachable.
  virtual Result<DeviceInfo> describe() const = 0;

  // The cross-connects the device holds now, normalized and sorted. Ports
  // still switching are reported with the cross-connect they are moving to.
  virtual void read_cross_connects(Callback<std::vector<CrossConnect>> done) = 0;

  // Dry run: would `apply` accept this batch now? Changes nothing. A batch is
  // invalid when it names a port out of range, a port twice, a port to
  // itself, a cross-connect that does not exist, a port already connected
  // and not disconnected first, or a port still moving from an earlier batch.
  virtual void validate(const Batch& batch, Callback<Validation> done) = 0;

  // Validates, then applies. An invalid batch fails with kInvalidBatch and
  // changes nothing; otherwise `done` gets the report once light has settled.
  virtual void apply(Batch batch, Callback<ApplyReport> done) = 0;

  // Port state changes, telemetry samples and alarms, until unsubscribed.
  virtual SubscriptionId subscribe(EventCallback on_event) = 0;
  virtual void unsubscribe(SubscriptionId id) = 0;
};

}  // namespace lightpath::southbound
