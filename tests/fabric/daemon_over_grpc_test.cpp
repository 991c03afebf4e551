// lightpathd with `--fabric grpc://…`: the real daemon drives the switches of
// a real lightpath-fabric process, and the fabric's counters show it.
#include "daemon/daemon_process.h"
#include "fabric_process.h"

using namespace lightpath;
using namespace lightpath::testing;

TEST_CASE("lightpathd programs circuits through lightpath-fabric") {
  FabricProcess fabric;
  TempDir dir;
  DaemonProcess d(tiny_topology(), dir.file("state.db"), dir.file(""),
                  {"--fabric", "grpc://" + fabric.address(), "--no-fsync"});
  v1::RequestCircuitsResponse resp;
  auto status =
      d.circuits().RequestCircuits(ctx().get(), pair_request("r1", "rack1", "rack2", 400), &resp);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  REQUIRE(resp.circuits_size() == 1);
  CHECK(wait_state(d, resp.circuits(0).id(), v1::ACTIVE));
  CHECK(fabric.changes("ocs1").connects() == 1);
}

TEST_CASE("lightpathd refuses a fabric URL it cannot use") {
  TempDir dir;
  std::vector<std::string> args{LIGHTPATHD_PATH,      "--topology", tiny_topology(), "--db",
                                dir.file("state.db"), "--fabric",   "grpc://nowhere"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
}
