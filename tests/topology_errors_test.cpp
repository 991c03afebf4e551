// Every malformed topology is refused with a message naming the file, line
// and column, and what is wrong.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "controller/topology/fabric_report.h"
#include "topology_test_util.h"

using lightpath::testing::all_errors;
using lightpath::testing::has_error;
using lightpath::testing::kBaseTransceivers;
using lightpath::testing::load;

namespace {

// 1-based line of the first occurrence of `marker` in `text`.
int line_of(const std::string& text, const std::string& marker) {
  const auto pos = text.find(marker);
  REQUIRE_MESSAGE(pos != std::string::npos, marker);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

const std::string kRacks = R"(
endpoints:
  - name: "r{1..2}"
    port_groups: [{name: nic, ports: 2, transceiver: x8}]
optical_switches:
  - {name: s1, ports: 4}
)";

struct Case {
  std::string title;
  std::string text;
  std::string marker;  // the error is reported on the line holding this text
  std::string needle;  // and its message contains this
};

std::vector<Case> cases() {
  const std::string base = kBaseTransceivers + kRacks;
  return {
      {"YAML syntax", base + "fibers: a: b\n", "fibers:", "YAML syntax error"},
      {"root is not a mapping", "- just\n- a list\n", "- just", "must be a mapping"},
      {"unknown top-level key", base + "switchez: []\n", "switchez", "unknown key 'switchez'"},
      {"unknown key in a switch", kBaseTransceivers + "optical_switches:\n  - {name: s, ports: 4, colour: red}\n",
       "colour", "unknown key 'colour'"},
      {"missing field", kBaseTransceivers + "optical_switches:\n  - {name: s}\n", "{name: s}",
       "missing required field 'ports'"},
      {"wrong type", kBaseTransceivers + "optical_switches:\n  - {name: s, ports: many}\n", "many",
       "must be an integer, got 'many'"},
      {"zero ports", kBaseTransceivers + "optical_switches:\n  - {name: s, ports: 0}\n", "ports: 0",
       "must be between 1 and"},
      {"negative fiber length", base + "fibers:\n  - {a: r1/nic/0, b: s1/0, length_m: -5}\n",
       "length_m: -5", "'length_m' must be greater than zero"},
      {"zero fiber length", base + "fibers:\n  - {a: r1/nic/0, b: s1/0, length_m: 0}\n",
       "length_m: 0", "'length_m' must be greater than zero"},
      {"fiber to a port that does not exist",
       base + "fibers:\n  - {a: r1/nic/7, b: s1/0, length_m: 5}\n", "r1/nic/7",
       "port '7' does not exist"},
      {"fiber to an unknown port group",
       base + "fibers:\n  - {a: r1/gpu/0, b: s1/0, length_m: 5}\n", "r1/gpu/0",
       "has no port group 'gpu'"},
      {"fiber to an unknown switch", base + "fibers:\n  - {a: r1/nic/0, b: s9/0, length_m: 5}\n",
       "s9/0", "no optical switch named 's9'"},
      {"switch port out of range", base + "fibers:\n  - {a: r1/nic/0, b: s1/4, length_m: 5}\n",
       "s1/4", "switch has ports 0 to 3"},
      {"port wired twice",
       base + "fibers:\n  - {a: r1/nic/0, b: s1/0, length_m: 5}\n  - {a: r2/nic/0, b: s1/0, length_m: 5}\n",
       "r2/nic/0", "port s1/0 is wired twice"},
      {"duplicate name across kinds", base + "packet:\n  switches:\n    - {name: s1, role: leaf}\n",
       "{name: s1, role", "duplicate name 's1'"},
      {"duplicate transceiver", kBaseTransceivers + R"(  - {name: x8, grid: grey, wavelengths: 1, channel_rate_gbps: 100, launch_power_dbm: 0, rx_sensitivity_dbm: -9}
)", "grid: grey", "duplicate transceiver name 'x8'"},
      {"wavelengths do not fit the grid", R"(lightpath_topology: 1
name: t
transceivers:
  - {name: x, grid: cwdm, wavelengths: 20, channel_rate_gbps: 100, launch_power_dbm: 2, rx_sensitivity_dbm: -8}
)", "wavelengths: 20", "20 wavelengths do not fit the cwdm grid (1 to 18)"},
      {"unknown grid", R"(lightpath_topology: 1
name: t
transceivers:
  - {name: x, grid: lwdm, wavelengths: 2, channel_rate_gbps: 100, launch_power_dbm: 2, rx_sensitivity_dbm: -8}
)", "lwdm", "unknown grid 'lwdm'"},
      {"unknown transceiver", kBaseTransceivers + R"(endpoints:
  - name: r
    port_groups: [{name: nic, ports: 2, transceiver: zz}]
)", "zz", "unknown transceiver 'zz'"},
      {"fiber sides of different sizes",
       base + "fibers:\n  - {a: \"r{1..2}/nic/{0..1}\", b: \"s1/{0..2}\", length_m: 5}\n", "{a: \"r",
       "'a' names 4 ports but 'b' names 3"},
      {"malformed pattern", base + "fibers:\n  - {a: \"r{1..2/nic/0\", b: s1/0, length_m: 5}\n",
       "r{1..2/nic", "'{' never closed"},
      {"unsupported format version", "lightpath_topology: 7\nname: t\n", "lightpath_topology: 7",
       "format version 7 is not supported"},
      {"wiring runs out of switch ports",
       base + "wiring:\n  - {endpoints: \"r{1..2}\", port_group: nic, switches: s1, length_m: 5}\n"
              "  - {endpoints: r1, port_group: nic, switches: s1, length_m: 5}\n",
       "endpoints: r1,", "wired twice"},
      {"wiring overflows a switch",
       kBaseTransceivers + R"(endpoints:
  - name: "r{1..3}"
    port_groups: [{name: nic, ports: 2, transceiver: x8}]
optical_switches:
  - {name: s1, ports: 4}
wiring:
  - {endpoints: "r{1..3}", port_group: nic, switches: s1, length_m: 5}
)", "{endpoints:", "switch 's1' has no free port left for r3/nic/0"},
      {"packet link to an optical switch",
       base + "packet:\n  switches: [{name: l, role: leaf}]\n  links:\n    - {a: s1, b: l, capacity_gbps: 10}\n",
       "{a: s1", "'s1' is an optical switch"},
      {"fiber joining two endpoints", base + "fibers:\n  - {a: r1/nic/0, b: r2/nic/0, length_m: 5}\n",
       "{a: r1/nic/0", "joins two endpoints"},
      {"switching max below min",
       kBaseTransceivers + "optical_switches:\n  - {name: s, ports: 4, switching: {min_ms: 9, max_ms: 1}}\n",
       "switching:", "max_ms must not be below min_ms"},
      {"unknown switch kind", kBaseTransceivers + "optical_switches:\n  - {name: s, ports: 4, kind: lcos}\n",
       "lcos", "unknown kind 'lcos'"},
      {"negative loss", base + "fibers:\n  - {a: r1/nic/0, b: s1/0, length_m: 5, loss_db: -1}\n",
       "loss_db: -1", "'loss_db' must not be negative"},
      {"list where a map belongs", kBaseTransceivers + "optical_switches: {name: s}\n",
       "optical_switches:", "must be a list"},
  };
}

}  // namespace

TEST_CASE("each malformed topology names the line and the problem") {
  for (const auto& c : cases()) {
    CAPTURE(c.title);
    auto r = load(c.text);
    REQUIRE_FALSE(r);
    const int line = line_of(c.text, c.marker);
    CHECK_MESSAGE(has_error(r, line, c.needle),
                  "expected line ", line, " to mention '", c.needle, "', got:\n", all_errors(r));
    for (const auto& d : r.error()) CHECK(d.file == "test.yaml");
  }
}

TEST_CASE("every error is reported, not just the first") {
  const std::string text = kBaseTransceivers + R"(endpoints:
  - name: r
    port_groups: [{name: nic, ports: -1, transceiver: nope}]
optical_switches:
  - {name: s, ports: 0}
  - {name: r, ports: 4}
)";
  auto r = load(text);
  REQUIRE_FALSE(r);
  CHECK(has_error(r, line_of(text, "ports: -1"), "between 1 and"));
  CHECK(has_error(r, line_of(text, "nope"), "unknown transceiver 'nope'"));
  CHECK(has_error(r, line_of(text, "ports: 0"), "between 1 and"));
  CHECK(has_error(r, line_of(text, "{name: r,"), "duplicate name 'r'"));
  CHECK(r.error().size() >= 4);
}

TEST_CASE("a flood of errors is capped with a count of the rest") {
  std::string text = kBaseTransceivers + kRacks + "fibers:\n";
  for (int i = 0; i < 300; ++i) text += "  - {a: r1/nic/9, b: s1/0, length_m: 1}\n";
  auto r = load(text);
  REQUIRE_FALSE(r);
  CHECK(r.error().size() == lightpath::topology::YamlReader::kMaxDiagnostics + 1);
  CHECK(r.error().back().message == "100 more errors not shown");
}

TEST_CASE("unreadable files are reported by name") {
  auto missing = lightpath::topology::load_topology_file("/nonexistent/fabric.yaml");
  REQUIRE_FALSE(missing);
  CHECK(missing.error()[0].to_string() ==
        "/nonexistent/fabric.yaml: cannot open file: No such file or directory");
  auto dir = lightpath::topology::load_topology_file(std::filesystem::temp_directory_path());
  REQUIRE_FALSE(dir);
  CHECK(dir.error()[0].message.find("is a directory") != std::string::npos);
}

TEST_CASE("text that is not UTF-8 is refused before it reaches JSON (fuzz finding)") {
  // fuzz/regressions/topology/invalid-utf8-name: a name with a stray 0xF4
  // byte loaded, and `lightpathctl topo show --json` then died on an
  // exception from nlohmann::json.
  std::string raw = kBaseTransceivers;
  raw.replace(raw.find("name: t\n"), 8, "name: \xF4iny\n");
  auto r = load(raw);
  REQUIRE_FALSE(r);
  CHECK_MESSAGE(has_error(r, 2, "field 'name' is not valid UTF-8 text"), all_errors(r));

  // Escapes cannot smuggle one in: yaml-cpp refuses a lone surrogate itself.
  std::string escaped = kBaseTransceivers;
  escaped.replace(escaped.find("name: t\n"), 8, "name: \"t\\uD800\"\n");
  CHECK(has_error(load(escaped), 2, "invalid unicode"));

  // Proper UTF-8 is welcome, and its summary is valid JSON.
  const std::string name = "fabrique-\xC3\xA9t\xC3\xA9";  // fabrique-été
  std::string accented = kBaseTransceivers + kRacks;
  accented.replace(accented.find("name: t\n"), 8, "name: " + name + "\n");
  auto ok = load(accented);
  REQUIRE_MESSAGE(ok, all_errors(ok));
  CHECK(lightpath::topology::summary_json(*ok).dump().find(name) != std::string::npos);
}

TEST_CASE("inputs that once crashed the topology fuzz target load or are refused") {
  const std::filesystem::path dir = LIGHTPATH_SOURCE_DIR "/fuzz/regressions/topology";
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CAPTURE(entry.path().filename().string());
    auto r = lightpath::topology::load_topology_text(text, "fuzz.yaml");
    if (r) {
      CHECK_NOTHROW((void)lightpath::topology::summary_json(*r).dump(2));
    } else {
      CHECK_FALSE(r.error().empty());
    }
    ++seen;
  }
  CHECK(seen > 0);
}
