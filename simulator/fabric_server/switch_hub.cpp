#include "simulator/fabric_server/switch_hub.h"

namespace lightpath::fabric_server {

using namespace southbound;

SwitchHub::SwitchHub(sim::MemsSwitch& device, const sim::EventEngine& engine,
                     std::uint64_t instance, southbound_grpc::ToUnixNs clock)
    : device_(device),
      engine_(engine),
      instance_(instance),
      clock_(std::move(clock)),
      peer_(static_cast<std::size_t>(device.port_count()), -1) {
  // Seeded from the switch's table so a switch that starts with
  // cross-connects does not count them as changes.
  if (auto now = device_.cross_connects())
    for (const auto& x : *now) {
      connected_.insert(x);
      peer_[static_cast<std::size_t>(x.a)] = x.b;
      peer_[static_cast<std::size_t>(x.b)] = x.a;
    }
  listener_ = device_.add_listener([this](const DeviceEvent& e) { on_event(e); });
}

SwitchHub::~SwitchHub() {
  device_.remove_listener(listener_);
}

pb::DeviceEvent SwitchHub::start_message() const {
  pb::DeviceEvent out;
  out.set_seq(seq_);
  out.set_instance(instance_);
  auto* start = out.mutable_start();
  const auto& s = device_.switching();
  *start->mutable_info() =
      southbound_grpc::to_proto(DeviceInfo{device_.name(), "simulated-mems", device_.port_count(),
                                           SwitchingTime{s.min, s.max, s.settle}});
  start->set_device_up(device_.up());
  for (const auto& a : device_.active_alarms())
    *start->add_active_alarms() = southbound_grpc::to_proto(a, clock_);
  start->set_now_unix_ns(clock_(engine_.now()));
  return out;
}

pb::DeviceEvent SwitchHub::heartbeat_message() const {
  pb::DeviceEvent out;
  out.set_seq(seq_);
  out.set_instance(instance_);
  out.mutable_heartbeat()->set_now_unix_ns(clock_(engine_.now()));
  return out;
}

std::uint64_t SwitchHub::add_sink(Sink sink) {
  sinks_.emplace(next_sink_, std::move(sink));
  return next_sink_++;
}

void SwitchHub::remove_sink(std::uint64_t id) {
  sinks_.erase(id);
}

void SwitchHub::on_event(const DeviceEvent& event) {
  ++seq_;
  if (const auto* p = std::get_if<PortEvent>(&event)) count_change(*p);
  if (sinks_.empty()) return;
  pb::DeviceEvent out;
  out.set_seq(seq_);
  out.set_instance(instance_);
  southbound_grpc::fill_event(event, clock_, out);
  // A sink may remove itself while hearing the event.
  std::vector<std::uint64_t> ids;
  for (const auto& [id, s] : sinks_) ids.push_back(id);
  for (auto id : ids)
    if (auto it = sinks_.find(id); it != sinks_.end()) it->second(out);
}

void SwitchHub::count_change(const PortEvent& e) {
  if (e.port < 0 || e.port >= static_cast<int>(peer_.size())) return;
  int& old = peer_[static_cast<std::size_t>(e.port)];
  if (old == e.peer) return;
  // Both ports of a cross-connect report it; the set counts it once.
  if (old >= 0 && connected_.erase(CrossConnect::between(e.port, old))) ++disconnects_;
  if (e.peer >= 0 && connected_.insert(CrossConnect::between(e.port, e.peer)).second) ++connects_;
  old = e.peer;
}

}  // namespace lightpath::fabric_server
