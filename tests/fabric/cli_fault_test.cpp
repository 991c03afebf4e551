// `lightpathctl fabric fault ...` and `fabric changes` as an operator runs
// them, against a real lightpath-fabric: output, exit codes, and the effect.
#include <cstdio>

#include "fabric_process.h"

namespace {

using namespace lightpath::testing;

struct Run {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

Run lightpathctl(const std::string& args) {
  Run r;
  const std::string cmd = std::string(LIGHTPATHCTL_PATH) + " " + args + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe)) r.out += buf;
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace

TEST_CASE("lightpathctl injects, lists and clears faults on a running fabric") {
  FabricProcess fabric;
  const std::string server = " --server " + fabric.address();
  auto r = lightpathctl("fabric fault inject fiber-cut ocs1 7" + server);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "injected fiber-cut on ocs1 port 7\n");
  r = lightpathctl("fabric fault inject switch-down ocs1" + server);
  CHECK(r.exit_code == 0);
  r = lightpathctl("fabric fault list --json" + server);
  CHECK(r.exit_code == 0);
  CHECK_MESSAGE(r.out.find("\"kind\":\"FIBER_CUT\",\"port\":7") != std::string::npos, r.out);
  CHECK_MESSAGE(r.out.find("SWITCH_DOWN") != std::string::npos, r.out);
  r = lightpathctl("fabric fault clear switch-down ocs1" + server);
  CHECK(r.out == "cleared switch-down on ocs1\n");
  r = lightpathctl("fabric fault clear-all" + server);
  CHECK(r.out == "cleared 1 faults\n");
  r = lightpathctl("fabric changes ocs1" + server);
  CHECK(r.exit_code == 0);
  CHECK_MESSAGE(r.out.find("ocs1") != std::string::npos, r.out);
}

TEST_CASE("lightpathctl fabric refuses what the fabric refuses, with exit code 2") {
  FabricProcess fabric;
  const std::string server = " --server " + fabric.address();
  auto r = lightpathctl("fabric fault inject dark-port nope 1" + server);
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.out.find("NOT_FOUND: unknown switch 'nope'") != std::string::npos, r.out);
  r = lightpathctl("fabric fault inject dark-port ocs1 99" + server);
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.out.find("port 99 is out of range") != std::string::npos, r.out);
  r = lightpathctl("fabric fault inject dark-port ocs1" + server);
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.out.find("needs a PORT") != std::string::npos, r.out);
  r = lightpathctl("fabric fault inject meltdown ocs1 1" + server);
  CHECK(r.exit_code != 0);
}
