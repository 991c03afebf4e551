// Fuzzes request files and state files (controller/requests/request_file.h,
// YAML or JSON) as `lightpathctl solve` uses them: parse the input both as a
// request file and as a state file over the tiny fabric; solve the requests
// that parsed and write the decisions and the state as JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controller/requests/request_file.h"
#include "fuzz/fuzz_support.h"

namespace {

using namespace lightpath;

// Flows a request can expand to, computed without expanding it.
std::size_t flow_bound(const solver::CircuitRequest& r) {
  const std::size_t ns = r.sources.size();
  const std::size_t nd = r.destinations.size();
  return ns * ns + ns * nd + r.pairs.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Fabric fabric = fuzzing::tiny_fabric();
  static const solver::Solver solver(fabric);
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto state = requests::parse_state(text, "fuzz-state.yaml", fabric))
    (void)requests::state_json(*state).dump(2);
  else
    for (const auto& d : state.error()) (void)d.to_string();

  auto reqs = requests::parse_requests(text, "fuzz-requests.yaml");
  if (!reqs) {
    for (const auto& d : reqs.error()) (void)d.to_string();
    return 0;
  }
  // Solving is not what this target is after; keep big batches from timing out.
  std::size_t flows = 0;
  for (const auto& r : *reqs) flows += flow_bound(r);
  if (reqs->size() > 64 || flows > 1024) return 0;
  solver::AllocationState after(fabric);
  const auto decisions = solver.solve_batch_into(after, *reqs);
  nlohmann::json out{{"decisions", nlohmann::json::array()},
                     {"state", requests::state_json(after)}};
  for (const auto& d : decisions) out["decisions"].push_back(requests::decision_json(fabric, d));
  (void)out.dump(2);
  return 0;
}
