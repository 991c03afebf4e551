// The five policies of policy.h.

#include <deque>
#include <set>

#include "simulator/policy/policy.h"

namespace lightpath::policy {
namespace {

// Circuits held per endpoint pair.
using Held = std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<CircuitId>>;

// Brings `held` to `want`: releases the surplus on each pair at once, and
// returns the links still to ask for.
LinkCounts reshape(Held& held, const LinkCounts& want, std::vector<CircuitId>& surplus) {
  LinkCounts missing;
  for (auto it = held.begin(); it != held.end();) {
    auto w = want.find(it->first);
    const std::size_t keep = w == want.end() ? 0 : static_cast<std::size_t>(w->second);
    while (it->second.size() > keep) {
      surplus.push_back(it->second.back());
      it->second.pop_back();
    }
    it = it->second.empty() ? held.erase(it) : std::next(it);
  }
  for (const auto& [pair, count] : want) {
    auto h = held.find(pair);
    const int have = h == held.end() ? 0 : static_cast<int>(h->second.size());
    if (count > have) missing[pair] = count - have;
  }
  return missing;
}

void keep(Held& held, const Fabric& fabric, core::Controller& ctl,
          const std::vector<CircuitId>& ids) {
  for (const CircuitId id : ids) {
    auto c = ctl.get(id);
    if (!c) continue;
    const std::uint32_t a = fabric.port(c->circuit.a).endpoint.value();
    const std::uint32_t b = fabric.port(c->circuit.b).endpoint.value();
    held[{std::min(a, b), std::max(a, b)}].push_back(id);
  }
}

std::vector<CircuitId> all_of(const Held& held) {
  std::vector<CircuitId> out;
  for (const auto& [pair, ids] : held) out.insert(out.end(), ids.begin(), ids.end());
  return out;
}

class PacketOnly final : public Policy {
 public:
  using Policy::Policy;
};

class Static : public Policy {
 public:
  using Policy::Policy;
  void setup(std::function<void()> ready) override {
    ask(-1, size_links(uniform_traffic(), true), [this, ready](std::vector<CircuitId> ids) {
      keep(fabric_links_, world_.fabric(), world_.controller(), ids);
      ready();
    });
  }

 protected:
  Held fabric_links_;
};

class OnDemand final : public Policy {
 public:
  using Policy::Policy;
  void job_arrived(std::size_t job, std::function<void()> go) override {
    ask(static_cast<int>(job), size_links(runner_.job_traffic(job), false),
        [this, job, go](std::vector<CircuitId> ids) {
          held_[job] = std::move(ids);
          go();
        });
  }
  void job_finished(std::size_t job) override {
    release(held_[job]);
    held_.erase(job);
  }

 private:
  std::map<std::size_t, std::vector<CircuitId>> held_;
};

class PerPhase final : public Policy {
 public:
  using Policy::Policy;
  void phase_starting(std::size_t job, std::int64_t /*iteration*/, std::size_t op,
                      std::function<void()> go) override {
    JobState& s = jobs_[job];
    s.queue.push_back({op, std::move(go)});
    if (!s.busy) next(job);
  }
  void phase_done(std::size_t job, std::int64_t /*iteration*/, std::size_t op) override {
    JobState& s = jobs_[job];
    if (auto it = s.running.find(op); it != s.running.end()) s.running.erase(it);
  }
  void job_finished(std::size_t job) override {
    release(all_of(jobs_[job].held));
    jobs_.erase(job);
  }

 private:
  struct Start {
    std::size_t op;
    std::function<void()> go;
  };
  struct JobState {
    Held held;
    std::multiset<std::size_t> running;  // ops whose phase is under way
    std::deque<Start> queue;             // phases waiting their turn to reshape
    bool busy = false;
  };

  // One phase at a time reshapes the job's circuits, so two phases starting
  // together never ask twice for the same links.
  void next(std::size_t job) {
    JobState& s = jobs_[job];
    if (s.queue.empty()) {
      s.busy = false;
      return;
    }
    s.busy = true;
    Start start = std::move(s.queue.front());
    s.queue.pop_front();
    netmodel::PairTraffic want = runner_.op_traffic(job, start.op);
    for (const std::size_t o : s.running) {
      for (const auto& [pair, bytes] : runner_.op_traffic(job, o)) want[pair] += bytes;
    }
    s.running.insert(start.op);
    std::vector<CircuitId> surplus;
    const LinkCounts missing = reshape(s.held, size_links(want, false), surplus);
    release(surplus);
    if (missing.empty()) {
      start.go();
      next(job);
      return;
    }
    ask(static_cast<int>(job), missing,
        [this, job, go = std::move(start.go)](std::vector<CircuitId> ids) {
          keep(jobs_[job].held, world_.fabric(), world_.controller(), ids);
          go();
          next(job);
        });
  }

  std::map<std::size_t, JobState> jobs_;
};

class TrafficEngineered final : public Static {
 public:
  using Static::Static;
  void setup(std::function<void()> ready) override {
    Static::setup([this, ready] {
      arm();
      ready();
    });
  }
  void phase_done(std::size_t job, std::int64_t /*iteration*/, std::size_t op) override {
    for (const auto& [pair, bytes] : runner_.op_traffic(job, op)) observed_[pair] += bytes;
  }

 private:
  void arm() {
    world_.engine().schedule_after(options_.te_interval, [this] { replan(); });
  }
  void replan() {
    if (runner_.jobs_finished() == runner_.jobs()) return;
    if (!observed_.empty() && !busy_) {
      std::vector<CircuitId> surplus;
      const LinkCounts missing = reshape(fabric_links_, size_links(observed_, true), surplus);
      release(surplus);
      busy_ = true;
      ask(-1, missing, [this](std::vector<CircuitId> ids) {
        keep(fabric_links_, world_.fabric(), world_.controller(), ids);
        busy_ = false;
      });
    }
    observed_.clear();
    arm();
  }

  netmodel::PairTraffic observed_;  // bytes per pair since the last re-plan
  bool busy_ = false;
};

}  // namespace

const std::vector<std::string>& policy_names() {
  static const std::vector<std::string> names{"packet-only", "static", "on-demand", "per-phase",
                                              "traffic-engineered"};
  return names;
}

std::unique_ptr<Policy> make_policy(std::string_view name, SimWorld& world,
                                    const netmodel::TraceRunner& runner, PolicyOptions options) {
  if (name == "packet-only") return std::make_unique<PacketOnly>(world, runner, options);
  if (name == "static") return std::make_unique<Static>(world, runner, options);
  if (name == "on-demand") return std::make_unique<OnDemand>(world, runner, options);
  if (name == "per-phase") return std::make_unique<PerPhase>(world, runner, options);
  if (name == "traffic-engineered")
    return std::make_unique<TrafficEngineered>(world, runner, options);
  return nullptr;
}

}  // namespace lightpath::policy
