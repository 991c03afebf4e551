#pragma once
// Runs the real lightpath-fabric as a child process for tests: binds
// 127.0.0.1 (port 0 the first time), waits for its ready file, and can kill,
// stall (SIGSTOP), resume and restart it on the same port.

#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "lightpath/device/v1/device.grpc.pb.h"

extern char** environ;

namespace lightpath::testing {

namespace pb = ::lightpath::device::v1;

inline std::string tiny_topology() {
  return std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/tiny.yaml";
}

class FabricProcess {
 public:
  explicit FabricProcess(std::vector<std::string> extra = {},
                         std::string topology = tiny_topology())
      : topology_(std::move(topology)), extra_(std::move(extra)) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "lightpath-fabric-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    dir_ = tmpl;
    start();
  }
  ~FabricProcess() {
    stop(SIGKILL);
    std::filesystem::remove_all(dir_);
  }

  // Starts the process; on the port it had before when restarting.
  void start() {
    const std::string ready = dir_ + "/ready.json";
    std::filesystem::remove(ready);
    std::vector<std::string> args{LIGHTPATH_FABRIC_PATH,
                                  "--topology",
                                  topology_,
                                  "--listen",
                                  "127.0.0.1:" + std::to_string(port_),
                                  "--ready-file",
                                  ready,
                                  "--log-level",
                                  "warn"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
    for (int i = 0; i < 2000 && !std::filesystem::exists(ready); ++i) {
      int status = 0;
      REQUIRE_MESSAGE(waitpid(pid_, &status, WNOHANG) == 0, "lightpath-fabric exited during start");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(std::filesystem::exists(ready));
    nlohmann::json j;
    std::ifstream(ready) >> j;
    port_ = j.at("grpc_port").get<int>();
    address_ = j.at("address").get<std::string>();
    channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    admin_ = pb::FabricAdminService::NewStub(channel_);
    devices_ = pb::DeviceService::NewStub(channel_);
  }

  // Sends `sig` and reaps the process; returns its wait status.
  int stop(int sig) {
    if (pid_ <= 0) return 0;
    ::kill(pid_, SIGCONT);  // a stalled process must run to die of SIGTERM
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  // Both wait until the process has really stopped (or runs again): kill()
  // returns before that, and a fabric still running for a moment answered
  // the call a test sent it "while stalled".
  void stall() {
    ::kill(pid_, SIGSTOP);
    int status = 0;
    ::waitpid(pid_, &status, WUNTRACED);
  }
  void resume() {
    ::kill(pid_, SIGCONT);
    int status = 0;
    ::waitpid(pid_, &status, WCONTINUED);
  }

  const std::string& address() const { return address_; }
  int port() const { return port_; }
  pb::FabricAdminService::Stub& admin() { return *admin_; }
  pb::DeviceService::Stub& devices() { return *devices_; }

  // Admin calls that must succeed.
  bool inject(const std::string& sw, pb::FaultKind kind, int port = -1) {
    return fault(&pb::FabricAdminService::Stub::InjectFault, sw, kind, port);
  }
  bool clear(const std::string& sw, pb::FaultKind kind, int port = -1) {
    return fault(&pb::FabricAdminService::Stub::ClearFault, sw, kind, port);
  }
  pb::SwitchChanges changes(const std::string& sw) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    pb::ChangeCountersRequest req;
    req.set_switch_id(sw);
    pb::ChangeCountersReply reply;
    const auto status = admin_->ChangeCounters(&ctx, req, &reply);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    REQUIRE(reply.switches_size() == 1);
    return reply.switches(0);
  }

 private:
  template <class Method>
  bool fault(Method method, const std::string& sw, pb::FaultKind kind, int port) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    pb::FaultRequest req;
    req.set_switch_id(sw);
    req.set_kind(kind);
    req.set_port(port);
    pb::FaultReply reply;
    const auto status = ((*admin_).*method)(&ctx, req, &reply);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    return reply.took_effect();
  }

  std::string topology_;
  std::vector<std::string> extra_;
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::FabricAdminService::Stub> admin_;
  std::unique_ptr<pb::DeviceService::Stub> devices_;
};

// A context whose call gives up after `seconds`, so no test can hang.
inline std::unique_ptr<grpc::ClientContext> call_ctx(int seconds = 10) {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return c;
}

}  // namespace lightpath::testing
