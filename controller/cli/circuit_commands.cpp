#include "controller/cli/circuit_commands.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "controller/cli/circuit_format.h"
#include "controller/cli/daemon_client.h"

namespace lightpath::cli {
namespace {

using CircuitStub = v1::CircuitService::Stub;

struct CircuitOptions {
  DaemonOptions daemon;
  std::string job;
  std::string tenant;
  std::string state;
  std::string switch_name;
  std::string endpoint;
  std::uint64_t id = 0;
  std::vector<std::uint64_t> ids;
  std::string request_id;
};

// The names of CircuitState values a user may filter by.
std::vector<std::string> state_names() {
  std::vector<std::string> names;
  const auto* e = v1::CircuitState_descriptor();
  for (int i = 0; i < e->value_count(); ++i)
    if (e->value(i)->number() != v1::CIRCUIT_STATE_UNSPECIFIED)
      names.push_back(e->value(i)->name());
  return names;
}

int run_list(const CircuitOptions& o) {
  DaemonClient client(o.daemon);
  v1::ListCircuitsRequest req;
  req.set_job_id(o.job);
  req.set_tenant(o.tenant);
  req.set_switch_name(o.switch_name);
  req.set_endpoint(o.endpoint);
  if (!o.state.empty()) {
    v1::CircuitState state{};
    v1::CircuitState_Parse(o.state, &state);  // already checked against state_names()
    req.set_state(state);
  }
  v1::ListCircuitsResponse resp;
  if (auto done =
          client.call_or_print_json(&CircuitStub::ListCircuits, client.circuits(), req, &resp))
    return *done;
  Table t = circuit_table();
  const std::int64_t now = now_unix_ms();
  for (const auto& c : resp.circuits()) add_circuit_row(t, c, now);
  t.print(std::cout);
  return kExitOk;
}

int run_get(const CircuitOptions& o) {
  DaemonClient client(o.daemon);
  v1::GetCircuitRequest req;
  req.set_id(o.id);
  v1::Circuit resp;
  if (auto s = client.call(&CircuitStub::GetCircuit, client.circuits(), req, &resp); !s.ok())
    return client.fail(s);
  if (o.daemon.json)
    std::cout << to_json(resp) << "\n";
  else
    std::cout << circuit_details(resp, now_unix_ms());
  return kExitOk;
}

int run_release(const CircuitOptions& o) {
  if (o.ids.empty() && o.request_id.empty())
    throw CLI::ValidationError("circuits release",
                               "name what to release: circuit ids or --request");
  DaemonClient client(o.daemon);
  v1::ReleaseCircuitsRequest req;
  req.set_tenant(o.tenant);
  req.set_request_id(o.request_id);
  for (auto id : o.ids) req.add_circuit_ids(id);
  v1::ReleaseCircuitsResponse resp;
  if (auto s = client.call(&CircuitStub::ReleaseCircuits, client.circuits(), req, &resp); !s.ok())
    return client.fail(s);
  if (o.daemon.json) {
    std::cout << to_json(resp) << "\n";
  } else if (resp.released_circuit_ids().empty()) {
    std::cout << "no circuit released\n";
  } else {
    std::cout << fmt::format("released {} circuit(s): {}\n", resp.released_circuit_ids().size(),
                             fmt::join(resp.released_circuit_ids(), ", "));
  }
  return kExitOk;
}

}  // namespace

void add_circuit_commands(CLI::App& app, int& exit_code) {
  auto* circuits = app.add_subcommand("circuits", "Circuits of a running lightpathd");
  circuits->require_subcommand(1);
  // Each verb has its own options: CLI11 fills an option from the environment
  // (LIGHTPATH_SERVER) even in verbs not run, so verbs must not share them.
  auto o = std::make_shared<CircuitOptions>();
  auto* list = circuits->add_subcommand("list", "List circuits (every state but RELEASED)");
  add_daemon_options(*list, o->daemon);
  list->add_option("--job", o->job, "Only circuits of this job");
  list->add_option("--tenant", o->tenant, "Only circuits of this tenant");
  list->add_option("--state", o->state, "Only circuits in this state")
      ->transform(CLI::IsMember(state_names(), CLI::ignore_case));
  list->add_option("--switch", o->switch_name, "Only circuits crossing this switch");
  list->add_option("--endpoint", o->endpoint, "Only circuits ending at this endpoint");
  list->callback([o, &exit_code] { exit_code = run_list(*o); });

  o = std::make_shared<CircuitOptions>();
  auto* get = circuits->add_subcommand("get", "Show one circuit");
  add_daemon_options(*get, o->daemon);
  get->add_option("id", o->id, "Circuit id")->required();
  get->callback([o, &exit_code] { exit_code = run_get(*o); });

  o = std::make_shared<CircuitOptions>();
  auto* release = circuits->add_subcommand("release", "Release circuits, by id or by request");
  add_daemon_options(*release, o->daemon);
  auto* ids = release->add_option("ids", o->ids, "Circuit ids");
  release->add_option("--request", o->request_id, "Release every circuit of this request")
      ->excludes(ids);
  release->add_option("--tenant", o->tenant, "Tenant owning the circuits");
  release->callback([o, &exit_code] { exit_code = run_release(*o); });
}

}  // namespace lightpath::cli
