// lightpathd under load from clients on the same machine, over real gRPC,
// with durable commits: latency of 8-circuit requests, throughput with 8
// concurrent clients (requests released as they go, and requests alone on a
// fresh daemon), and memory once 100,000 circuits are held.
//
//   daemon_bench [path/to/lightpathd] [seconds=5] [--no-fsync]
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lightpath/v1/lightpath.grpc.pb.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = lightpath::v1;

constexpr int kRacks = 1024;
// Counters of the daemon's /metrics read around each phase.
constexpr const char* kCommits = "lightpath_store_commits_total";
constexpr const char* kWrites = "lightpath_store_committed_writes_total";

struct Daemon {
  pid_t pid = -1;
  int grpc_port = 0;
  int http_port = 0;
  ~Daemon() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

bool start(Daemon& d, const std::string& bin, const std::string& dir, bool fsync) {
  const std::string ready = dir + "/ready.json";
  std::vector<std::string> args{bin,
                                "--topology",
                                std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/bench-large.yaml",
                                "--db",
                                dir + "/bench.db",
                                "--grpc-listen",
                                "127.0.0.1:0",
                                "--http-listen",
                                "127.0.0.1:0",
                                "--ready-file",
                                ready,
                                "--log-level",
                                "warn"};
  if (!fsync) args.push_back("--no-fsync");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&d.pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return false;
  for (int i = 0; i < 3000 && !std::filesystem::exists(ready); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!std::filesystem::exists(ready)) return false;
  nlohmann::json j;
  std::ifstream(ready) >> j;
  d.grpc_port = j.at("grpc_port").get<int>();
  d.http_port = j.at("http_port").get<int>();
  return true;
}

// Eight single-channel circuits from one rack to eight others.
v1::CircuitRequest request(const std::string& id, int n) {
  v1::CircuitRequest r;
  r.set_request_id(id);
  r.set_bandwidth_per_flow_gbps(100);
  r.set_pattern(v1::PAIRWISE);
  const int a = n % kRacks;
  for (int k = 1; k <= 8; ++k) {
    char an[16], bn[16];
    std::snprintf(an, sizeof an, "rack%04d", a);
    // Partners rotate through 8 sets of 8 as the rack comes round again, so
    // circuits between one pair share fiber paths (grooming) as they would.
    // XOR keeps the partner relation symmetric: 64 partners per rack, one per port.
    std::snprintf(bn, sizeof bn, "rack%04d", a ^ (k + 8 * ((n / kRacks) % 8)));
    auto* s = r.add_sources();
    s->set_rack(an);
    s->set_port_group("nic");
    auto* d = r.add_destinations();
    d->set_rack(bn);
    d->set_port_group("nic");
  }
  return r;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// CPU time (user + system) of each of the daemon's threads, summed by
// thread name: tells whether gRPC, the controller or the store is the cost.
std::map<std::string, double> cpu_ms_by_thread(pid_t pid) {
  std::map<std::string, double> out;
  const double tick_ms = 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code ec;
  for (const auto& t : std::filesystem::directory_iterator(tasks, ec)) {
    std::ifstream in(t.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::string name = stat.substr(open + 1, close - open - 1);
    // Numbered pools (grpc's executor threads) count as one.
    while (!name.empty() && std::isdigit(static_cast<unsigned char>(name.back()))) name.pop_back();
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; rest >> field; ++i) {
      if (i == 14) utime = std::stod(field);
      if (i == 15) {
        stime = std::stod(field);
        break;
      }
    }
    out[name] += (utime + stime) * tick_ms;
  }
  return out;
}

void print_cpu(const char* phase, const std::map<std::string, double>& before,
               const std::map<std::string, double>& after, long requests) {
  double total = 0;
  std::string parts;
  for (const auto& [name, ms] : after) {
    const auto b = before.find(name);
    const double used = ms - (b == before.end() ? 0.0 : b->second);
    total += used;
    if (used >= 1)
      parts += "  " + name + " " + std::to_string(static_cast<int>(1000 * used / requests)) + " us";
  }
  std::printf("  %s: lightpathd CPU %.0f us per request;%s\n", phase, 1000 * total / requests,
              parts.c_str());
}

// A counter from the daemon's /metrics (plain HTTP/1.0 on loopback), -1 if
// absent: how many group commits a phase took says how well they group.
double metric(int port, const std::string& name) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string body;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string get = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (send(fd, get.data(), get.size(), 0) == static_cast<ssize_t>(get.size())) {
      char buf[65536];
      for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;)
        body.append(buf, static_cast<std::size_t>(n));
    }
  }
  close(fd);
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  return -1;
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// CPU time of this process (the clients), in ms.
double own_cpu_ms() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](const timeval& t) {
    return 1e3 * static_cast<double>(t.tv_sec) + 1e-3 * static_cast<double>(t.tv_usec);
  };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

// One client of the asynchronous phase: sends its next request from the
// callback of the last, until `until`.
struct AsyncClient {
  v1::CircuitService::Stub* stub = nullptr;
  int index = 0;
  int sent = 0;
  Clock::time_point until;
  std::atomic<int>* next = nullptr;
  std::atomic<long>* accepted = nullptr;
  std::atomic<long>* refused = nullptr;
  std::unique_ptr<grpc::ClientContext> ctx;
  v1::CircuitRequest req;
  v1::RequestCircuitsResponse resp;
  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;

  void send() {
    if (Clock::now() >= until) return finish();
    ctx = std::make_unique<grpc::ClientContext>();
    req = request("async-" + std::to_string(index) + "-" + std::to_string(sent++), (*next)++);
    resp.Clear();
    stub->async()->RequestCircuits(ctx.get(), &req, &resp, [this](grpc::Status s) {
      if (!s.ok()) return finish();
      ++(resp.accepted() ? *accepted : *refused);
      send();
    });
  }
  void finish() {
    std::lock_guard lock(mu);
    finished = true;
    cv.notify_all();
  }
  void wait() {
    std::unique_lock lock(mu);
    cv.wait(lock, [this] { return finished; });
  }
};

// RequestCircuits alone from 8 clients for `span` seconds on a fresh daemon.
// The fabric fills as it runs (it holds about 250,000 of these circuits, but
// the partner pattern of request() runs out of common free switch ports after
// about 7,000 requests), so the phase is short.
bool requests_only(const std::string& bin, const std::string& dir, bool fsync, double span,
                   bool async) {
  Daemon fresh;
  std::filesystem::create_directory(dir);
  if (!start(fresh, bin, dir, fsync)) {
    std::fprintf(stderr, "lightpathd did not start again\n");
    return false;
  }
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(fresh.grpc_port),
                                     grpc::InsecureChannelCredentials());
  std::atomic<int> next{0};
  std::atomic<long> accepted{0}, refused{0};
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(span));
  const auto before = cpu_ms_by_thread(fresh.pid);
  const double commits_at = metric(fresh.http_port, kCommits);
  const double writes_at = metric(fresh.http_port, kWrites);
  const double clients_at = own_cpu_ms();
  if (async) {
    auto stub = v1::CircuitService::NewStub(channel);
    std::vector<std::unique_ptr<AsyncClient>> clients;
    for (int t = 0; t < 8; ++t) {
      auto& c = *clients.emplace_back(std::make_unique<AsyncClient>());
      c.stub = stub.get();
      c.index = t;
      c.until = until;
      c.next = &next;
      c.accepted = &accepted;
      c.refused = &refused;
    }
    for (auto& c : clients) c->send();
    for (auto& c : clients) c->wait();
  } else {
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t) {
      clients.emplace_back([&, t] {
        auto own = v1::CircuitService::NewStub(channel);
        for (int i = 0; Clock::now() < until; ++i) {
          grpc::ClientContext ctx;
          v1::RequestCircuitsResponse resp;
          const std::string id = "only-" + std::to_string(t) + "-" + std::to_string(i);
          if (!own->RequestCircuits(&ctx, request(id, next++), &resp).ok()) return;
          ++(resp.accepted() ? accepted : refused);
        }
      });
    }
    for (auto& c : clients) c.join();
  }
  const double clients_ms = own_cpu_ms() - clients_at;
  const long total = std::max(1L, accepted + refused);
  std::printf(
      "RequestCircuits only (none released), 8 circuits, 8 clients (%s): %.0f requests/s (%ld "
      "refused) over %.0f s\n",
      async ? "gRPC callback API" : "a thread each", static_cast<double>(accepted + refused) / span,
      refused.load(), span);
  print_cpu("8 clients", before, cpu_ms_by_thread(fresh.pid), total);
  // Rows written (requests and circuits) per request, a moment after the
  // last answer, once the lifecycle steps behind it are committed too.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::printf(
      "  8 clients: %.2f commits and %.1f rows written per request; the clients' own CPU %.0f us "
      "per request\n",
      (metric(fresh.http_port, kCommits) - commits_at) / static_cast<double>(total),
      (metric(fresh.http_port, kWrites) - writes_at) / static_cast<double>(total),
      1000 * clients_ms / static_cast<double>(total));
  return true;
}
}  // namespace

int main(int argc, char** argv) {
  const std::string bin = argc > 1 ? argv[1] : LIGHTPATHD_PATH;
  const double seconds = argc > 2 ? std::stod(argv[2]) : 5.0;
  const bool fsync = !(argc > 3 && std::string(argv[3]) == "--no-fsync");
  std::string dir = (std::filesystem::temp_directory_path() / "lightpath-bench-XXXXXX").string();
  if (!mkdtemp(dir.data())) return 1;
  Daemon d;
  if (!start(d, bin, dir, fsync)) {
    std::fprintf(stderr, "lightpathd did not start\n");
    return 1;
  }
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(d.grpc_port),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::CircuitService::NewStub(channel);
  std::printf("lightpathd on bench-large.yaml (1024 racks, 64 OCS x 1024 ports), %s\n",
              fsync ? "durable commits (fsync)" : "commits without fsync");
  std::printf("idle RSS: %.1f MiB\n", static_cast<double>(rss_kib(d.pid)) / 1024);

  // Unloaded latency: one client, one request at a time.
  std::vector<double> lat_ms;
  int n = 0;
  auto cpu_before = cpu_ms_by_thread(d.pid);
  double commits_before = metric(d.http_port, kCommits);
  for (int i = 0; i < 2000; ++i, ++n) {
    grpc::ClientContext ctx;
    v1::RequestCircuitsResponse resp;
    const auto t0 = Clock::now();
    auto s = stub->RequestCircuits(&ctx, request("lat-" + std::to_string(i), n), &resp);
    lat_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (!s.ok() || !resp.accepted()) {
      std::fprintf(stderr, "request failed: %s %s\n", s.error_message().c_str(),
                   resp.message().c_str());
      return 1;
    }
  }
  std::printf("RequestCircuits, 8 circuits, 1 client: p50 %.3f ms  p99 %.3f ms  (2000 requests)\n",
              percentile(lat_ms, 0.50), percentile(lat_ms, 0.99));
  auto cpu_after = cpu_ms_by_thread(d.pid);
  print_cpu("1 client", cpu_before, cpu_after, 2000);
  cpu_before = cpu_after;
  double commits_after = metric(d.http_port, kCommits);
  std::printf("  1 client: %.2f commits per request\n", (commits_after - commits_before) / 2000);
  commits_before = commits_after;

  // Throughput: 8 clients for `seconds`, each releasing what it asked for
  // 16 requests earlier, as a scheduler does when jobs end, so the fabric
  // neither fills up (which would turn requests into cheap refusals) nor
  // empties. Requests and releases are counted apart.
  std::atomic<long> done{0}, rejected{0}, releases{0};
  std::atomic<int> next{n};
  std::vector<std::thread> clients;
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      auto own = v1::CircuitService::NewStub(channel);
      std::deque<std::string> held;
      for (int i = 0; Clock::now() < until; ++i) {
        grpc::ClientContext ctx;
        v1::RequestCircuitsResponse resp;
        const int k = next++;
        const std::string id = "tp-" + std::to_string(t) + "-" + std::to_string(i);
        auto s = own->RequestCircuits(&ctx, request(id, k), &resp);
        if (!s.ok()) return;
        ++done;
        if (!resp.accepted()) {
          ++rejected;
          continue;
        }
        held.push_back(id);
        if (held.size() <= 16) continue;
        grpc::ClientContext rctx;
        v1::ReleaseCircuitsRequest rel;
        rel.set_request_id(held.front());
        v1::ReleaseCircuitsResponse rresp;
        held.pop_front();
        if (!own->ReleaseCircuits(&rctx, rel, &rresp).ok()) return;
        ++releases;
      }
    });
  }
  for (auto& c : clients) c.join();
  std::printf(
      "RequestCircuits, 8 circuits, 8 clients: %.0f requests/s (%.0f accepted/s, %ld refused) "
      "and %.0f releases/s over %.0f s\n",
      static_cast<double>(done) / seconds, static_cast<double>(done - rejected) / seconds,
      rejected.load(), static_cast<double>(releases) / seconds, seconds);
  print_cpu("8 clients", cpu_before, cpu_ms_by_thread(d.pid), std::max(1L, done.load()));
  std::printf("  8 clients: %.2f commits per request and release\n",
              (metric(d.http_port, kCommits) - commits_before) /
                  static_cast<double>(std::max(1L, done.load())));

  // The floor under the numbers above: a call that reaches the controller
  // and does nothing (GetCircuit of an id never issued) costs gRPC's and the
  // thread hops' share alone.
  {
    std::atomic<long> calls{0};
    std::vector<std::thread> idle;
    const auto idle_until = Clock::now() + std::chrono::duration<double>(seconds);
    const auto idle_before = cpu_ms_by_thread(d.pid);
    for (int t = 0; t < 8; ++t) {
      idle.emplace_back([&] {
        auto own = v1::CircuitService::NewStub(channel);
        v1::GetCircuitRequest req;
        req.set_id(4'000'000'000);
        while (Clock::now() < idle_until) {
          grpc::ClientContext ctx;
          v1::Circuit out;
          own->GetCircuit(&ctx, req, &out);
          ++calls;
        }
      });
    }
    for (auto& c : idle) c.join();
    std::printf("GetCircuit (unknown id), 8 clients: %.0f calls/s\n",
                static_cast<double>(calls) / seconds);
    print_cpu("8 clients", idle_before, cpu_ms_by_thread(d.pid), std::max(1L, calls.load()));
  }

  // Fill to 100,000 circuits and measure memory.
  v1::ListCircuitsResponse all;
  {
    grpc::ClientContext ctx;
    stub->ListCircuits(&ctx, {}, &all);
  }
  long circuits = all.circuits_size();
  for (int i = 0; circuits < 100'000; ++i) {
    grpc::ClientContext ctx;
    v1::RequestCircuitsResponse resp;
    if (!stub->RequestCircuits(&ctx, request("fill-" + std::to_string(i), next++), &resp).ok())
      break;
    circuits += resp.circuits_size();
    if (i > 100'000) break;
  }
  std::printf("holding %ld circuits: RSS %.1f MiB\n", circuits,
              static_cast<double>(rss_kib(d.pid)) / 1024);
  // The figure read literally: RequestCircuits alone, 8 clients, no
  // releases, on a fresh daemon (so that the memory figure above is not
  // changed by it), once with a thread per client and once with the 8
  // clients as callbacks of gRPC's asynchronous API (as a scheduler with
  // many jobs would hold them), which costs the shared machine less CPU.
  for (bool async : {false, true})
    if (!requests_only(bin, dir + (async ? "/async" : "/sync"), fsync, std::min(seconds, 2.0),
                       async))
      return 1;

  std::filesystem::remove_all(dir);
  return 0;
}
