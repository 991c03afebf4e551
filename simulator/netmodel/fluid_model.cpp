#include "simulator/netmodel/fluid_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "simulator/netmodel/max_min.h"

namespace lightpath::netmodel {

FluidModel::FluidModel(sim::EventEngine& engine, const Network& network)
    : engine_(&engine), network_(&network), advanced_(engine.now()), accounted_(engine.now()) {}

bool FluidModel::start(EndpointId from, EndpointId to, Bytes size, Done done, int latency_times) {
  load_.resize(network_->links().size(), 0);
  carried_.resize(load_.size(), 0.0);
  std::optional<Route> route = network_->route(from, to, load_);
  if (!route) return false;
  // Bytes already in flight must be counted at the old rates before the set
  // of flows changes.
  advance_to_now();
  std::uint32_t slot;
  if (free_.empty()) {
    slot = static_cast<std::uint32_t>(flows_.size());
    flows_.emplace_back();
  } else {
    slot = free_.back();
    free_.pop_back();
  }
  for (const std::uint32_t l : route->links) ++load_[l];
  flows_[slot] = Flow{
      from,         to, std::move(*route), static_cast<double>(size.count()), 0.0, std::move(done),
      latency_times};
  active_.push_back(slot);
  ++stats_.flows_started;
  request_update();
  return true;
}

bool FluidModel::can_route(EndpointId from, EndpointId to) const {
  return network_->route(from, to, load_).has_value();
}

std::vector<double> FluidModel::rates_for_test() const {
  std::vector<double> out;
  for (const std::uint32_t f : active_) out.push_back(flows_[f].rate);
  return out;
}

void FluidModel::reroute() {
  advance_to_now();
  const auto& links = network_->links();
  for (const std::uint32_t f : active_) {
    Flow& flow = flows_[f];
    const bool dead = std::any_of(flow.route.links.begin(), flow.route.links.end(),
                                  [&](std::uint32_t l) { return links[l].dead; });
    if (!dead) continue;
    std::optional<Route> fresh = network_->route(flow.from, flow.to, load_);
    if (!fresh) continue;
    for (const std::uint32_t l : flow.route.links) --load_[l];
    load_.resize(links.size(), 0);
    carried_.resize(links.size(), 0.0);
    for (const std::uint32_t l : fresh->links) ++load_[l];
    flow.route = std::move(*fresh);
  }
  // Rates change even where no flow moved: a flow that cannot move drops to
  // zero, and a pipe of circuits may have grown or shrunk.
  if (!active_.empty()) request_update();
}

void FluidModel::request_update() {
  if (update_pending_) return;
  update_pending_ = true;
  engine_->schedule_after(Duration(), [this] {
    update_pending_ = false;
    update();
  });
}

void FluidModel::update() {
  advance_to_now();
  finish_through_flows();
  schedule_wakeup(reallocate());
}

void FluidModel::sync() {
  const TimePoint now = engine_->now();
  const auto elapsed = static_cast<double>((now - accounted_).count_ns());
  if (elapsed <= 0) return;
  accounted_ = now;
  for (const std::uint32_t l : rated_links_) carried_[l] += link_rate_[l] * elapsed;
}

void FluidModel::advance_to_now() {
  sync();
  const TimePoint now = engine_->now();
  const auto elapsed = static_cast<double>((now - advanced_).count_ns());
  advanced_ = now;
  if (elapsed <= 0) return;
  for (const std::uint32_t f : active_) flows_[f].remaining -= flows_[f].rate * elapsed;
}

void FluidModel::finish_through_flows() {
  // A flow is through when what is left would go within the next nanosecond:
  // wake-ups are rounded up to whole nanoseconds, so this absorbs the rounding
  // (a flow ends less than 1 ns early rather than 1 ns late) and any
  // floating-point residue.
  through_.clear();
  std::size_t kept = 0;
  for (const std::uint32_t f : active_) {
    const Flow& flow = flows_[f];
    if (flow.remaining <= flow.rate + 1e-9) {
      through_.push_back(f);
    } else {
      active_[kept++] = f;
    }
  }
  active_.resize(kept);
  for (const std::uint32_t f : through_) {
    Flow& flow = flows_[f];
    for (const std::uint32_t l : flow.route.links) {
      --load_[l];
      // What is left (or, after a rounded-up wake-up, overshot) makes the
      // link's total exactly the flow's size.
      carried_[l] += flow.remaining;
    }
    // The last byte still has the path's latency to travel; the links are free now.
    engine_->schedule_after(flow.route.latency * flow.latency_times, std::move(flow.done));
    flow = Flow{};
    free_.push_back(f);
    ++stats_.flows_finished;
  }
}

std::int64_t FluidModel::reallocate() {
  std::int64_t next_ready = std::numeric_limits<std::int64_t>::max();
  for (const std::uint32_t l : rated_links_) link_rate_[l] = 0.0;
  rated_links_.clear();
  if (active_.empty()) return next_ready;
  ++stats_.rate_updates;
  const TimePoint now = engine_->now();
  const auto& links = network_->links();
  capacity_.resize(links.size(), 0.0);
  link_rate_.resize(links.size(), 0.0);
  carried_.resize(links.size(), 0.0);
  path_first_.assign(1, 0);
  path_links_.clear();
  for (const std::uint32_t f : active_) {
    for (const std::uint32_t l : flows_[f].route.links) {
      path_links_.push_back(l);
      const Link& link = links[l];
      if (link.ready_at <= now) {
        capacity_[l] = link.capacity;
      } else {
        // A circuit still switching frees its flows when it is ready.
        capacity_[l] = 0.0;
        next_ready = std::min(next_ready, link.ready_at.since_epoch_ns());
      }
    }
    path_first_.push_back(static_cast<std::uint32_t>(path_links_.size()));
  }
  solver_.solve(capacity_, path_first_, path_links_, rates_);
  for (std::size_t i = 0; i < active_.size(); ++i) {
    Flow& flow = flows_[active_[i]];
    flow.rate = rates_[i];
    if (flow.rate <= 0) continue;
    for (const std::uint32_t l : flow.route.links) {
      if (link_rate_[l] == 0.0) rated_links_.push_back(l);
      link_rate_[l] += flow.rate;
    }
  }
  return next_ready;
}

void FluidModel::schedule_wakeup(std::int64_t next_ready) {
  if (wakeup_.valid()) engine_->cancel(wakeup_);
  wakeup_ = sim::EventId{};
  const std::int64_t now = engine_->now().since_epoch_ns();
  std::int64_t next = next_ready;
  for (const std::uint32_t f : active_) {
    const Flow& flow = flows_[f];
    if (flow.rate > 0) {
      const auto ns = static_cast<std::int64_t>(std::ceil(flow.remaining / flow.rate));
      next = std::min(next, now + std::max<std::int64_t>(ns, 1));
    }
  }
  if (next == std::numeric_limits<std::int64_t>::max()) return;
  wakeup_ = engine_->schedule_at(TimePoint::from_ns(next), [this] {
    wakeup_ = sim::EventId{};
    update();
  });
}

}  // namespace lightpath::netmodel
