// Chakra execution traces: the generator's traces survive a trip through
// Chakra files (same collectives, sizes, groups and compute per GPU); the
// shipped sample imports; malformed rank files are reported, not guessed at.

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "controller/topology/topology_loader.h"
#include "simulator/trace/chakra_io.h"
#include "simulator/trace/chakra_reader.h"
#include "simulator/trace/chakra_writer.h"
#include "simulator/trace/generator.h"
#include "simulator/trace/placement.h"
#include "simulator/trace/trace_reader.h"
#include "simulator/trace/trace_writer.h"
#include "trace_test_util.h"

using namespace lightpath;
using namespace lightpath::trace;
namespace fs = std::filesystem;

namespace {

Fabric tiny() {
  auto f = topology::load_topology_file(LIGHTPATH_SOURCE_DIR "/topologies/tiny.yaml");
  REQUIRE(f);
  return std::move(*f);
}

// A fresh directory under the system temp dir, removed at scope exit.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() /
             ("lightpath-chakra-" + std::to_string(getpid()) + "-" + name)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

// What the network sees of one iteration: every collective or send instance
// as (kind, bytes, GPUs), and the compute time of each GPU.
struct Traffic {
  std::multiset<std::tuple<OpKind, std::int64_t, std::vector<int>>> comms;
  std::map<int, std::int64_t> compute_ns;
  bool operator==(const Traffic&) const = default;
};
Traffic traffic(const Job& job) {
  Traffic t;
  for (const auto& op : job.ops) {
    for (auto member : job.groups[op.group].members) {
      if (op.kind == OpKind::kCompute) {
        for (int g : member) t.compute_ns[g] += op.duration.count_ns();
        continue;
      }
      if (op.kind != OpKind::kSend) std::sort(member.begin(), member.end());
      t.comms.insert({op.kind, op.bytes.count(), member});
    }
  }
  return t;
}

ChakraImport round_trip(const Trace& t, const std::string& name) {
  TempDir dir(name);
  auto files = write_chakra(t.jobs[0], t.name, dir.path.string());
  REQUIRE_MESSAGE(files, files.error());
  CHECK(*files == static_cast<int>(t.jobs[0].gpus.size()));
  auto found = chakra::find_rank_files(dir.path.string());
  REQUIRE_MESSAGE(found, found.error());
  auto imported = import_chakra(*found, {});
  REQUIRE(imported);
  return std::move(*imported);
}

void check_same_traffic(const Trace& made, const ChakraImport& imported) {
  const auto& a = made.jobs[0];
  const auto& b = imported.trace.jobs[0];
  CHECK(b.id == a.id);
  CHECK(b.iterations == a.iterations);
  CHECK(b.gpus.size() == a.gpus.size());
  CHECK(traffic(b) == traffic(a));
  CHECK(imported.trace.name == made.name);
  // The imported job is a valid trace once placed.
  Trace placed = imported.trace;
  Placer placer(tiny(), {});
  auto gpus = placer.take(static_cast<int>(b.gpus.size()));
  REQUIRE(gpus);
  placed.jobs[0].gpus = std::move(*gpus);
  auto text = write_trace(placed);
  auto back = read_trace_text(text, "imported.jsonl");
  CHECK_MESSAGE(back, testing::all_errors(back));
}

// Writes a rank file from hand-made messages, for the malformed cases.
void write_rank(const fs::path& path, const std::vector<ChakraProtoMsg::Node>& nodes) {
  std::ofstream out(path, std::ios::binary);
  ChakraProtoMsg::GlobalMetadata meta;
  meta.set_version("0.0.4");
  chakra::write_message(out, meta);
  for (const auto& n : nodes) chakra::write_message(out, n);
}
ChakraProtoMsg::Node make_node(std::uint64_t id, ChakraProtoMsg::NodeType type,
                               std::vector<std::uint64_t> deps = {}) {
  ChakraProtoMsg::Node n;
  n.set_id(id);
  n.set_name("n" + std::to_string(id));
  n.set_type(type);
  for (auto d : deps) n.add_data_deps(d);
  return n;
}
void set_int(ChakraProtoMsg::Node& n, const char* name, std::int64_t v) {
  auto* a = n.add_attr();
  a->set_name(name);
  a->set_uint64_val(static_cast<std::uint64_t>(v));  // as some writers do
}
std::string errors_of(const std::vector<std::string>& files) {
  auto r = import_chakra(files, {});
  REQUIRE(!r);
  std::string s;
  for (const auto& d : r.error()) s += d.to_string() + "\n";
  return s;
}

}  // namespace

TEST_CASE("gen -> chakra -> import keeps every collective, size, group and compute time") {
  const auto fabric = tiny();
  SUBCASE("data parallel, bucketed") {
    GenOptions o;
    o.gpus = 8;
    o.iterations = 5;
    o.dp.params = 10'000'001;
    auto t = generate(fabric, o);
    REQUIRE(t);
    check_same_traffic(*t, round_trip(*t, "dp"));
  }
  SUBCASE("data parallel, sharded") {
    GenOptions o;
    o.gpus = 4;
    o.dp = {.params = 1'000'000, .buckets = 3, .sharded = true};
    auto t = generate(fabric, o);
    REQUIRE(t);
    check_same_traffic(*t, round_trip(*t, "zero"));
  }
  SUBCASE("GPT-style TP+PP+DP with pipeline sends") {
    GenOptions o;
    o.layout = Layout::kGpt;
    o.gpus = 0;
    o.gpt = {.tp = 2, .pp = 2, .dp = 4, .layers = 4, .hidden = 512, .seq = 256, .microbatches = 3};
    auto t = generate(fabric, o);
    REQUIRE(t);
    check_same_traffic(*t, round_trip(*t, "gpt"));
  }
  SUBCASE("mixture of experts with two EP groups") {
    GenOptions o;
    o.layout = Layout::kMoe;
    o.gpus = 8;
    o.moe = {.ep = 4, .layers = 2, .hidden = 256, .tokens = 512};
    auto t = generate(fabric, o);
    REQUIRE(t);
    check_same_traffic(*t, round_trip(*t, "moe"));
  }
}

TEST_CASE("the shipped Chakra sample imports to the generator's collectives") {
  // tests/data/chakra was written by:
  //   lightpath-sim gen --topology topologies/tiny.yaml --layout gpt --tp 2 --pp 2 --dp 2
  //     --layers 2 --hidden 256 --seq 128 --microbatches 2 --iterations 3 --name gpt-small
  //     --format chakra --out tests/data/chakra
  GenOptions o;
  o.layout = Layout::kGpt;
  o.gpus = 0;
  o.iterations = 3;
  o.name = "gpt-small";
  o.gpt = {.tp = 2, .pp = 2, .dp = 2, .layers = 2, .hidden = 256, .seq = 128, .microbatches = 2};
  auto made = generate(tiny(), o);
  REQUIRE(made);
  for (const char* where : {"tests/data/chakra", "tests/data/chakra/gpt-small"}) {
    auto files = chakra::find_rank_files(std::string(LIGHTPATH_SOURCE_DIR "/") + where);
    REQUIRE_MESSAGE(files, files.error());
    REQUIRE(files->size() == 8);
    auto imported = import_chakra(*files, {});
    REQUIRE(imported);
    check_same_traffic(*made, *imported);
    const auto t = traffic(imported->trace.jobs[0]);
    CHECK(t.comms.count({OpKind::kSend, 2LL * 128 * 256 / 2, {0, 4}}) == 2);  // 2 microbatches
  }
}

TEST_CASE("--iterations overrides the count a Chakra trace carries") {
  auto files = chakra::find_rank_files(LIGHTPATH_SOURCE_DIR "/tests/data/chakra");
  REQUIRE(files);
  auto imported = import_chakra(*files, {.iterations = 40});
  REQUIRE(imported);
  CHECK(imported->trace.jobs[0].iterations == 40);
}

TEST_CASE("malformed Chakra traces are reported with file and node") {
  TempDir dir("bad");
  const auto r0 = (dir.path / "x.0.et").string();
  const auto r1 = (dir.path / "x.1.et").string();
  using ChakraProtoMsg::COMM_COLL_NODE;
  using ChakraProtoMsg::COMM_SEND_NODE;
  using ChakraProtoMsg::COMP_NODE;

  SUBCASE("a dependency on a node the file lacks") {
    write_rank(r0, {make_node(0, COMP_NODE, {7})});
    CHECK(errors_of({r0}).find(
              "x.0.et: node 0 ('n0'): depends on node 7, which this file does not have") !=
          std::string::npos);
  }
  SUBCASE("a cycle") {
    write_rank(r0, {make_node(0, COMP_NODE, {1}), make_node(1, COMP_NODE, {0})});
    CHECK(errors_of({r0}).find("dependencies form a cycle") != std::string::npos);
  }
  SUBCASE("ranks disagreeing on a collective") {
    auto a = make_node(0, COMM_COLL_NODE);
    set_int(a, "comm_type", ChakraProtoMsg::ALL_REDUCE);
    set_int(a, "comm_size", 100);
    auto b = a;
    b.mutable_attr(1)->set_uint64_val(200);
    write_rank(r0, {a});
    write_rank(r1, {b});
    CHECK(errors_of({r0, r1}).find(
              "x.1.et: node 0 ('n0'): collective 0 of process group 'world' differs") !=
          std::string::npos);
    write_rank(r1, {});
    CHECK(errors_of({r0, r1}).find(
              "process group 'world': 0 collectives on this rank, 1 on rank 0") !=
          std::string::npos);
  }
  SUBCASE("a collective without a size, a send without a receive") {
    auto coll = make_node(0, COMM_COLL_NODE);
    set_int(coll, "comm_type", ChakraProtoMsg::ALL_TO_ALL);
    auto send = make_node(1, COMM_SEND_NODE);
    set_int(send, "comm_dst", 1);
    set_int(send, "comm_size", 64);
    write_rank(r0, {coll, send});
    write_rank(r1, {coll});
    const auto errors = errors_of({r0, r1});
    CHECK(errors.find("missing integer attribute 'comm_size'") != std::string::npos);
    CHECK(errors.find("x.0.et: node 1 ('n1'): a send with no matching receive on rank 1") !=
          std::string::npos);
  }
  SUBCASE("truncated, gzip-compressed and empty files") {
    write_rank(r0, {make_node(0, COMP_NODE)});
    fs::resize_file(r0, fs::file_size(r0) - 1);
    CHECK(errors_of({r0}).find("runs past the end of the file") != std::string::npos);
    std::ofstream(r0, std::ios::binary) << "\x1f\x8b\x08";
    CHECK(errors_of({r0}).find("gzip-compressed") != std::string::npos);
    std::ofstream(r0, std::ios::binary).close();
    CHECK(errors_of({r0}).find("no GlobalMetadata") != std::string::npos);
  }
  SUBCASE("a gap in the ranks") {
    write_rank(r0, {});
    write_rank(dir.path / "x.2.et", {});
    auto found = chakra::find_rank_files(dir.path.string());
    REQUIRE(!found);
    CHECK(found.error().find("rank 1 has no file") != std::string::npos);
  }
}

TEST_CASE("the Chakra writer refuses a dependency no rank can carry") {
  auto lines = testing::small_trace_lines();
  lines.push_back(R"({"type":"group","job":"j","id":"one","members":[[0]]})");
  lines.push_back(R"({"type":"group","job":"j","id":"two","members":[[1]]})");
  lines.push_back(
      R"({"type":"op","job":"j","id":"a","kind":"compute","group":"one","duration_ns":1})");
  lines.push_back(
      R"({"type":"op","job":"j","id":"b","kind":"compute","group":"two","duration_ns":1,"deps":["a"]})");
  auto t = testing::read_lines(lines);
  REQUIRE(t);
  TempDir dir("refuse");
  auto files = write_chakra(t->jobs[0], "x", dir.path.string());
  REQUIRE(!files);
  CHECK(files.error().find("op 'b' depends on op 'a', which runs on none of the GPUs") !=
        std::string::npos);
}
