#include "controller/cli/watch_command.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "controller/cli/circuit_format.h"
#include "controller/cli/daemon_client.h"

namespace lightpath::cli {
namespace {

struct WatchOptions {
  DaemonOptions daemon;
  std::string job;
  std::string tenant;
  std::uint64_t after = 0;
  bool replay = false;
  std::uint64_t count = 0;  // 0: until interrupted
};

// `17 2025-01-31T12:00:00.123Z circuit 3 PENDING→PROGRAMMING reason`
std::string event_line(const v1::CircuitEvent& e) {
  const auto& c = e.circuit();
  std::string line = fmt::format("{} {} circuit {} {}→{}", e.sequence(), time_text(e.at_unix_ms()),
                                 c.id(), state_name(e.previous_state()), state_name(c.state()));
  if (!c.state_reason().empty()) line += " " + c.state_reason();
  return line;
}

int run_watch(const WatchOptions& o) {
  DaemonClient client(o.daemon);
  v1::WatchCircuitsRequest req;
  req.set_after_sequence(o.after);
  req.set_job_id(o.job);
  req.set_tenant(o.tenant);
  req.set_replay(o.replay);

  grpc::ClientContext ctx;
  client.authorize(ctx);
  // Without --count the stream runs until interrupted; with it, the events
  // must arrive within --timeout so that a script never hangs.
  if (o.count > 0) ctx.set_deadline(client.deadline());
  auto reader = client.circuits().WatchCircuits(&ctx, req);
  v1::CircuitEvent event;
  std::uint64_t seen = 0;
  while (reader->Read(&event)) {
    std::cout << (o.daemon.json ? to_json(event) : event_line(event)) << std::endl;
    if (o.count > 0 && ++seen >= o.count) {
      ctx.TryCancel();
      reader->Finish();
      return kExitOk;
    }
  }
  const grpc::Status status = reader->Finish();
  // A deadline on a live connection means the events did not come; without
  // one, the daemon never answered.
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED && o.count > 0 &&
      client.connected()) {
    std::cerr << fmt::format("lightpathctl: watch: {} of {} event(s) within {}s (--timeout)\n",
                             seen, o.count, o.daemon.timeout_seconds);
    return kExitTimeout;
  }
  if (!status.ok()) return client.fail(status);
  return kExitOk;  // the daemon ended the stream
}

}  // namespace

void add_watch_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<WatchOptions>();
  auto* watch = app.add_subcommand("watch", "Follow circuit state changes, one line per event");
  add_daemon_options(*watch, o->daemon);
  watch->add_option("--job", o->job, "Only circuits of this job");
  watch->add_option("--tenant", o->tenant, "Only circuits of this tenant");
  watch->add_option("--after", o->after, "Resume after this event sequence number");
  watch->add_flag("--replay", o->replay, "Replay the whole stored event log first");
  watch->add_option("--count", o->count,
                    "Exit after N events (exit 3 if they do not arrive within --timeout)");
  watch->callback([o, &exit_code] { exit_code = run_watch(*o); });
}

}  // namespace lightpath::cli
