// What watches the daemon while the clients run: WatchCircuits streams and
// samples of the process's memory and open descriptors.
#include <filesystem>
#include <fstream>

#include "bench/soak/soak.h"

namespace lightpath::soak {

Watcher::Watcher(const Options& opt, std::string tenant, Ledger& ledger)
    : tenant_(std::move(tenant)),
      ledger_(ledger),
      stub_(
          v1::CircuitService::NewStub(open_channel(opt.server, 1000 + (tenant_.empty() ? 0 : 1)))) {
}

void Watcher::start() {
  thread_ = std::thread([this] { run(); });
}

void Watcher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (ctx_) ctx_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

WatchStats Watcher::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void Watcher::run() {
  for (;;) {
    grpc::ClientContext ctx;
    v1::WatchCircuitsRequest req;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      ctx_ = &ctx;
      // Resume after the last event seen; 0 at the start: only new events.
      req.set_after_sequence(stats_.last);
    }
    req.set_tenant(tenant_);
    auto reader = stub_->WatchCircuits(&ctx, req);
    v1::CircuitEvent e;
    while (reader->Read(&e)) take(e);
    reader->Finish();
    {
      std::lock_guard lock(mu_);
      ctx_ = nullptr;
      if (stopping_) return;
      ++stats_.breaks;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void Watcher::take(const v1::CircuitEvent& e) {
  {
    std::lock_guard lock(mu_);
    ++stats_.events;
    const std::uint64_t seq = e.sequence();
    if (stats_.last != 0 && seq <= stats_.last) {
      ++stats_.out_of_order;
    } else {
      if (stats_.last != 0 && tenant_.empty())
        stats_.gaps += static_cast<long>(seq - stats_.last - 1);
      stats_.last = seq;
    }
    const auto now = e.circuit().state();
    const auto before = e.previous_state();
    if (now == v1::FAILED) ++stats_.failed;
    if (before == v1::FAILED && now == v1::RESTORING) ++stats_.restoring;
    if (before == v1::RESTORING && now == v1::ACTIVE) ++stats_.restored;
    if (now == v1::RELEASING && e.circuit().state_reason() == "lease expired") ++stats_.expired;
  }
  if (tenant_.empty()) ledger_.saw_event(e);
}

bool read_sample(pid_t pid, Sample& out) {
  const std::string proc = "/proc/" + std::to_string(pid);
  std::ifstream in(proc + "/status");
  std::string line;
  out.rss_kib = -1;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) out.rss_kib = std::stol(line.substr(6));
  if (out.rss_kib < 0) return false;
  std::error_code ec;
  out.fds = 0;
  for (std::filesystem::directory_iterator it(proc + "/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++out.fds;
  return !ec;
}

Sampler::Sampler(pid_t pid, double interval_s) : pid_(pid), interval_s_(interval_s) {}

void Sampler::start(Clock::time_point t0) {
  thread_ = std::thread([this, t0] {
    const auto period = std::chrono::duration<double>(interval_s_);
    for (auto next = t0; !stop_; next += std::chrono::duration_cast<Clock::duration>(period)) {
      Sample s;
      if (!read_sample(pid_, s)) {
        gone_ = true;
        return;
      }
      s.at_s = std::chrono::duration<double>(Clock::now() - t0).count();
      {
        std::lock_guard lock(mu_);
        samples_.push_back(s);
      }
      // Sleep in short steps so that stop() is prompt.
      while (!stop_ && Clock::now() < next + period)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
}

void Sampler::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<Sample> Sampler::samples() const {
  std::lock_guard lock(mu_);
  return samples_;
}

}  // namespace lightpath::soak
