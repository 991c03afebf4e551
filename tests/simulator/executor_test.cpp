// Both implementations of the executor seam behave alike: posted tasks run
// later and in order, timers run in due order, cancellation stops them.
#include <doctest/doctest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <string>
#include <thread>

#include "controller/runtime/asio_executor.h"
#include "simulator/sim_executor.h"

using namespace lightpath;

namespace {

// The same checks for any executor; `drain` runs it until idle.
template <class Drain>
void exercise(Executor& ex, Drain drain) {
  std::string order;
  ex.post([&] { order += 'p'; });
  const TimerId late = ex.schedule_after(Duration::ms(3), [&] { order += '3'; });
  ex.schedule_after(Duration::ms(1), [&] { order += '1'; });
  const TimerId dropped = ex.schedule_after(Duration::ms(2), [&] { order += 'X'; });
  ex.post([&] { order += 'q'; });
  CHECK(order.empty());
  CHECK(ex.cancel(dropped));
  CHECK_FALSE(ex.cancel(dropped));
  const TimePoint before = ex.now();
  drain();
  CHECK(order == "pq13");
  CHECK_FALSE(ex.cancel(late));
  CHECK(ex.now() >= before);  // monotonic; how long it took is not the test's business
}

}  // namespace

TEST_CASE("the simulated executor runs in virtual time") {
  sim::EventEngine engine(sim::Rng(1));
  sim::SimExecutor ex(engine);
  exercise(ex, [&] { engine.run(); });
  CHECK(engine.now() == TimePoint() + Duration::ms(3));
  bool at = false;
  ex.schedule_at(TimePoint() + Duration::ms(10),
                 [&] { at = ex.now() == TimePoint() + Duration::ms(10); });
  engine.run();
  CHECK(at);
}

TEST_CASE("the Asio executor runs on the steady clock") {
  boost::asio::io_context io;
  runtime::AsioExecutor ex(io);
  exercise(ex, [&] { io.run(); });
  CHECK(ex.pending_timers() == 0);
}

TEST_CASE("the Asio executor drops its timers when destroyed") {
  boost::asio::io_context io;
  bool ran = false;
  {
    runtime::AsioExecutor ex(io);
    ex.schedule_after(Duration::ms(1), [&] { ran = true; });
  }
  io.run();
  CHECK_FALSE(ran);
}

TEST_CASE("the Asio executor accepts posts from other threads") {
  boost::asio::io_context io;
  runtime::AsioExecutor ex(io);
  int count = 0;
  auto guard = boost::asio::make_work_guard(io);
  std::thread t([&] {
    for (int i = 0; i < 100; ++i) ex.post([&] { ++count; });
    ex.post([&] { guard.reset(); });
  });
  io.run();
  t.join();
  CHECK(count == 100);
}
