#pragma once
// The real controller for fuzz targets that go through it: the shipped tiny
// fabric, its MEMS switches simulated in virtual time, and the controller
// core over a SQLite file in /tmp, as tests/core builds it. One world per
// process, rebuilt when a target asks (after it changed the world's state, or
// every so many inputs), so that inputs do not pile state up.

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controller/core/controller.h"
#include "controller/store/sqlite_store.h"
#include "fuzz/fuzz_support.h"
#include "simulator/sim_driver.h"
#include "simulator/sim_executor.h"
#include "simulator/simulated_fabric.h"

namespace lightpath::fuzzing {

class World {
 public:
  // 2023-11-14 in Unix time: leases are wall time.
  static constexpr std::int64_t kEpoch = 1'700'000'000'000'000'000;

  World()
      : fabric_(tiny_fabric()),
        engine_(sim::Rng(7), TimePoint::from_ns(kEpoch)),
        ex_(engine_),
        model_(engine_, fabric_, quiet()) {
    db_ = std::filesystem::temp_directory_path() /
          ("lightpath-fuzz-" + std::to_string(::getpid()) + ".db");
    remove_db();
    std::map<SwitchId, southbound::Driver*> map;
    for (const auto& sw : model_.switches()) {
      drivers_.push_back(std::make_unique<sim::SimDriver>(*sw, ex_));
      map[*fabric_.find_optical_switch(sw->name())] = drivers_.back().get();
    }
    auto store = store::SqliteStore::open(db_.string(), {/*durable=*/false});
    if (!store) fail("cannot open the store " + db_.string());
    store_ = std::move(*store);
    controller_ = std::make_unique<core::Controller>(fabric_, ex_, map, *store_);
    if (!controller_->start()) fail("the controller did not start");
    settle();
  }

  ~World() {
    controller_.reset();
    drivers_.clear();
    store_.reset();
    remove_db();
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  core::Controller& controller() { return *controller_; }
  const Fabric& fabric() const { return fabric_; }
  // Lets virtual time pass: group commits, switching, settling.
  void settle(Duration d = Duration::ms(200)) { engine_.run_for(d); }

  // Asks for one circuit between two racks and waits until it is ACTIVE.
  CircuitId add_circuit(const std::string& request_id, const std::string& a, const std::string& b) {
    solver::CircuitRequest r;
    r.request_id = request_id;
    r.job_id = "job-" + request_id;
    r.tenant = "tenant-a";
    r.bandwidth_per_flow = DataRate::gbps(100);
    r.sources = {{a, "gpu-nic"}};
    r.destinations = {{b, "gpu-nic"}};
    std::optional<core::ApiResult<core::RequestAnswer>> got;
    controller_->request_circuits(r, [&](core::ApiResult<core::RequestAnswer> x) { got = x; });
    settle();
    if (!got || !*got || (*got)->circuits.size() != 1) fail("setup request failed");
    return (*got)->circuits[0].circuit.id;
  }

  // The process's world, built on first use or after `reset`.
  static World& get() {
    auto& w = slot();
    if (!w) w = std::make_unique<World>();
    return *w;
  }
  static void reset() { slot().reset(); }

 private:
  static std::unique_ptr<World>& slot() {
    static std::unique_ptr<World> world;  // NOLINT: one per fuzzing process
    return world;
  }

  static sim::MemsOptions quiet() {
    sim::MemsOptions o;
    o.telemetry_interval = Duration();
    return o;
  }

  void remove_db() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(db_.string() + suffix, ignored);
  }

  Fabric fabric_;
  sim::EventEngine engine_;
  sim::SimExecutor ex_;
  sim::SimulatedFabric model_;
  std::vector<std::unique_ptr<sim::SimDriver>> drivers_;
  std::filesystem::path db_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<core::Controller> controller_;
};

// Keeps the controller's logging out of the fuzzer's output.
inline void quiet_logging() {
  spdlog::set_level(spdlog::level::off);
}

}  // namespace lightpath::fuzzing
