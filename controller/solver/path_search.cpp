#include "controller/solver/path_search.h"

#include <fmt/format.h>

#include <tuple>

namespace lightpath::solver {
namespace {

WavelengthSet first_n(int n) {
  WavelengthSet s;
  for (int i = 0; i < n && i < kMaxWavelengths; ++i) s.set(static_cast<std::size_t>(i));
  return s;
}

class PathSearch {
 public:
  PathSearch(const FabricIndex& index, const AllocationState& state, const PathNeed& need,
             const PathLimits& limits, PathSearchScratch& scratch)
      : idx_(index), f_(index.fabric()), st_(state), need_(need), limits_(limits), s_(scratch) {
    const auto& ga = f_.endpoint(need.a).groups[static_cast<std::size_t>(need.group_a)];
    const auto& gb = f_.endpoint(need.b).groups[static_cast<std::size_t>(need.group_b)];
    const Transceiver& ta = f_.transceiver(ga.transceiver);
    const Transceiver& tb = f_.transceiver(gb.transceiver);
    channel_mask_ = first_n(std::min(ta.wavelengths, tb.wavelengths));
    // Both directions of the duplex circuit must close their budgets.
    budget_ = std::min(ta.launch_power - tb.rx_sensitivity, tb.launch_power - ta.rx_sensitivity);
    // Every per-switch buffer is all clear between searches (see clear()).
    const std::size_t switches = f_.optical_switches.size();
    if (s_.visited.size() != switches) {
      s_.visited.assign(switches, 0);
      s_.ingress_seen.assign(switches, 0);
      s_.egress_head.assign(switches, -1);
      s_.egress_tail.assign(switches, -1);
      s_.remote_tried.clear();
    }
    const std::size_t depth = static_cast<std::size_t>(std::max(limits.max_switch_hops, 0)) + 1;
    if (s_.remote_tried.size() < depth)
      s_.remote_tried.resize(depth, std::vector<char>(switches, 0));
    // The b group's ports on each switch, in port order, as lists threaded
    // through egress_next.
    const auto& egress = idx_.attachments(need.b, need.group_b);
    s_.egress_next.assign(egress.size(), -1);
    for (std::size_t i = 0; i < egress.size(); ++i) {
      const auto sw = egress[i].optical_switch.value();
      if (s_.egress_head[sw] < 0)
        s_.egress_head[sw] = static_cast<int>(i);
      else
        s_.egress_next[static_cast<std::size_t>(s_.egress_tail[sw])] = static_cast<int>(i);
      s_.egress_tail[sw] = static_cast<int>(i);
    }
    s_.hops.clear();
    s_.best_hops.clear();
  }

  ~PathSearch() { clear(); }
  PathSearch(const PathSearch&) = delete;
  PathSearch& operator=(const PathSearch&) = delete;

  PathSearchResult run() {
    for (const auto& att : idx_.attachments(need_.a, need_.group_a)) {
      const SwitchId sw = att.optical_switch;
      if (is_mems(sw) && !st_.mems_peer(sw, att.switch_port)) {
        // Free ports of one group on one switch are interchangeable: try one.
        if (s_.ingress_seen[sw.value()]) continue;
        s_.ingress_seen[sw.value()] = 1;
      }
      const FiberId fid = f_.port(att.endpoint_port).fiber;
      const Fiber& fiber = f_.fiber(fid);
      walk_ = Walk{};
      walk_.a = att.endpoint_port;
      walk_.free = channel_mask_ & ~st_.fiber_used(fid);
      walk_.delay = fiber.delay();
      walk_.loss = fiber.loss;
      walk_.length_m = fiber.length.in_meters();
      visit(sw, att.switch_port);
    }
    PathSearchResult out;
    if (found_) {
      PathChoice c;
      c.a = best_.a;
      c.b = best_b_;
      c.hops = s_.best_hops;
      c.new_cross_connects = best_.new_xc;
      c.delay = best_.delay;
      c.loss = best_.loss;
      // First fit: the lowest free channels, which keeps high channels open
      // for later requests that need many.
      c.wavelengths.reserve(static_cast<std::size_t>(std::max(need_.channels, 0)));
      for (int w = 0;
           w < kMaxWavelengths && static_cast<int>(c.wavelengths.size()) < need_.channels; ++w)
        if (best_.free.test(static_cast<std::size_t>(w))) c.wavelengths.push_back(w);
      out.choice = std::move(c);
      return out;
    }
    out.shortfall = furthest_;
    out.detail = describe_shortfall();
    return out;
  }

 private:
  // The current walk but its hops, which are in the scratch (s_.hops).
  struct Walk {
    EndpointPortId a;
    WavelengthSet free;
    int new_xc = 0;
    double max_util = 0;
    double length_m = 0;
    Duration delay;
    Decibels loss;
  };

  bool is_mems(SwitchId sw) const { return f_.optical_switch(sw).kind == SwitchKind::kMems; }

  void note(Shortfall s) {
    if (s > furthest_) furthest_ = s;
  }

  // Checks a complete walk, remembering how far the best failure got. Walks
  // are not pruned midway so that the reason given is the true one.
  bool viable() {
    if (static_cast<int>(walk_.free.count()) < need_.channels) {
      // A full existing fiber path is not a wavelength problem: the flow
      // merely cannot share it, and needs ports of its own.
      if (walk_.new_xc == 0 && walk_.free.none()) return false;
      note(Shortfall::kWavelengths);
      best_free_ = std::max(best_free_, static_cast<int>(walk_.free.count()));
      return false;
    }
    if (need_.latency_max && walk_.delay > *need_.latency_max) {
      note(Shortfall::kLatency);
      if (!least_delay_ || walk_.delay < *least_delay_) least_delay_ = walk_.delay;
      return false;
    }
    if (walk_.loss > budget_ - need_.margin) {
      note(Shortfall::kLoss);
      if (!least_loss_ || walk_.loss < *least_loss_) least_loss_ = walk_.loss;
      return false;
    }
    return true;
  }

  // Leaves every per-switch buffer all clear for the next search.
  void clear() {
    for (const auto& att : idx_.attachments(need_.a, need_.group_a))
      s_.ingress_seen[att.optical_switch.value()] = 0;
    for (const auto& att : idx_.attachments(need_.b, need_.group_b)) {
      s_.egress_head[att.optical_switch.value()] = -1;
      s_.egress_tail[att.optical_switch.value()] = -1;
    }
  }

  void visit(SwitchId sw, int in_port) {
    s_.visited[sw.value()] = 1;
    const auto& egress = idx_.attachments(need_.b, need_.group_b);
    if (is_mems(sw)) {
      if (auto peer = st_.mems_peer(sw, in_port)) {
        leave(sw, in_port, *peer, /*new_cross_connect=*/false);
      } else {
        for (int i = s_.egress_head[sw.value()]; i >= 0;
             i = s_.egress_next[static_cast<std::size_t>(i)]) {
          const auto& att = egress[static_cast<std::size_t>(i)];
          if (st_.mems_peer(sw, att.switch_port)) continue;
          leave(sw, in_port, att.switch_port, true);
          break;  // free egress ports on one switch are interchangeable
        }
        const auto& trunks = idx_.trunks(sw);
        if (!trunks.empty()) {
          // One buffer per walk depth: leave() below recurses into deeper visits.
          auto& tried = s_.remote_tried[s_.hops.size()];
          for (const auto& t : trunks) {
            if (s_.visited[t.remote.value()] || tried[t.remote.value()]) continue;
            if (st_.mems_peer(sw, t.port)) continue;
            tried[t.remote.value()] = 1;
            leave(sw, in_port, t.port, true);
          }
          for (const auto& t : trunks) tried[t.remote.value()] = 0;
        }
      }
    } else {
      for (int i = s_.egress_head[sw.value()]; i >= 0;
           i = s_.egress_next[static_cast<std::size_t>(i)])
        leave(sw, in_port, egress[static_cast<std::size_t>(i)].switch_port, true);
      for (const auto& t : idx_.trunks(sw))
        if (!s_.visited[t.remote.value()]) leave(sw, in_port, t.port, true);
    }
    s_.visited[sw.value()] = 0;
  }

  void leave(SwitchId sw, int in_port, int out_port, bool new_cross_connect) {
    if (in_port == out_port) return;
    const OpticalSwitch& osw = f_.optical_switch(sw);
    const FiberId fid = osw.port_fiber[static_cast<std::size_t>(out_port)];
    if (!fid.valid()) return;
    // Most ports lead to some other endpoint: such a step can neither end
    // the walk nor go on, so it is not worth extending the walk for.
    const auto& peer = idx_.peer(sw, out_port);
    bool ends_at_b = false;
    if (peer.endpoint_port.valid()) {
      const EndpointPort& p = f_.port(peer.endpoint_port);
      ends_at_b = p.endpoint == need_.b && p.group == need_.group_b;
    }
    const bool goes_on = !peer.endpoint_port.valid() && peer.remote.valid() &&
                         !s_.visited[peer.remote.value()] &&
                         static_cast<int>(s_.hops.size()) + 1 < limits_.max_switch_hops;
    if (!ends_at_b && !goes_on) return;
    const Walk saved = walk_;
    s_.hops.push_back({sw, in_port, out_port});
    if (osw.kind == SwitchKind::kWss) {
      for (int w = 0; w < kMaxWavelengths; ++w) {
        if (walk_.free.test(static_cast<std::size_t>(w)) &&
            (st_.wss_busy(sw, in_port, w) || st_.wss_busy(sw, out_port, w)))
          walk_.free.reset(static_cast<std::size_t>(w));
      }
    }
    const Fiber& fiber = f_.fiber(fid);
    walk_.free &= ~st_.fiber_used(fid);
    walk_.delay += fiber.delay();
    // Worst case of the per-port spread, so an admitted circuit always closes.
    walk_.loss += fiber.loss + osw.insertion_loss + osw.insertion_loss_spread;
    walk_.length_m += fiber.length.in_meters();
    if (new_cross_connect) {
      ++walk_.new_xc;
      const double util = limits_.pack
                              ? static_cast<double>(sw.value())
                              : static_cast<double>(st_.ports_in_use(sw) + 2) / osw.port_count;
      walk_.max_util = std::max(walk_.max_util, util);
    }
    if (ends_at_b) {
      if (viable()) consider(peer.endpoint_port);
    } else {
      visit(peer.remote, peer.remote_port);
    }
    s_.hops.pop_back();
    walk_ = saved;
  }

  void consider(EndpointPortId b) {
    const auto key = std::make_tuple(walk_.new_xc, walk_.max_util, walk_.length_m);
    if (found_ && !(key < best_key_)) return;
    found_ = true;
    best_ = walk_;
    best_b_ = b;
    s_.best_hops.assign(s_.hops.begin(), s_.hops.end());
    best_key_ = key;
  }

  std::string describe_shortfall() const {
    const auto& a = f_.endpoint(need_.a);
    const auto& b = f_.endpoint(need_.b);
    const std::string an = a.name + "/" + a.groups[static_cast<std::size_t>(need_.group_a)].name;
    const std::string bn = b.name + "/" + b.groups[static_cast<std::size_t>(need_.group_b)].name;
    switch (furthest_) {
      case Shortfall::kPorts:
        return ports_sentence(an, bn);
      case Shortfall::kWavelengths:
        return fmt::format(
            "no path from {} to {} has {} common free wavelength(s); the best has {}", an, bn,
            need_.channels, best_free_);
      case Shortfall::kLatency:
        return fmt::format(
            "the quickest path from {} to {} takes {:.2f} us, over the {:.2f} us bound", an, bn,
            least_delay_->micros(), need_.latency_max->micros());
      case Shortfall::kLoss:
        return fmt::format(
            "the best path from {} to {} loses {:.1f} dB; the budget is {:.1f} dB less a {:.1f} dB "
            "margin",
            an, bn, least_loss_->value(), budget_.value(), need_.margin.value());
    }
    return {};
  }

  std::string ports_sentence(const std::string& an, const std::string& bn) const {
    auto free_count = [&](EndpointId e, int g) {
      int n = 0;
      for (const auto& att : idx_.attachments(e, g))
        n += (!is_mems(att.optical_switch) || !st_.mems_peer(att.optical_switch, att.switch_port))
                 ? 1
                 : 0;
      return n;
    };
    const int fa = free_count(need_.a, need_.group_a);
    const int fb = free_count(need_.b, need_.group_b);
    const auto total = [&](EndpointId e, int g) { return idx_.attachments(e, g).size(); };
    if (fa == 0)
      return fmt::format("{} has no free port (all {} cabled ports in use)", an,
                         total(need_.a, need_.group_a));
    if (fb == 0)
      return fmt::format("{} has no free port (all {} cabled ports in use)", bn,
                         total(need_.b, need_.group_b));
    return fmt::format(
        "no switch path within {} hop(s) joins a free port of {} ({} free) to a free port of {} "
        "({} free)",
        limits_.max_switch_hops, an, fa, bn, fb);
  }

  const FabricIndex& idx_;
  const Fabric& f_;
  const AllocationState& st_;
  const PathNeed& need_;
  const PathLimits& limits_;
  PathSearchScratch& s_;
  WavelengthSet channel_mask_;
  Decibels budget_;
  Walk walk_;
  bool found_ = false;
  Walk best_;
  EndpointPortId best_b_;
  std::tuple<int, double, double> best_key_;
  Shortfall furthest_ = Shortfall::kPorts;
  int best_free_ = 0;
  std::optional<Duration> least_delay_;
  std::optional<Decibels> least_loss_;
};

}  // namespace

PathSearchResult find_path(const FabricIndex& index, const AllocationState& state,
                           const PathNeed& need, const PathLimits& limits) {
  PathSearchScratch scratch;
  return find_path(index, state, need, limits, scratch);
}

PathSearchResult find_path(const FabricIndex& index, const AllocationState& state,
                           const PathNeed& need, const PathLimits& limits,
                           PathSearchScratch& scratch) {
  return PathSearch(index, state, need, limits, scratch).run();
}

}  // namespace lightpath::solver
