// soak: clients requesting, watching and releasing circuits against a running
// lightpathd (driving a lightpath-fabric) for a set time, then the checks of
// docs/soak.md. bench/soak.sh starts the processes, injects the faults and
// runs this; exit 0: every invariant held, 1: one did not, 2: could not run.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "bench/soak/checks.h"
#include "bench/soak/report.h"
#include "bench/soak/soak.h"

namespace lightpath::soak {
namespace {

void note(const std::string& s) {
  std::fprintf(stderr, "[soak] %s\n", s.c_str());
}

void sleep_s(double s) {
  std::this_thread::sleep_for(std::chrono::duration<double>(s));
}

bool connect(const Options& opt, Stubs& stubs) {
  auto daemon = open_channel(opt.server, -1);
  stubs.circuits = v1::CircuitService::NewStub(daemon);
  stubs.fabric = v1::FabricService::NewStub(daemon);
  stubs.device = dev::DeviceService::NewStub(open_channel(opt.fabric, -2));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::ListSwitchesResponse resp;
  if (!stubs.fabric->ListSwitches(&ctx, {}, &resp).ok()) return false;
  for (const auto& s : resp.switches()) stubs.switches.push_back(s.name());
  return !stubs.switches.empty();
}

// While the clients run: no port used twice in any snapshot, and a progress line.
void watch_over(const Options& opt, Stubs& stubs, Ledger& ledger, const Watcher& all,
                Clock::time_point t0, Clock::time_point until, Report& r) {
  while (Clock::now() < until) {
    const auto left = std::chrono::duration<double>(until - Clock::now()).count();
    sleep_s(std::min(opt.check_interval_s, std::max(0.0, left)));
    std::vector<v1::Circuit> circuits;
    if (!list_circuits(*stubs.circuits, circuits)) {
      ledger.violation("ListCircuits failed while running", "");
      continue;
    }
    ++r.snapshots;
    const long live = std::count_if(circuits.begin(), circuits.end(),
                                    [](const auto& c) { return is_live(c.state()); });
    r.max_live = std::max(r.max_live, live);
    for (const auto& [kind, detail] : uniqueness_problems(circuits))
      ledger.violation(kind, "while running: " + detail);
    Sample s;
    if (opt.daemon_pid > 0) read_sample(opt.daemon_pid, s);
    note(fmt::format("{:.0f} s: {} live circuits, {} events, RSS {:.1f} MiB, {} fds",
                     std::chrono::duration<double>(Clock::now() - t0).count(), live,
                     all.stats().events, static_cast<double>(s.rss_kib) / 1024, s.fds));
  }
}

void release_everything(Stubs& stubs, Ledger& ledger, const std::vector<std::string>& unknown) {
  std::set<std::string> requests(unknown.begin(), unknown.end());
  for (const auto& [id, h] : ledger.held()) requests.insert(h.request_id);
  for (const auto& id : requests) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::ReleaseCircuitsRequest req;
    req.set_request_id(id);
    v1::ReleaseCircuitsResponse resp;
    auto s = stubs.circuits->ReleaseCircuits(&ctx, req, &resp);
    if (!s.ok() && s.error_code() != grpc::StatusCode::NOT_FOUND)
      ledger.violation("final release failed", id + ": " + s.error_message());
  }
  ledger.forget_all();
}

Problems leftovers(Stubs& stubs) {
  std::vector<v1::Circuit> circuits;
  if (!list_circuits(*stubs.circuits, circuits)) return {{"ListCircuits failed", ""}};
  Problems p;
  for (const auto& c : circuits)
    p.emplace_back("circuit left after releasing everything",
                   fmt::format("{} of {}: {} \"{}\"", c.id(), c.request_id(),
                               v1::CircuitState_Name(c.state()), c.state_reason()));
  for (auto& x : port_problems(stubs, circuits)) p.push_back(std::move(x));
  for (auto& x : switch_problems(stubs, circuits)) p.push_back(std::move(x));
  return p;
}

// The clients' time: load, snapshots, samples. Returns once the clients stopped.
void load(const Options& opt, const Endpoints& ep, Stubs& stubs, Ledger& ledger, const Watcher& all,
          Report& r) {
  const auto t0 = Clock::now();
  const auto until = t0 + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(opt.duration_s));
  Sampler sampler(opt.daemon_pid, opt.sample_interval_s);
  if (opt.daemon_pid > 0) sampler.start(t0);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < opt.clients; ++i)
    clients.push_back(std::make_unique<Client>(i, opt, ep, ledger));
  for (auto& c : clients) c->start(until);
  watch_over(opt, stubs, ledger, all, t0, until, r);
  for (auto& c : clients) c->join();
  r.load_s = std::chrono::duration<double>(Clock::now() - t0).count();
  for (auto& c : clients) r.calls.merge(c->stats());
  sampler.stop();
  r.samples = sampler.samples();
  if (sampler.process_gone()) ledger.violation("lightpathd exited", "during the run");
  note(fmt::format("clients stopped after {:.0f} s", r.load_s));
}

// Once the faults are cleared and nothing moves: what the clients hold, the
// daemon's ports and the switches; then everything released and checked again.
void check_end(const Options& opt, Stubs& stubs, Ledger& ledger, Report& r) {
  if (!opt.settle_file.empty()) {
    const auto give_up = Clock::now() + std::chrono::duration<double>(opt.settle_timeout_s);
    while (!std::filesystem::exists(opt.settle_file) && Clock::now() < give_up) sleep_s(0.2);
    if (!std::filesystem::exists(opt.settle_file))
      ledger.violation("faults not cleared in time", opt.settle_file);
  }
  std::vector<v1::Circuit> circuits;
  r.quiescent = wait_quiescent(*stubs.circuits, opt.converge_timeout_s, circuits);
  if (!r.quiescent) ledger.violation("circuits still moving once settled", "");
  sleep_s(1.0);  // the watchers hear the last lifecycle steps
  list_circuits(*stubs.circuits, circuits);
  for (const auto& [kind, detail] : uniqueness_problems(circuits))
    ledger.violation(kind, "at the end: " + detail);
  r.held = check_held(circuits, ledger);
  r.lease_lateness_ms = ledger.lease_lateness_ms();
  if (const double late = percentile(r.lease_lateness_ms, 1.0); late > 5000)
    ledger.violation("lease ended late", fmt::format("{:.0f} ms after its end", late));
  note("checking the daemon's ports and the switches");
  eventually(opt.converge_timeout_s, ledger, [&] {
    std::vector<v1::Circuit> now;
    if (!list_circuits(*stubs.circuits, now)) return Problems{{"ListCircuits failed", ""}};
    Problems p = port_problems(stubs, now);
    for (auto& x : switch_problems(stubs, now)) p.push_back(std::move(x));
    return p;
  });
  note("releasing everything");
  release_everything(stubs, ledger, r.calls.unknown_outcome);
  eventually(opt.converge_timeout_s, ledger, [&] { return leftovers(stubs); });
  if (opt.daemon_pid > 0) read_sample(opt.daemon_pid, r.after_release);
}

void check_flat(const Options& opt, Ledger& ledger, Report& r) {
  r.flat = flatness(r.samples, r.load_s);
  if (opt.daemon_pid <= 0) return;
  const Flatness& f = r.flat;
  if (f.early_samples < 2 || f.late_samples < 2)
    ledger.violation("too few memory samples", "run longer or sample more often");
  else if (f.rss_growth_pct() >= opt.rss_tolerance_pct ||
           f.rss_growth_mib() >= opt.rss_tolerance_mib)
    ledger.violation("memory not flat",
                     fmt::format("{:+.1f} MiB ({:+.1f}%)", f.rss_growth_mib(), f.rss_growth_pct()));
  if (f.fd_growth() > opt.fd_tolerance)
    ledger.violation("descriptors not flat", fmt::format("{:+.1f}", f.fd_growth()));
}

int run(const Options& opt, const Endpoints& ep, Stubs& stubs, Ledger& ledger) {
  Report r;
  r.watched_tenant = "soak-0";
  Watcher all(opt, "", ledger), one(opt, r.watched_tenant, ledger);
  all.start();
  one.start();
  sleep_s(0.5);  // both registered before the first request
  load(opt, ep, stubs, ledger, all, r);
  check_end(opt, stubs, ledger, r);
  all.stop();
  one.stop();
  r.all_events = all.stats();
  r.tenant_events = one.stats();
  for (const auto* w : {&r.all_events, &r.tenant_events})
    if (w->out_of_order)
      ledger.violation("watch sequence not increasing", fmt::format("{} events", w->out_of_order));
  if (r.all_events.gaps)
    ledger.violation("watch events missed", fmt::format("{} sequences", r.all_events.gaps));
  check_flat(opt, ledger, r);
  for (const auto& v : ledger.violation_counts()) r.violations.push_back(v);
  r.details = ledger.violation_details();
  print_report(opt, ep, r);
  if (!opt.json_out.empty()) write_json(opt.json_out, opt, r);
  return r.violations.empty() ? 0 : 1;
}

}  // namespace
}  // namespace lightpath::soak

int main(int argc, char** argv) {
  using namespace lightpath::soak;
  Options opt;
  CLI::App app{"soak client of bench/soak.sh: load, watch and check a running lightpathd"};
  app.add_option("--server", opt.server, "lightpathd gRPC address")->capture_default_str();
  app.add_option("--fabric", opt.fabric, "lightpath-fabric gRPC address")->capture_default_str();
  app.add_option("--topology", opt.topology, "the topology both were started with")->required();
  app.add_option("--daemon-pid", opt.daemon_pid, "lightpathd's pid: sample RSS and fds");
  app.add_option("--duration", opt.duration_s, "seconds of load")->capture_default_str();
  app.add_option("--clients", opt.clients, "client threads")->capture_default_str();
  app.add_option("--max-held", opt.max_held, "requests one client holds at once")
      ->capture_default_str();
  app.add_option("--hold-min-ms", opt.hold_min_ms, "shortest hold of a request, ms")
      ->capture_default_str();
  app.add_option("--hold-max-ms", opt.hold_max_ms, "longest hold, ms")->capture_default_str();
  app.add_option("--max-flows", opt.max_flows, "circuits per pairwise request, at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--seed", opt.seed, "seed of the clients' choices")->capture_default_str();
  app.add_option("--sample-interval", opt.sample_interval_s, "seconds between RSS and fd samples")
      ->capture_default_str();
  app.add_option("--check-interval", opt.check_interval_s,
                 "seconds between port-uniqueness snapshots")
      ->capture_default_str();
  app.add_option("--settle-file", opt.settle_file, "wait for this file before the final checks");
  app.add_option("--settle-timeout", opt.settle_timeout_s, "seconds to wait for the settle file")
      ->capture_default_str();
  app.add_option("--converge-timeout", opt.converge_timeout_s,
                 "seconds to wait for quiescence and for the switches to match")
      ->capture_default_str();
  app.add_option("--rss-tolerance-pct", opt.rss_tolerance_pct, "RSS may grow less than this, %")
      ->capture_default_str();
  app.add_option("--rss-tolerance-mib", opt.rss_tolerance_mib, "and less than this, MiB")
      ->capture_default_str();
  app.add_option("--fd-tolerance", opt.fd_tolerance, "open fds may grow by at most this")
      ->capture_default_str();
  app.add_option("--json", opt.json_out, "write the results here as JSON");
  CLI11_PARSE(app, argc, argv);
  if (opt.hold_max_ms < opt.hold_min_ms || opt.clients < 1 || opt.max_held < 1) {
    std::fprintf(stderr, "soak: bad --hold-*-ms, --clients or --max-held\n");
    return 2;
  }
  try {
    const Endpoints ep = endpoints_of(opt.topology);
    Stubs stubs;
    if (!connect(opt, stubs)) {
      std::fprintf(stderr, "soak: cannot reach lightpathd at %s\n", opt.server.c_str());
      return 2;
    }
    Ledger ledger;
    return run(opt, ep, stubs, ledger);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "soak: %s\n", e.what());
    return 2;
  }
}
