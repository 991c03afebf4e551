#include "simulator/policy/sim_world.h"

#include <filesystem>

namespace lightpath::policy {
namespace {

sim::MemsOptions mems_options(const WorldOptions& o) {
  sim::MemsOptions m;
  // Alarms (loss of light) come as events; periodic readings would only cost time.
  m.telemetry_interval = Duration();
  if (o.switching) {
    m.switching = sim::SwitchingDistribution{sim::SwitchingDistribution::Shape::kFixed,
                                             *o.switching, *o.switching, *o.switching, Duration()};
  }
  return m;
}

void remove_database(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ignored);
}

}  // namespace

SimWorld::SimWorld(const Fabric& fabric, WorldOptions options)
    : fabric_(fabric),
      options_(std::move(options)),
      engine_(sim::Rng(options_.seed)),
      executor_(engine_),
      switches_(engine_, fabric, mems_options(options_)),
      network_(fabric, options_.network),
      model_(engine_, network_) {}

SimWorld::~SimWorld() {
  faults_.reset();
  bridge_.reset();
  controller_.reset();
  store_.reset();
  remove_database(options_.store_path);
}

Result<std::unique_ptr<SimWorld>> SimWorld::create(const Fabric& fabric, WorldOptions options) {
  remove_database(options.store_path);
  std::unique_ptr<SimWorld> w(new SimWorld(fabric, std::move(options)));
  std::map<SwitchId, southbound::Driver*> drivers;
  for (const auto& sw : w->switches_.switches()) {
    w->drivers_.push_back(std::make_unique<sim::SimDriver>(*sw, w->executor_));
    drivers[*fabric.find_optical_switch(sw->name())] = w->drivers_.back().get();
  }
  auto store = store::SqliteStore::open(w->options_.store_path, {.durable = false});
  if (!store) return unexpected(store.error());
  w->store_ = std::move(*store);
  core::ControllerOptions copts;
  copts.commit_on_thread = false;
  // Watchers hear of a change once it is committed; lightpathd lets lazy
  // writes wait to share a commit, which in virtual time would only delay
  // every circuit for nothing.
  copts.lazy_commit_delay = Duration();
  w->controller_ =
      std::make_unique<core::Controller>(fabric, w->executor_, drivers, *w->store_, copts);
  w->bridge_ = std::make_unique<CircuitBridge>(w->engine_, *w->controller_, w->network_, w->model_);
  if (auto ok = w->controller_->start(); !ok) {
    return unexpected(Error{"CONTROLLER_START", ok.error().message});
  }
  if (!w->options_.faults_path.empty()) {
    auto script = sim::load_fault_script(w->options_.faults_path, w->switches_, w->engine_.now());
    if (!script) {
      std::string all;
      for (const auto& d : script.error()) {
        if (!all.empty()) all += '\n';
        all += d.to_string();
      }
      return unexpected(Error{"BAD_FAULT_SCRIPT", all});
    }
    w->faults_ = std::make_unique<sim::FaultInjector>(w->switches_);
    w->faults_->schedule(*script);
  }
  return w;
}

}  // namespace lightpath::policy
