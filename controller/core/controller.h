#pragma once
// The controller core: circuit lifecycle, leases, preemption, group-committed
// desired state, and programming of the switches through southbound drivers.
//
// Single-threaded by design: every method runs on the executor's thread, and
// every callback is delivered there. Front ends (gRPC, REST) post into the
// executor and translate; they hold no logic of their own.

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controller/core/records.h"
#include "controller/solver/solver.h"
#include "controller/store/sqlite_store.h"
#include "lightpath/executor.h"
#include "lightpath/southbound.h"

namespace lightpath::core {

// How a call failed, in terms every front end maps to its own status codes.
enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kFailedPrecondition,
  kResourceExhausted,
  kUnavailable,
  kInternal
};
struct ApiError {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};
template <class T>
using ApiResult = Result<T, ApiError>;
template <class T>
using Reply = std::function<void(ApiResult<T>)>;

struct ControllerOptions {
  solver::SolverOptions solver;
  std::size_t max_circuits_per_request = 4096;
  std::size_t max_circuits_per_tenant = 0;  // live circuits one tenant may hold; 0: no limit
  std::size_t events_in_memory = 10'000;    // older events are read back from the store
  // The store's event log keeps at least the newest this many events (0: all);
  // a watch resuming from before them is refused.
  std::size_t event_log_keep = 100'000;
  // Answered requests with every circuit released kept in memory for quick
  // retries; older ones are read back from the store (request_memory.h).
  std::size_t requests_in_memory = 10'000;
  Duration device_retry = Duration::s(1);
  // How long lifecycle writes nobody waits for may wait to share a commit.
  Duration lazy_commit_delay = Duration::ms(20);
  // Every switch's cross-connects are re-read this often and repaired
  // (besides at start and on reconnect); zero turns the periodic pass off.
  Duration reconcile_interval = Duration::s(30);
  // Telemetry samples kept per port, and the levels that raise alarms on a
  // connected port (loss of light itself is the device's alarm).
  std::size_t telemetry_history = 60;
  PowerDbm low_power = PowerDbm::dbm(-20.0);
  double max_ber = 1e-5;
  std::size_t alarms_in_memory = 10'000;  // cleared alarms beyond this are forgotten
  // A dark port (light in, none out) looks healthy again once its
  // cross-connect is taken down, so the ports that reported one stay out of
  // service this long after the alarm clears; zero turns the hold off.
  Duration dark_port_hold = Duration::s(60);
  // Commit on a thread of its own (lightpathd), or inline on the executor's
  // thread (deterministic: tests and the simulator).
  bool commit_on_thread = false;
};

struct RequestAnswer {
  RequestRecord record;
  std::vector<CircuitRecord> circuits;  // as they are now
  TimePoint expected_ready;             // wall time by which switching should be done
  bool replayed = false;                // an earlier answer to the same request_id
};

struct ReleaseSpec {
  std::string tenant;
  std::string request_id;           // every circuit of this request
  std::vector<CircuitId> circuits;  // or these
};

struct CircuitFilter {
  std::string job_id;
  std::string tenant;
  std::optional<CircuitState> state;  // none: every state but RELEASED
  std::string switch_name;
  std::string endpoint;
};

struct SwitchView {
  SwitchId id;
  std::string name;
  SwitchKind kind = SwitchKind::kMems;
  int port_count = 0;
  int ports_in_use = 0;
  std::uint64_t reconfigurations = 0;
  bool up = true;
  bool drained = false;  // an operator took it out of service for new circuits
};

struct PortView {
  int index = 0;
  std::string cabled_to;
  int peer = -1;
  std::optional<CircuitId> circuit;
  southbound::PortStatus status = southbound::PortStatus::kIdle;
  std::optional<southbound::PortTelemetry> telemetry;
  TimePoint telemetry_at;
  bool in_service = true;  // false while the port (or its switch) has lost light or is drained
  bool drained = false;    // an operator took the port itself out of service
  bool held = false;       // reported a dark port lately (ControllerOptions::dark_port_hold)
};

// Times from a fault's alarm to a circuit ACTIVE again, bucketed for /metrics.
struct DurationHistogram {
  static constexpr std::array<double, 10> kBoundsSeconds{0.01, 0.025, 0.05, 0.1, 0.25,
                                                         0.5,  1,     2.5,  5,   10};
  std::array<std::uint64_t, kBoundsSeconds.size()> buckets{};  // cumulative counts
  std::uint64_t count = 0;
  double sum_seconds = 0;
  void observe(Duration d);
};

struct TelemetrySample {
  TimePoint at;  // when the controller received it
  southbound::PortTelemetry reading;
};

struct AlarmView {
  TimePoint at;
  std::string switch_name;
  southbound::AlarmEvent alarm;
  bool active = true;
};

struct WatchFilter {
  std::string job_id;
  std::string tenant;
};
using WatchId = std::uint64_t;

struct Counters {
  std::map<std::string, std::uint64_t>
      requests;  // by outcome: accepted, rejected, invalid, replayed
  std::uint64_t commits = 0;
  std::uint64_t committed_writes = 0;
  std::uint64_t batches_sent = 0;  // batches the switches applied
  // Circuits that lost light, by outcome: restored, unrestorable (no room
  // elsewhere), not_restorable (the request asked for none).
  std::map<std::string, std::uint64_t> restorations;
  DurationHistogram time_to_restore;
  std::uint64_t reconcile_reads = 0;  // cross-connect reads of a switch
  // Cross-connects found changed behind the controller's back, by kind:
  // missing (believed there, gone) and unexpected (there, never made).
  std::map<std::string, std::uint64_t> drift;
};

class Controller {
 public:
  // `drivers` maps each optical switch the controller drives; all must
  // outlive the controller. The wall clock is the executor's: its epoch must
  // be the Unix epoch so that leases survive restarts.
  Controller(const Fabric& fabric, Executor& executor,
             std::map<SwitchId, southbound::Driver*> drivers, store::SqliteStore& store,
             ControllerOptions options = {});
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Reloads the store: circuits, leases, the event log; then brings the
  // switches to the stored desired state. Call once, on the executor thread.
  Result<bool> start();

  void request_circuits(solver::CircuitRequest request, Reply<RequestAnswer> done);
  // What request_circuits would answer now, with nothing stored, programmed,
  // preempted or published: the circuits it would get (with the ids they
  // would have) or why not, and the circuits it would preempt.
  void dry_run(solver::CircuitRequest request, Reply<RequestAnswer> done);
  void release(ReleaseSpec spec, Reply<std::vector<CircuitId>> done);
  void extend_lease(std::string tenant, std::string request_id, Duration lease,
                    Reply<TimePoint> done);

  ApiResult<CircuitRecord> get(CircuitId id) const;
  // The tenant a request was made for; nullopt for an unknown request.
  std::optional<std::string> request_tenant(const std::string& request_id) const;
  std::vector<CircuitRecord> list(const CircuitFilter& filter) const;
  // The first `limit` matches with id > `after` (ids start at 1, so 0 means
  // from the first), and how many match in all, before `after` too: a page
  // copies `limit` records, not every circuit. Resuming after an id that is
  // gone works, as ids only grow.
  struct CircuitPage {
    std::vector<CircuitRecord> circuits;
    std::size_t total = 0;
    // The last id listed, when more matches follow it: the next page's `after`.
    std::optional<CircuitId> next_after;
    // The last event handed to watchers: a watch after it misses no change
    // since this page (the page may show changes whose events come later).
    std::uint64_t sequence = 0;
  };
  CircuitPage list(const CircuitFilter& filter, std::size_t limit,
                   CircuitId after = CircuitId(0)) const;
  // Events with sequence > `after` that match, then every new one, until unwatch.
  // `replay_all` with after = 0 replays the stored log from its oldest kept
  // event. FAILED_PRECONDITION when events after `after` have left the log
  // (event_log_keep): the watcher must list circuits and watch anew.
  ApiResult<WatchId> watch(std::uint64_t after, WatchFilter filter,
                           std::function<void(const CircuitEvent&)> on_event,
                           bool replay_all = false);
  void unwatch(WatchId id);
  // The published events after `after` that match, oldest first, looking at
  // no more than `max_looked_at` of them (matching or not), so that a long
  // history goes out in pages as a watcher drains it. FAILED_PRECONDITION as
  // for watch().
  struct EventPage {
    std::vector<CircuitEvent> events;
    std::uint64_t last = 0;  // the last sequence looked at: the next page's `after`
    bool caught_up = false;  // no published event lies beyond `last`
  };
  ApiResult<EventPage> events_after(std::uint64_t after, const WatchFilter& filter,
                                    std::size_t max_looked_at) const;

  std::vector<SwitchView> switches() const;
  // Takes a switch, or one port of it, out of service for new circuits (or
  // back in); `port` -1 is the whole switch. Circuits already there stay
  // until released; the answer says how many there are. Stored: the answer
  // comes once the drain is durable, and a restarted controller keeps it.
  // NOT_FOUND for an unknown switch or a port it lacks.
  void drain(const std::string& switch_name, int port, bool drained, Reply<int> done);
  ApiResult<std::vector<PortView>> ports(const std::string& switch_name) const;
  std::vector<AlarmView> alarms(bool include_cleared) const;
  struct PortReading {
    std::string switch_name;
    TelemetrySample sample;
  };
  // The latest sample of every connected port, for gauges.
  std::vector<PortReading> latest_telemetry() const;
  // The recent telemetry samples of one port, oldest first.
  ApiResult<std::vector<TelemetrySample>> port_telemetry(const std::string& switch_name,
                                                         int port) const;
  std::map<CircuitState, std::size_t> circuits_by_state() const;
  int ports_in_use() const;
  Counters counters() const;
  const Fabric& fabric() const;
  // The executor's clock, for front ends that time their calls.
  TimePoint now() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lightpath::core
