// One soak client: requests small sets of circuits between random endpoints,
// holds them a little, sometimes extends their lease, releases them; a few
// requests are abandoned to their short lease. Every call's latency and every
// acknowledged circuit are recorded.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>

#include "bench/soak/soak.h"
#include "controller/topology/topology_loader.h"
#include "proto/support/status_name.h"

namespace lightpath::soak {
namespace {

constexpr auto kDeadline = std::chrono::seconds(30);
constexpr int kAttempts = 5;
constexpr std::int64_t kLeaseS = 30;         // leased requests
constexpr std::int64_t kAbandonLeaseS = 3;   // abandoned requests
constexpr std::int64_t kFinalLeaseS = 3600;  // leases still held at the end outlast the checks

bool retryable(grpc::StatusCode c) {
  return c == grpc::StatusCode::UNAVAILABLE || c == grpc::StatusCode::DEADLINE_EXCEEDED ||
         c == grpc::StatusCode::ABORTED;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Runs `call(ctx)` until it succeeds, fails for good, or runs out of attempts;
// the same request id makes a repeated RequestCircuits safe.
template <class Call>
grpc::Status with_retries(ClientStats& stats, std::vector<double>& latencies, Call&& call) {
  for (int attempt = 1;; ++attempt) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + kDeadline);
    const auto t0 = Clock::now();
    grpc::Status s = call(ctx);
    if (s.ok()) latencies.push_back(ms_since(t0));
    if (s.ok() || attempt == kAttempts || !retryable(s.error_code())) return s;
    ++stats.retries;
    std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
  }
}

}  // namespace

Endpoints endpoints_of(const std::string& topology_file) {
  auto fabric = topology::load_topology_file(topology_file);
  if (!fabric) throw std::runtime_error("cannot load " + topology_file);
  // The port group most endpoints have, and the endpoints that have it.
  std::map<std::string, int> count;
  for (const auto& e : fabric->endpoints)
    for (const auto& g : e.groups) ++count[g.name];
  Endpoints out;
  int best = 0;
  for (const auto& [name, n] : count)
    if (n > best) best = n, out.port_group = name;
  for (const auto& e : fabric->endpoints) {
    const PortGroup* g = e.find_group(out.port_group);
    if (!g) continue;
    out.names.push_back(e.name);
    const Transceiver& t = fabric->transceiver(g->transceiver);
    out.channel_gbps = t.channel_rate.gbps();
    out.wavelengths = t.wavelengths;
  }
  if (out.names.size() < 2) throw std::runtime_error(topology_file + ": fewer than two endpoints");
  return out;
}

std::shared_ptr<grpc::Channel> open_channel(const std::string& address, int index) {
  grpc::ChannelArguments args;
  // A connection of its own per client, as separate schedulers would have.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("lightpath.soak.client", index);
  args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 64 << 20);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

Client::Client(int index, const Options& opt, const Endpoints& ep, Ledger& ledger)
    : index_(index),
      opt_(opt),
      ep_(ep),
      ledger_(ledger),
      tenant_(fmt::format("soak-{}", index)),
      stub_(v1::CircuitService::NewStub(open_channel(opt.server, index))),
      rng_(opt.seed * 1'000'003 + static_cast<std::uint64_t>(index)) {}

void Client::start(Clock::time_point until) {
  thread_ = std::thread([this, until] { run(until); });
}

void Client::join() {
  if (thread_.joinable()) thread_.join();
}

void Client::run(Clock::time_point until) {
  while (Clock::now() < until) {
    const auto now = Clock::now();
    for (std::size_t i = 0; i < outstanding_.size();) {
      Outstanding& o = outstanding_[i];
      if (o.release_at <= now) {
        release(o);
        outstanding_.erase(outstanding_.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      if (o.extend_at <= now) {
        extend(o.request_id, o.lease_s);
        o.extend_at = Clock::time_point::max();
      }
      ++i;
    }
    if (static_cast<int>(outstanding_.size()) < opt_.max_held) {
      request_one();
      continue;
    }
    auto next = until;
    for (const auto& o : outstanding_) next = std::min({next, o.release_at, o.extend_at});
    std::this_thread::sleep_until(next);
  }
  // What is still held stays for the checks; its leases must outlast them.
  for (const auto& o : outstanding_)
    if (o.lease_s > 0) extend(o.request_id, kFinalLeaseS);
}

v1::CircuitRequest Client::make_request(const std::string& id, std::int64_t lease_s) {
  v1::CircuitRequest r;
  r.set_request_id(id);
  r.set_tenant(tenant_);
  r.set_job_id(tenant_ + "-job");
  r.set_application("soak");
  r.set_duration_seconds(lease_s);
  r.set_flow_type(v1::DEDICATED_CIRCUIT);
  const int channels[] = {1, 2, ep_.wavelengths};
  const int k = std::min(ep_.wavelengths, channels[rng_() % 3]);
  r.set_bandwidth_per_flow_gbps(ep_.channel_gbps * k);
  const auto pick = [&] { return ep_.names[rng_() % ep_.names.size()]; };
  const auto add = [&](auto* list, const std::string& name) {
    auto* e = list->Add();
    e->set_rack(name);
    e->set_port_group(ep_.port_group);
  };
  if (ep_.names.size() >= 3 && rng_() % 5 == 0) {
    // A ring over three distinct endpoints: three circuits.
    r.set_pattern(v1::RING);
    std::vector<std::string> ring;
    while (ring.size() < 3) {
      auto n = pick();
      if (std::find(ring.begin(), ring.end(), n) == ring.end()) ring.push_back(n);
    }
    for (const auto& n : ring) add(r.mutable_sources(), n);
    return r;
  }
  r.set_pattern(v1::PAIRWISE);
  const int flows = 1 + static_cast<int>(rng_() % static_cast<std::uint64_t>(opt_.max_flows));
  for (int f = 0; f < flows; ++f) {
    const auto a = pick();
    auto b = pick();
    while (b == a) b = pick();
    add(r.mutable_sources(), a);
    add(r.mutable_destinations(), b);
  }
  return r;
}

void Client::request_one() {
  const std::string id = fmt::format("soak{}-{}", index_, next_++);
  const auto roll = rng_() % 100;
  const bool abandoned = roll < 5;
  const std::int64_t lease_s = abandoned ? kAbandonLeaseS : roll < 45 ? kLeaseS : 0;
  const v1::CircuitRequest req = make_request(id, lease_s);
  const int flows = req.sources_size();  // pairwise: one per source; a ring of three: three
  v1::RequestCircuitsResponse resp;
  ++stats_.requests;
  const grpc::Status s = with_retries(stats_, stats_.request_ms, [&](grpc::ClientContext& ctx) {
    resp.Clear();
    return stub_->RequestCircuits(&ctx, req, &resp);
  });
  if (!s.ok()) {
    ++stats_.errors;
    ++stats_.error_codes["RequestCircuits " + status_code_name(s.error_code())];
    stats_.unknown_outcome.push_back(id);
    return;
  }
  if (!resp.accepted()) {
    ++stats_.rejected;
    ++stats_.reject_reasons[resp.reason()];
    return;
  }
  ++stats_.accepted;
  stats_.circuits += resp.circuits_size();
  if (resp.circuits_size() != flows)
    ledger_.violation("accepted answer with the wrong number of circuits",
                      fmt::format("{}: {} circuits for {} flows", id, resp.circuits_size(), flows));
  for (const auto& c : resp.circuits())
    ledger_.acknowledged(c.id(), Held{id, tenant_, placement_of(c), c.lease_expires_unix_ms(),
                                      abandoned, c.state(), c.state_reason()});
  if (abandoned) {
    ++stats_.abandoned;
    return;
  }
  const int hold_ms =
      opt_.hold_min_ms + static_cast<int>(rng_() % static_cast<std::uint64_t>(
                                                       opt_.hold_max_ms - opt_.hold_min_ms + 1));
  Outstanding o{id, lease_s, Clock::now() + std::chrono::milliseconds(hold_ms)};
  if (lease_s > 0 && rng_() % 10 < 3)
    o.extend_at = Clock::now() + std::chrono::milliseconds(hold_ms / 2);
  outstanding_.push_back(std::move(o));
}

void Client::release(const Outstanding& o) {
  v1::ReleaseCircuitsRequest req;
  req.set_tenant(tenant_);
  req.set_request_id(o.request_id);
  std::vector<std::uint64_t> ids;
  ++stats_.releases;
  const grpc::Status s = with_retries(stats_, stats_.release_ms, [&](grpc::ClientContext& ctx) {
    v1::ReleaseCircuitsResponse resp;
    auto st = stub_->ReleaseCircuits(&ctx, req, &resp);
    ids.insert(ids.end(), resp.released_circuit_ids().begin(), resp.released_circuit_ids().end());
    return st;
  });
  if (!s.ok()) {
    ++stats_.errors;
    ++stats_.error_codes["ReleaseCircuits " + status_code_name(s.error_code())];
    stats_.unknown_outcome.push_back(o.request_id);
  }
  stats_.released_circuits += static_cast<long>(ids.size());
  // Circuits the answer did not name are explained at the end (docs/soak.md).
  ledger_.released(o.request_id, ids);
}

void Client::extend(const std::string& request_id, std::int64_t seconds) {
  v1::ExtendLeaseRequest req;
  req.set_tenant(tenant_);
  req.set_request_id(request_id);
  req.set_duration_seconds(seconds);
  v1::ExtendLeaseResponse resp;
  ++stats_.extends;
  const grpc::Status s = with_retries(stats_, stats_.extend_ms, [&](grpc::ClientContext& ctx) {
    return stub_->ExtendLease(&ctx, req, &resp);
  });
  if (s.ok()) return ledger_.lease_extended(request_id, resp.lease_expires_unix_ms());
  // Every circuit of the request failed and none could be restored: nothing to extend.
  if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    ++stats_.extends_refused;
    return;
  }
  ++stats_.errors;
  ++stats_.error_codes["ExtendLease " + status_code_name(s.error_code())];
}

}  // namespace lightpath::soak
