// The trace reader: a valid file reads back exactly; every kind of bad input
// is reported with its line (and field), all of them in one pass.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "controller/topology/topology_loader.h"
#include "simulator/trace/trace_check.h"
#include "simulator/trace/trace_writer.h"
#include "trace_test_util.h"

using namespace lightpath;
using namespace lightpath::testing;

TEST_CASE("a valid trace reads into the model and writes back byte for byte") {
  const auto lines = small_trace_lines();
  auto r = read_lines(lines);
  REQUIRE_MESSAGE(r, all_errors(r));
  REQUIRE(r->jobs.size() == 1);
  const auto& job = r->jobs[0];
  CHECK(job.iterations == 2);
  CHECK(job.gpus.size() == 2);
  CHECK(job.gpus[1].endpoint == "rack2");
  REQUIRE(job.ops.size() == 2);
  CHECK(job.ops[0].duration == Duration::us(1));
  CHECK(job.ops[1].kind == trace::OpKind::kAllReduce);
  CHECK(job.ops[1].bytes == Bytes(4096));
  CHECK(job.ops[1].deps == std::vector<std::size_t>{0});
  CHECK(job.ops[1].line == 7);
  CHECK(trace::write_trace(*r) == join_lines(lines));
}

TEST_CASE("blank lines and CRLF endings are accepted and keep line numbers") {
  auto lines = small_trace_lines();
  lines.insert(lines.begin() + 2, "");
  std::string text;
  for (const auto& l : lines) text += l + "\r\n";
  auto r = trace::read_trace_text(text, "t.jsonl");
  REQUIRE_MESSAGE(r, all_errors(r));
  CHECK(r->jobs[0].ops[1].line == 8);
}

TEST_CASE("a missing field names the field and the line") {
  auto lines = small_trace_lines();
  lines[5] = R"({"type":"op","job":"j","id":"c","kind":"compute","duration_ns":1000})";
  auto r = read_lines(lines);
  CHECK(has_error(r, 6, "op 'c': missing field 'group'"));
}

TEST_CASE("an unknown field is an error at its column") {
  auto lines = small_trace_lines();
  lines[1] = R"({"type":"job","id":"j","arrival_ms":0,"iterations":2})";
  auto r = read_lines(lines);
  REQUIRE(has_error(r, 2, "unknown field 'arrival_ms'"));
  CHECK(has_error(r, 2, "missing field 'arrival_ns'"));
  CHECK(all_errors(r).find("t.jsonl:2:24: job 'j': unknown field 'arrival_ms'") !=
        std::string::npos);
}

TEST_CASE("a field that does not belong to the op's kind is unknown for that kind") {
  auto lines = small_trace_lines();
  lines[6] =
      R"({"type":"op","job":"j","id":"ar","kind":"all_reduce","group":"all","bytes":1,"duration_ns":5})";
  CHECK(has_error(read_lines(lines), 7, "unknown field 'duration_ns' for kind 'all_reduce'"));
}

TEST_CASE("an unknown GPU in a group is an error on the group's line") {
  auto lines = small_trace_lines();
  lines[4] = R"({"type":"group","job":"j","id":"all","members":[[0,1,7]]})";
  auto r = read_lines(lines);
  CHECK(has_error(r, 5, "names unknown GPU 7"));
  // The ops over the bad group are not reported again as naming an unknown group.
  CHECK(!has_error(r, 6, "unknown group"));
}

TEST_CASE("a GPU twice in one group is an error") {
  auto lines = small_trace_lines();
  lines[4] = R"({"type":"group","job":"j","id":"all","members":[[0],[1,0]]})";
  CHECK(has_error(read_lines(lines), 5, "names GPU 0 twice"));
}

TEST_CASE("a negative size or duration is an error naming the value") {
  auto lines = small_trace_lines();
  lines[5] = R"({"type":"op","job":"j","id":"c","kind":"compute","group":"all","duration_ns":-1})";
  lines[6] =
      R"({"type":"op","job":"j","id":"ar","kind":"all_reduce","group":"all","bytes":-5,"deps":["c"]})";
  auto r = read_lines(lines);
  CHECK(has_error(r, 6, "field 'duration_ns' must not be negative, got -1"));
  CHECK(has_error(r, 7, "field 'bytes' must not be negative, got -5"));
}

TEST_CASE("sizes must be whole numbers, not decimals or strings") {
  auto lines = small_trace_lines();
  lines[6] = R"({"type":"op","job":"j","id":"ar","kind":"all_reduce","group":"all","bytes":1.5})";
  CHECK(has_error(read_lines(lines), 7, "field 'bytes' must be an integer, got a decimal number"));
  lines[6] = R"({"type":"op","job":"j","id":"ar","kind":"all_reduce","group":"all","bytes":"1"})";
  CHECK(has_error(read_lines(lines), 7, "field 'bytes' must be an integer, got a string"));
}

TEST_CASE("a dependency on an unknown op is an error on the dependent op's line") {
  auto lines = small_trace_lines();
  lines[6] =
      R"({"type":"op","job":"j","id":"ar","kind":"all_reduce","group":"all","bytes":1,"deps":["nope"]})";
  CHECK(has_error(read_lines(lines), 7, "field 'deps' names unknown op 'nope'"));
}

TEST_CASE("dependencies may name later ops, but not in a cycle") {
  auto lines = small_trace_lines();
  lines[5] =
      R"({"type":"op","job":"j","id":"c","kind":"compute","group":"all","duration_ns":1,"deps":["ar"]})";
  auto r = read_lines(lines);
  CHECK(has_error(r, 6,
                  "dependencies form a cycle (each op depends on the next): 'c' -> 'ar' -> 'c'"));
  lines[5] =
      R"({"type":"op","job":"j","id":"c","kind":"compute","group":"all","duration_ns":1,"deps":["c"]})";
  lines[6] = R"({"type":"op","job":"j","id":"ar","kind":"all_reduce","group":"all","bytes":1})";
  CHECK(has_error(read_lines(lines), 6, "cycle (each op depends on the next): 'c' -> 'c'"));
}

TEST_CASE("a forward dependency without a cycle is fine") {
  auto lines = small_trace_lines();
  lines[5] = R"({"type":"op","job":"j","id":"c","kind":"compute","group":"all","duration_ns":1})";
  lines[6] =
      R"({"type":"op","job":"j","id":"ar","kind":"all_reduce","group":"all","bytes":1,"deps":["c2"]})";
  lines.push_back(
      R"({"type":"op","job":"j","id":"c2","kind":"compute","group":"all","duration_ns":1,"deps":["c"]})");
  auto r = read_lines(lines);
  REQUIRE_MESSAGE(r, all_errors(r));
  auto order = trace::topological_order(r->jobs[0]);
  REQUIRE(order);
  CHECK(*order == std::vector<std::size_t>{0, 2, 1});
}

TEST_CASE("unknown names: job, group, kind, record type") {
  auto lines = small_trace_lines();
  lines[2] = R"({"type":"gpu","job":"k","gpu":0,"endpoint":"rack1","port_group":"gpu-nic"})";
  lines[5] =
      R"({"type":"op","job":"j","id":"c","kind":"compute","group":"everyone","duration_ns":1})";
  lines[6] = R"({"type":"op","job":"j","id":"ar","kind":"allreduce","group":"all","bytes":1})";
  lines.push_back(R"({"type":"phase","job":"j"})");
  auto r = read_lines(lines);
  CHECK(has_error(r, 3, "names unknown job 'k'"));
  CHECK(has_error(r, 5, "names unknown GPU 0"));  // GPU 0 was not placed
  CHECK(has_error(r, 6, "names unknown group 'everyone'"));
  CHECK(has_error(r, 7, "'allreduce' is not an op kind"));
  CHECK(has_error(r, 8, "'phase' is not a record type"));
}

TEST_CASE("repeated ids are errors") {
  auto lines = small_trace_lines();
  lines.push_back(
      R"({"type":"op","job":"j","id":"c","kind":"compute","group":"all","duration_ns":1})");
  lines.push_back(R"({"type":"gpu","job":"j","gpu":1,"endpoint":"rack1","port_group":"gpu-nic"})");
  lines.push_back(R"({"type":"job","id":"j","arrival_ns":0,"iterations":1})");
  auto r = read_lines(lines);
  CHECK(has_error(r, 8, "repeats op 'c'"));
  CHECK(has_error(r, 9, "repeats GPU 1"));
  CHECK(has_error(r, 10, "repeats job 'j'"));
}

TEST_CASE("invalid JSON is reported at its line and column") {
  auto lines = small_trace_lines();
  lines[3] = R"({"type":"gpu","job":"j",)";
  auto r = read_lines(lines);
  CHECK(has_error(r, 4, "invalid JSON"));
  CHECK(all_errors(r).find("t.jsonl:4:") != std::string::npos);
}

TEST_CASE("the header comes first, once, with a supported version") {
  auto lines = small_trace_lines();
  lines[0] = R"({"type":"trace","version":2,"name":"small"})";
  CHECK(has_error(read_lines(lines), 1, "field 'version' is 2"));
  auto no_header = small_trace_lines();
  no_header.erase(no_header.begin());
  CHECK(has_error(read_lines(no_header), 1, "the first record must be the trace header"));
  auto twice = small_trace_lines();
  twice.push_back(twice[0]);
  CHECK(has_error(read_lines(twice), 8, "a second trace header"));
  CHECK(has_error(trace::read_trace_text("", "t.jsonl"), 0, "no trace header"));
}

TEST_CASE("a send needs pairs, and a broadcast root inside every member") {
  auto lines = small_trace_lines();
  lines.push_back(R"({"type":"group","job":"j","id":"singles","members":[[0],[1]]})");
  lines.push_back(R"({"type":"op","job":"j","id":"s","kind":"send","group":"singles","bytes":8})");
  lines.push_back(
      R"({"type":"op","job":"j","id":"b","kind":"broadcast","group":"all","bytes":8,"root":2})");
  lines.push_back(R"({"type":"op","job":"j","id":"p","kind":"send","group":"all","bytes":8})");
  auto r = read_lines(lines);
  CHECK(has_error(r, 9, "a send needs [source, destination] pairs"));
  CHECK(has_error(r, 10, "field 'root' is 2"));
  CHECK(!has_error(r, 11, ""));  // [0, 1] is a pair
}

TEST_CASE("a job needs iterations, GPUs and ops") {
  auto r = read_lines({R"({"type":"trace","version":1,"name":"x"})",
                       R"({"type":"job","id":"j","arrival_ns":0,"iterations":0})",
                       R"({"type":"job","id":"k","arrival_ns":0,"iterations":1})"});
  CHECK(has_error(r, 2, "field 'iterations' must be at least 1"));
  CHECK(has_error(r, 3, "job 'k': has no GPUs"));
  CHECK(has_error(r, 3, "job 'k': has no ops"));
}

TEST_CASE("every error of a file is reported in one pass, in line order") {
  auto lines = small_trace_lines();
  lines[1] = R"({"type":"job","id":"j","arrival_ns":-3,"iterations":2})";
  lines[1] = R"({"type":"job","id":"j","arrival_ns":0,"iterations":2,"x":1})";
  lines[3] = R"({"type":"gpu","job":"j","gpu":1,"endpoint":"rack2"})";
  lines[6] = R"({"type":"op","job":"j","id":"ar","kind":"all_reduce","group":"all","bytes":-1})";
  auto r = read_lines(lines);
  REQUIRE(!r);
  REQUIRE(r.error().size() >= 3);
  CHECK(r.error()[0].line == 2);
  CHECK(r.error()[1].line == 4);
  CHECK(has_error(r, 4, "missing field 'port_group'"));
  // GPU 1 is known though its record is bad: the group is not blamed for it.
  CHECK(!has_error(r, 5, "unknown GPU"));
  CHECK(has_error(r, 7, "must not be negative"));
}

TEST_CASE("past 200 errors the rest are counted, not listed") {
  auto lines = small_trace_lines();
  for (int i = 0; i < 250; ++i) lines.push_back(R"({"type":"bogus"})");
  auto r = read_lines(lines);
  REQUIRE(!r);
  CHECK(r.error().size() == 201);
  CHECK(r.error().back().message == "50 more errors not shown");
}

TEST_CASE("placement is checked against the fabric: endpoint, port group, topology name") {
  auto fabric = topology::load_topology_file(LIGHTPATH_SOURCE_DIR "/topologies/tiny.yaml");
  REQUIRE(fabric);
  auto good = read_lines(small_trace_lines());
  REQUIRE(good);
  CHECK(trace::check_placement(*good, *fabric, "t.jsonl").empty());

  auto lines = small_trace_lines();
  lines[2] = R"({"type":"gpu","job":"j","gpu":0,"endpoint":"rack9","port_group":"gpu-nic"})";
  lines[3] = R"({"type":"gpu","job":"j","gpu":1,"endpoint":"rack2","port_group":"mgmt"})";
  auto bad = read_lines(lines);
  REQUIRE(bad);
  auto diags = trace::check_placement(*bad, *fabric, "t.jsonl");
  REQUIRE(diags.size() == 2);
  CHECK(diags[0].to_string() ==
        "t.jsonl:3:1: job 'j': GPU 0: endpoint 'rack9' is not in topology 'tiny'");
  CHECK(diags[1].to_string() ==
        "t.jsonl:4:1: job 'j': GPU 1: endpoint 'rack2' has no port group 'mgmt'");

  good->topology = "other";
  diags = trace::check_placement(*good, *fabric, "t.jsonl");
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].message == "trace was placed on topology 'other', not 'tiny'");
}

TEST_CASE("a number too large for a double is an error, not a crash (fuzz finding)") {
  // fuzz/regressions/trace/number-overflow: nlohmann::json throws
  // out_of_range (not parse_error) for "5E604000", and the reader let it escape.
  auto lines = small_trace_lines();
  lines[5] =
      R"({"type":"op","job":"j","id":"c","kind":"compute","group":"all","duration_ns":5E604000})";
  auto r = read_lines(lines);
  CHECK_MESSAGE(has_error(r, 6, "invalid JSON: number overflow parsing '5E604000'"), all_errors(r));
  // The rest of the file is still read, as after a syntax error.
  CHECK(has_error(r, 7, "names unknown op 'c'"));
}

TEST_CASE("inputs that once crashed the trace fuzz target read or are refused") {
  int seen = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(LIGHTPATH_SOURCE_DIR "/fuzz/regressions/trace")) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CAPTURE(entry.path().filename().string());
    auto r = trace::read_trace_text(text, "fuzz.jsonl");
    if (!r) CHECK_FALSE(r.error().empty());
    ++seen;
  }
  CHECK(seen > 0);
}
