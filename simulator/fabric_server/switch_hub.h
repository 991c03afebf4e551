#pragma once
// One simulated switch as lightpath-fabric serves it: numbers the switch's
// events (DeviceEvent.seq), converts each once and hands it to every open
// Subscribe stream, and counts every cross-connect the switch makes or
// removes. Lives on the model's thread; every method is called there.

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <vector>

#include "controller/southbound_grpc/device_convert.h"
#include "simulator/mems_switch.h"

namespace lightpath::fabric_server {

namespace pb = ::lightpath::device::v1;

class SwitchHub {
 public:
  using Sink = std::function<void(const pb::DeviceEvent&)>;

  SwitchHub(sim::MemsSwitch& device, const sim::EventEngine& engine, std::uint64_t instance,
            southbound_grpc::ToUnixNs clock);
  ~SwitchHub();
  SwitchHub(const SwitchHub&) = delete;
  SwitchHub& operator=(const SwitchHub&) = delete;

  sim::MemsSwitch& device() { return device_; }
  const sim::MemsSwitch& device() const { return device_; }
  std::uint64_t seq() const { return seq_; }
  std::uint64_t connects() const { return connects_; }
  std::uint64_t disconnects() const { return disconnects_; }

  // The StreamStart message a new stream begins with.
  pb::DeviceEvent start_message() const;
  pb::DeviceEvent heartbeat_message() const;

  std::uint64_t add_sink(Sink sink);
  void remove_sink(std::uint64_t id);

 private:
  void on_event(const southbound::DeviceEvent& event);
  void count_change(const southbound::PortEvent& event);

  sim::MemsSwitch& device_;
  const sim::EventEngine& engine_;
  std::uint64_t instance_;
  southbound_grpc::ToUnixNs clock_;
  std::uint64_t listener_ = 0;
  std::uint64_t seq_ = 0;
  std::map<std::uint64_t, Sink> sinks_;
  std::uint64_t next_sink_ = 1;
  // What the counters believe is connected, from the port events: a port
  // moving to a new peer removes its old cross-connect and makes a new one.
  std::vector<int> peer_;
  std::set<southbound::CrossConnect> connected_;
  std::uint64_t connects_ = 0;
  std::uint64_t disconnects_ = 0;
};

}  // namespace lightpath::fabric_server
