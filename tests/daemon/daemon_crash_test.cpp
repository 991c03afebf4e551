// kill -9 while clients are submitting, restart: every acknowledged circuit
// is still there with the same ports and wavelengths, and nothing is
// assigned twice.
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "daemon/daemon_process.h"

using namespace lightpath;
using namespace lightpath::testing;

TEST_CASE("SIGKILL under load loses nothing acknowledged") {
  TempDir dir;
  const std::string topo = std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/tpuv4-pod.yaml";
  auto daemon = std::make_unique<DaemonProcess>(topo, dir.file("state.db"), dir.file(""));

  std::mutex mu;
  std::map<std::uint64_t, v1::Circuit> acked;  // circuit id -> as acknowledged
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        // Blocks t*16 .. t*16+15 pair up within the client's own range.
        const int a = t * 16 + (i % 16);
        const int b = t * 16 + ((i + 1 + i / 16) % 16);
        if (a == b) continue;
        char an[16], bn[16];
        std::snprintf(an, sizeof an, "block%02d", a);
        std::snprintf(bn, sizeof bn, "block%02d", b);
        auto r = pair_request(numbered(numbered("c", t) + "-", i), an, bn, 50, "ocs-uplinks");
        v1::RequestCircuitsResponse resp;
        auto c = ctx(2);
        auto s = daemon->circuits().RequestCircuits(c.get(), r, &resp);
        ++sent;
        if (!s.ok()) return;  // the daemon died under us
        std::lock_guard lock(mu);
        for (const auto& circuit : resp.circuits()) acked[circuit.id()] = circuit;
      }
    });
  }
  while (sent < 300) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  daemon->stop(SIGKILL);
  stop = true;
  for (auto& c : clients) c.join();
  REQUIRE(acked.size() >= 100);

  daemon->start();
  v1::ListCircuitsResponse all;
  REQUIRE(daemon->circuits().ListCircuits(ctx().get(), {}, &all).ok());
  std::map<std::uint64_t, v1::Circuit> after;
  for (const auto& c : all.circuits()) after[c.id()] = c;
  for (const auto& [id, c] : acked) {
    CAPTURE(id);
    REQUIRE(after.count(id) == 1);
    const auto& now = after.at(id);
    CHECK(now.a_port() == c.a_port());
    CHECK(now.b_port() == c.b_port());
    CHECK(now.hops(0).switch_name() == c.hops(0).switch_name());
    CHECK(now.hops(0).in_port() == c.hops(0).in_port());
    CHECK(now.hops(0).out_port() == c.hops(0).out_port());
    CHECK(std::equal(now.wavelengths().begin(), now.wavelengths().end(), c.wavelengths().begin(),
                     c.wavelengths().end()));
  }
  // No wavelength lit twice on a port, and each switch port joined to one peer.
  std::set<std::pair<std::string, std::uint32_t>> lit;
  std::map<std::pair<std::string, std::uint32_t>, std::uint32_t> peer;
  for (const auto& [id, c] : after) {
    for (auto w : c.wavelengths()) {
      CHECK(lit.insert({c.a_port(), w}).second);
      CHECK(lit.insert({c.b_port(), w}).second);
    }
    for (const auto& h : c.hops()) {
      for (auto [p, q] :
           {std::pair{h.in_port(), h.out_port()}, std::pair{h.out_port(), h.in_port()}}) {
        auto [it, fresh] = peer.emplace(std::pair{h.switch_name(), p}, q);
        CHECK(it->second == q);
      }
    }
  }
  // And the restarted daemon brings them all to ACTIVE on its fresh switches.
  bool all_active = false;
  for (int i = 0; i < 100 && !all_active; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    v1::ListCircuitsRequest q;
    q.set_state(v1::ACTIVE);
    v1::ListCircuitsResponse active;
    REQUIRE(daemon->circuits().ListCircuits(ctx().get(), q, &active).ok());
    all_active = static_cast<std::size_t>(active.circuits_size()) == after.size();
  }
  CHECK(all_active);
}

namespace {
// The drained flag of every switch, by name.
std::map<std::string, bool> drained_by_name(DaemonProcess& d) {
  v1::ListSwitchesResponse list;
  REQUIRE(d.fabric().ListSwitches(ctx().get(), {}, &list).ok());
  std::map<std::string, bool> out;
  for (const auto& s : list.switches()) out[s.name()] = s.drained();
  return out;
}

// The ports of `switch_name` cabled to `block`'s uplinks, as (index, drained, in service).
std::vector<std::tuple<std::uint32_t, bool, bool>> block_ports(DaemonProcess& d,
                                                               const std::string& switch_name,
                                                               const std::string& block) {
  v1::ListPortsRequest req;
  req.set_switch_name(switch_name);
  v1::ListPortsResponse list;
  REQUIRE(d.fabric().ListPorts(ctx().get(), req, &list).ok());
  std::vector<std::tuple<std::uint32_t, bool, bool>> out;
  for (const auto& p : list.ports())
    if (p.cabled_to().rfind(block + "/", 0) == 0)
      out.emplace_back(p.index(), p.drained(), !p.out_of_service());
  return out;
}
}  // namespace

TEST_CASE("drained switches and ports stay drained through SIGKILL and restart") {
  TempDir dir;
  const std::string topo = std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/tpuv4-pod.yaml";
  DaemonProcess daemon(topo, dir.file("state.db"), dir.file(""));
  for (const char* name : {"ocs00", "ocs07"}) {
    v1::DrainSwitchRequest drain;
    drain.set_switch_name(name);
    drain.set_drained(true);
    v1::DrainSwitchResponse resp;
    REQUIRE(daemon.fabric().DrainSwitch(ctx().get(), drain, &resp).ok());
  }
  // Both of block00's ports on ocs01, one at a time: ocs01 is then no way out of block00.
  const auto ports = block_ports(daemon, "ocs01", "block00");
  REQUIRE(ports.size() == 2);
  for (const auto& [index, drained, in_service] : ports) {
    CHECK_FALSE(drained);
    CHECK(in_service);
    v1::DrainPortRequest drain;
    drain.set_switch_name("ocs01");
    drain.set_port(index);
    drain.set_drained(true);
    v1::DrainPortResponse resp;
    REQUIRE(daemon.fabric().DrainPort(ctx().get(), drain, &resp).ok());
    CHECK(resp.circuits_on_port() == 0);
  }
  {
    // A port the switch lacks is NOT_FOUND naming the port, and stores nothing.
    v1::DrainPortRequest drain;
    drain.set_switch_name("ocs01");
    drain.set_port(136);
    drain.set_drained(true);
    v1::DrainPortResponse resp;
    auto s = daemon.fabric().DrainPort(ctx().get(), drain, &resp);
    CHECK(s.error_code() == grpc::StatusCode::NOT_FOUND);
    CHECK(s.error_message().rfind("port: ocs01 has ports 0 to 135, not 136", 0) == 0);
  }
  {
    // An unknown switch is NOT_FOUND, and stores nothing.
    v1::DrainSwitchRequest drain;
    drain.set_switch_name("ocs99");
    drain.set_drained(true);
    v1::DrainSwitchResponse resp;
    CHECK(daemon.fabric().DrainSwitch(ctx().get(), drain, &resp).error_code() ==
          grpc::StatusCode::NOT_FOUND);
  }
  daemon.stop(SIGKILL);
  daemon.start();
  auto drained = drained_by_name(daemon);
  REQUIRE(drained.size() == 48);
  for (const auto& [name, on] : drained) {
    CAPTURE(name);
    CHECK(on == (name == "ocs00" || name == "ocs07"));
  }
  for (const auto& [index, drained, in_service] : block_ports(daemon, "ocs01", "block00")) {
    CAPTURE(index);
    CHECK(drained);
    CHECK_FALSE(in_service);
  }
  // New circuits keep off what is drained: block00 has uplinks on all 48
  // switches, and asks for more circuits than the three drained ways hold.
  for (int i = 1; i <= 40; ++i) {
    char peer[16];
    std::snprintf(peer, sizeof peer, "block%02d", i);
    v1::RequestCircuitsResponse resp;
    REQUIRE(daemon.circuits()
                .RequestCircuits(ctx().get(),
                                 pair_request(numbered("r", i), "block00", peer, 50, "ocs-uplinks"),
                                 &resp)
                .ok());
    REQUIRE(resp.accepted());
    for (const auto& c : resp.circuits())
      for (const auto& h : c.hops()) {
        CHECK(h.switch_name() != "ocs00");
        CHECK(h.switch_name() != "ocs01");
        CHECK(h.switch_name() != "ocs07");
      }
  }
  // Back in service, and that too is kept.
  v1::DrainSwitchRequest undrain;
  undrain.set_switch_name("ocs07");
  undrain.set_drained(false);
  v1::DrainSwitchResponse resp;
  REQUIRE(daemon.fabric().DrainSwitch(ctx().get(), undrain, &resp).ok());
  daemon.stop(SIGKILL);
  daemon.start();
  drained = drained_by_name(daemon);
  CHECK(drained.at("ocs00"));
  CHECK_FALSE(drained.at("ocs07"));
  for (const auto& [index, on, in_service] : block_ports(daemon, "ocs01", "block00")) CHECK(on);
}
