#pragma once
// The flow-level (fluid) network model on the simulator's event engine
// (docs/network-model.md). A flow is a transfer of some bytes from one
// endpoint to another over one route. Its bytes move at a rate: a circuit's
// bandwidth, or a max-min fair share of the packet links on its path, rates
// recomputed whenever a flow starts or ends or a circuit becomes ready. A
// circuit still being switched carries nothing until its ready time. When a
// flow's last byte has left, the route's fixed latency later it is done.
//
// Time is the engine's integer nanoseconds; a flow's finish is rounded up to
// the next whole nanosecond. Same inputs, same event order, same times.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "simulator/event_engine.h"
#include "simulator/netmodel/max_min.h"
#include "simulator/netmodel/network.h"

namespace lightpath::netmodel {

struct FluidStats {
  std::uint64_t flows_started = 0;
  std::uint64_t flows_finished = 0;
  std::uint64_t rate_updates = 0;  // max-min recomputations
};

class FluidModel {
 public:
  using Done = std::function<void()>;

  // Both must outlive the model. Circuits may be added to `network` later;
  // flows started after that see them.
  FluidModel(sim::EventEngine& engine, const Network& network);
  FluidModel(const FluidModel&) = delete;
  FluidModel& operator=(const FluidModel&) = delete;

  // Starts a flow now; `done` runs on the engine when it has arrived. False
  // (and `done` never runs) when no circuit or packet path joins the two.
  // `latency_times` is how often the route's fixed latency is paid after the
  // last byte: 1 for one transfer, more for a flow standing for a pipeline
  // of dependent transfers (collective_plan.h).
  bool start(EndpointId from, EndpointId to, Bytes size, Done done, int latency_times = 1);
  // Gives a fresh route to every flow crossing a link the network no longer
  // has (a circuit removed or failed): the bytes left move on from now. A
  // flow with nowhere to go waits on its dead link, carrying nothing. Call it
  // after any change to the network's circuits: rates are recomputed.
  void reroute();
  // True when a flow from `from` to `to` would have a route.
  bool can_route(EndpointId from, EndpointId to) const;

  // Utilization accounting. Bytes that have crossed directed `link` since
  // the model was made, accounted up to the latest time the model advanced
  // (a flow started or ended, rates changed, or sync()). A flow's bytes
  // count when they leave, as the fluid moves them (its latency is not
  // waited for); a finished flow has put exactly its size on each link of
  // its route. 0 for a link no flow has crossed.
  double carried(std::uint32_t link) const { return link < carried_.size() ? carried_[link] : 0.0; }
  // The bytes per ns (= GB/s) the active flows now put on `link`.
  double link_rate(std::uint32_t link) const {
    return link < link_rate_.size() ? link_rate_[link] : 0.0;
  }
  // Brings carried() up to the engine's now, e.g. for a periodic sampler.
  // Costs O(links now carrying traffic) and changes nothing the model will
  // do: flows' times are the same with or without calls to it.
  void sync();

  std::size_t active_flows() const { return active_.size(); }
  const FluidStats& stats() const { return stats_; }
  // The current rate of every active flow, bytes per ns (= GB/s), in start order.
  std::vector<double> rates_for_test() const;

 private:
  struct Flow {
    EndpointId from;
    EndpointId to;
    Route route;
    double remaining = 0.0;  // bytes
    double rate = 0.0;       // bytes per ns
    Done done;
    int latency_times = 1;
  };

  // Asks for one update at the current time; starts at the same instant share one.
  void request_update();
  // Moves every flow's bytes on to now, finishes the flows that are through,
  // recomputes the rates and schedules the next wake-up.
  void update();
  void advance_to_now();
  void finish_through_flows();
  // Recomputes the rates; returns the earliest time a circuit on an active
  // flow's path becomes ready (INT64_MAX if none).
  std::int64_t reallocate();
  void schedule_wakeup(std::int64_t next_ready);

  sim::EventEngine* engine_;
  const Network* network_;
  std::vector<Flow> flows_;            // slots; freed slots are reused
  std::vector<std::uint32_t> free_;    // free slot indexes
  std::vector<std::uint32_t> active_;  // slot indexes in start order
  std::vector<int> load_;              // active flows per link
  TimePoint advanced_;                 // flows' bytes are accounted up to here
  // Utilization: bytes per link up to `accounted_` (never behind advanced_),
  // and the links with a nonzero total rate.
  std::vector<double> carried_;
  std::vector<double> link_rate_;
  std::vector<std::uint32_t> rated_links_;
  TimePoint accounted_;
  // Scratch space for reallocate(), kept between calls.
  MaxMinSolver solver_;
  std::vector<double> capacity_;
  std::vector<std::uint32_t> path_first_;
  std::vector<std::uint32_t> path_links_;
  std::vector<double> rates_;
  std::vector<std::uint32_t> through_;
  bool update_pending_ = false;
  sim::EventId wakeup_;
  FluidStats stats_;
};

}  // namespace lightpath::netmodel
