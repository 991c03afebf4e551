#include "controller/cli/request_command.h"

#include <fmt/format.h>

#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "controller/cli/active_wait.h"
#include "controller/cli/circuit_format.h"
#include "controller/cli/daemon_client.h"
#include "controller/cli/proto_request.h"
#include "controller/requests/request_file.h"

namespace lightpath::cli {
namespace {

struct RequestOptions {
  DaemonOptions daemon;
  std::string file;
  double wait_active_seconds = 0;  // 0: do not wait
  bool dry_run = false;
};

struct Submitted {
  std::string request_id;
  v1::RequestCircuitsResponse response;
};

std::string ref_text(const v1::EndpointRef& r) {
  return r.rack() + "/" + r.port_group();
}

void print_answer(const Submitted& s) {
  const auto& r = s.response;
  const char* would = r.replayed() ? "answered before: " : r.validate_only() ? "would be " : "";
  if (!r.accepted()) {
    std::cout << fmt::format("request {}: {}REJECTED {}\n", s.request_id, would, r.reason());
    if (!r.message().empty()) std::cout << "  " << r.message() << "\n";
    return;
  }
  std::vector<std::uint64_t> ids;
  for (const auto& c : r.circuits()) ids.push_back(c.id());
  std::cout << fmt::format("request {}: {}ACCEPTED, {} circuit(s){}{}\n", s.request_id, would,
                           ids.size(), ids.empty() ? "" : ": ", fmt::join(ids, ", "));
  if (!r.preempted_circuit_ids().empty())
    std::cout << fmt::format("  {} circuit(s) {}\n",
                             r.validate_only() ? "would preempt" : "preempted",
                             fmt::join(r.preempted_circuit_ids(), ", "));
  for (const auto& f : r.packet_flows())
    std::cout << fmt::format("  {} - {}: packet fabric via {} ({} Gb/s)\n", ref_text(f.a()),
                             ref_text(f.b()), fmt::join(f.path(), " > "),
                             number_text(f.bottleneck_gbps()));
}

nlohmann::ordered_json answers_json(const std::vector<Submitted>& answers) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& s : answers)
    out.push_back({{"request_id", s.request_id},
                   {"response", nlohmann::ordered_json::parse(to_json(s.response))}});
  return out;
}

int run_request(const RequestOptions& o) {
  auto loaded = requests::load_requests(o.file);
  if (!loaded) {
    for (const auto& d : loaded.error()) std::cerr << d.to_string() << "\n";
    std::cerr << fmt::format("lightpathctl: {}: {} error(s), nothing submitted\n", o.file,
                             loaded.error().size());
    return kExitRpcError;
  }
  // Each dry run sees the live state only, not the requests before it in the file.
  if (o.dry_run && loaded->size() > 1 && !o.daemon.json)
    std::cerr << fmt::format(
        "lightpathctl: --dry-run: each of the {} requests is checked alone against the circuits "
        "held now\n",
        loaded->size());
  DaemonClient client(o.daemon);
  std::vector<Submitted> answers;
  std::map<std::uint64_t, v1::Circuit> circuits;
  bool any_rejected = false;
  for (const auto& request : *loaded) {
    v1::CircuitRequest req;
    to_proto(request, &req);
    req.set_validate_only(o.dry_run);
    Submitted& s = answers.emplace_back();
    s.request_id = request.request_id;
    auto status = client.call(&v1::CircuitService::Stub::RequestCircuits, client.circuits(), req,
                              &s.response);
    // Requests before a failed call stay submitted; their answers are printed.
    if (!status.ok()) return client.fail(status, "request " + request.request_id);
    if (!o.daemon.json) print_answer(s);
    any_rejected |= !s.response.accepted();
    if (o.dry_run) {
      // Dry runs do not see each other, so their ids may repeat: one table each.
      if (!o.daemon.json && s.response.circuits_size() > 0) {
        Table t = circuit_table();
        for (const auto& c : s.response.circuits()) add_circuit_row(t, c, now_unix_ms());
        t.print(std::cout);
      }
      continue;
    }
    for (const auto& c : s.response.circuits()) circuits[c.id()] = c;
  }

  WaitOutcome waited;
  const bool wait = o.wait_active_seconds > 0 && !circuits.empty();
  if (wait) {
    const auto start = DaemonClient::Clock::now();
    waited = wait_active(client, circuits, std::chrono::duration<double>(o.wait_active_seconds));
    if (!waited.status.ok()) return client.fail(waited.status, "--wait-active");
    if (!o.daemon.json && waited.all_active) {
      const std::chrono::duration<double> took = DaemonClient::Clock::now() - start;
      std::cout << fmt::format("all {} circuit(s) ACTIVE after {:.2f}s\n", circuits.size(),
                               took.count());
    }
  }

  if (o.daemon.json) {
    nlohmann::ordered_json out{{"requests", answers_json(answers)}};
    if (wait) {
      out["all_active"] = waited.all_active;
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (const auto& [id, c] : circuits)
        list.push_back(nlohmann::ordered_json::parse(to_json(c)));
      out["circuits"] = std::move(list);
    }
    std::cout << out.dump() << "\n";
  } else if (!circuits.empty()) {
    Table t = circuit_table();
    const std::int64_t now = now_unix_ms();
    for (const auto& [id, c] : circuits) add_circuit_row(t, c, now);
    t.print(std::cout);
  }
  if (wait && !waited.all_active) {
    std::cerr << fmt::format("lightpathctl: --wait-active: {}\n", waited.why);
    return kExitTimeout;
  }
  return any_rejected ? kExitRejected : kExitOk;
}

}  // namespace

void add_request_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RequestOptions>();
  auto* cmd = app.add_subcommand(
      "request", "Submit a request file to lightpathd (exit 0: all accepted, 1: any rejected)");
  add_daemon_options(*cmd, o->daemon);
  cmd->add_option("file", o->file, "Request file (YAML or JSON, docs/requests.md)")->required();
  cmd->add_option("--wait-active", o->wait_active_seconds,
                  "Then wait up to SECONDS until every circuit is ACTIVE (exit 3 if not)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--dry-run", o->dry_run,
                "Only ask what each request would get now (validate_only): nothing is stored, "
                "programmed or preempted")
      ->excludes("--wait-active");
  cmd->callback([o, &exit_code] { exit_code = run_request(*o); });
}

}  // namespace lightpath::cli
