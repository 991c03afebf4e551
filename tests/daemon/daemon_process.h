#pragma once
// Runs the real lightpathd as a child process for integration tests: binds
// 127.0.0.1 port 0, waits for its ready file, and hands out gRPC stubs.

#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "lightpath/v1/lightpath.grpc.pb.h"

extern char** environ;

namespace lightpath::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "lightpathd-test-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class DaemonProcess {
 public:
  DaemonProcess(std::string topology, std::string db, std::string dir,
                std::vector<std::string> extra = {})
      : topology_(std::move(topology)),
        db_(std::move(db)),
        dir_(std::move(dir)),
        extra_(std::move(extra)) {
    start();
  }
  ~DaemonProcess() { stop(SIGKILL); }

  void start() {
    const std::string ready = dir_ + "/ready.json";
    std::filesystem::remove(ready);
    std::vector<std::string> args{
        LIGHTPATHD_PATH, "--topology",  topology_,       "--db",        db_,
        "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0", "--ready-file",
        ready,           "--log-level", "warn"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
    // Waits for the daemon to say where it listens; a daemon that dies first fails the test.
    for (int i = 0; i < 1000 && !std::filesystem::exists(ready); ++i) {
      int status = 0;
      REQUIRE_MESSAGE(waitpid(pid_, &status, WNOHANG) == 0, "lightpathd exited during start");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(std::filesystem::exists(ready));
    nlohmann::json j;
    std::ifstream(ready) >> j;
    grpc_port_ = j.at("grpc_port").get<int>();
    http_port_ = j.at("http_port").get<int>();
    connect();
  }

  // Talks TLS from now on, trusting the CA whose PEM is given (empty: plain).
  void use_tls(const std::string& ca_pem) {
    tls_ca_ = ca_pem;
    connect();
  }

  // Stops the daemon with `sig` and reaps it; returns its wait status.
  int stop(int sig) {
    if (pid_ <= 0) return 0;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  pid_t pid() const { return pid_; }
  v1::CircuitService::Stub& circuits() { return *circuits_; }
  v1::FabricService::Stub& fabric() { return *fabric_; }
  int http_port() const { return http_port_; }
  int grpc_port() const { return grpc_port_; }

 private:
  void connect() {
    grpc::ChannelArguments ch;
    ch.SetMaxSendMessageSize(64 << 20);
    std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
    if (!tls_ca_.empty()) {
      grpc::SslCredentialsOptions ssl;
      ssl.pem_root_certs = tls_ca_;
      creds = grpc::SslCredentials(ssl);
    }
    channel_ = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(grpc_port_), creds, ch);
    circuits_ = v1::CircuitService::NewStub(channel_);
    fabric_ = v1::FabricService::NewStub(channel_);
  }

  std::string tls_ca_;
  std::string topology_, db_, dir_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
  int grpc_port_ = 0;
  int http_port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CircuitService::Stub> circuits_;
  std::unique_ptr<v1::FabricService::Stub> fabric_;
};

// "r7" from ("r", 7); appending rather than `"r" + std::to_string(7)`,
// which GCC 12 warns about falsely (-Wrestrict).
inline std::string numbered(std::string prefix, int n) {
  prefix += std::to_string(n);
  return prefix;
}

// A token's digest as a token file lists it (docs/security.md).
inline std::string sha256(const std::string& token) {
  // The test checks the daemon against `lightpathctl token hash`'s digest
  // format by computing it with the openssl tool, independently of our code.
  const std::string cmd = "printf %s '" + token + "' | openssl dgst -sha256 -r";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[128] = {};
  REQUIRE(std::fgets(buf, sizeof buf, p) != nullptr);
  ::pclose(p);
  return std::string(buf, 64);
}

// A context whose call gives up after `seconds`, so no test can hang.
inline std::unique_ptr<grpc::ClientContext> ctx(int seconds = 10) {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return c;
}

// Polls until circuit `id` is in `state` (or gone, for RELEASED), up to 10 s.
inline bool wait_state(DaemonProcess& d, std::uint64_t id, v1::CircuitState state) {
  for (int i = 0; i < 400; ++i) {
    v1::GetCircuitRequest g;
    g.set_id(id);
    v1::Circuit c;
    auto s = d.circuits().GetCircuit(ctx().get(), g, &c);
    if (s.ok() && c.state() == state) return true;
    if (!s.ok() && state == v1::RELEASED && s.error_code() == grpc::StatusCode::NOT_FOUND)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

inline v1::CircuitRequest pair_request(const std::string& id, const std::string& a,
                                       const std::string& b, double gbps,
                                       const std::string& group = "gpu-nic") {
  v1::CircuitRequest r;
  r.set_request_id(id);
  r.set_bandwidth_per_flow_gbps(gbps);
  r.set_pattern(v1::PAIRWISE);
  auto* s = r.add_sources();
  s->set_rack(a);
  s->set_port_group(group);
  auto* d = r.add_destinations();
  d->set_rack(b);
  d->set_port_group(group);
  return r;
}

}  // namespace lightpath::testing
