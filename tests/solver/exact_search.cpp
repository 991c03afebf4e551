#include "tests/solver/exact_search.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <string_view>
#include <unordered_map>

#include "controller/solver/allocation_state.h"
#include "controller/solver/solver.h"
#include "controller/topology/topology_loader.h"

namespace lightpath::testing::exact {
namespace {

Error out_of_scope(std::string message) {
  return Error{"OUT_OF_SCOPE", std::move(message)};
}

// ---------------------------------------------------------------------------
// The fabric as the exact search sees it, recomputed from the Fabric alone.

struct PortAt {
  EndpointPortId endpoint_port;
  int switch_port = -1;
};

struct Model {
  int switches = 0;
  int endpoints = 0;
  // [endpoint][switch]: the cabled ports of the endpoint's group on that
  // switch, in endpoint port order.
  std::vector<std::vector<std::vector<PortAt>>> ports;
};

// A flow reduced to what matters: the unordered endpoint pair, the channels
// it needs and the channels one fiber path between the pair carries.
struct Item {
  int lo = 0;  // the lower endpoint index of the pair
  int hi = 0;
  bool a_is_lo = true;
  int channels = 0;
  int capacity = 0;        // wavelengths on a path between the pair
  bool placeable = false;  // false when no placement can ever serve it
  int original = 0;        // index in the caller's flow list
};

struct Prepared {
  Model model;
  std::vector<Item> items;  // in the caller's order
};

Result<Prepared> prepare(const Fabric& f, const std::vector<FlowSpec>& flows, Decibels margin) {
  Prepared p;
  Model& m = p.model;
  m.switches = static_cast<int>(f.optical_switches.size());
  m.endpoints = static_cast<int>(f.endpoints.size());
  for (const auto& sw : f.optical_switches)
    if (sw.kind != SwitchKind::kMems)
      return unexpected(out_of_scope("switch " + sw.name + " is not MEMS"));
  for (const auto& ep : f.endpoints)
    if (ep.groups.size() != 1)
      return unexpected(
          out_of_scope("endpoint " + ep.name + " does not have exactly one port group"));
  m.ports.assign(static_cast<std::size_t>(m.endpoints),
                 std::vector<std::vector<PortAt>>(static_cast<std::size_t>(m.switches)));
  for (std::size_t i = 0; i < f.fibers.size(); ++i) {
    const Fiber& fb = f.fibers[i];
    if (fb.a.is_endpoint() == fb.b.is_endpoint())
      return unexpected(
          out_of_scope(fmt::format("fiber {} does not join an endpoint to a switch", i)));
    const FiberEnd& ep = fb.a.is_endpoint() ? fb.a : fb.b;
    const FiberEnd& sw = fb.a.is_endpoint() ? fb.b : fb.a;
    const EndpointPort& port = f.endpoint_ports[ep.endpoint_port.value()];
    m.ports[port.endpoint.value()][sw.optical_switch.value()].push_back(
        {ep.endpoint_port, sw.port});
  }
  for (auto& per_switch : m.ports)
    for (auto& list : per_switch)
      std::sort(list.begin(), list.end(),
                [](const PortAt& x, const PortAt& y) { return x.endpoint_port < y.endpoint_port; });

  auto fiber_of = [&](EndpointPortId p) -> const Fiber& {
    for (const auto& fb : f.fibers)
      if (fb.a.endpoint_port == p || fb.b.endpoint_port == p) return fb;
    return f.fibers.front();  // unreachable: only cabled ports are listed
  };

  for (std::size_t i = 0; i < flows.size(); ++i) {
    const FlowSpec& fl = flows[i];
    Item it;
    it.original = static_cast<int>(i);
    const int a = static_cast<int>(fl.a.value());
    const int b = static_cast<int>(fl.b.value());
    it.lo = std::min(a, b);
    it.hi = std::max(a, b);
    it.a_is_lo = a <= b;
    const Transceiver& ta = f.transceivers[f.endpoints[fl.a.value()].groups[0].transceiver.value()];
    const Transceiver& tb = f.transceivers[f.endpoints[fl.b.value()].groups[0].transceiver.value()];
    const std::int64_t rate = ta.channel_rate.bits_per_second();
    it.channels = static_cast<int>((fl.bandwidth.bits_per_second() + rate - 1) / rate);
    it.capacity = std::min(ta.wavelengths, tb.wavelengths);
    it.placeable = a != b && ta.grid == tb.grid && ta.channel_rate == tb.channel_rate &&
                   it.channels >= 1 && it.channels <= it.capacity;
    if (it.placeable) {
      // Every port pair must close the budget, or ports would not be interchangeable.
      const Decibels budget =
          std::min(ta.launch_power - tb.rx_sensitivity, tb.launch_power - ta.rx_sensitivity);
      for (int s = 0; s < m.switches; ++s) {
        const OpticalSwitch& sw = f.optical_switches[static_cast<std::size_t>(s)];
        for (const auto& pa : m.ports[static_cast<std::size_t>(a)][static_cast<std::size_t>(s)])
          for (const auto& pb : m.ports[static_cast<std::size_t>(b)][static_cast<std::size_t>(s)]) {
            const Decibels loss = fiber_of(pa.endpoint_port).loss +
                                  fiber_of(pb.endpoint_port).loss + sw.insertion_loss +
                                  sw.insertion_loss_spread;
            if (loss > budget - margin)
              return unexpected(out_of_scope(fmt::format(
                  "a path from {} to {} through {} loses {:.1f} dB, over the budget less margin",
                  f.endpoints[fl.a.value()].name, f.endpoints[fl.b.value()].name, sw.name,
                  loss.value())));
          }
      }
    }
    p.items.push_back(it);
  }
  return p;
}

struct Value {
  int admitted = 0;
  int cross_connects = 0;
  Value plus(int a, int x) const { return {admitted + a, cross_connects + x}; }
  bool operator==(const Value&) const = default;
};
// More admitted flows first, then fewer new cross-connects.
bool better(const Value& x, const Value& y) {
  return x.admitted != y.admitted ? x.admitted > y.admitted : x.cross_connects < y.cross_connects;
}

// ---------------------------------------------------------------------------
// The exact search. Flows are taken grouped by endpoint pair: the optimum does
// not depend on their order, and a pair's cross-connects matter only to flows
// of that pair, so once the search moves past a pair it forgets them and
// keeps only their port use. The state is then (position, free ports per
// switch and endpoint, multiset of the free channel counts of the current
// pair's cross-connects), and equal states are solved once.

class ExactSearch {
 public:
  ExactSearch(const Model& m, std::vector<Item> items) : m_(m), items_(std::move(items)) {
    std::stable_sort(items_.begin(), items_.end(), [](const Item& x, const Item& y) {
      return std::tie(x.lo, x.hi, y.channels) < std::tie(y.lo, y.hi, x.channels);
    });
    free_.assign(static_cast<std::size_t>(m.switches * m.endpoints), 0);
    for (int e = 0; e < m.endpoints; ++e)
      for (int s = 0; s < m.switches; ++s)
        free_[slot(s, e)] = static_cast<std::uint8_t>(
            m.ports[static_cast<std::size_t>(e)][static_cast<std::size_t>(s)].size());
  }

  Answer run(std::size_t flow_count) {
    Answer out;
    const Value v = best(0);
    out.admitted = v.admitted;
    out.new_cross_connects = v.cross_connects;
    out.states = memo_.size();
    out.placements.resize(flow_count);
    replay(out);
    return out;
  }

 private:
  // One way to serve (or not) the flow at a position.
  struct Choice {
    enum Kind { kReject, kGroom, kNew } kind = kReject;
    int value = 0;  // kGroom: the free channel count groomed onto; kNew: the switch
  };

  std::size_t slot(int s, int e) const { return static_cast<std::size_t>(s * m_.endpoints + e); }

  std::vector<Choice> choices(std::size_t i) const {
    std::vector<Choice> out;
    const Item& it = items_[i];
    if (it.placeable) {
      int last = -1;
      for (std::uint8_t c : caps_) {  // sorted descending; equal counts are interchangeable
        if (c < it.channels) break;
        if (c != last) out.push_back({Choice::kGroom, c});
        last = c;
      }
      for (int s = 0; s < m_.switches; ++s)
        if (free_[slot(s, it.lo)] > 0 && free_[slot(s, it.hi)] > 0)
          out.push_back({Choice::kNew, s});
    }
    out.push_back({Choice::kReject, 0});
    return out;
  }

  // Applies a choice to the state; returns (admitted, new cross-connects).
  std::pair<int, int> take(std::size_t i, const Choice& c) {
    const Item& it = items_[i];
    switch (c.kind) {
      case Choice::kReject:
        return {0, 0};
      case Choice::kGroom: {
        auto pos = std::find(caps_.begin(), caps_.end(), static_cast<std::uint8_t>(c.value));
        caps_.erase(pos);
        insert_cap(c.value - it.channels);
        return {1, 0};
      }
      case Choice::kNew:
        --free_[slot(c.value, it.lo)];
        --free_[slot(c.value, it.hi)];
        insert_cap(it.capacity - it.channels);
        return {1, 1};
    }
    return {0, 0};
  }

  void insert_cap(int c) {
    if (c <= 0) return;
    caps_.insert(std::upper_bound(caps_.begin(), caps_.end(), static_cast<std::uint8_t>(c),
                                  std::greater<>()),
                 static_cast<std::uint8_t>(c));
  }

  bool pair_changes(std::size_t i) const {
    return i + 1 < items_.size() &&
           (items_[i + 1].lo != items_[i].lo || items_[i + 1].hi != items_[i].hi);
  }

  // The best value of the flows after position i, from the current state.
  Value after(std::size_t i) {
    if (!pair_changes(i)) return best(i + 1);
    auto saved = std::move(caps_);
    caps_.clear();
    const Value v = best(i + 1);
    caps_ = std::move(saved);
    return v;
  }

  std::string key(std::size_t i) const {
    std::string k;
    k.reserve(free_.size() + caps_.size() + 2);
    k.push_back(static_cast<char>(i));
    k.append(free_.begin(), free_.end());
    k.push_back(static_cast<char>(0xff));
    k.append(caps_.begin(), caps_.end());
    return k;
  }

  Value best(std::size_t i) {
    if (i == items_.size()) return {};
    const std::string k = key(i);
    if (auto hit = memo_.find(k); hit != memo_.end()) return hit->second;
    Value top;
    bool any = false;
    for (const Choice& c : choices(i)) {
      const auto saved_free = free_;
      const auto saved_caps = caps_;
      const auto [admit, xc] = take(i, c);
      const Value v = after(i).plus(admit, xc);
      free_ = saved_free;
      caps_ = saved_caps;
      if (!any || better(v, top)) top = v;
      any = true;
    }
    memo_.emplace(k, top);
    return top;
  }

  // Walks the optimum once more with concrete ports and cross-connects.
  void replay(Answer& out) {
    struct Xc {
      int s = 0;
      PortAt lo;
      PortAt hi;
      int used = 0;
    };
    std::vector<std::vector<std::deque<PortAt>>> ports(static_cast<std::size_t>(m_.endpoints));
    for (int e = 0; e < m_.endpoints; ++e)
      for (int s = 0; s < m_.switches; ++s) {
        const auto& l = m_.ports[static_cast<std::size_t>(e)][static_cast<std::size_t>(s)];
        ports[static_cast<std::size_t>(e)].emplace_back(l.begin(), l.end());
      }
    std::vector<Xc> pair_xcs;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      const Item& it = items_[i];
      const Value target = best(i);
      for (const Choice& c : choices(i)) {
        const auto saved_free = free_;
        const auto saved_caps = caps_;
        const auto [admit, xc] = take(i, c);
        const Value v = after(i).plus(admit, xc);
        if (!(v == target)) {
          free_ = saved_free;
          caps_ = saved_caps;
          continue;
        }
        Placement& pl = out.placements[static_cast<std::size_t>(it.original)];
        const Xc* used = nullptr;
        if (c.kind == Choice::kGroom) {
          for (auto& x : pair_xcs)
            if (it.capacity - x.used == c.value) {
              pl.wavelengths.clear();
              for (int w = x.used; w < x.used + it.channels; ++w) pl.wavelengths.push_back(w);
              x.used += it.channels;
              used = &x;
              break;
            }
        } else if (c.kind == Choice::kNew) {
          auto& lo = ports[static_cast<std::size_t>(it.lo)][static_cast<std::size_t>(c.value)];
          auto& hi = ports[static_cast<std::size_t>(it.hi)][static_cast<std::size_t>(c.value)];
          pair_xcs.push_back({c.value, lo.front(), hi.front(), it.channels});
          lo.pop_front();
          hi.pop_front();
          for (int w = 0; w < it.channels; ++w) pl.wavelengths.push_back(w);
          used = &pair_xcs.back();
          pl.new_cross_connect = true;
        }
        if (used != nullptr) {
          pl.admitted = true;
          pl.optical_switch = SwitchId(static_cast<std::uint32_t>(used->s));
          const PortAt& pa = it.a_is_lo ? used->lo : used->hi;
          const PortAt& pb = it.a_is_lo ? used->hi : used->lo;
          pl.port_a = pa.endpoint_port;
          pl.port_b = pb.endpoint_port;
          pl.switch_port_a = pa.switch_port;
          pl.switch_port_b = pb.switch_port;
        }
        break;
      }
      if (pair_changes(i)) {
        caps_.clear();
        pair_xcs.clear();
      }
    }
  }

  const Model& m_;
  std::vector<Item> items_;
  std::vector<std::uint8_t> free_;  // [switch * endpoints + endpoint]: free ports
  std::vector<std::uint8_t>
      caps_;  // free channels of the current pair's cross-connects, descending
  std::unordered_map<std::string, Value> memo_;
};

// ---------------------------------------------------------------------------
// Plain enumeration in the caller's order, every cross-connect kept apart.

class BruteForce {
 public:
  BruteForce(const Model& m, std::vector<Item> items) : m_(m), items_(std::move(items)) {
    free_.assign(static_cast<std::size_t>(m.switches * m.endpoints), 0);
    for (int e = 0; e < m.endpoints; ++e)
      for (int s = 0; s < m.switches; ++s)
        free_[static_cast<std::size_t>(s * m.endpoints + e)] = static_cast<int>(
            m.ports[static_cast<std::size_t>(e)][static_cast<std::size_t>(s)].size());
  }

  Answer run() {
    const Value v = go(0);
    Answer out;
    out.admitted = v.admitted;
    out.new_cross_connects = v.cross_connects;
    out.states = visited_;
    return out;
  }

 private:
  struct Xc {
    int lo, hi, free;
  };

  Value go(std::size_t i) {
    ++visited_;
    if (i == items_.size()) return {};
    const Item& it = items_[i];
    Value top = go(i + 1);  // reject
    if (!it.placeable) return top;
    for (auto& x : xcs_) {
      if (x.lo != it.lo || x.hi != it.hi || x.free < it.channels) continue;
      x.free -= it.channels;
      const Value v = go(i + 1).plus(1, 0);
      x.free += it.channels;
      if (better(v, top)) top = v;
    }
    for (int s = 0; s < m_.switches; ++s) {
      int& fa = free_[static_cast<std::size_t>(s * m_.endpoints + it.lo)];
      int& fb = free_[static_cast<std::size_t>(s * m_.endpoints + it.hi)];
      if (fa == 0 || fb == 0) continue;
      --fa;
      --fb;
      xcs_.push_back({it.lo, it.hi, it.capacity - it.channels});
      const Value v = go(i + 1).plus(1, 1);
      xcs_.pop_back();
      ++fa;
      ++fb;
      if (better(v, top)) top = v;
    }
    return top;
  }

  const Model& m_;
  std::vector<Item> items_;
  std::vector<int> free_;
  std::vector<Xc> xcs_;
  std::uint64_t visited_ = 0;
};

// ---------------------------------------------------------------------------
// In caller's order, admitting every flow that still fits. The state is the
// free ports and the multiset of (pair, free channels) of every
// cross-connect with room left; equal states are solved once.

class InOrderSearch {
 public:
  InOrderSearch(const Model& m, std::vector<Item> items) : m_(m), items_(std::move(items)) {
    free_.assign(static_cast<std::size_t>(m.switches * m.endpoints), 0);
    for (int e = 0; e < m.endpoints; ++e)
      for (int s = 0; s < m.switches; ++s)
        free_[static_cast<std::size_t>(s * m.endpoints + e)] = static_cast<std::uint8_t>(
            m.ports[static_cast<std::size_t>(e)][static_cast<std::size_t>(s)].size());
  }

  Answer run() {
    const Value v = best(0);
    Answer out;
    out.admitted = v.admitted;
    out.new_cross_connects = v.cross_connects;
    out.states = memo_.size();
    return out;
  }

 private:
  using Xc = std::array<std::uint8_t, 3>;  // lo, hi, free channels (> 0)

  void add_xc(int lo, int hi, int free) {
    if (free <= 0) return;
    const Xc x{static_cast<std::uint8_t>(lo), static_cast<std::uint8_t>(hi),
               static_cast<std::uint8_t>(free)};
    xcs_.insert(std::upper_bound(xcs_.begin(), xcs_.end(), x), x);
  }

  Value best(std::size_t i) {
    if (i == items_.size()) return {};
    std::string k;
    k.push_back(static_cast<char>(i));
    k.append(free_.begin(), free_.end());
    for (const Xc& x : xcs_) k.append(x.begin(), x.end());
    if (auto hit = memo_.find(k); hit != memo_.end()) return hit->second;
    const Item& it = items_[i];
    Value top;
    bool any = false;
    auto consider = [&](const Value& v) {
      if (!any || better(v, top)) top = v;
      any = true;
    };
    if (it.placeable) {
      for (std::size_t j = 0; j < xcs_.size(); ++j) {
        const Xc x = xcs_[j];
        if (x[0] != it.lo || x[1] != it.hi || x[2] < it.channels) continue;
        if (j > 0 && xcs_[j - 1] == x) continue;  // equal cross-connects are interchangeable
        const auto saved = xcs_;
        xcs_.erase(xcs_.begin() + static_cast<long>(j));
        add_xc(it.lo, it.hi, x[2] - it.channels);
        consider(best(i + 1).plus(1, 0));
        xcs_ = saved;
      }
      for (int s = 0; s < m_.switches; ++s) {
        auto& fa = free_[static_cast<std::size_t>(s * m_.endpoints + it.lo)];
        auto& fb = free_[static_cast<std::size_t>(s * m_.endpoints + it.hi)];
        if (fa == 0 || fb == 0) continue;
        const auto saved = xcs_;
        --fa;
        --fb;
        add_xc(it.lo, it.hi, it.capacity - it.channels);
        consider(best(i + 1).plus(1, 1));
        ++fa;
        ++fb;
        xcs_ = saved;
      }
    }
    if (!any) top = best(i + 1);  // rejected only when nothing fits
    memo_.emplace(std::move(k), top);
    return top;
  }

  const Model& m_;
  std::vector<Item> items_;
  std::vector<std::uint8_t> free_;
  std::vector<Xc> xcs_;  // sorted
  std::unordered_map<std::string, Value> memo_;
};


}  // namespace

Result<Answer> solve_exact(const Fabric& fabric, const std::vector<FlowSpec>& flows,
                           Decibels margin) {
  auto prepared = prepare(fabric, flows, margin);
  if (!prepared) return unexpected(prepared.error());
  ExactSearch search(prepared->model, prepared->items);
  return search.run(flows.size());
}

Result<Answer> solve_brute_force(const Fabric& fabric, const std::vector<FlowSpec>& flows,
                                 Decibels margin) {
  auto prepared = prepare(fabric, flows, margin);
  if (!prepared) return unexpected(prepared.error());
  BruteForce search(prepared->model, prepared->items);
  return search.run();
}

Result<Answer> solve_exact_in_order(const Fabric& fabric, const std::vector<FlowSpec>& flows,
                                    Decibels margin) {
  auto prepared = prepare(fabric, flows, margin);
  if (!prepared) return unexpected(prepared.error());
  InOrderSearch search(prepared->model, prepared->items);
  return search.run();
}

}  // namespace lightpath::testing::exact
