#include "controller/cli/active_wait.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "controller/cli/circuit_format.h"

namespace lightpath::cli {
namespace {

using Clock = DaemonClient::Clock;
using Circuits = std::map<std::uint64_t, v1::Circuit>;

bool gave_up(v1::CircuitState s) {
  return s == v1::RELEASING || s == v1::RELEASED || s == v1::FAILED || s == v1::PREEMPTED;
}

// Lists the circuits of each job involved; a circuit missing from the list
// (which leaves out RELEASED ones) was released.
grpc::Status refresh(DaemonClient& client, Circuits& circuits) {
  std::set<std::string> jobs;
  for (const auto& [id, c] : circuits) jobs.insert(c.job_id());
  for (const auto& job : jobs) {
    v1::ListCircuitsRequest req;
    req.set_job_id(job);
    v1::ListCircuitsResponse resp;
    auto s = client.call(&v1::CircuitService::Stub::ListCircuits, client.circuits(), req, &resp);
    if (!s.ok()) return s;
    std::set<std::uint64_t> listed;
    for (const auto& c : resp.circuits()) {
      listed.insert(c.id());
      if (auto it = circuits.find(c.id()); it != circuits.end()) it->second = c;
    }
    for (auto& [id, c] : circuits)
      if (c.job_id() == job && !listed.contains(id)) c.set_state(v1::RELEASED);
  }
  return grpc::Status::OK;
}

// Done waiting: all ACTIVE, or one gave up. Fills `out` when it is.
bool settled(const Circuits& circuits, WaitOutcome& out) {
  for (const auto& [id, c] : circuits) {
    if (gave_up(c.state())) {
      out.why = fmt::format("circuit {} is {}{}", id, state_name(c.state()),
                            c.state_reason().empty() ? "" : " (" + c.state_reason() + ")");
      return true;
    }
  }
  out.all_active = std::all_of(circuits.begin(), circuits.end(),
                               [](const auto& kv) { return kv.second.state() == v1::ACTIVE; });
  return out.all_active;
}

}  // namespace

WaitOutcome wait_active(DaemonClient& client, Circuits& circuits,
                        std::chrono::duration<double> limit) {
  const Clock::time_point until = Clock::now() + std::chrono::duration_cast<Clock::duration>(limit);
  WaitOutcome out;
  std::uint64_t after = 0;  // last event seen; 0: only events from now on
  while (!settled(circuits, out)) {
    const Clock::time_point now = Clock::now();
    if (now >= until) {
      std::size_t active = 0;
      for (const auto& [id, c] : circuits) active += c.state() == v1::ACTIVE ? 1 : 0;
      out.why = fmt::format("{} of {} circuit(s) ACTIVE after {}s", active, circuits.size(),
                            limit.count());
      return out;
    }
    grpc::ClientContext ctx;
    ctx.set_deadline(std::min(until, now + std::chrono::seconds(1)));
    client.authorize(ctx);
    v1::WatchCircuitsRequest req;
    req.set_after_sequence(after);
    auto reader = client.circuits().WatchCircuits(&ctx, req);
    // Listed after the watch opened: a change is in the list or in the stream
    // (or, if the watch registers late, in the next round's list).
    if (auto s = refresh(client, circuits); !s.ok()) {
      ctx.TryCancel();
      reader->Finish();
      out.status = s;
      return out;
    }
    bool done = settled(circuits, out);
    v1::CircuitEvent e;
    while (!done && reader->Read(&e)) {
      after = e.sequence();
      if (auto it = circuits.find(e.circuit().id()); it != circuits.end()) it->second = e.circuit();
      done = settled(circuits, out);
    }
    if (done) {
      ctx.TryCancel();
      reader->Finish();
      return out;
    }
    const grpc::Status s = reader->Finish();
    if (!s.ok() && s.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
      out.status = s;
      return out;
    }
  }
  return out;
}

}  // namespace lightpath::cli
