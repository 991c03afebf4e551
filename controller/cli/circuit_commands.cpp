#include "controller/cli/circuit_commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

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
  int limit = 0;  // circuits list: the first this many matches; 0: all
  // Circuits per ListCircuits call: a list of 100,000 circuits comes in pages
  // of a few hundred kB, each a short turn of the daemon's thread.
  int page_size = 1'000;
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

v1::ListCircuitsRequest list_request(const CircuitOptions& o) {
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
  return req;
}

// The shape `circuits list --json` has always printed, {"circuits":[...]},
// whatever fields the response gains; "total_size" only with --limit, which
// scripts asking for it know to expect.
std::string list_json(const v1::ListCircuitsResponse& resp, std::optional<std::uint64_t> total) {
  std::string out = R"({"circuits":[)";
  for (int i = 0; i < resp.circuits_size(); ++i) {
    if (i > 0) out += ',';
    out += to_json(resp.circuits(i));
  }
  out += ']';
  if (total) out += fmt::format(R"(,"total_size":"{}")", *total);
  out += '}';
  return out;
}

// Pages through the matches, the first `limit` only when it is not 0.
int run_list(const CircuitOptions& o) {
  DaemonClient client(o.daemon);
  v1::ListCircuitsRequest req = list_request(o);
  v1::ListCircuitsResponse all;
  const auto room = [&] {
    return o.limit == 0 ? o.page_size : std::min(o.page_size, o.limit - all.circuits_size());
  };
  do {
    req.set_page_size(static_cast<std::uint32_t>(room()));
    v1::ListCircuitsResponse page;
    if (auto s = client.call(&CircuitStub::ListCircuits, client.circuits(), req, &page); !s.ok())
      return client.fail(s);
    // room() also bounds what a daemon without paging sends all at once.
    for (auto& c : *page.mutable_circuits())
      if (room() > 0) all.add_circuits()->Swap(&c);
    all.set_total_size(page.total_size());
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty() && room() > 0);

  if (o.daemon.json) {
    const auto total = o.limit > 0 ? std::optional(all.total_size()) : std::nullopt;
    std::cout << list_json(all, total) << "\n";
    return kExitOk;
  }
  Table t = circuit_table();
  const std::int64_t now = now_unix_ms();
  for (const auto& c : all.circuits()) add_circuit_row(t, c, now);
  t.print(std::cout);
  if (o.limit > 0 && static_cast<std::uint64_t>(all.circuits_size()) < all.total_size())
    std::cout << fmt::format("showing {} of {} circuits\n", all.circuits_size(), all.total_size());
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
  list->add_option("--limit", o->limit, "Only the first N matches (lowest ids), and the total")
      ->check(CLI::PositiveNumber);
  list->add_option("--page-size", o->page_size, "Circuits per call to the daemon")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();
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
