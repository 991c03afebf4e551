#pragma once
// Helpers for the policy tests: fabrics from text, generated traces, and one
// policy run with a fixed switching time.

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "controller/topology/topology_loader.h"
#include "simulator/policy/run_policy.h"
#include "simulator/trace/generator.h"

namespace lightpath::policy::testing {

inline Fabric load_file(const std::string& name) {
  auto f = topology::load_topology_file(std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/" + name);
  REQUIRE(f);
  return std::move(*f);
}

inline Fabric load_text(const std::string& yaml) {
  auto f = topology::load_topology_text(yaml, "test.yaml");
  if (!f) {
    for (const auto& d : f.error()) MESSAGE(d.message);
  }
  REQUIRE(f);
  return std::move(*f);
}

inline trace::Trace make_trace(const Fabric& fabric, const trace::GenOptions& options) {
  auto t = trace::generate(fabric, options);
  if (!t) MESSAGE(t.error());
  REQUIRE(t);
  return std::move(*t);
}

inline std::string scratch_db(const std::string& tag) {
  return (std::filesystem::temp_directory_path() /
          ("lightpath-policy-test-" + std::to_string(::getpid()) + "-" + tag + ".db"))
      .string();
}

inline report::RunResult run(const trace::Trace& t, const Fabric& fabric, const std::string& policy,
                             std::optional<Duration> switching = Duration::ms(10),
                             std::uint64_t seed = 1) {
  RunOptions o;
  o.policy = policy;
  o.world.seed = seed;
  o.world.switching = switching;
  o.world.store_path = scratch_db(policy);
  auto r = run_policy(t, fabric, o);
  if (!r) MESSAGE(r.error().message);
  REQUIRE(r);
  return std::move(*r);
}

inline Duration makespan(const report::RunResult& r) {
  Duration m;
  for (const auto& j : r.jobs) {
    REQUIRE_MESSAGE(j.finished.count_ns() > 0, "job " << j.id << " never finished");
    m = std::max(m, j.finished);
  }
  return m;
}

}  // namespace lightpath::policy::testing
