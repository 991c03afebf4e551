#include "controller/core/committer.h"

#include <pthread.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace lightpath::core {
namespace {

class InlineCommitter final : public Committer {
 public:
  explicit InlineCommitter(store::SqliteStore& store) : store_(store) {}
  void commit(store::WriteBatch batch, Done done) override {
    auto result = store_.commit(batch);
    done(std::move(result), std::move(batch.events));
  }

 private:
  store::SqliteStore& store_;
};

class ThreadedCommitter final : public Committer {
 public:
  ThreadedCommitter(store::SqliteStore& store, Executor& executor)
      : store_(store), ex_(executor), thread_([this] { run(); }) {}

  ~ThreadedCommitter() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  void commit(store::WriteBatch batch, Done done) override {
    {
      std::lock_guard lock(mu_);
      queue_.push_back({std::move(batch), std::move(done)});
    }
    wake_.notify_one();
  }

 private:
  struct Item {
    store::WriteBatch batch;
    Done done;
  };

  void run() {
    // Named so that per-thread CPU figures (top -H, bench/daemon_bench) show the store's share.
    pthread_setname_np(pthread_self(), "lp-commit");
    std::unique_lock lock(mu_);
    while (true) {
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything written
      Item item = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      auto result = store_.commit(item.batch);
      ex_.post([done = std::move(item.done), result = std::move(result),
                events = std::move(item.batch.events)]() mutable {
        done(std::move(result), std::move(events));
      });
      // The rest of the batch is freed here, off the controller's thread.
      item = Item{};
      lock.lock();
    }
  }

  store::SqliteStore& store_;
  Executor& ex_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is built
};

}  // namespace

std::unique_ptr<Committer> make_inline_committer(store::SqliteStore& store) {
  return std::make_unique<InlineCommitter>(store);
}

std::unique_ptr<Committer> make_threaded_committer(store::SqliteStore& store, Executor& executor) {
  return std::make_unique<ThreadedCommitter>(store, executor);
}

}  // namespace lightpath::core
