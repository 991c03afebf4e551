// The read-only web view as an operator opens it: the real lightpathd serves
// /ui/, headless Chromium runs its script against the daemon's REST API, and
// the DOM it ends with shows the circuits, switches, ports and alarms the
// daemon holds. A console line (a script error, a fetch the page's policy
// refused) fails the test.
#include <string>

#include "daemon/daemon_process.h"
#include "tests/browser.h"

using namespace lightpath;
using namespace lightpath::testing;

namespace {

const std::string kTiny = std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/tiny.yaml";
// Markup in a job id must show as text, never run.
const std::string kHostileJob = "<img src=x onerror=\"console.error('ran')\">";

struct Fixture {
  TempDir dir;
  DaemonProcess d;
  int pages = 0;

  explicit Fixture(std::vector<std::string> extra = {})
      : d{kTiny, dir.file("state.db"), dir.file(""), with_no_fsync(std::move(extra))} {}
  static std::vector<std::string> with_no_fsync(std::vector<std::string> extra) {
    extra.push_back("--no-fsync");
    return extra;
  }

  // The DOM of `view` (the part after #) once its script has run.
  // `quiet`: no console line at all (a refused API call logs its status).
  std::string open(const std::string& view, bool quiet = true) {
    const std::string work = dir.file("chromium-" + std::to_string(++pages));
    const std::string url = "http://127.0.0.1:" + std::to_string(d.http_port()) + "/ui/#" + view;
    const int status = run_chromium(url, work, "--dump-dom", work + ".html", work + ".log");
    const std::string log = read_text(work + ".log");
    INFO("view ", view, ", chromium log: ", log);
    REQUIRE(status == 0);
    if (quiet) CHECK(console_lines(log) == "");
    return read_text(work + ".html");
  }
};

bool has(const std::string& dom, const std::string& text) {
  return dom.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("the web view shows circuits, switches, ports and alarms in headless Chromium") {
  REQUIRE_MESSAGE(chromium_installed(),
                  "chromium is not installed: install it (apt-get install chromium, or make deps)");
  Fixture f;
  auto request = pair_request("web-1", "rack1", "rack2", 100);
  request.set_job_id(kHostileJob);
  request.set_tenant("vision");
  v1::RequestCircuitsResponse answer;
  REQUIRE(f.d.circuits().RequestCircuits(ctx().get(), request, &answer).ok());
  REQUIRE(answer.accepted());
  REQUIRE(answer.circuits_size() == 1);
  const auto& circuit = answer.circuits(0);
  REQUIRE(wait_state(f.d, circuit.id(), v1::ACTIVE));
  v1::DrainPortRequest drain;
  drain.set_switch_name("ocs1");
  drain.set_port(15);
  drain.set_drained(true);
  v1::DrainPortResponse drained;
  REQUIRE(f.d.fabric().DrainPort(ctx().get(), drain, &drained).ok());

  const std::string id = std::to_string(circuit.id());
  SUBCASE("the circuit list, with the job id as text") {
    const std::string dom = f.open("/circuits");
    CHECK(has(dom, "href=\"#/circuits/" + id + "\""));
    CHECK(has(dom, "<td class=\"state-ACTIVE\">ACTIVE</td>"));
    CHECK(has(dom, "ACTIVE 1"));  // the summary by state
    CHECK(has(dom, "&lt;img src=x"));
    CHECK_FALSE(has(dom, "<img"));
    const auto& hop = circuit.hops(0);
    CHECK(has(dom, "ocs1:" + std::to_string(hop.in_port()) + "→" + std::to_string(hop.out_port())));
    CHECK(has(dom, "1 circuit · updated"));
  }
  SUBCASE("the circuit list in pages, by id") {
    std::vector<std::string> ids{id};
    for (const char* r : {"web-2", "web-3"}) {
      v1::RequestCircuitsResponse more;
      REQUIRE(f.d.circuits()
                  .RequestCircuits(ctx().get(), pair_request(r, "rack3", "rack4", 100), &more)
                  .ok());
      REQUIRE(more.circuits_size() == 1);
      ids.push_back(std::to_string(more.circuits(0).id()));
    }
    const auto link = [](const std::string& c) { return "href=\"#/circuits/" + c + "\""; };
    const std::string first = f.open("/circuits?limit=2");
    CHECK(has(first, "Showing 2 of 3 circuits, by id."));
    CHECK(has(first, link(ids[0])));
    CHECK(has(first, link(ids[1])));
    CHECK_FALSE(has(first, link(ids[2])));
    CHECK(has(first, "href=\"#/circuits?limit=2&amp;after=" + ids[1] + "\">next page »</a>"));
    CHECK_FALSE(has(first, "first page"));
    const std::string next = f.open("/circuits?limit=2&after=" + ids[1]);
    CHECK(has(next, "Showing 1 of 3 circuits, by id."));
    CHECK(has(next, link(ids[2])));
    CHECK_FALSE(has(next, link(ids[0])));
    CHECK(has(next, "href=\"#/circuits?limit=2\">« first page</a>"));
    CHECK_FALSE(has(next, "next page"));
    // One page holds them all: no pager.
    CHECK_FALSE(has(f.open("/circuits"), "Showing"));
  }
  SUBCASE("a filter the list has nothing for") {
    const std::string dom = f.open("/circuits?state=FAILED");
    CHECK(has(dom, "No circuits match."));
    CHECK(has(dom, "<option value=\"FAILED\" selected"));
  }
  SUBCASE("one circuit, with its cross-connect") {
    const std::string dom = f.open("/circuits/" + id);
    CHECK(has(dom, "Circuit " + id));
    CHECK(has(dom, "<dd>vision</dd>"));
    CHECK(has(dom, "<td class=\"num\">" + std::to_string(circuit.hops(0).out_port()) + "</td>"));
    CHECK(has(dom, "href=\"#/switches/ocs1\""));
  }
  SUBCASE("switches, and the ports of one") {
    const std::string list = f.open("/switches");
    CHECK(has(list, "href=\"#/switches/ocs1\""));
    CHECK(has(list, "<td class=\"yes\">yes</td>"));
    const std::string ports = f.open("/switches/ocs1");
    CHECK(has(ports, "Ports of ocs1"));
    CHECK(has(ports, "rack1/gpu-nic/0"));
    CHECK(has(ports, "<td>connected</td>"));
    CHECK(has(ports, "<td class=\"drained\">drained</td>"));
    CHECK(has(ports, "16 ports · updated"));
    CHECK(has(f.open("/switches/ocs1?used=1"), "2 ports · updated"));
  }
  SUBCASE("alarms") {
    CHECK(has(f.open("/alarms"), "No active alarms."));
  }
  SUBCASE("a switch the daemon does not have: the API's refusal, named") {
    const std::string dom = f.open("/switches/ocs9", /*quiet=*/false);
    CHECK(has(dom, "class=\"error\""));
    CHECK(has(dom, "NOT_FOUND"));
  }
}

TEST_CASE("the web view asks for a token when the daemon has a token file") {
  REQUIRE_MESSAGE(chromium_installed(),
                  "chromium is not installed: install it (apt-get install chromium, or make deps)");
  TempDir tokens;
  std::ofstream(tokens.file("tokens.yaml"))
      << "lightpath_tokens: 1\ntokens:\n  - {name: noc, role: viewer, sha256: "
      << sha256("tok-web-viewer") << "}\n";
  Fixture f({"--auth-tokens", tokens.file("tokens.yaml")});
  // The page itself is served; its first API call is refused, and it says so.
  const std::string dom = f.open("/circuits", /*quiet=*/false);
  CHECK(has(dom, "<form id=\"token-form\">"));  // no longer hidden
  CHECK(has(dom, "asks for a bearer token"));
  CHECK(has(dom, "UNAUTHENTICATED"));
  CHECK_FALSE(has(dom, "No circuits match."));
}
