// write_run, write_comparison and comparison_table on hand-built runs: the
// files, their columns and numbers, determinism, escaping, empty inputs and
// failures to write.

#include <doctest/doctest.h>

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <regex>

#include "simulator/report/report_files.h"
#include "tests/report/report_test_util.h"

namespace lightpath::report {
namespace {

using test::read_file;
using test::sample_run;
using test::TempDir;
namespace fs = std::filesystem;
using nlohmann::json;

const char* const kRunFiles[] = {"summary.json", "jobs.csv",        "iterations.csv",
                                 "circuits.csv", "utilization.csv", "report.html"};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool has_non_number(const std::string& text) {
  static const std::regex bad(R"(\b-?(nan|inf)\b)", std::regex::icase);
  return std::regex_search(text, bad);
}

TEST_CASE("write_run writes every file with its columns and rows") {
  TempDir tmp;
  const auto dir = tmp.path() / "new" / "run";
  REQUIRE(write_run(sample_run("on-demand"), dir));
  for (const char* name : kRunFiles) CHECK_MESSAGE(fs::exists(dir / name), name);

  CHECK(
      read_file(dir / "jobs.csv") ==
      "job,gpus,arrival_s,started_s,wait_s,finished,finished_s,completion_s,iterations,"
      "mean_iteration_s,circuits_granted,circuits_refused\n"
      "job-a,8,0.000000000,0.001000000,0.001000000,1,0.301000000,0.301000000,3,0.100000000,2,0\n"
      "job-b,8,0.050000000,0.060000000,0.010000000,1,0.460000000,0.410000000,2,0.200000000,0,1\n");
  CHECK(read_file(dir / "iterations.csv") ==
        "job,iteration,duration_s\njob-a,1,0.100000000\njob-a,2,0.100000000\n"
        "job-a,3,0.100000000\njob-b,1,0.200000000\njob-b,2,0.200000000\n");
  CHECK(read_file(dir / "circuits.csv") ==
        "circuit,job,a,b,gbps,requested_s,active_s,released_s,dark_s,end_state\n"
        "1,job-a,gpu0,gpu1,400.000,0.000000000,0.001000000,0.301000000,0.001000000,RELEASED\n"
        "2,job-b,gpu2,gpu3,400.000,0.050000000,,,,FAILED\n");
  CHECK(read_file(dir / "utilization.csv") ==
        "at_s,packet_utilization,circuit_utilization,circuits_up\n"
        "0.100000000,0.000000,0.500000,1\n0.200000000,0.250000,0.500000,2\n"
        "0.300000000,0.500000,0.500000,1\n0.400000000,0.750000,0.500000,2\n");
}

TEST_CASE("summary.json parses and holds the run's numbers in nanoseconds") {
  TempDir tmp;
  REQUIRE(write_run(sample_run("on-demand"), tmp.path()));
  const json s = json::parse(read_file(tmp.path() / "summary.json"));
  CHECK(s["policy"] == "on-demand");
  CHECK(s["seed"] == 7);
  CHECK(s["makespan_ns"] == 460'000'000);
  CHECK(s["jobs_total"] == 2);
  CHECK(s["jobs_finished"] == 2);
  CHECK(s["mean_completion_ns"] == 355'500'000);  // (301 + 410) / 2 ms
  CHECK(s["iterations"]["count"] == 5);
  CHECK(s["iterations"]["mean_ns"] == 140'000'000);
  CHECK(s["iterations"]["p50_ns"] == 100'000'000);
  CHECK(s["iterations"]["p99_ns"] == 200'000'000);
  CHECK(s["reconfigurations"] == 4);
  CHECK(s["dark_time_ns"] == 1'000'000);
  CHECK(s["circuits"]["requested"] == 2);
  CHECK(s["circuits"]["granted"] == 2);
  CHECK(s["circuits"]["refused"] == 1);
  CHECK(s["utilization"]["mean_packet"] == doctest::Approx(0.375));
  CHECK(s["utilization"]["peak_circuits_up"] == 2);
  CHECK(s["jobs"][1]["id"] == "job-b");
  CHECK(s["jobs"][1]["completion_ns"] == 410'000'000);
}

TEST_CASE("the same run gives byte-identical files") {
  TempDir tmp;
  const RunResult run = sample_run("on-demand");
  REQUIRE(write_run(run, tmp.path() / "one"));
  REQUIRE(write_run(run, tmp.path() / "two"));
  for (const char* name : kRunFiles) {
    CHECK_MESSAGE(read_file(tmp.path() / "one" / name) == read_file(tmp.path() / "two" / name),
                  name);
  }
  const std::vector<RunResult> runs = {sample_run("static"), sample_run("on-demand", 2)};
  REQUIRE(write_comparison(runs, tmp.path() / "cmp1"));
  REQUIRE(write_comparison(runs, tmp.path() / "cmp2"));
  for (const char* name : {"summary.json", "report.html", "static/report.html"}) {
    CHECK_MESSAGE(read_file(tmp.path() / "cmp1" / name) == read_file(tmp.path() / "cmp2" / name),
                  name);
  }
}

TEST_CASE("text from user files is escaped in HTML and quoted in CSV") {
  TempDir tmp;
  RunResult run = sample_run("on-demand");
  run.jobs[0].id = "<script>alert(1)</script>";
  run.jobs[1].id = "b,\"quoted\"";
  run.trace = "<img src=x>";
  REQUIRE(write_run(run, tmp.path()));
  const std::string html = read_file(tmp.path() / "report.html");
  CHECK_FALSE(contains(html, "<script"));
  CHECK_FALSE(contains(html, "<img"));
  CHECK(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK(contains(read_file(tmp.path() / "jobs.csv"), "\n\"b,\"\"quoted\"\"\",8,"));
  const json s = json::parse(read_file(tmp.path() / "summary.json"));
  CHECK(s["jobs"][0]["id"] == "<script>alert(1)</script>");
}

TEST_CASE("an empty run writes headers only and no NaN") {
  TempDir tmp;
  REQUIRE(write_run(RunResult{}, tmp.path()));
  CHECK(read_file(tmp.path() / "jobs.csv").find('\n') + 1 ==
        read_file(tmp.path() / "jobs.csv").size());
  CHECK(read_file(tmp.path() / "circuits.csv").starts_with("circuit,job,"));
  CHECK(read_file(tmp.path() / "utilization.csv") ==
        "at_s,packet_utilization,circuit_utilization,circuits_up\n");
  const json s = json::parse(read_file(tmp.path() / "summary.json"));
  CHECK(s["mean_completion_ns"].is_null());
  CHECK(s["iterations"]["mean_ns"] == 0);
  for (const char* name : kRunFiles) CHECK_FALSE(has_non_number(read_file(tmp.path() / name)));
  CHECK(contains(read_file(tmp.path() / "report.html"), "no data"));
}

TEST_CASE("a job that never finished has no completion time") {
  TempDir tmp;
  RunResult run = sample_run("on-demand");
  run.jobs[1].finished = Duration{};
  run.jobs[1].iterations.clear();
  run.utilization[2].packet = std::numeric_limits<double>::quiet_NaN();
  REQUIRE(write_run(run, tmp.path()));
  CHECK(contains(read_file(tmp.path() / "jobs.csv"),
                 "\njob-b,8,0.050000000,0.060000000,0.010000000,0,,,0,,0,1\n"));
  const json s = json::parse(read_file(tmp.path() / "summary.json"));
  CHECK(s["jobs"][1]["completion_ns"].is_null());
  CHECK(s["jobs_finished"] == 1);
  CHECK(s["mean_completion_ns"] == 301'000'000);
  CHECK(contains(read_file(tmp.path() / "report.html"), "not finished"));
  for (const char* name : kRunFiles) CHECK_FALSE(has_non_number(read_file(tmp.path() / name)));
}

TEST_CASE("a folder that cannot be written gives an error naming it") {
  TempDir tmp;
  const auto file = tmp.path() / "plain-file";
  { std::ofstream(file) << "x"; }
  const auto under_file = write_run(sample_run("static"), file / "run");
  REQUIRE_FALSE(under_file);
  CHECK(contains(under_file.error().message, (file / "run").string()));

  // Running as root ignores permissions, so block one file with a folder of its name.
  fs::create_directories(tmp.path() / "blocked" / "jobs.csv");
  const auto blocked = write_run(sample_run("static"), tmp.path() / "blocked");
  REQUIRE_FALSE(blocked);
  CHECK(contains(blocked.error().message, (tmp.path() / "blocked" / "jobs.csv").string()));

  const auto cmp = write_comparison({sample_run("static")}, file);
  REQUIRE_FALSE(cmp);
  CHECK(contains(cmp.error().message, file.string()));
}

TEST_CASE("write_comparison writes each run in its own folder and a summary of all") {
  TempDir tmp;
  const std::vector<RunResult> runs = {sample_run("packet-only", 3), sample_run("on-demand"),
                                       sample_run("on-demand", 2), sample_run("../x")};
  REQUIRE(write_comparison(runs, tmp.path()));
  for (const char* sub : {"packet-only", "on-demand", "on-demand-2", ".._x"}) {
    for (const char* name : kRunFiles)
      CHECK_MESSAGE(fs::exists(tmp.path() / sub / name), sub, name);
  }
  const json s = json::parse(read_file(tmp.path() / "summary.json"));
  REQUIRE(s["policies"].size() == 4);
  CHECK(s["policies"][0]["policy"] == "packet-only");
  CHECK(s["policies"][0]["dir"] == "packet-only");
  CHECK(s["policies"][0]["makespan_ns"] == 1'380'000'000);
  CHECK(s["policies"][2]["dir"] == "on-demand-2");
  CHECK(s["policies"][1]["jobs"][0]["completion_ns"] == 301'000'000);
  const std::string html = read_file(tmp.path() / "report.html");
  CHECK(contains(html, "<a href=\"on-demand-2/report.html\">on-demand</a>"));
  CHECK(contains(html, "Reconfigurations"));
  CHECK(contains(html, "Dark time"));
}

TEST_CASE("write_comparison of no runs still writes a summary and a page") {
  TempDir tmp;
  REQUIRE(write_comparison({}, tmp.path()));
  CHECK(json::parse(read_file(tmp.path() / "summary.json"))["policies"].empty());
  CHECK_FALSE(has_non_number(read_file(tmp.path() / "report.html")));
}

TEST_CASE("comparison_table lines up one row per policy") {
  RunResult empty;
  empty.policy = "packet-only";
  CHECK(comparison_table({sample_run("on-demand"), empty}) ==
        "policy       makespan s  mean JCT s  mean iteration ms  reconfigurations  dark time s\n"
        "on-demand      0.460000    0.355500            140.000                 4     0.001000\n"
        "packet-only    0.000000         n/a              0.000                 0     0.000000\n");
  CHECK(comparison_table({}).starts_with("policy  makespan s"));
}

}  // namespace
}  // namespace lightpath::report
