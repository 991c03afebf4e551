// Malformed requests, request files and state files get clear errors, and the
// state given is never modified.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "controller/requests/request_file.h"
#include "solver/solver_test_util.h"

using namespace lightpath;
using namespace lightpath::solver;
using namespace lightpath::testing;

namespace {

struct BadCase {
  std::string title;
  CircuitRequest request;
  std::string reason;
  std::string needle;
};

std::vector<BadCase> bad_requests() {
  auto base = [] { return pairwise("r", {{"rack1", "rack2"}}, 100); };
  std::vector<BadCase> out;
  auto add = [&](std::string title, auto mutate, std::string reason, std::string needle) {
    CircuitRequest r = base();
    mutate(r);
    out.push_back({std::move(title), std::move(r), std::move(reason), std::move(needle)});
  };
  add("unknown endpoint", [](CircuitRequest& r) { r.destinations[0].endpoint = "rack9"; },
      "UNKNOWN_ENDPOINT", "no endpoint named 'rack9' in fabric tiny");
  add("unknown port group", [](CircuitRequest& r) { r.sources[0].port_group = "tpu"; },
      "UNKNOWN_PORT_GROUP", "endpoint rack1 has no port group 'tpu' (it has: gpu-nic)");
  add("zero bandwidth", [](CircuitRequest& r) { r.bandwidth_per_flow = DataRate(); },
      "INVALID_REQUEST", "bandwidth_per_flow must be greater than zero");
  add("negative bandwidth", [](CircuitRequest& r) { r.bandwidth_per_flow = DataRate::gbps(-5); },
      "INVALID_REQUEST", "bandwidth_per_flow must be greater than zero");
  add("bandwidth no transceiver carries", [](CircuitRequest& r) { r.bandwidth_per_flow = DataRate::gbps(900); },
      "BANDWIDTH_UNSUPPORTED", "needs 9 channels of 100 Gb/s, but rack1/gpu-nic carries at most 8");
  add("empty sources", [](CircuitRequest& r) { r.sources.clear(); r.destinations.clear(); },
      "INVALID_REQUEST", "sources must name at least one endpoint");
  add("pairwise sizes differ", [](CircuitRequest& r) { r.destinations.push_back({"rack3", "gpu-nic"}); },
      "INVALID_REQUEST", "there are 1 sources and 2 destinations");
  add("ring with destinations", [](CircuitRequest& r) { r.pattern = Pattern::kRing; },
      "INVALID_REQUEST", "pattern ring joins the sources in order");
  add("explicit pair out of range", [](CircuitRequest& r) { r.pattern = Pattern::kExplicit; r.pairs = {{0, 3}}; },
      "INVALID_REQUEST", "pair [0, 3] is out of range");
  add("flow to itself", [](CircuitRequest& r) { r.destinations[0].endpoint = "rack1"; },
      "INVALID_REQUEST", "a flow from rack1 to itself");
  add("missing request id", [](CircuitRequest& r) { r.request_id.clear(); },
      "INVALID_REQUEST", "request_id is required");
  add("non-positive latency bound", [](CircuitRequest& r) { r.latency_max = Duration(); },
      "INVALID_REQUEST", "latency_max must be greater than zero");
  return out;
}

}  // namespace

TEST_CASE("malformed requests are refused with a reason and a sentence; state untouched") {
  const Fabric f = shipped("tiny.yaml");
  const Solver s(f);
  AllocationState st(f);
  admit(s, st, pairwise("existing", {{"rack3", "rack4"}}, 400));
  const auto before = st.cross_connects();
  for (const auto& c : bad_requests()) {
    CAPTURE(c.title);
    const auto d = s.solve(st, c.request);
    REQUIRE_FALSE(d.accepted);
    CHECK(d.rejection->reason == c.reason);
    CHECK_MESSAGE(d.rejection->message.find(c.needle) != std::string::npos, d.rejection->message);
    CHECK(d.circuits.empty());
  }
  CHECK(st.circuits().size() == 1);
  CHECK(st.cross_connects() == before);
}

TEST_CASE("request files: every error named with its line") {
  const std::string text = R"(requests:
  - request_id: a
    bandwidth_per_flow_gbps: fast
    pattern: pairwise
    sources: [{rack: rack1, port_group: gpu-nic}]
  - request_id: b
    bandwidth_per_flow_gbps: 100
    flow_type: best_effort
    colour: blue
    sources: [{rack: "rack{1..", port_group: gpu-nic}]
    pairs: [[0]]
    requirements: {latency_max_us: -1}
    atomic: maybe
)";
  auto r = requests::parse_requests(text, "req.yaml");
  REQUIRE_FALSE(r);
  std::string all;
  for (const auto& d : r.error()) all += d.to_string() + "\n";
  CAPTURE(all);
  CHECK(all.find("req.yaml:3:30: request 'a': field 'bandwidth_per_flow_gbps' must be a number, got 'fast'") != std::string::npos);
  CHECK(all.find("req.yaml:8:16: request 'b': unknown flow_type 'best_effort'") != std::string::npos);
  CHECK(all.find("req.yaml:9:5: request: unknown key 'colour'") != std::string::npos);
  CHECK(all.find(":10:") != std::string::npos);
  CHECK(all.find("'{' never closed") != std::string::npos);
  CHECK(all.find("req.yaml:11:13: request 'b': each pair is [source index, destination index]") != std::string::npos);
  CHECK(all.find("latency_max_us must be greater than zero") != std::string::npos);
  CHECK(all.find("atomic must be true or false") != std::string::npos);
}

TEST_CASE("request files: JSON works too, and patterns expand endpoint names") {
  auto r = requests::parse_requests(
      R"({"requests": [{"request_id": "j", "bandwidth_per_flow_gbps": 100, "pattern": "ring",
           "sources": [{"rack": "rack{1..4}", "port_group": "gpu-nic"}],
           "requirements": {"latency_max_us": 20}, "atomic": false}]})",
      "req.json");
  REQUIRE(r);
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].sources.size() == 4);
  CHECK((*r)[0].latency_max == Duration::us(20));
  CHECK_FALSE((*r)[0].atomic);
  CHECK(requests::parse_requests("[1, 2", "x.json").error()[0].message.find("syntax error") == 0);
  CHECK_FALSE(requests::parse_requests("{}", "x.yaml"));
  CHECK(requests::load_requests("/nonexistent.yaml").error()[0].message.find("cannot open file") == 0);
}

TEST_CASE("state files round-trip, and conflicting ones are refused") {
  const Fabric f = shipped("tiny.yaml");
  const Solver s(f);
  AllocationState st(f);
  admit(s, st, pairwise("a", {{"rack1", "rack2"}}, 300));
  admit(s, st, pairwise("b", {{"rack1", "rack2"}}, 300));
  const std::string dumped = requests::state_json(st).dump();
  auto back = requests::parse_state(dumped, "state.json", f);
  REQUIRE(back);
  CHECK(back->circuits().size() == 2);
  CHECK(back->cross_connects() == st.cross_connects());
  CHECK(back->next_id() == st.next_id());

  // The same circuit twice under another id: a wavelength used twice.
  auto j = requests::state_json(st);
  auto copy = j["circuits"][0];
  copy["id"] = 77;
  j["circuits"].push_back(copy);
  auto bad = requests::parse_state(j.dump(), "state.json", f);
  REQUIRE_FALSE(bad);
  CHECK(bad.error()[0].message.find("wavelength") != std::string::npos);

  auto unknown = requests::parse_state(
      R"({"circuits": [{"id": 1, "a": "rack1/gpu-nic/0", "b": "rack9/x/0", "hops": [{"switch": "ocs7", "in": 0, "out": 1}], "wavelengths": [0], "bandwidth_gbps": 100}]})",
      "state.json", f);
  REQUIRE_FALSE(unknown);
  std::string all;
  for (const auto& d : unknown.error()) all += d.message + "\n";
  CHECK(all.find("no endpoint port 'rack9/x/0'") != std::string::npos);
  CHECK(all.find("no optical switch 'ocs7'") != std::string::npos);
}

TEST_CASE("request and state files: text that is not UTF-8 is refused (fuzz finding)") {
  // fuzz/regressions/requests/invalid-utf8-id: an endpoint name with a stray
  // 0xAE byte was read, named in the solver's rejection, and
  // `lightpathctl solve --json` died on an exception from nlohmann::json.
  auto r = requests::parse_requests(
      "- request_id: a\xAE\n"
      "  bandwidth_per_flow_gbps: 100\n"
      "  sources: [{rack: \"rack{3\xAE.4}\", port_group: gpu-nic}]\n",
      "req.yaml");
  REQUIRE_FALSE(r);
  std::string all;
  for (const auto& d : r.error()) all += d.to_string() + "\n";
  CAPTURE(all);
  CHECK(all.find("req.yaml:1:15: request: field 'request_id' is not valid UTF-8 text") !=
        std::string::npos);
  CHECK(
      all.find("req.yaml:3:20: request '': sources entry: field 'rack' is not valid UTF-8 text") !=
      std::string::npos);

  const Fabric f = shipped("tiny.yaml");
  auto s = requests::parse_state(
      "circuits:\n  - {id: 1, request_id: \"\xFF\", a: rack1/gpu-nic/0, b: rack2/gpu-nic/0,\n"
      "     hops: [{switch: ocs1, in: 0, out: 4}], wavelengths: [0], bandwidth_gbps: 100}\n",
      "state.yaml", f);
  REQUIRE_FALSE(s);
  CHECK(s.error()[0].message == "circuit: field 'request_id' is not valid UTF-8 text");
}

TEST_CASE("inputs that once crashed the requests fuzz target parse or are refused") {
  const Fabric f = shipped("tiny.yaml");
  const Solver solver(f);
  int seen = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(LIGHTPATH_SOURCE_DIR "/fuzz/regressions/requests")) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CAPTURE(entry.path().filename().string());
    if (auto state = requests::parse_state(text, "fuzz-state.yaml", f))
      CHECK_NOTHROW((void)requests::state_json(*state).dump());
    auto reqs = requests::parse_requests(text, "fuzz.yaml");
    ++seen;
    if (!reqs) continue;
    AllocationState after(f);
    for (const auto& d : solver.solve_batch_into(after, *reqs))
      CHECK_NOTHROW((void)requests::decision_json(f, d).dump());
  }
  CHECK(seen > 0);
}
