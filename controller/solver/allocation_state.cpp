#include "controller/solver/allocation_state.h"

#include <set>

namespace lightpath::solver {
namespace {

std::uint64_t wss_key(SwitchId sw, int port, int wavelength) {
  return (static_cast<std::uint64_t>(sw.value()) << 40) |
         (static_cast<std::uint64_t>(static_cast<std::uint32_t>(port)) << 8) |
         static_cast<std::uint64_t>(wavelength & 0xff);
}

}  // namespace

std::vector<FiberId> circuit_fibers(const Fabric& fabric, const Circuit& c) {
  std::vector<FiberId> out;
  out.push_back(fabric.port(c.a).fiber);
  for (std::size_t i = 0; i + 1 < c.hops.size(); ++i)
    out.push_back(fabric.optical_switch(c.hops[i].optical_switch)
                      .port_fiber[static_cast<std::size_t>(c.hops[i].out_port)]);
  out.push_back(fabric.port(c.b).fiber);
  return out;
}

AllocationState::AllocationState(const Fabric& fabric) : fabric_(&fabric) {
  for (const auto& sw : fabric.optical_switches) {
    mems_peer_.emplace_back(static_cast<std::size_t>(sw.port_count), -1);
    mems_refs_.emplace_back(static_cast<std::size_t>(sw.port_count), 0);
    port_out_.emplace_back(static_cast<std::size_t>(sw.port_count), 0);
  }
  switch_out_.assign(fabric.optical_switches.size(), 0);
  ports_in_use_.assign(fabric.optical_switches.size(), 0);
  fiber_used_.assign(fabric.fibers.size(), WavelengthSet());
}

const Circuit* AllocationState::find(CircuitId id) const {
  auto it = circuits_.find(id);
  return it == circuits_.end() ? nullptr : &it->second;
}

bool AllocationState::wss_busy(SwitchId sw, int port, int wavelength) const {
  return out_of_service(sw, port) || wss_peer_.count(wss_key(sw, port, wavelength)) != 0;
}

void AllocationState::set_out_of_service(SwitchId sw, int port, bool out) {
  if (port < 0)
    switch_out_[sw.value()] = out;
  else
    port_out_[sw.value()][static_cast<std::size_t>(port)] = out;
}

std::vector<CrossConnect> AllocationState::cross_connects() const {
  std::set<CrossConnect> all;
  for (const auto& [id, c] : circuits_) {
    for (const auto& h : c.hops) {
      const auto& sw = fabric_->optical_switch(h.optical_switch);
      if (sw.kind == SwitchKind::kMems) {
        all.insert(CrossConnect::make(h.optical_switch, h.in_port, h.out_port));
      } else {
        for (int w : c.wavelengths)
          all.insert(CrossConnect::make(h.optical_switch, h.in_port, h.out_port, w));
      }
    }
  }
  return {all.begin(), all.end()};
}

Result<CircuitId> AllocationState::add(Circuit c) {
  const auto fibers = circuit_fibers(*fabric_, c);
  // Check everything before touching anything, so a refused add changes nothing.
  for (const auto& f : fibers) {
    for (int w : c.wavelengths) {
      if (w < 0 || w >= kMaxWavelengths || fiber_used_[f.value()].test(static_cast<std::size_t>(w)))
        return unexpected(Error{"CONFLICT", "wavelength " + std::to_string(w) +
                                                " is already lit on fiber " +
                                                std::to_string(f.value())});
    }
  }
  for (const auto& h : c.hops) {
    const auto& sw = fabric_->optical_switch(h.optical_switch);
    if (sw.kind == SwitchKind::kMems) {
      const int pin = mems_peer_[h.optical_switch.value()][static_cast<std::size_t>(h.in_port)];
      const int pout = mems_peer_[h.optical_switch.value()][static_cast<std::size_t>(h.out_port)];
      const bool fresh = pin < 0 && pout < 0;
      const bool shared = pin == h.out_port && pout == h.in_port;
      if (!fresh && !shared)
        return unexpected(Error{"CONFLICT", "ports " + std::to_string(h.in_port) + " and " +
                                                std::to_string(h.out_port) + " of " + sw.name +
                                                " are cross-connected elsewhere"});
      if (fresh && (out_of_service(h.optical_switch, h.in_port) ||
                    out_of_service(h.optical_switch, h.out_port)))
        return unexpected(Error{"CONFLICT", "ports " + std::to_string(h.in_port) + " and " +
                                                std::to_string(h.out_port) + " of " + sw.name +
                                                " are not both in service"});
    } else {
      for (int w : c.wavelengths)
        if (wss_busy(h.optical_switch, h.in_port, w) || wss_busy(h.optical_switch, h.out_port, w))
          return unexpected(Error{"CONFLICT", "wavelength " + std::to_string(w) +
                                                  " is switched already at " + sw.name});
    }
  }
  if (!c.id.valid()) {
    if (next_id_ == CircuitId::kInvalid)
      return unexpected(Error{"IDS_EXHAUSTED", "every circuit id has been handed out"});
    c.id = CircuitId(next_id_);
  }
  if (circuits_.count(c.id))
    return unexpected(Error{"CONFLICT", "circuit id " + std::to_string(c.id.value()) + " exists"});
  next_id_ = std::max(next_id_, std::min(c.id.value() + 1, CircuitId::kInvalid));
  for (const auto& f : fibers)
    for (int w : c.wavelengths) fiber_used_[f.value()].set(static_cast<std::size_t>(w));
  for (const auto& h : c.hops) {
    const auto s = h.optical_switch.value();
    if (fabric_->optical_switch(h.optical_switch).kind == SwitchKind::kMems) {
      auto& refs = mems_refs_[s][static_cast<std::size_t>(h.in_port)];
      if (refs++ == 0) {
        mems_peer_[s][static_cast<std::size_t>(h.in_port)] = h.out_port;
        mems_peer_[s][static_cast<std::size_t>(h.out_port)] = h.in_port;
        ports_in_use_[s] += 2;
      }
      mems_refs_[s][static_cast<std::size_t>(h.out_port)] = refs;
    } else {
      for (int w : c.wavelengths) {
        wss_peer_[wss_key(h.optical_switch, h.in_port, w)] = h.out_port;
        wss_peer_[wss_key(h.optical_switch, h.out_port, w)] = h.in_port;
      }
    }
  }
  const CircuitId id = c.id;
  ++by_priority_[c.priority];
  circuits_.emplace(id, std::move(c));
  return id;
}

void AllocationState::remove(CircuitId id) {
  auto it = circuits_.find(id);
  if (it == circuits_.end()) return;
  const Circuit& c = it->second;
  for (const auto& f : circuit_fibers(*fabric_, c))
    for (int w : c.wavelengths) fiber_used_[f.value()].reset(static_cast<std::size_t>(w));
  for (const auto& h : c.hops) {
    const auto s = h.optical_switch.value();
    if (fabric_->optical_switch(h.optical_switch).kind == SwitchKind::kMems) {
      auto& refs = mems_refs_[s][static_cast<std::size_t>(h.in_port)];
      if (--refs == 0) {
        mems_peer_[s][static_cast<std::size_t>(h.in_port)] = -1;
        mems_peer_[s][static_cast<std::size_t>(h.out_port)] = -1;
        ports_in_use_[s] -= 2;
      }
      mems_refs_[s][static_cast<std::size_t>(h.out_port)] = refs;
    } else {
      for (int w : c.wavelengths) {
        wss_peer_.erase(wss_key(h.optical_switch, h.in_port, w));
        wss_peer_.erase(wss_key(h.optical_switch, h.out_port, w));
      }
    }
  }
  if (--by_priority_[c.priority] == 0) by_priority_.erase(c.priority);
  circuits_.erase(it);
}

void AllocationState::reuse_ids_from(CircuitId next) {
  const std::uint32_t above_held = circuits_.empty() ? 1 : circuits_.rbegin()->first.value() + 1;
  next_id_ = std::max(std::min(next_id_, next.value()), above_held);
}

}  // namespace lightpath::solver
