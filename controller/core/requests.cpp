// Circuit requests: the checks every request passes, the real request
// (decided, stored, then programmed) and its dry run (decided against the
// live state, then forgotten).
#include "controller/core/controller_impl.h"

namespace lightpath::core {

namespace {

// The circuit_preferred flows a decision sends to the packet fabric, as stored.
std::string packet_flows_json(const solver::Decision& d) {
  nlohmann::json packet = nlohmann::json::array();
  for (const auto& f : d.flows) {
    if (!f.packet) continue;
    packet.push_back({{"a", f.flow.a.endpoint + "/" + f.flow.a.port_group},
                      {"b", f.flow.b.endpoint + "/" + f.flow.b.port_group},
                      {"path", f.packet->nodes},
                      {"bottleneck_gbps", f.packet->bottleneck.gbps()}});
  }
  return packet.dump();
}

RequestRecord decided(const solver::CircuitRequest& req, const solver::Decision& d, TimePoint now) {
  RequestRecord rec;
  rec.request = req;
  rec.created = now;
  rec.accepted = d.accepted;
  if (d.rejection) {
    rec.reason = d.rejection->reason;
    rec.message = d.rejection->message;
  }
  if (d.accepted) rec.packet_flows_json = packet_flows_json(d);
  return rec;
}

std::optional<TimePoint> lease_end_of(const solver::CircuitRequest& req, TimePoint now) {
  if (req.duration_seconds <= 0) return std::nullopt;
  return now + Duration::s(req.duration_seconds);
}

}  // namespace

CircuitRecord Controller::Impl::new_record(const solver::Circuit& c,
                                           const solver::CircuitRequest& req,
                                           std::optional<TimePoint> lease_end,
                                           TimePoint now) const {
  CircuitRecord cr;
  cr.circuit = c;
  cr.job_id = req.job_id;
  cr.tenant = req.tenant;
  cr.lease_end = lease_end;
  cr.created = now;
  cr.updated = now;
  cr.state = CircuitState::kPending;
  return cr;
}

std::optional<ApiError> Controller::Impl::check_request(const solver::CircuitRequest& req) {
  if (req.duration_seconds < 0)
    return api_error(ErrorCode::kInvalidArgument, "duration_seconds: a lease cannot be negative");
  if (req.duration_seconds > solver::kMaxLeaseSeconds)
    return api_error(
        ErrorCode::kInvalidArgument,
        fmt::format("duration_seconds: a lease cannot be longer than {} seconds (100 years)",
                    solver::kMaxLeaseSeconds));
  // Counted before validation expands the flows: an all_to_all over a long
  // list of endpoints would otherwise take memory before being refused.
  if (const std::size_t most = solver::max_flows(req); most > opt.max_circuits_per_request)
    return api_error(ErrorCode::kResourceExhausted,
                     fmt::format("the request asks for up to {} circuits; the limit is {} per "
                                 "request",
                                 most, opt.max_circuits_per_request));
  if (auto bad = solver.validate(req))
    return api_error(ErrorCode::kInvalidArgument, bad->reason + ": " + bad->message);
  const std::size_t asked = solver::expand_flows(req).size();
  if (asked > opt.max_circuits_per_request)
    return api_error(ErrorCode::kResourceExhausted,
                     fmt::format("the request asks for {} circuits; the limit is {} per request",
                                 asked, opt.max_circuits_per_request));
  if (opt.max_circuits_per_tenant > 0) {
    std::size_t holding = 0;
    for (const auto& [id, c] : circuits)
      if (c.tenant == req.tenant && holds_resources(c.state)) ++holding;
    if (holding + asked > opt.max_circuits_per_tenant)
      return api_error(
          ErrorCode::kResourceExhausted,
          fmt::format("tenant '{}' holds {} circuits and asks for {} more; the limit is {} "
                      "(max_circuits_per_tenant)",
                      req.tenant, holding, asked, opt.max_circuits_per_tenant));
  }
  return std::nullopt;
}

void Controller::Impl::request_circuits(solver::CircuitRequest req, Reply<RequestAnswer> done) {
  if (auto it = requests.find(req.request_id); it != requests.end()) {
    ++counters.requests["replayed"];
    when_committed([this, rec = it->second, done](bool ok) {
      if (!ok) return done(unexpected(api_error(ErrorCode::kUnavailable, "store unavailable")));
      done(answer_for(rec, true));
    });
    return;
  }
  if (auto old = dropped_request(req.request_id)) {
    ++counters.requests["replayed"];
    return done(answer_for(*old, true));
  }
  if (auto refused = check_request(req)) {
    ++counters.requests["invalid"];
    return done(unexpected(std::move(*refused)));
  }
  const auto decision = solver.solve_validated_and_apply(alloc, req);
  // A decision that preempts nothing is in `alloc` already.
  const bool applied = decision.accepted && decision.preempt.empty();
  const TimePoint now = ex.now();
  RequestRecord rec = decided(req, decision, now);
  if (decision.accepted) {
    for (auto victim : decision.preempt) {
      auto& c = circuits.at(victim);
      let_go(c, CircuitState::kPreempted,
             fmt::format("preempted by request {} (priority {})", req.request_id, req.priority));
      rec.preempted.push_back(victim);
    }
    const auto lease_end = lease_end_of(req, now);
    for (const auto& c : decision.circuits) {
      if (!applied) {
        auto added = alloc.add(c);
        if (!added) {  // the solver and state disagree: a bug, never a client error
          spdlog::error("solver produced a conflicting circuit: {}", added.error().message);
          return done(unexpected(api_error(ErrorCode::kInternal, added.error().message)));
        }
      }
      rec.circuits.push_back(c.id);
      auto& stored = circuits[c.id] = new_record(c, req, lease_end, now);
      stage_circuit(stored);
      pending.events.push_back(CircuitEvent{++last_sequence, now, CircuitState::kPending, stored});
    }
    if (lease_end) arm_lease(req.request_id, *lease_end);
  }
  ++counters.requests[decision.accepted ? "accepted" : "rejected"];
  requests[req.request_id] = rec;
  pending.requests.push_back(rec);
  const std::string id = req.request_id;
  when_committed([this, id, done](bool ok) {
    if (!ok) return done(unexpected(api_error(ErrorCode::kUnavailable, "store unavailable")));
    const RequestRecord& r = requests.at(id);
    done(answer_for(r, false));
    for (auto cid : r.circuits) start_programming(cid);
    if (r.circuits.empty()) request_finished(id);  // refused: nothing to wait for
  });
}

void Controller::Impl::dry_run(solver::CircuitRequest req, Reply<RequestAnswer> done) {
  ++counters.requests["dry_run"];
  // A request id already answered would get that answer again.
  if (auto it = requests.find(req.request_id); it != requests.end())
    return done(answer_for(it->second, true));
  if (auto old = dropped_request(req.request_id)) return done(answer_for(*old, true));
  if (auto refused = check_request(req)) return done(unexpected(std::move(*refused)));
  // Solved on the live state and taken off again; the ids go back too, so
  // the request made for real next gets the ids shown here.
  const CircuitId first = alloc.next_id();
  const auto decision = solver.solve_validated_in_place(alloc, req);
  alloc.reuse_ids_from(first);
  const TimePoint now = ex.now();
  RequestAnswer a;
  a.record = decided(req, decision, now);
  if (decision.accepted) {
    a.record.preempted = decision.preempt;
    const auto lease_end = lease_end_of(req, now);
    for (const auto& c : decision.circuits) {
      a.record.circuits.push_back(c.id);
      a.circuits.push_back(new_record(c, req, lease_end, now));
    }
  }
  a.expected_ready = ready_by(now, a.circuits);
  done(std::move(a));
}

}  // namespace lightpath::core
