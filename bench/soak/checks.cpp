#include "bench/soak/checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "proto/support/status_name.h"

namespace lightpath::soak {
namespace {

constexpr auto kDeadline = std::chrono::seconds(30);

void set_deadline(grpc::ClientContext& ctx) {
  ctx.set_deadline(std::chrono::system_clock::now() + kDeadline);
}

// The far end and the cross-connects, the same for every circuit groomed onto
// one fiber path whichever way round it was asked for.
std::string path_key(const v1::Circuit& c, const std::string& from) {
  std::vector<std::string> hops;
  for (const auto& h : c.hops())
    hops.push_back(fmt::format("{}[{}-{}]", h.switch_name(), std::min(h.in_port(), h.out_port()),
                               std::max(h.in_port(), h.out_port())));
  std::sort(hops.begin(), hops.end());
  std::string key = from == c.a_port() ? c.b_port() : c.a_port();
  for (const auto& h : hops) key += " " + h;
  return key;
}

// The cross-connects live circuits need, per switch, as (low port, high port).
std::map<std::string, std::set<std::pair<int, int>>> wanted(const std::vector<v1::Circuit>& all) {
  std::map<std::string, std::set<std::pair<int, int>>> out;
  for (const auto& c : all) {
    if (!is_live(c.state())) continue;
    for (const auto& h : c.hops()) {
      const int in = static_cast<int>(h.in_port()), o = static_cast<int>(h.out_port());
      out[h.switch_name()].emplace(std::min(in, o), std::max(in, o));
    }
  }
  return out;
}

}  // namespace

bool is_live(v1::CircuitState s) {
  return s == v1::PENDING || s == v1::PROGRAMMING || s == v1::ACTIVE || s == v1::RESTORING;
}

bool list_circuits(v1::CircuitService::Stub& stub, std::vector<v1::Circuit>& out) {
  grpc::ClientContext ctx;
  set_deadline(ctx);
  v1::ListCircuitsResponse resp;
  if (!stub.ListCircuits(&ctx, {}, &resp).ok()) return false;
  out.assign(resp.circuits().begin(), resp.circuits().end());
  return true;
}

Problems uniqueness_problems(const std::vector<v1::Circuit>& all) {
  Problems out;
  std::map<std::string, std::pair<std::string, std::uint64_t>> endpoint_path;
  std::map<std::pair<std::string, std::uint32_t>, std::uint64_t> endpoint_wavelength;
  std::map<std::pair<std::string, std::uint32_t>, std::pair<std::uint32_t, std::uint64_t>> peer_of;
  std::map<std::tuple<std::string, std::uint32_t, std::uint32_t>, std::uint64_t> port_wavelength;
  for (const auto& c : all) {
    if (!is_live(c.state())) continue;
    for (const std::string& end : {c.a_port(), c.b_port()}) {
      const std::string key = path_key(c, end);
      auto [it, fresh] = endpoint_path.try_emplace(end, key, c.id());
      if (!fresh && it->second.first != key)
        out.emplace_back("endpoint port used twice",
                         fmt::format("{}: circuit {} to {}, circuit {} to {}", end,
                                     it->second.second, it->second.first, c.id(), key));
      for (auto w : c.wavelengths()) {
        auto [wit, wfresh] = endpoint_wavelength.try_emplace({end, w}, c.id());
        if (!wfresh && wit->second != c.id())
          out.emplace_back(
              "wavelength used twice on an endpoint port",
              fmt::format("{} wavelength {}: circuits {} and {}", end, w, wit->second, c.id()));
      }
    }
    for (const auto& h : c.hops()) {
      const std::pair<std::uint32_t, std::uint32_t> ends[] = {{h.in_port(), h.out_port()},
                                                              {h.out_port(), h.in_port()}};
      for (const auto& [port, peer] : ends) {
        auto [it, fresh] = peer_of.try_emplace({h.switch_name(), port}, peer, c.id());
        if (!fresh && it->second.first != peer)
          out.emplace_back(
              "switch port in two cross-connects",
              fmt::format("{}/{}: to {} for circuit {}, to {} for circuit {}", h.switch_name(),
                          port, it->second.first, it->second.second, peer, c.id()));
        for (auto w : c.wavelengths()) {
          auto [wit, wfresh] = port_wavelength.try_emplace({h.switch_name(), port, w}, c.id());
          if (!wfresh && wit->second != c.id())
            out.emplace_back("wavelength used twice on a switch port",
                             fmt::format("{}/{} wavelength {}: circuits {} and {}", h.switch_name(),
                                         port, w, wit->second, c.id()));
        }
      }
    }
  }
  return out;
}

bool wait_quiescent(v1::CircuitService::Stub& stub, double timeout_s,
                    std::vector<v1::Circuit>& out) {
  const auto until = Clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    const bool listed = list_circuits(stub, out);
    const bool moving = std::any_of(out.begin(), out.end(), [](const v1::Circuit& c) {
      return c.state() == v1::PENDING || c.state() == v1::PROGRAMMING ||
             c.state() == v1::RESTORING || c.state() == v1::RELEASING;
    });
    if (listed && !moving) return true;
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

HeldOutcome check_held(const std::vector<v1::Circuit>& all, Ledger& ledger) {
  HeldOutcome out;
  std::map<std::uint64_t, const v1::Circuit*> by_id;
  for (const auto& c : all) by_id[c.id()] = &c;
  const std::int64_t now = unix_ms_now();
  for (const auto& [id, h] : ledger.held()) {
    if (h.abandoned) ++out.abandoned;
    auto it = by_id.find(id);
    const v1::Circuit* c = it == by_id.end() ? nullptr : it->second;
    if (!c || c->state() == v1::RELEASING) {
      // Past its lease and ended by it, as the daemon or the watcher says (the
      // watcher may not have heard yet of a lease that ended a moment ago).
      const bool by_lease =
          !c || c->state_reason() == "lease expired" || h.last_reason == "lease expired";
      if (h.lease_end_ms > 0 && h.lease_end_ms <= now && by_lease) {
        if (h.abandoned) {
          ++out.abandoned_ended;
        } else {
          ++out.held;
          ++out.expired;
        }
        continue;
      }
      ++out.held;
      ++out.lost;
      ledger.violation("acknowledged circuit lost",
                       fmt::format("circuit {} of {} ({}), lease end {}, now {}: {}; last watched "
                                   "state {} \"{}\"",
                                   id, h.request_id, describe(h.placement), h.lease_end_ms, now,
                                   c ? "RELEASING" : "unknown to the daemon",
                                   v1::CircuitState_Name(h.last_state), h.last_reason));
      continue;
    }
    if (h.lease_end_ms > 0 && now > h.lease_end_ms + 5000)
      ledger.violation(
          "lease not enforced",
          fmt::format("circuit {} of {}: lease ended {} ms ago, state {}", id, h.request_id,
                      now - h.lease_end_ms, v1::CircuitState_Name(c->state())));
    ++out.held;
    if (h.abandoned) ++out.abandoned_live;
    switch (c->state()) {
      case v1::FAILED: {
        ++out.failed;
        // "ocs12 port 3: loss of light ...; not restored: ..." -> its first clause.
        const std::string& r = c->state_reason();
        ++out.failed_reasons[r.substr(0, r.find(';'))];
        break;
      }
      case v1::ACTIVE:
        if (placement_of(*c) == h.placement) {
          ++out.intact;
        } else if (ledger.failed_once(id)) {
          ++out.restored;
        } else {
          ledger.violation("circuit moved without a failure",
                           fmt::format("circuit {}: acknowledged {}, now {}", id,
                                       describe(h.placement), describe(placement_of(*c))));
        }
        break;
      default:
        ledger.violation("circuit not ACTIVE once settled",
                         fmt::format("circuit {} of {}: {} \"{}\"", id, h.request_id,
                                     v1::CircuitState_Name(c->state()), c->state_reason()));
    }
  }
  for (const auto& [id, h] : ledger.unnamed()) {
    if (h.last_reason == "released by the owner" || h.last_reason == "lease expired") {
      ++out.unnamed_explained;
      continue;
    }
    ledger.violation("release did not name an acknowledged circuit",
                     fmt::format("circuit {} of {}: last watched state {} \"{}\"", id, h.request_id,
                                 v1::CircuitState_Name(h.last_state), h.last_reason));
  }
  return out;
}

Problems port_problems(Stubs& stubs, const std::vector<v1::Circuit>& all) {
  Problems out;
  std::map<std::pair<std::string, int>, int> peer;
  for (const auto& [sw, xcs] : wanted(all))
    for (const auto& [a, b] : xcs) {
      peer[{sw, a}] = b;
      peer[{sw, b}] = a;
    }
  for (const auto& sw : stubs.switches) {
    grpc::ClientContext ctx;
    set_deadline(ctx);
    v1::ListPortsRequest req;
    req.set_switch_name(sw);
    v1::ListPortsResponse resp;
    if (auto s = stubs.fabric->ListPorts(&ctx, req, &resp); !s.ok()) {
      out.emplace_back("ListPorts failed", sw + ": " + status_code_name(s.error_code()));
      continue;
    }
    for (const auto& p : resp.ports()) {
      const int index = static_cast<int>(p.index());
      auto it = peer.find({sw, index});
      const int want = it == peer.end() ? -1 : it->second;
      if (p.peer() != want)
        out.emplace_back(want < 0 ? "port allocated to no live circuit"
                                  : "live circuit's port not allocated to it",
                         fmt::format("{}/{}: daemon's peer {}, live circuits' peer {} (circuit {})",
                                     sw, index, p.peer(), want, p.circuit_id()));
      if (p.out_of_service())
        out.emplace_back("port out of service after every fault cleared",
                         fmt::format("{}/{} ({})", sw, index, p.cabled_to()));
    }
  }
  return out;
}

Problems switch_problems(Stubs& stubs, const std::vector<v1::Circuit>& all) {
  Problems out;
  const auto want = wanted(all);
  for (const auto& sw : stubs.switches) {
    grpc::ClientContext ctx;
    set_deadline(ctx);
    dev::ReadCrossConnectsRequest req;
    req.set_switch_id(sw);
    dev::ReadCrossConnectsReply resp;
    if (auto s = stubs.device->ReadCrossConnects(&ctx, req, &resp); !s.ok()) {
      out.emplace_back("ReadCrossConnects failed", sw + ": " + status_code_name(s.error_code()));
      continue;
    }
    std::set<std::pair<int, int>> held;
    for (const auto& x : resp.cross_connects()) held.emplace(x.a(), x.b());
    static const std::set<std::pair<int, int>> none;
    const auto w = want.find(sw);
    const auto& wanted_here = w == want.end() ? none : w->second;
    for (const auto& x : wanted_here)
      if (!held.count(x))
        out.emplace_back("live circuit's cross-connect missing on the switch",
                         fmt::format("{}[{}-{}]", sw, x.first, x.second));
    for (const auto& x : held)
      if (!wanted_here.count(x))
        out.emplace_back("cross-connect on the switch that no circuit needs",
                         fmt::format("{}[{}-{}]", sw, x.first, x.second));
  }
  return out;
}

bool eventually(double timeout_s, Ledger& ledger, const std::function<Problems()>& look) {
  const auto until = Clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    Problems p = look();
    if (p.empty()) return true;
    if (Clock::now() >= until) {
      for (const auto& [kind, detail] : p) ledger.violation(kind, detail);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

}  // namespace lightpath::soak
