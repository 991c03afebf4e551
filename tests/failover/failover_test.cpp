// lightpathd and lightpath-fabric as two real processes over real gRPC, and
// the failures an operator meets in the field: either side killed with -9,
// a cross-connect changed at the switch, a fiber cut, the fabric stalled.
#include <doctest/doctest.h>

#include <functional>
#include <set>

#include "daemon/daemon_process.h"
#include "fabric/fabric_process.h"

using namespace lightpath::testing;
namespace v1 = lightpath::v1;

namespace {

// Polls `done` every 20 ms for up to `seconds`.
bool eventually(const std::function<bool()>& done, double seconds = 10) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// Both processes, the daemon driving the fabric's switches.
struct Pair {
  TempDir dir;
  FabricProcess fabric;
  DaemonProcess daemon;
  explicit Pair(std::vector<std::string> daemon_extra = {})
      : fabric({"--time-scale", "1"}),
        daemon(tiny_topology(), dir.file("state.db"), dir.file(""),
               with_fabric(fabric, daemon_extra)) {}

  static std::vector<std::string> with_fabric(const FabricProcess& f,
                                              std::vector<std::string> extra) {
    extra.insert(extra.end(), {"--fabric", "grpc://" + f.address(), "--reconcile-interval", "1"});
    return extra;
  }

  v1::RequestCircuitsResponse request(const v1::CircuitRequest& r) {
    v1::RequestCircuitsResponse resp;
    const auto s = daemon.circuits().RequestCircuits(ctx().get(), r, &resp);
    REQUIRE_MESSAGE(s.ok(), s.error_message());
    REQUIRE_MESSAGE(resp.accepted(), resp.message());
    return resp;
  }

  v1::Circuit get(std::uint64_t id) {
    v1::GetCircuitRequest req;
    req.set_id(id);
    v1::Circuit c;
    const auto s = daemon.circuits().GetCircuit(ctx().get(), req, &c);
    REQUIRE_MESSAGE(s.ok(), s.error_message());
    return c;
  }

  bool all_active(const v1::RequestCircuitsResponse& r) {
    for (const auto& c : r.circuits())
      if (get(c.id()).state() != v1::ACTIVE) return false;
    return true;
  }

  std::set<std::pair<int, int>> switch_holds(const std::string& sw) {
    pb::ReadCrossConnectsRequest req;
    req.set_switch_id(sw);
    pb::ReadCrossConnectsReply reply;
    const auto s = fabric.devices().ReadCrossConnects(ctx().get(), req, &reply);
    REQUIRE_MESSAGE(s.ok(), s.error_message());
    std::set<std::pair<int, int>> out;
    for (const auto& x : reply.cross_connects()) out.insert({x.a(), x.b()});
    return out;
  }

  std::vector<v1::Alarm> alarms() {
    v1::ListAlarmsRequest req;
    req.set_include_cleared(true);
    v1::ListAlarmsResponse resp;
    REQUIRE(daemon.fabric().ListAlarms(ctx().get(), req, &resp).ok());
    return {resp.alarms().begin(), resp.alarms().end()};
  }

  bool alarmed(const std::string& kind) {
    const auto all = alarms();
    return std::any_of(all.begin(), all.end(),
                       [&](const v1::Alarm& a) { return a.kind() == kind; });
  }
};

std::pair<int, int> xc(const v1::Hop& h) {
  return {std::min(h.in_port(), h.out_port()), std::max(h.in_port(), h.out_port())};
}

}  // namespace

TEST_CASE("kill -9 lightpathd and restart: no cross-connect of a healthy circuit is touched") {
  Pair p;
  const auto r = p.request(pair_request("job-a", "rack1", "rack2", 400));
  const auto r2 = p.request(pair_request("job-b", "rack3", "rack4", 400));
  REQUIRE(eventually([&] { return p.all_active(r) && p.all_active(r2); }));
  const auto before = p.fabric.changes("ocs1");
  const auto held = p.switch_holds("ocs1");

  p.daemon.stop(SIGKILL);
  p.daemon.start();
  // The restarted daemon has read the switch (its reconcile pass runs every second).
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(p.all_active(r));
  CHECK(p.all_active(r2));
  const auto after = p.fabric.changes("ocs1");
  CHECK(after.connects() == before.connects());
  CHECK(after.disconnects() == before.disconnects());
  CHECK(p.switch_holds("ocs1") == held);
}

TEST_CASE(
    "kill -9 lightpath-fabric and restart it empty: lightpathd notices, reports it and "
    "reprograms") {
  Pair p;
  const auto r = p.request(pair_request("job-a", "rack1", "rack2", 400));
  REQUIRE(eventually([&] { return p.all_active(r); }));
  const auto want = xc(r.circuits(0).hops(0));

  p.fabric.stop(SIGKILL);
  p.fabric.start();  // same port, no cross-connects
  CHECK(eventually([&] { return p.switch_holds("ocs1").count(want) == 1; }, 15));
  CHECK(eventually([&] { return p.all_active(r); }));
  CHECK(p.alarmed("unreachable"));
  CHECK(p.alarmed("drift"));
}

TEST_CASE("a cross-connect changed behind the controller's back is reconciled within one period") {
  Pair p;
  const auto r = p.request(pair_request("job-a", "rack1", "rack2", 400));
  REQUIRE(eventually([&] { return p.all_active(r); }));
  const auto want = xc(r.circuits(0).hops(0));
  pb::ApplyBatchRequest req;
  req.set_switch_id("ocs1");
  auto* gone = req.mutable_batch()->add_disconnects();
  gone->set_a(want.first);
  gone->set_b(want.second);
  auto* stray = req.mutable_batch()->add_connects();
  stray->set_a(14);
  stray->set_b(15);
  pb::ApplyBatchReply reply;
  REQUIRE(p.fabric.devices().ApplyBatch(ctx().get(), req, &reply).ok());
  REQUIRE(p.switch_holds("ocs1").count(want) == 0);

  // One period is a second; allow for the switching time and a loaded machine.
  CHECK(eventually(
      [&] {
        const auto held = p.switch_holds("ocs1");
        return held.count(want) == 1 && held.count({14, 15}) == 0;
      },
      5));
  CHECK(eventually([&] { return p.all_active(r); }));
  CHECK(p.alarmed("drift"));
}

TEST_CASE("a fiber cut under an ACTIVE circuit: restored on other ports, or FAILED without room") {
  Pair p;
  const auto r = p.request(pair_request("job-a", "rack1", "rack2", 400));
  REQUIRE(eventually([&] { return p.all_active(r); }));
  const auto id = r.circuits(0).id();
  const int cut = static_cast<int>(r.circuits(0).hops(0).in_port());
  REQUIRE(p.fabric.inject("ocs1", pb::FIBER_CUT, cut));
  CHECK(eventually([&] {
    const auto c = p.get(id);
    return c.state() == v1::ACTIVE && c.hops(0).in_port() != static_cast<unsigned>(cut);
  }));
  CHECK(p.get(id).state_reason().find("restored on another path") != std::string::npos);
  CHECK(p.alarmed("loss-of-light-in"));

  // rack1 has four ports: one cut, one restored, two left; take them, then cut one.
  const auto more = p.request(pair_request("job-b", "rack1", "rack3", 800));
  const auto last = p.request(pair_request("job-c", "rack1", "rack4", 800));
  REQUIRE(eventually([&] { return p.all_active(more) && p.all_active(last); }));
  const auto victim = more.circuits(0).id();
  REQUIRE(
      p.fabric.inject("ocs1", pb::FIBER_CUT, static_cast<int>(more.circuits(0).hops(0).in_port())));
  CHECK(eventually([&] { return p.get(victim).state() == v1::FAILED; }));
  CHECK(p.get(victim).state_reason().find("not restored: INSUFFICIENT_PORTS") != std::string::npos);
  CHECK(p.get(id).state() == v1::ACTIVE);
  CHECK(p.get(last.circuits(0).id()).state() == v1::ACTIVE);
}

TEST_CASE("the fabric stalls: calls time out, nothing is corrupted, work resumes when it answers") {
  Pair p({"--fabric-timeout", "0.3"});  // an apply may take 0.9 s
  const auto r = p.request(pair_request("job-a", "rack1", "rack2", 400));
  REQUIRE(eventually([&] { return p.all_active(r); }));
  p.fabric.stall();
  // The controller still answers: decided and stored, waiting on the switch.
  const auto r2 = p.request(pair_request("job-b", "rack3", "rack4", 400));
  // Long enough for the apply to time out and the link to be declared down.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  CHECK(p.get(r2.circuits(0).id()).state() == v1::PROGRAMMING);
  CHECK(p.get(r.circuits(0).id()).state() == v1::ACTIVE);
  CHECK(p.alarmed("unreachable"));
  v1::ListSwitchesResponse sw;
  REQUIRE(p.daemon.fabric().ListSwitches(ctx().get(), {}, &sw).ok());
  CHECK_FALSE(sw.switches(0).up());  // its call timed out
  p.fabric.resume();
  CHECK(eventually([&] { return p.all_active(r2); }, 20));
  CHECK(p.all_active(r));
  const auto held = p.switch_holds("ocs1");
  CHECK(held.count(xc(r.circuits(0).hops(0))) == 1);
  CHECK(held.count(xc(r2.circuits(0).hops(0))) == 1);
}
