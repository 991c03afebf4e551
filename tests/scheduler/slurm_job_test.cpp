// What slurmctld's hook environment says about a job, and the config file.
#include "scheduler/slurm/slurm_job.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "scheduler/slurm/hook_config.h"

using namespace lightpath;
using namespace lightpath::slurm;

TEST_CASE("slurm job: identity from the environment PrologSlurmctld gets") {
  Env env{{"SLURM_JOB_ID", "17"},
          {"SLURM_JOB_USER", "alice"},
          {"SLURM_JOB_ACCOUNT", "(null)"},
          {"SLURM_JOB_PARTITION", "gpu"},
          {"SLURM_JOB_RESTART_COUNT", "2"}};
  auto job = read_identity(env, TenantFrom::kUser);
  REQUIRE(job.has_value());
  CHECK(job->id == "17");
  CHECK(job->tenant == "alice");
  CHECK(job->queue == "gpu");
  CHECK(job->attempt == 2);
  CHECK(read_identity(env, TenantFrom::kAccount)->tenant.empty());  // "(null)" is no account
  CHECK(read_identity(env, TenantFrom::kNone)->tenant.empty());
  auto missing = read_identity({{"SLURM_JOB_USER", "alice"}}, TenantFrom::kUser);
  REQUIRE(!missing.has_value());
  CHECK(missing.error().code == "MISSING_ENV");
  CHECK(read_identity({{"SLURM_JOBID", "9"}}, TenantFrom::kUser)->id == "9");
}

TEST_CASE("slurm job: hints from comment, then constraints, then LIGHTPATH_*") {
  Env env{{"SLURM_JOB_COMMENT", "exp 4 lightpath:bandwidth_gbps=300"},
          {"SLURM_JOB_CONSTRAINTS", "ib&[lightpath_pairwise|x]"},
          {"LIGHTPATH_PATTERN", "ring"},
          {"LIGHTPATH_PRIORITY", "3"}};
  auto h = read_hints(env);
  REQUIRE(h.has_value());
  CHECK(*h ==
        scheduler::Hints{{"bandwidth_gbps", "300"}, {"pattern", "pairwise"}, {"priority", "3"}});
  auto bad = read_hints({{"SLURM_JOB_COMMENT", "lightpath:pattern"}});
  REQUIRE(!bad.has_value());
  CHECK(bad.error().message.rfind("job comment: ", 0) == 0);
}

TEST_CASE("slurm job: features of a constraint expression") {
  using V = std::vector<std::string>;
  CHECK(constraint_features("ib&lightpath_ring") == V{"ib", "lightpath_ring"});
  CHECK(constraint_features("[rack1*2&rack2*4]|(a,b)") == V{"rack1", "rack2", "a", "b"});
  CHECK(constraint_features("").empty());
}

TEST_CASE("slurm job: time limits in Slurm's forms") {
  const auto secs = [](const char* t) {
    auto r = parse_time_limit(t);
    REQUIRE_MESSAGE(r.has_value(), t);
    REQUIRE_MESSAGE(r->has_value(), t);
    return (*r)->count();
  };
  CHECK(secs("30") == 1800);
  CHECK(secs("5:30") == 330);
  CHECK(secs("01:00:00") == 3600);
  CHECK(secs("2-00:00:00") == 2 * 86400);
  CHECK(secs("1-2") == 86400 + 7200);
  CHECK(secs("1-2:30") == 86400 + 7200 + 1800);
  for (const char* none : {"UNLIMITED", "INFINITE", "Partition_Limit", "NONE"})
    CHECK_FALSE(parse_time_limit(none)->has_value());
  for (const char* bad : {"", "abc", "1:2:3:4", "-1", "1-", "1::2"}) {
    auto r = parse_time_limit(bad);
    CHECK_MESSAGE(!r.has_value(), bad);
  }
}

TEST_CASE("hook config: the shipped example reads, relative paths beside the file") {
  auto c = load_hook_config(LIGHTPATH_SOURCE_DIR "/examples/slurm/lightpath-slurm.yaml");
  REQUIRE_MESSAGE(c.has_value(), c.error().message);
  CHECK(c->client.server == "127.0.0.1:50051");
  CHECK(c->mapping == LIGHTPATH_SOURCE_DIR "/examples/slurm/nodes.yaml");
  CHECK(c->cluster_from_env);
  CHECK(c->policy.defaults.pattern == v1::RING);
  CHECK(c->policy.max_bandwidth_gbps == 800);
  CHECK(c->timeouts.active == std::chrono::seconds(60));
  CHECK(c->scontrol.path == "/usr/bin/scontrol");
}

TEST_CASE("hook config: on_error follows on_reject unless set, and scontrol can be turned off") {
  auto c = parse_hook_config("server: h:1\nmapping: /m.yaml\non_reject: packet\nscontrol: \"\"\n",
                             "/etc/c.yaml");
  REQUIRE_MESSAGE(c.has_value(), c.error().message);
  CHECK(c->policy.defaults.on_reject == scheduler::Fallback::kPacket);
  CHECK(c->on_error == scheduler::Fallback::kPacket);
  CHECK(c->scontrol.path.empty());
  auto d = parse_hook_config(
      "server: h:1\nmapping: m.yaml\non_reject: packet\non_error: fail\n"
      "cluster: big\npartition_priority: {gpu: 5}\n",
      "/etc/c.yaml");
  REQUIRE(d.has_value());
  CHECK(d->on_error == scheduler::Fallback::kFail);
  CHECK(d->mapping == "/etc/m.yaml");
  CHECK(d->policy.cluster == "big");
  CHECK_FALSE(d->cluster_from_env);
  CHECK(d->policy.queue_priority.at("gpu") == 5);
}

TEST_CASE("hook config: every mistake is reported with its position") {
  auto c = parse_hook_config(
      "mapping: m.yaml\non_reject: maybe\ntenant_from: group\ndefaults: {pattern: star}\n"
      "timeouts: {active_seconds: -1}\nsurprise: 1\n",
      "c.yaml");
  REQUIRE(!c.has_value());
  const auto& m = c.error().message;
  CHECK(m.find("c.yaml:1:1: config: missing required field 'server'") != std::string::npos);
  CHECK(m.find("c.yaml:2:12: on_reject: 'maybe' is not fail or packet") != std::string::npos);
  CHECK(m.find("c.yaml:3:14: tenant_from: 'group'") != std::string::npos);
  CHECK(m.find("pattern: 'star'") != std::string::npos);
  CHECK(m.find("active_seconds") != std::string::npos);
  CHECK(m.find("c.yaml:6:1: config: unknown key 'surprise'") != std::string::npos);
}

TEST_CASE("hook config: the token and CA come from files of their own, beside the config") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("lightpath-hook-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "token") << "lp_secret\n";
  std::ofstream(dir / "ca.pem") << "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n";
  const std::string config = (dir / "c.yaml").string();
  auto c = parse_hook_config("server: h:1\nmapping: m.yaml\ntoken_file: token\ntls_ca: ca.pem\n",
                             config);
  REQUIRE_MESSAGE(c.has_value(), c.error().message);
  CHECK(c->client.token == "lp_secret");  // the first line, without its newline
  CHECK(c->client.tls_ca.find("BEGIN CERTIFICATE") != std::string::npos);
  auto missing = parse_hook_config("server: h:1\nmapping: m.yaml\ntoken_file: nope\n", config);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("token_file: cannot read nope") != std::string::npos);
  std::filesystem::remove_all(dir);
}
