// Same trace, same seed: byte-identical output files, even with switching
// times drawn at random from the topology's range.

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "policy_util.h"
#include "simulator/report/report_files.h"

using namespace lightpath;
using namespace lightpath::policy;
using namespace lightpath::policy::testing;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path written(const std::string& tag, const std::vector<report::RunResult>& runs) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("lightpath-policy-det-" + std::to_string(::getpid()) + "-" + tag);
  std::filesystem::remove_all(dir);
  REQUIRE(report::write_comparison(runs, dir));
  return dir;
}

}  // namespace

TEST_CASE("same seed, byte-identical files") {
  const Fabric fabric = load_file("tiny.yaml");
  trace::GenOptions g;
  g.gpus = 8;
  g.iterations = 3;
  g.jobs = 2;
  g.arrival_mean_ms = 50;
  const trace::Trace t = make_trace(fabric, g);
  auto all = [&](std::uint64_t seed) {
    std::vector<report::RunResult> runs;
    for (const char* p : {"packet-only", "on-demand", "per-phase", "traffic-engineered"}) {
      runs.push_back(run(t, fabric, p, std::nullopt, seed));
    }
    return runs;
  };
  const auto a = written("a", all(7));
  const auto b = written("b", all(7));
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(a)) {
    if (!entry.is_regular_file()) continue;
    const auto rel = std::filesystem::relative(entry.path(), a);
    CAPTURE(rel.string());
    CHECK(slurp(entry.path()) == slurp(b / rel));
    ++files;
  }
  CHECK(files >= 4 * 6 + 2);
  // Another seed draws other switching times: the circuit timeline moves.
  const auto c = written("c", all(8));
  CHECK(slurp(a / "on-demand" / "circuits.csv") != slurp(c / "on-demand" / "circuits.csv"));
  for (const auto& d : {a, b, c}) std::filesystem::remove_all(d);
}
