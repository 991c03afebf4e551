// The tpuv4-pod fabric (48 MEMS switches of 136 ports) with every cabled port
// in a cross-connect, telemetry every second, for one simulated hour: wall
// time, and the samples that reached driver subscribers.
#include <fmt/format.h>

#include <chrono>

#include "controller/topology/topology_loader.h"
#include "simulator/sim_driver.h"
#include "simulator/sim_executor.h"
#include "simulator/simulated_fabric.h"

using namespace lightpath;

int main() {
  auto fabric = topology::load_topology_file(std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/tpuv4-pod.yaml");
  if (!fabric) {
    fmt::print("cannot load tpuv4-pod.yaml\n");
    return 1;
  }
  sim::EventEngine engine{sim::Rng(1)};
  sim::SimExecutor executor(engine);
  sim::MemsOptions options;
  options.telemetry_interval = Duration::s(1);
  sim::SimulatedFabric world(engine, *fabric, options);
  std::vector<std::unique_ptr<sim::SimDriver>> drivers;
  std::uint64_t samples = 0, port_readings = 0;
  for (const auto& sw : world.switches()) {
    southbound::Batch b;
    int pending = -1;
    for (int p = 0; p < sw->port_count(); ++p) {
      if (!sw->spec().input_power[static_cast<std::size_t>(p)]) continue;
      if (pending < 0) {
        pending = p;
      } else {
        b.connects.push_back({pending, p});
        pending = -1;
      }
    }
    sw->apply(b, [](auto r) {
      if (!r || !r->complete()) fmt::print("setup batch failed\n");
    });
    drivers.push_back(std::make_unique<sim::SimDriver>(*sw, executor));
    drivers.back()->subscribe([&](const southbound::DeviceEvent& e) {
      if (auto* t = std::get_if<southbound::TelemetryEvent>(&e)) {
        ++samples;
        port_readings += t->ports.size();
      }
    });
  }
  const auto t0 = std::chrono::steady_clock::now();
  engine.run_until(TimePoint() + Duration::s(3600));
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("switches {}  simulated 3600 s  samples {}  port readings {}  events {}\n",
             world.switches().size(), samples, port_readings, engine.events_run());
  fmt::print("wall time {:.3f} s ({:.1f} ns per port reading)\n", wall, wall * 1e9 / static_cast<double>(port_readings));
}
