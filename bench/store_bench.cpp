// Commit throughput of the desired-state store (numbers in docs/performance.md).
// Each request is what lightpathd writes when it admits one: the request
// record, one circuit with two hops and one wavelength, and one event. A
// group commit of k requests is one transaction of k of those.
//
// The machine is shared, so each case runs three times on a fresh file and
// the best wall-clock rate is reported, with the process CPU time per commit
// (which others' load disturbs less). A bare one-row commit with the same
// pragmas is measured alongside as the machine's ceiling at that moment.
//
// A second table replays what lightpathd writes for 8-circuit requests
// (bench/daemon_bench): the acknowledging commit of one request (the request
// record, 8 new PENDING circuits of 2 hops and 1 wavelength, 8 events), and
// the lazy commit that follows it, moving 16 circuits one lifecycle step (8 of
// this request to PROGRAMMING, 8 of the previous one to ACTIVE) with one event
// each. Each request costs one of each, so requests/s is the rate of pairs.
//
// Usage: store_bench [commits]   (default 2000 per case; temp files in /tmp)

#include <sqlite3.h>
#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "controller/store/sqlite_store.h"

namespace {

using namespace lightpath;

core::RequestRecord request(std::uint32_t n) {
  core::RequestRecord r;
  r.request.request_id = "req-" + std::to_string(n);
  r.request.job_id = "job-" + std::to_string(n / 16);
  r.request.tenant = "tenant-a";
  r.request.bandwidth_per_flow = DataRate::gbps(400);
  r.request.sources = {{"block-" + std::to_string(n % 64), "ocs-uplink"}};
  r.request.destinations = {{"block-" + std::to_string((n + 1) % 64), "ocs-uplink"}};
  r.accepted = true;
  r.circuits = {CircuitId(n)};
  r.created = TimePoint::from_ns(1'700'000'000'000'000'000);
  return r;
}

core::CircuitRecord circuit(std::uint32_t n) {
  core::CircuitRecord c;
  c.circuit.id = CircuitId(n);
  c.circuit.request_id = "req-" + std::to_string(n);
  c.circuit.a = EndpointPortId(n % 8192);
  c.circuit.b = EndpointPortId((n + 4096) % 8192);
  c.circuit.hops = {{SwitchId(n % 48), static_cast<int>(n % 136), static_cast<int>((n + 7) % 136)},
                    {SwitchId((n + 1) % 48), 3, 9}};
  c.circuit.wavelengths = {0};
  c.circuit.bandwidth = DataRate::gbps(400);
  c.state = core::CircuitState::kPending;
  c.lease_end = TimePoint::from_ns(1'700'003'600'000'000'000);
  return c;
}

struct Rate {
  double commits_per_s = 0;
  double cpu_us_per_commit = 0;
};

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The same pragmas and transaction shape as the store, one 200-byte row.
Rate measure_bare(const std::string& path, bool durable, int commits) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) std::exit(1);
  sqlite3_exec(db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
  sqlite3_exec(db, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL", nullptr,
               nullptr, nullptr);
  sqlite3_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t (v) VALUES (?)", -1, &st, nullptr);
  const std::string value(200, 'x');
  const auto start = std::chrono::steady_clock::now();
  const double cpu0 = cpu_seconds();
  for (int i = 0; i < commits; ++i) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    sqlite3_bind_text(st, 1, value.c_str(), static_cast<int>(value.size()), SQLITE_STATIC);
    sqlite3_step(st);
    sqlite3_reset(st);
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) std::exit(1);
  }
  const double cpu = cpu_seconds() - cpu0;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sqlite3_finalize(st);
  sqlite3_close(db);
  return {commits / secs, cpu * 1e6 / commits};
}

Rate measure(const std::string& path, bool durable, int per_commit, int commits) {
  auto opened = store::SqliteStore::open(path, {.durable = durable});
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    std::exit(1);
  }
  auto& s = **opened;
  std::uint32_t next = 1;
  const auto start = std::chrono::steady_clock::now();
  const double cpu0 = cpu_seconds();
  for (int i = 0; i < commits; ++i) {
    store::WriteBatch b;
    for (int k = 0; k < per_commit; ++k, ++next) {
      b.requests.push_back(request(next));
      b.circuits.push_back(circuit(next));
      core::CircuitEvent e;
      e.sequence = next;
      e.circuit = b.circuits.back();
      b.events.push_back(std::move(e));
    }
    if (auto r = s.commit(b); !r) {
      std::fprintf(stderr, "%s\n", r.error().message.c_str());
      std::exit(1);
    }
  }
  const double cpu = cpu_seconds() - cpu0;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {commits / secs, cpu * 1e6 / commits};
}

core::RequestRecord request8(std::uint32_t n, std::uint32_t first_circuit) {
  core::RequestRecord r = request(n);
  r.circuits.clear();
  for (std::uint32_t k = 0; k < 8; ++k) r.circuits.push_back(CircuitId(first_circuit + k));
  return r;
}

core::CircuitEvent event_for(std::uint64_t sequence, const core::CircuitRecord& c,
                             core::CircuitState previous) {
  core::CircuitEvent e;
  e.sequence = sequence;
  e.at = c.updated;
  e.previous = previous;
  e.circuit = c;
  return e;
}

struct Lifecycle {
  Rate ack;   // the request's acknowledging commit
  Rate lazy;  // the 16-move lifecycle commit
  double requests_per_s = 0;
};

Lifecycle measure_lifecycle(const std::string& path, bool durable, int requests) {
  auto opened = store::SqliteStore::open(path, {.durable = durable});
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    std::exit(1);
  }
  auto& s = **opened;
  auto commit = [&](const store::WriteBatch& b) {
    if (auto r = s.commit(b); !r) {
      std::fprintf(stderr, "%s\n", r.error().message.c_str());
      std::exit(1);
    }
  };
  std::uint64_t sequence = 0;
  std::vector<core::CircuitRecord> previous, current;
  double ack_wall = 0, ack_cpu = 0, lazy_wall = 0, lazy_cpu = 0;
  std::int64_t clock_ns = 1'700'000'000'000'000'000;
  const auto start = std::chrono::steady_clock::now();
  for (int n = 0; n < requests; ++n) {
    const std::uint32_t first = static_cast<std::uint32_t>(n) * 8 + 1;
    store::WriteBatch ack;
    ack.requests.push_back(request8(static_cast<std::uint32_t>(n) + 1, first));
    current.clear();
    for (std::uint32_t k = 0; k < 8; ++k) {
      core::CircuitRecord c = circuit(first + k);
      c.circuit.request_id = ack.requests.back().request.request_id;
      c.created = c.updated = TimePoint::from_ns(clock_ns);
      current.push_back(c);
      ack.circuits.push_back(c);
      ack.events.push_back(event_for(++sequence, c, core::CircuitState::kPending));
    }
    auto t0 = std::chrono::steady_clock::now();
    double c0 = cpu_seconds();
    commit(ack);
    ack_cpu += cpu_seconds() - c0;
    ack_wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    clock_ns += 1000;
    store::WriteBatch lazy;
    auto move = [&](core::CircuitRecord& c, core::CircuitState to) {
      const core::CircuitState from = c.state;
      c.state = to;
      c.updated = TimePoint::from_ns(clock_ns);
      lazy.circuits.push_back(c);
      lazy.events.push_back(event_for(++sequence, c, from));
    };
    for (auto& c : current) move(c, core::CircuitState::kProgramming);
    for (auto& c : previous) move(c, core::CircuitState::kActive);
    t0 = std::chrono::steady_clock::now();
    c0 = cpu_seconds();
    commit(lazy);
    lazy_cpu += cpu_seconds() - c0;
    lazy_wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::swap(previous, current);
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Lifecycle out;
  out.ack = {requests / ack_wall, ack_cpu * 1e6 / requests};
  out.lazy = {requests / lazy_wall, lazy_cpu * 1e6 / requests};
  out.requests_per_s = requests / secs;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int commits = argc > 1 ? std::atoi(argv[1]) : 2000;
  std::string dir = (std::filesystem::temp_directory_path() / "store-bench-XXXXXX").string();
  if (!mkdtemp(dir.data())) return 1;
  std::printf("%-7s %-13s %11s %12s %15s\n", "sync", "case", "commits/s", "requests/s",
              "CPU us/commit");
  int run = 0;
  // `store_bench N lifecycle`: only the second table, for quick comparisons.
  const bool lifecycle_only = argc > 2 && std::string(argv[2]) == "lifecycle";
  for (bool durable : {true, false}) {
    if (lifecycle_only) break;
    for (int per_commit : {0, 1, 16}) {  // 0: the bare one-row baseline
      Rate best;
      std::vector<double> cpu;
      for (int rep = 0; rep < 3; ++rep) {
        const auto path = dir + "/bench-" + std::to_string(run++) + ".db";
        const Rate r = per_commit == 0 ? measure_bare(path, durable, commits)
                                       : measure(path, durable, per_commit, commits);
        best.commits_per_s = std::max(best.commits_per_s, r.commits_per_s);
        cpu.push_back(r.cpu_us_per_commit);
      }
      std::sort(cpu.begin(), cpu.end());
      const std::string name =
          per_commit == 0 ? "bare row" : std::to_string(per_commit) + " request(s)";
      std::printf("%-7s %-13s %11.0f %12.0f %15.0f\n", durable ? "FULL" : "NORMAL", name.c_str(),
                  best.commits_per_s, best.commits_per_s * std::max(per_commit, 1), cpu[1]);
    }
  }

  std::printf(
      "\n8-circuit requests: ack = 1 request + 8 new circuits + 8 events; lazy = 16 moves "
      "+ 16 events\n");
  std::printf("%-7s %12s %10s %14s %10s %15s\n", "sync", "ack commit/s", "CPU us", "lazy commit/s",
              "CPU us", "requests/s");
  for (bool durable : {true, false}) {
    Lifecycle best;
    std::vector<double> ack_cpu, lazy_cpu;
    for (int rep = 0; rep < 3; ++rep) {
      const auto path = dir + "/bench-" + std::to_string(run++) + ".db";
      const Lifecycle l = measure_lifecycle(path, durable, commits);
      best.ack.commits_per_s = std::max(best.ack.commits_per_s, l.ack.commits_per_s);
      best.lazy.commits_per_s = std::max(best.lazy.commits_per_s, l.lazy.commits_per_s);
      best.requests_per_s = std::max(best.requests_per_s, l.requests_per_s);
      ack_cpu.push_back(l.ack.cpu_us_per_commit);
      lazy_cpu.push_back(l.lazy.cpu_us_per_commit);
    }
    std::sort(ack_cpu.begin(), ack_cpu.end());
    std::sort(lazy_cpu.begin(), lazy_cpu.end());
    std::printf("%-7s %12.0f %10.0f %14.0f %10.0f %15.0f\n", durable ? "FULL" : "NORMAL",
                best.ack.commits_per_s, ack_cpu[1], best.lazy.commits_per_s, lazy_cpu[1],
                best.requests_per_s);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
