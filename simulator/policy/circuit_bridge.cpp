#include "simulator/policy/circuit_bridge.h"

#include <algorithm>

namespace lightpath::policy {
namespace {

// One way along the fibers of the path: endpoint fiber to the first switch,
// switch-to-switch fibers, fiber to the far endpoint.
Duration path_latency(const Fabric& fabric, const solver::Circuit& c) {
  Duration d;
  for (const EndpointPortId p : {c.a, c.b}) {
    const FiberId f = fabric.port(p).fiber;
    if (f.valid()) d += fabric.fiber(f).delay();
  }
  for (std::size_t h = 0; h + 1 < c.hops.size(); ++h) {
    const auto& sw = fabric.optical_switch(c.hops[h].optical_switch);
    const FiberId f = sw.port_fiber[static_cast<std::size_t>(c.hops[h].out_port)];
    if (f.valid()) d += fabric.fiber(f).delay();
  }
  return d;
}

bool gone(core::CircuitState s) {
  return s == core::CircuitState::kReleased || s == core::CircuitState::kFailed ||
         s == core::CircuitState::kPreempted;
}

}  // namespace

CircuitBridge::CircuitBridge(sim::EventEngine& engine, core::Controller& controller,
                             netmodel::Network& network, netmodel::FluidModel& model)
    : engine_(engine), controller_(controller), network_(network), model_(model) {
  // New events only, which is never refused.
  watch_ = *controller_.watch(0, {}, [this](const core::CircuitEvent& e) { on_event(e); });
}

CircuitBridge::~CircuitBridge() {
  controller_.unwatch(watch_);
}

void CircuitBridge::on_event(const core::CircuitEvent& event) {
  const core::CircuitRecord& rec = event.circuit;
  const solver::Circuit& c = rec.circuit;
  const Fabric& fabric = controller_.fabric();
  auto [it, fresh] = lives_.try_emplace(c.id);
  Life& life = it->second;
  if (fresh) {
    order_.push_back(c.id);
    life.job = rec.job_id;
    life.a = fabric.endpoint(fabric.port(c.a).endpoint).name;
    life.b = fabric.endpoint(fabric.port(c.b).endpoint).name;
    life.rate = c.bandwidth;
    life.requested = rec.created;
  }
  const core::CircuitState before = life.state;
  // A failed or preempted circuit that its owner then releases keeps the
  // state that ended it, for the report.
  const bool cleanup =
      (before == core::CircuitState::kFailed || before == core::CircuitState::kPreempted) &&
      (rec.state == core::CircuitState::kReleasing || rec.state == core::CircuitState::kReleased);
  if (!cleanup) life.state = rec.state;
  const int hops = static_cast<int>(c.hops.size());
  if (rec.state == core::CircuitState::kActive && !life.network_index) {
    life.network_index = network_.add_live_circuit(
        fabric.port(c.a).endpoint, fabric.port(c.b).endpoint, c.bandwidth, path_latency(fabric, c));
    model_.reroute();  // flows already on the pair's pipe speed up
    if (!life.active) life.active = event.at;
    life.released.reset();  // restored after a fault: up again
    reconfigurations_ += static_cast<std::uint64_t>(hops);
    ++up_;
  } else if (rec.state != core::CircuitState::kActive && life.network_index) {
    network_.remove_circuit(*life.network_index);
    life.network_index.reset();
    --up_;
    model_.reroute();
  }
  if (gone(rec.state) && !gone(before)) {
    life.released = event.at;
    // Cross-connects that were made come down again.
    if (life.active) reconfigurations_ += static_cast<std::uint64_t>(hops);
  }
  wake_waiters();
}

bool CircuitBridge::settled(CircuitId id) const {
  auto it = lives_.find(id);
  if (it == lives_.end()) return false;
  return it->second.state == core::CircuitState::kActive || gone(it->second.state);
}

void CircuitBridge::when_up(std::vector<CircuitId> ids, std::function<void()> done) {
  waiters_.push_back(Waiter{std::move(ids), std::move(done)});
  wake_waiters();
}

void CircuitBridge::wake_waiters() {
  std::vector<std::function<void()>> ready;
  std::erase_if(waiters_, [&](Waiter& w) {
    const bool all =
        std::all_of(w.ids.begin(), w.ids.end(), [&](CircuitId id) { return settled(id); });
    if (all) ready.push_back(std::move(w.done));
    return all;
  });
  for (auto& fn : ready) engine_.schedule_after(Duration(), std::move(fn));
}

int CircuitBridge::in_transit() const {
  int n = 0;
  for (const auto& [id, life] : lives_) {
    if (life.state != core::CircuitState::kActive && !gone(life.state)) ++n;
  }
  return n;
}

std::vector<report::CircuitSpan> CircuitBridge::spans(TimePoint origin) const {
  std::vector<report::CircuitSpan> out;
  out.reserve(order_.size());
  for (const CircuitId id : order_) {
    const Life& l = lives_.at(id);
    report::CircuitSpan s;
    s.id = id.value();
    s.job = l.job;
    s.a = l.a;
    s.b = l.b;
    s.gbps = static_cast<double>(l.rate.bits_per_second()) / 1e9;
    s.requested = l.requested - origin;
    s.active = l.active ? *l.active - origin : Duration::ns(-1);
    s.released = l.released ? *l.released - origin : Duration::ns(-1);
    s.end_state = std::string(core::to_string(l.state));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace lightpath::policy
