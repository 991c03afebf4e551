#pragma once
// A simulated fabric in virtual time and a controller over a real SQLite
// file, for the core's tests. A second World over the same file is the
// controller after a restart.
#include <doctest/doctest.h>

#include <filesystem>

#include "controller/core/controller.h"
#include "simulator/sim_driver.h"
#include "simulator/sim_executor.h"
#include "simulator/simulated_fabric.h"
#include "solver/solver_test_util.h"

namespace lightpath::testing {

using namespace lightpath::core;

// 2023-11-14 in Unix time: leases are wall time.
inline constexpr std::int64_t kEpoch = 1'700'000'000'000'000'000;

struct TempDb {
  std::string path;
  TempDb() {
    static int n = 0;  // NOLINT: unique names within one test process
    path = (std::filesystem::temp_directory_path() /
            ("lightpath-core-" + std::to_string(::getpid()) + "-" + std::to_string(++n) + ".db"))
               .string();
    std::filesystem::remove(path);
  }
  ~TempDb() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
};

// One simulated fabric and one controller over a store file; a second
// World over the same file is the controller after a restart.
struct World {
  Fabric fabric;
  sim::EventEngine engine{sim::Rng(7), TimePoint::from_ns(kEpoch)};
  sim::SimExecutor ex{engine};
  sim::SimulatedFabric model;
  std::vector<std::unique_ptr<sim::SimDriver>> drivers;
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<Controller> ctl;

  static sim::MemsOptions quiet() {
    sim::MemsOptions o;
    o.telemetry_interval = Duration();
    return o;
  }

  World(const std::string& topology, const std::string& db,
        TimePoint start = TimePoint::from_ns(kEpoch), ControllerOptions options = {},
        sim::MemsOptions mems = quiet())
      : fabric(testing::shipped(topology)),
        engine(sim::Rng(7), start),
        ex(engine),
        model(engine, fabric, mems) {
    std::map<SwitchId, southbound::Driver*> map;
    for (const auto& sw : model.switches()) {
      drivers.push_back(std::make_unique<sim::SimDriver>(*sw, ex));
      map[*fabric.find_optical_switch(sw->name())] = drivers.back().get();
    }
    auto s = store::SqliteStore::open(db, {false});
    REQUIRE(s);
    store = std::move(*s);
    ctl = std::make_unique<Controller>(fabric, ex, map, *store, options);
    REQUIRE(ctl->start());
    settle();
  }

  void settle(Duration d = Duration::ms(200)) { engine.run_for(d); }

  RequestAnswer request(const solver::CircuitRequest& r) {
    std::optional<ApiResult<RequestAnswer>> got;
    ctl->request_circuits(r, [&](ApiResult<RequestAnswer> a) { got = std::move(a); });
    engine.run_for(Duration::ns(1));
    REQUIRE(got.has_value());
    REQUIRE_MESSAGE(got->has_value(), got->error().message);
    return std::move(**got);
  }

  ApiError request_error(const solver::CircuitRequest& r) {
    std::optional<ApiResult<RequestAnswer>> got;
    ctl->request_circuits(r, [&](ApiResult<RequestAnswer> a) { got = std::move(a); });
    engine.run_for(Duration::ns(1));
    REQUIRE(got.has_value());
    REQUIRE_FALSE(got->has_value());
    return got->error();
  }

  CircuitState state_of(CircuitId id) {
    auto c = ctl->get(id);
    return c ? c->state : CircuitState::kReleased;
  }
};

}  // namespace lightpath::testing
