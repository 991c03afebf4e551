#pragma once
// The soak client run by bench/soak.sh (docs/soak.md): clients that request,
// extend and release circuits against lightpathd while the script injects
// faults into lightpath-fabric, watchers on the event stream, samples of the
// daemon's memory and descriptors, and the checks made at the end.

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "lightpath/v1/lightpath.grpc.pb.h"

namespace lightpath::soak {

namespace v1 = lightpath::v1;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string server = "127.0.0.1:50051";  // lightpathd gRPC
  std::string fabric = "127.0.0.1:50061";  // lightpath-fabric gRPC
  std::string topology;
  pid_t daemon_pid = 0;
  double duration_s = 60;
  int clients = 8;
  int max_held = 8;  // requests one client holds at a time
  int hold_min_ms = 20;
  int hold_max_ms = 500;
  int max_flows = 4;  // circuits in one request, at most
  std::uint64_t seed = 1;
  double sample_interval_s = 2;
  double check_interval_s = 5;  // port-uniqueness snapshots while the clients run
  std::string settle_file;      // the script creates it once every fault is cleared
  double settle_timeout_s = 120;
  double converge_timeout_s = 60;  // quiescence, switches matching, leases running out
  double rss_tolerance_pct = 10;
  double rss_tolerance_mib = 20;
  double fd_tolerance = 4;
  std::string json_out;
};

// Where a circuit is: its endpoint ports, cross-connects and wavelengths.
struct Placement {
  std::string a;
  std::string b;
  std::vector<std::tuple<std::string, std::uint32_t, std::uint32_t>> hops;  // switch, in, out
  std::vector<std::uint32_t> wavelengths;
  bool operator==(const Placement&) const = default;
};
Placement placement_of(const v1::Circuit& c);
std::string describe(const Placement& p);

std::int64_t unix_ms_now();

// A circuit the daemon acknowledged and the client has not released.
struct Held {
  std::string request_id;
  std::string tenant;
  Placement placement;
  std::int64_t lease_end_ms = 0;  // unix ms; 0: no lease
  bool abandoned = false;         // never released by its client: its lease ends it
  // The last state and reason the unfiltered watcher saw for it.
  v1::CircuitState last_state = v1::CIRCUIT_STATE_UNSPECIFIED;
  std::string last_reason;
};

// What the clients were told and did, shared by clients, watchers and checks.
class Ledger {
 public:
  void acknowledged(std::uint64_t id, Held h);
  // Forgets the request's circuits; returns those it held that `ids` did not name.
  std::vector<std::uint64_t> released(const std::string& request_id,
                                      const std::vector<std::uint64_t>& ids);
  void lease_extended(const std::string& request_id, std::int64_t end_ms);
  // The unfiltered watcher's events: the last state of every circuit held,
  // and which circuits ever failed.
  void saw_event(const v1::CircuitEvent& e);
  bool failed_once(std::uint64_t id) const;
  // How long after its lease end each abandoned circuit was released.
  std::vector<double> lease_lateness_ms() const;
  std::map<std::uint64_t, Held> held() const;
  // Circuits a release did not name (as they were last seen), to be explained
  // at the end by what the watcher saw: an earlier attempt or the lease ended them.
  std::map<std::uint64_t, Held> unnamed() const;
  void forget_all();

  void violation(const std::string& kind, const std::string& detail);
  std::map<std::string, long> violation_counts() const;
  std::vector<std::string> violation_details() const;  // the first few of each kind

 private:
  mutable std::mutex mu_;
  std::map<std::uint64_t, Held> held_;
  std::map<std::string, std::vector<std::uint64_t>> by_request_;
  std::map<std::uint64_t, Held> unnamed_;
  std::set<std::uint64_t> failed_;
  std::vector<double> lease_lateness_ms_;
  std::map<std::string, long> violations_;
  std::vector<std::string> details_;
};

// One client's calls and outcomes.
struct ClientStats {
  std::vector<double> request_ms;
  std::vector<double> release_ms;
  std::vector<double> extend_ms;
  long requests = 0;
  long accepted = 0;
  long rejected = 0;
  long circuits = 0;
  long releases = 0;
  long released_circuits = 0;
  long extends = 0;
  long extends_refused = 0;
  long abandoned = 0;
  long retries = 0;
  long errors = 0;  // calls that failed even after retries
  std::map<std::string, long> reject_reasons;
  std::map<std::string, long> error_codes;
  std::vector<std::string> unknown_outcome;  // request ids whose answer never came
  void merge(const ClientStats& o);
};

// An endpoint a client may name, with the port group and rates it uses.
struct Endpoints {
  std::vector<std::string> names;
  std::string port_group;
  double channel_gbps = 0;
  int wavelengths = 1;
};
Endpoints endpoints_of(const std::string& topology_file);

std::shared_ptr<grpc::Channel> open_channel(const std::string& address, int index);

// A client thread: request, hold, sometimes extend, release, until `until`.
class Client {
 public:
  Client(int index, const Options& opt, const Endpoints& ep, Ledger& ledger);
  void start(Clock::time_point until);
  void join();
  const ClientStats& stats() const { return stats_; }

 private:
  struct Outstanding {
    std::string request_id;
    std::int64_t lease_s = 0;
    Clock::time_point release_at;
    Clock::time_point extend_at = Clock::time_point::max();
  };
  void run(Clock::time_point until);
  void request_one();
  void release(const Outstanding& o);
  void extend(const std::string& request_id, std::int64_t seconds);
  v1::CircuitRequest make_request(const std::string& id, std::int64_t lease_s);

  int index_;
  const Options& opt_;
  const Endpoints& ep_;
  Ledger& ledger_;
  std::string tenant_;
  std::unique_ptr<v1::CircuitService::Stub> stub_;
  std::mt19937_64 rng_;
  long next_ = 0;
  std::vector<Outstanding> outstanding_;
  ClientStats stats_;
  std::thread thread_;
};

// Follows WatchCircuits, resuming after a break, and checks the sequences.
struct WatchStats {
  long events = 0;
  long breaks = 0;        // streams that ended and were resumed
  long out_of_order = 0;  // a sequence not above the one before
  long gaps = 0;          // sequences skipped (unfiltered watchers only)
  long failed = 0;        // events into FAILED
  long restoring = 0;     // FAILED -> RESTORING
  long restored = 0;      // RESTORING -> ACTIVE
  long expired = 0;       // RELEASING with a lease reason
  std::uint64_t last = 0;
};

class Watcher {
 public:
  // `tenant` empty: every event, which must then come without gaps.
  Watcher(const Options& opt, std::string tenant, Ledger& ledger);
  void start();
  void stop();
  WatchStats stats() const;
  const std::string& tenant() const { return tenant_; }

 private:
  void run();
  void take(const v1::CircuitEvent& e);

  std::string tenant_;
  Ledger& ledger_;
  std::unique_ptr<v1::CircuitService::Stub> stub_;
  mutable std::mutex mu_;
  grpc::ClientContext* ctx_ = nullptr;
  bool stopping_ = false;
  WatchStats stats_;
  std::thread thread_;
};

// RSS and open descriptors of a process, every few seconds.
struct Sample {
  double at_s = 0;  // since the start
  long rss_kib = 0;
  int fds = 0;
};
bool read_sample(pid_t pid, Sample& out);

class Sampler {
 public:
  Sampler(pid_t pid, double interval_s);
  void start(Clock::time_point t0);
  void stop();
  std::vector<Sample> samples() const;
  bool process_gone() const { return gone_; }

 private:
  pid_t pid_;
  double interval_s_;
  mutable std::mutex mu_;
  std::vector<Sample> samples_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> gone_{false};
  std::thread thread_;
};

double percentile(std::vector<double> v, double p);

}  // namespace lightpath::soak
