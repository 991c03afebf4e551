#include "scheduler/circuit_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

namespace lightpath::scheduler {
namespace {

using Clock = CircuitClient::Clock;

bool transient(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::ABORTED;
}

// gRPC deadlines are on the system clock; ours on the steady one.
std::chrono::system_clock::time_point to_system(Clock::time_point t) {
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(t - Clock::now());
}

bool gave_up(v1::CircuitState s) {
  return s == v1::RELEASING || s == v1::RELEASED || s == v1::FAILED || s == v1::PREEMPTED;
}

// Done waiting when all are ACTIVE or one gave up; fills `out` either way.
bool settled(const std::map<std::uint64_t, v1::Circuit>& circuits, WaitResult& out) {
  out.total = circuits.size();
  out.active = 0;
  for (const auto& [id, c] : circuits) {
    if (gave_up(c.state())) {
      out.why = fmt::format("circuit {} is {}{}", id, v1::CircuitState_Name(c.state()),
                            c.state_reason().empty() ? "" : " (" + c.state_reason() + ")");
      return true;
    }
    out.active += c.state() == v1::ACTIVE ? 1 : 0;
  }
  out.all_active = out.active == out.total;
  return out.all_active;
}

}  // namespace

CircuitClient::CircuitClient(ClientOptions options) : options_(std::move(options)) {
  grpc::ChannelArguments args;
  // Reconnect soon after the controller comes back: gRPC's own default
  // backoff (1 s growing to 120 s) would outlast our retry budget.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  args.SetMaxReceiveMessageSize(64 << 20);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!options_.tls_ca.empty()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options_.tls_ca;
    credentials = grpc::SslCredentials(ssl);
  }
  channel_ = grpc::CreateCustomChannel(options_.server, credentials, args);
  stub_ = v1::CircuitService::NewStub(channel_);
}

void CircuitClient::authorize(grpc::ClientContext& ctx) const {
  if (!options_.token.empty()) ctx.AddMetadata("authorization", "Bearer " + options_.token);
}

template <class Call>
grpc::Status CircuitClient::with_retry(Call call, Clock::time_point until) {
  Backoff backoff(options_.backoff, until);
  for (;;) {
    grpc::ClientContext ctx;
    ctx.set_deadline(to_system(std::min(until, Clock::now() + options_.call_timeout)));
    authorize(ctx);
    grpc::Status s = call(ctx);
    if (s.ok() || !transient(s.error_code())) return s;
    if (!backoff.wait()) return s;
  }
}

Error CircuitClient::to_error(const grpc::Status& status) const {
  const auto code = status.error_code();
  if (transient(code))
    return {"UNAVAILABLE", fmt::format("cannot reach lightpathd at {}: {}: {}", options_.server,
                                       grpc_code_name(code), status.error_message())};
  return {grpc_code_name(code), status.error_message()};
}

Result<v1::RequestCircuitsResponse> CircuitClient::request(const v1::CircuitRequest& request,
                                                           Clock::time_point until) {
  v1::RequestCircuitsResponse resp;
  auto s = with_retry(
      [&](grpc::ClientContext& ctx) { return stub_->RequestCircuits(&ctx, request, &resp); },
      until);
  if (!s.ok()) return unexpected(to_error(s));
  return resp;
}

Result<std::vector<v1::Circuit>> CircuitClient::list_job(const std::string& job_id,
                                                         Clock::time_point until) {
  v1::ListCircuitsRequest req;
  req.set_job_id(job_id);
  v1::ListCircuitsResponse resp;
  auto s = with_retry(
      [&](grpc::ClientContext& ctx) { return stub_->ListCircuits(&ctx, req, &resp); }, until);
  if (!s.ok()) return unexpected(to_error(s));
  return std::vector<v1::Circuit>(resp.circuits().begin(), resp.circuits().end());
}

// List-then-watch: the job's circuits are listed, then the watch stream
// (filtered to the job) updates them. The watch is reopened every second,
// resuming after the last event seen, and every round lists again, so a
// change that slips between a list and the start of a watch costs at most a
// second. A circuit missing from the list was RELEASED.
Result<WaitResult> CircuitClient::wait_active(const std::string& job_id,
                                              const std::vector<std::uint64_t>& ids,
                                              Clock::time_point until) {
  std::map<std::uint64_t, v1::Circuit> circuits;
  for (auto id : ids) circuits[id].set_id(id);  // state unknown until listed
  WaitResult out;
  std::uint64_t after = 0;  // last event seen; 0: events from now on
  for (;;) {
    const auto now = Clock::now();
    if (now >= until) {
      settled(circuits, out);
      out.timed_out = true;
      out.why =
          fmt::format("{} of {} circuit(s) ACTIVE when the wait timed out", out.active, out.total);
      return out;
    }
    grpc::ClientContext ctx;
    ctx.set_deadline(to_system(std::min(until, now + std::chrono::seconds(1))));
    authorize(ctx);
    v1::WatchCircuitsRequest req;
    req.set_after_sequence(after);
    req.set_job_id(job_id);
    auto reader = stub_->WatchCircuits(&ctx, req);
    auto listed = list_job(job_id, std::min(until, now + options_.call_timeout));
    if (!listed) {
      ctx.TryCancel();
      reader->Finish();
      // Unreachable for a moment: try again until the overall deadline.
      if (listed.error().code == "UNAVAILABLE" && Clock::now() < until) continue;
      return unexpected(std::move(listed).error());
    }
    std::set<std::uint64_t> seen;
    for (const auto& c : *listed) {
      seen.insert(c.id());
      if (auto it = circuits.find(c.id()); it != circuits.end()) it->second = c;
    }
    for (auto& [id, c] : circuits)
      if (!seen.contains(id)) c.set_state(v1::RELEASED);
    bool done = settled(circuits, out);
    v1::CircuitEvent e;
    while (!done && reader->Read(&e)) {
      after = e.sequence();
      if (auto it = circuits.find(e.circuit().id()); it != circuits.end()) it->second = e.circuit();
      done = settled(circuits, out);
    }
    ctx.TryCancel();
    reader->Finish();  // ends by our deadline or cancel; either is expected
    if (done) return out;
    // A watch refused at once must not turn this loop into a busy one.
    if (Clock::now() - now < std::chrono::milliseconds(200))
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Result<std::vector<std::uint64_t>> CircuitClient::release_request(const std::string& request_id,
                                                                  const std::string& tenant,
                                                                  Clock::time_point until) {
  v1::ReleaseCircuitsRequest req;
  req.set_request_id(request_id);
  req.set_tenant(tenant);
  v1::ReleaseCircuitsResponse resp;
  auto s = with_retry(
      [&](grpc::ClientContext& ctx) { return stub_->ReleaseCircuits(&ctx, req, &resp); }, until);
  // A request the controller never stored holds nothing: already done.
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) return std::vector<std::uint64_t>{};
  if (!s.ok()) return unexpected(to_error(s));
  return std::vector<std::uint64_t>(resp.released_circuit_ids().begin(),
                                    resp.released_circuit_ids().end());
}

Result<std::vector<std::uint64_t>> CircuitClient::release_job(const std::string& job_id,
                                                              const std::string& tenant,
                                                              Clock::time_point until) {
  auto circuits = list_job(job_id, until);
  if (!circuits) return unexpected(std::move(circuits).error());
  std::set<std::string> requests;
  for (const auto& c : *circuits)
    if (c.state() != v1::RELEASING) requests.insert(c.request_id());
  std::vector<std::uint64_t> released;
  for (const auto& r : requests) {
    auto ids = release_request(r, tenant, until);
    if (!ids) return ids;
    released.insert(released.end(), ids->begin(), ids->end());
  }
  return released;
}

std::string grpc_code_name(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const auto i = static_cast<std::size_t>(code);
  return i < std::size(kNames) ? kNames[i] : fmt::format("CODE_{}", i);
}

}  // namespace lightpath::scheduler
