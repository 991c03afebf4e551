// Same seed, same bytes: a whole scenario (telemetry, random faults, a
// controller reconfiguring through the driver) logged twice and compared.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "controller/topology/topology_loader.h"
#include "sim_test_util.h"
#include "simulator/fault_injector.h"
#include "simulator/sim_driver.h"
#include "simulator/sim_executor.h"

using namespace lightpath;

namespace {

std::string describe(const southbound::DeviceEvent& e) {
  if (auto* p = std::get_if<southbound::PortEvent>(&e))
    return fmt::format("{} port {} {} {}", p->at.since_epoch_ns(), p->port, to_string(p->status),
                       p->peer);
  if (auto* a = std::get_if<southbound::AlarmEvent>(&e))
    return fmt::format("{} alarm {} {} {}", a->at.since_epoch_ns(), to_string(a->kind), a->port,
                       a->raised);
  const auto& t = std::get<southbound::TelemetryEvent>(e);
  std::string s = fmt::format("{} telemetry", t.at.since_epoch_ns());
  for (const auto& p : t.ports)
    s += fmt::format(" {}:{:.17g}/{:.17g}/{:.17g}/{:.17g}", p.port, p.input_power.value(),
                     p.output_power.value(), p.osnr.value(), p.ber);
  return s;
}

std::string run_scenario(std::uint64_t seed) {
  const Fabric fabric =
      topology::load_topology_file(testing::source_path("topologies/tiny.yaml")).value();
  sim::EventEngine engine{sim::Rng(seed)};
  sim::SimExecutor executor(engine);
  sim::MemsOptions options;
  options.telemetry_interval = Duration::ms(500);
  sim::SimulatedFabric world(engine, fabric, options);
  sim::FaultInjector faults(world);
  faults.start_random({Duration::s(20),
                       Duration::s(3),
                       {sim::FaultKind::kDarkPort, sim::FaultKind::kFiberCut,
                        sim::FaultKind::kStuckMirror, sim::FaultKind::kSwitchDown}});
  sim::SimDriver driver(*world.switches().front(), executor);
  std::string log;
  driver.subscribe([&](const southbound::DeviceEvent& e) { log += describe(e) + "\n"; });

  // A controller that re-pairs random ports every few seconds.
  sim::Rng choices = engine.rng().fork(77);
  std::function<void()> reconfigure = [&] {
    driver.read_cross_connects([&](Result<std::vector<southbound::CrossConnect>> now) {
      if (now) {
        southbound::Batch b;
        b.disconnects = *now;
        std::vector<int> ports(16);
        for (int i = 0; i < 16; ++i) ports[static_cast<std::size_t>(i)] = i;
        for (int i = 15; i > 0; --i)
          std::swap(ports[static_cast<std::size_t>(i)],
                    ports[static_cast<std::size_t>(choices.uniform_int(0, i))]);
        for (int i = 0; i < 16; i += 2)
          b.connects.push_back(
              {ports[static_cast<std::size_t>(i)], ports[static_cast<std::size_t>(i + 1)]});
        driver.apply(b, [&](Result<southbound::ApplyReport> r) {
          log += r ? fmt::format("applied {} failures {} settled {}\n", r->connected.size(),
                                 r->failures.size(), r->settled_at.since_epoch_ns())
                   : "apply error " + r.error().code + ": " + r.error().message + "\n";
        });
      } else {
        log += "read error " + now.error().code + "\n";
      }
      executor.schedule_after(Duration::from_seconds(choices.uniform(1.0, 5.0)), reconfigure);
    });
  };
  executor.post(reconfigure);
  engine.run_until(TimePoint() + Duration::s(120));
  for (const auto& h : faults.history())
    log += fmt::format("fault {} {} {} {} {}\n", h.at.since_epoch_ns(), h.switch_name,
                       to_string(h.kind), h.port, h.recover);
  return log;
}

}  // namespace

TEST_CASE("two runs with the same seed write the same event log, byte for byte") {
  const std::string a = run_scenario(2026);
  const std::string b = run_scenario(2026);
  CHECK(a.size() > 10000);
  CHECK(a.find("alarm") != std::string::npos);
  CHECK(a.find("applied") != std::string::npos);
  CHECK(a == b);
  CHECK(run_scenario(2027) != a);
}
