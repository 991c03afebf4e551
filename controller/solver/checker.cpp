#include "controller/solver/checker.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <tuple>

namespace lightpath::solver {
namespace {

class Checker {
 public:
  explicit Checker(const Fabric& f) : f_(f) {}

  void check(const Circuit& c) {
    const std::string who = fmt::format("circuit {}", c.id.value());
    if (!valid_port(c.a) || !valid_port(c.b)) {
      add("path", who + ": an end is not an endpoint port");
      return;
    }
    auto fibers = walk(c, who);
    if (!fibers) return;
    check_channels(c, who);
    check_budget(c, *fibers, who);
    for (const auto& h : c.hops) {
      const auto& sw = f_.optical_switch(h.optical_switch);
      if (sw.kind == SwitchKind::kMems) {
        claim_mems(h.optical_switch, h.in_port, h.out_port, c, who);
        claim_mems(h.optical_switch, h.out_port, h.in_port, c, who);
      } else {
        for (int w : c.wavelengths) {
          claim_wss(h.optical_switch, h.in_port, w, c, who);
          claim_wss(h.optical_switch, h.out_port, w, c, who);
        }
      }
    }
    for (auto fid : *fibers)
      for (int w : c.wavelengths) {
        auto [it, fresh] = lit_.emplace(std::make_pair(fid.value(), w), c.id);
        if (!fresh && it->second != c.id)
          add("wavelength-conflict",
              fmt::format("{}: wavelength {} on fiber {} is also used by circuit {}", who, w,
                          fid.value(), it->second.value()));
      }
  }

  std::vector<Violation> take() { return std::move(out_); }

 private:
  bool valid_port(EndpointPortId p) const { return p.valid() && p.value() < f_.endpoint_ports.size(); }

  // The switch port at the other end of `fid` from the given switch port (or
  // endpoint port), or nullopt when the fiber does not touch it.
  static std::optional<FiberEnd> across(const Fiber& fb, const FiberEnd& from) {
    auto same = [](const FiberEnd& x, const FiberEnd& y) {
      return x.endpoint_port == y.endpoint_port && x.optical_switch == y.optical_switch &&
             x.port == y.port;
    };
    if (same(fb.a, from)) return fb.b;
    if (same(fb.b, from)) return fb.a;
    return std::nullopt;
  }

  // Follows the path from a to b, checking it is physically one piece.
  std::optional<std::vector<FiberId>> walk(const Circuit& c, const std::string& who) {
    std::vector<FiberId> fibers;
    FiberEnd here{c.a, SwitchId(), -1};
    FiberId fid = f_.port(c.a).fiber;
    for (std::size_t i = 0; i <= c.hops.size(); ++i) {
      if (!fid.valid()) {
        add("path", fmt::format("{}: step {} leaves over an uncabled port", who, i));
        return std::nullopt;
      }
      fibers.push_back(fid);
      auto far = across(f_.fiber(fid), here);
      if (!far) {
        add("path", fmt::format("{}: fiber {} does not start where the path is", who, fid.value()));
        return std::nullopt;
      }
      if (i == c.hops.size()) {
        if (far->endpoint_port != c.b) {
          add("path", fmt::format("{}: the path ends at the wrong port, not {}", who, f_.port_name(c.b)));
          return std::nullopt;
        }
        break;
      }
      const Hop& h = c.hops[i];
      const int ports = h.optical_switch.valid() && h.optical_switch.value() < f_.optical_switches.size()
                            ? f_.optical_switch(h.optical_switch).port_count
                            : 0;
      if (far->is_endpoint() || far->optical_switch != h.optical_switch || far->port != h.in_port ||
          h.out_port < 0 || h.out_port >= ports || h.in_port == h.out_port) {
        add("path", fmt::format("{}: hop {} does not follow the fibers", who, i));
        return std::nullopt;
      }
      here = FiberEnd{EndpointPortId(), h.optical_switch, h.out_port};
      fid = f_.optical_switch(h.optical_switch).port_fiber[static_cast<std::size_t>(h.out_port)];
    }
    return fibers;
  }

  void check_channels(const Circuit& c, const std::string& who) {
    const Transceiver& ta = f_.transceiver(f_.port(c.a).transceiver);
    const Transceiver& tb = f_.transceiver(f_.port(c.b).transceiver);
    if (ta.grid != tb.grid || ta.channel_rate != tb.channel_rate)
      add("channel-plan", who + ": the two ends use different channel plans");
    const int limit = std::min(ta.wavelengths, tb.wavelengths);
    std::set<int> seen;
    for (int w : c.wavelengths)
      if (w < 0 || w >= limit || !seen.insert(w).second)
        add("wavelength-range", fmt::format("{}: wavelength {} is not a distinct channel 0..{}", who, w, limit - 1));
    if (ta.channel_rate * static_cast<std::int64_t>(c.wavelengths.size()) < c.bandwidth)
      add("bandwidth", fmt::format("{}: {} channel(s) of {:.0f}G do not carry {:.0f}G", who,
                                   c.wavelengths.size(), ta.channel_rate.gbps(), c.bandwidth.gbps()));
  }

  void check_budget(const Circuit& c, const std::vector<FiberId>& fibers, const std::string& who) {
    Duration delay;
    Decibels loss;
    for (auto fid : fibers) {
      delay += f_.fiber(fid).delay();
      loss += f_.fiber(fid).loss;
    }
    for (const auto& h : c.hops) {
      const auto& sw = f_.optical_switch(h.optical_switch);
      loss += sw.insertion_loss + sw.insertion_loss_spread;
    }
    if (c.latency_max && delay > *c.latency_max)
      add("latency", fmt::format("{}: {:.2f} us exceeds the {:.2f} us bound", who, delay.micros(),
                                 c.latency_max->micros()));
    const Transceiver& ta = f_.transceiver(f_.port(c.a).transceiver);
    const Transceiver& tb = f_.transceiver(f_.port(c.b).transceiver);
    const Decibels budget =
        std::min(ta.launch_power - tb.rx_sensitivity, tb.launch_power - ta.rx_sensitivity);
    if (loss > budget - c.min_margin)
      add("loss", fmt::format("{}: {:.1f} dB loss exceeds the {:.1f} dB budget less {:.1f} dB margin",
                              who, loss.value(), budget.value(), c.min_margin.value()));
  }

  void claim_mems(SwitchId sw, int port, int peer, const Circuit& c, const std::string& who) {
    auto [it, fresh] = mems_.emplace(std::make_pair(sw.value(), port), std::make_pair(peer, c.id));
    if (!fresh && it->second.first != peer)
      add("port-conflict", fmt::format("{}: port {} of {} is joined to {} here and to {} by circuit {}",
                                       who, port, f_.optical_switch(sw).name, peer,
                                       it->second.first, it->second.second.value()));
  }

  void claim_wss(SwitchId sw, int port, int w, const Circuit& c, const std::string& who) {
    auto [it, fresh] = wss_.emplace(std::make_tuple(sw.value(), port, w), c.id);
    if (!fresh && it->second != c.id)
      add("wss-conflict", fmt::format("{}: wavelength {} at port {} of {} is also switched for circuit {}",
                                      who, w, port, f_.optical_switch(sw).name, it->second.value()));
  }

  void add(std::string kind, std::string message) { out_.push_back({std::move(kind), std::move(message)}); }

  const Fabric& f_;
  std::vector<Violation> out_;
  std::map<std::pair<std::uint32_t, int>, std::pair<int, CircuitId>> mems_;
  std::map<std::tuple<std::uint32_t, int, int>, CircuitId> wss_;
  std::map<std::pair<std::uint32_t, int>, CircuitId> lit_;
};

}  // namespace

std::vector<Violation> check_allocation(const Fabric& fabric, const std::vector<Circuit>& circuits) {
  Checker checker(fabric);
  for (const auto& c : circuits) checker.check(c);
  return checker.take();
}

}  // namespace lightpath::solver
