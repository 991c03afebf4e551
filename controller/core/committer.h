#pragma once
// Where the controller's group commits run. Inline, on the controller's own
// thread: deterministic, for tests and the simulator's virtual time. On a
// thread of its own (lightpathd): the controller goes on deciding requests
// while the disk syncs, and the requests that arrive meanwhile share the
// next commit. Either way commits run one at a time, in the order given, and
// `done` runs on the controller's executor.

#include <functional>
#include <memory>

#include "controller/store/sqlite_store.h"
#include "lightpath/executor.h"

namespace lightpath::core {

class Committer {
 public:
  // With the batch's events, handed back so that publishing them needs no
  // copy of its own; the rest of the batch is freed on the committing thread.
  using Done = std::function<void(Result<bool>, std::vector<CircuitEvent> events)>;
  virtual ~Committer() = default;
  virtual void commit(store::WriteBatch batch, Done done) = 0;
};

std::unique_ptr<Committer> make_inline_committer(store::SqliteStore& store);
// Commits still queued when it is destroyed are written first; their `done`
// is posted to `executor` like any other.
std::unique_ptr<Committer> make_threaded_committer(store::SqliteStore& store, Executor& executor);

}  // namespace lightpath::core
