#include "simulator/fabric_server/fabric_host.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cmath>
#include <future>
#include <random>

#include "controller/runtime/asio_executor.h"
#include "simulator/realtime_pacer.h"

namespace lightpath::fabric_server {

struct FabricHost::Model {
  Model() : work(boost::asio::make_work_guard(io)) {}
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  // Built and destroyed on the model's thread.
  std::unique_ptr<runtime::AsioExecutor> home;
  std::unique_ptr<sim::EventEngine> engine;
  std::unique_ptr<sim::SimulatedFabric> fabric;
  std::unique_ptr<sim::RealtimePacer> pacer;
  std::unique_ptr<sim::FaultInjector> faults;
  std::map<std::string, std::unique_ptr<SwitchHub>, std::less<>> hubs;
};

Result<std::unique_ptr<FabricHost>> FabricHost::start(const Fabric& fabric,
                                                      const FabricHostOptions& o) {
  std::unique_ptr<FabricHost> host(new FabricHost());
  host->model_ = std::make_unique<Model>();
  host->instance_ = std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32);
  Model& m = *host->model_;
  std::promise<Result<bool>> built;
  host->thread_ = std::thread([&m, &fabric, &o, &built, h = host.get(),
                               instance = host->instance_] {
    m.home = std::make_unique<runtime::AsioExecutor>(m.io);
    // Virtual time starts at zero, so fault scripts count from the start
    // of the fabric; protocol times are wall clock, scaled from there.
    m.engine = std::make_unique<sim::EventEngine>(sim::Rng(o.seed), TimePoint());
    sim::MemsOptions mems;
    mems.telemetry_interval = o.telemetry_interval;
    m.fabric = std::make_unique<sim::SimulatedFabric>(*m.engine, fabric, mems);
    m.faults = std::make_unique<sim::FaultInjector>(*m.fabric);
    if (!o.fault_script.empty()) {
      auto script = sim::load_fault_script(o.fault_script, *m.fabric, m.engine->now());
      if (!script) {
        std::string all;
        for (const auto& d : script.error()) all += "\n  " + d.to_string();
        built.set_value(unexpected(Error{"FAULT_SCRIPT", "cannot load the fault script:" + all}));
        return;
      }
      m.faults->schedule(*script);
    }
    const std::int64_t unix_start = m.home->now().since_epoch_ns();
    const double scale = o.time_scale;
    auto clock = [unix_start, scale](TimePoint t) {
      return unix_start + std::llround(static_cast<double>(t.since_epoch_ns()) / scale);
    };
    h->clock_ = clock;
    for (const auto& sw : m.fabric->switches())
      m.hubs.emplace(sw->name(), std::make_unique<SwitchHub>(*sw, *m.engine, instance, clock));
    m.pacer = std::make_unique<sim::RealtimePacer>(*m.engine, *m.home, o.time_scale);
    m.pacer->start();
    built.set_value(true);
    m.io.run();
  });
  auto ok = built.get_future().get();
  if (!ok) {
    host->thread_.join();  // the thread returned without running the loop
    return unexpected(ok.error());
  }
  return host;
}

FabricHost::~FabricHost() {
  if (!thread_.joinable()) return;
  Model& m = *model_;
  // Torn down on its own thread, in reverse order of building.
  boost::asio::post(m.io, [&m] {
    m.hubs.clear();
    m.pacer.reset();
    m.faults.reset();
    m.fabric.reset();
    m.engine.reset();
    m.home.reset();
    m.work.reset();
    m.io.stop();
  });
  thread_.join();
}

void FabricHost::post(Task fn) {
  boost::asio::post(model_->io, std::move(fn));
}

Executor& FabricHost::executor() {
  return *model_->home;
}

sim::SimulatedFabric& FabricHost::model() {
  return *model_->fabric;
}

SwitchHub* FabricHost::hub(std::string_view name) const {
  auto it = model_->hubs.find(name);
  return it == model_->hubs.end() ? nullptr : it->second.get();
}

const std::map<std::string, std::unique_ptr<SwitchHub>, std::less<>>& FabricHost::hubs() const {
  return model_->hubs;
}

std::string FabricHost::switch_names() const {
  std::string out;
  int shown = 0;
  for (const auto& [name, hub] : model_->hubs) {
    if (shown++ == 8) return out + ", ...";
    out += (out.empty() ? "" : ", ") + name;
  }
  return out.empty() ? "none" : out;
}

}  // namespace lightpath::fabric_server
