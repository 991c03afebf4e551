// The simulated drivers lightpathd uses with `--fabric sim`: the MEMS model
// of every switch on one event engine, paced to a real clock on a thread of
// its own, reached through drivers that hop between threads as a network
// would. The controller's thread spends no time modeling mirrors.
#include <pthread.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <memory>
#include <thread>

#include "controller/runtime/asio_executor.h"
#include "lightpath/driver_set.h"
#include "simulator/coalescing_executor.h"
#include "simulator/realtime_pacer.h"
#include "simulator/sim_driver.h"
#include "simulator/simulated_fabric.h"
#include "simulator/threaded_driver.h"

namespace lightpath::southbound {
namespace {

class SimulatedDriverSet final : public DriverSet {
 public:
  SimulatedDriverSet(const Fabric& fabric, Executor& caller, const SimulatedDriverOptions& o)
      : work_(boost::asio::make_work_guard(io_)) {
    // Everything of the model is built and run on its own thread.
    std::promise<void> built;
    thread_ = std::thread([&] {
      // Named so that per-thread CPU figures tell the model's share from the controller's.
      pthread_setname_np(pthread_self(), "lp-fabric");
      home_ = std::make_unique<runtime::AsioExecutor>(io_);
      engine_ = std::make_unique<sim::EventEngine>(sim::Rng(o.seed), home_->now());
      model_ = std::make_unique<sim::SimulatedFabric>(*engine_, fabric, options(o));
      // Work from the controller brings the model up to time before it runs
      // and wakes the pacer for what it scheduled (to_home_ below), so the
      // pacer need not look every millisecond.
      pacer_ = std::make_unique<sim::RealtimePacer>(*engine_, *home_, o.time_scale, kIdleTick);
      for (const auto& sw : model_->switches()) {
        const auto id = *fabric.find_optical_switch(sw->name());
        inner_.emplace(id, std::make_unique<sim::SimDriver>(*sw, *home_));
      }
      pacer_->start();
      built.set_value();
      io_.run();
    });
    built.get_future().wait();
    // Each direction's messages travel in bundles, one thread wake-up each.
    sim::CoalescingExecutor::Options calls;
    calls.before = [this] {
      if (pacer_) pacer_->catch_up();
    };
    calls.after = [this] {
      if (pacer_) pacer_->reschedule();
    };
    calls.source = &caller;
    to_home_ = std::make_unique<sim::CoalescingExecutor>(*home_, std::move(calls));
    sim::CoalescingExecutor::Options answers;
    answers.source = home_.get();
    to_caller_ = std::make_unique<sim::CoalescingExecutor>(caller, std::move(answers));
    for (auto& [id, d] : inner_)
      outer_.emplace(
          id, std::make_unique<sim::ThreadedDriver>(*d, *home_, *to_caller_, to_home_.get()));
  }

  ~SimulatedDriverSet() override {
    outer_.clear();
    // Tear the model down on its own thread, then stop it.
    boost::asio::post(io_, [this] {
      inner_.clear();
      pacer_.reset();
      model_.reset();
      engine_.reset();
      home_.reset();
      work_.reset();
      io_.stop();
    });
    thread_.join();
  }

  std::map<SwitchId, Driver*> drivers() override {
    std::map<SwitchId, Driver*> out;
    for (auto& [id, d] : outer_) out[id] = d.get();
    return out;
  }

 private:
  static constexpr Duration kIdleTick = Duration::ms(100);

  static sim::MemsOptions options(const SimulatedDriverOptions& o) {
    sim::MemsOptions m;
    m.telemetry_interval = o.telemetry_interval;
    return m;
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<runtime::AsioExecutor> home_;
  std::unique_ptr<sim::EventEngine> engine_;
  std::unique_ptr<sim::SimulatedFabric> model_;
  std::unique_ptr<sim::RealtimePacer> pacer_;
  std::map<SwitchId, std::unique_ptr<sim::SimDriver>> inner_;
  std::unique_ptr<sim::CoalescingExecutor> to_home_;
  std::unique_ptr<sim::CoalescingExecutor> to_caller_;
  std::map<SwitchId, std::unique_ptr<sim::ThreadedDriver>> outer_;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<DriverSet> make_simulated_drivers(const Fabric& fabric, Executor& executor,
                                                  const SimulatedDriverOptions& options) {
  return std::make_unique<SimulatedDriverSet>(fabric, executor, options);
}

}  // namespace lightpath::southbound
