#include "simulator/policy/utilization_sampler.h"

#include <algorithm>

namespace lightpath::policy {

UtilizationSampler::UtilizationSampler(sim::EventEngine& engine, netmodel::FluidModel& model,
                                       const netmodel::Network& network,
                                       const CircuitBridge& bridge, Duration first_step,
                                       std::size_t limit)
    : engine_(engine),
      model_(model),
      network_(network),
      bridge_(bridge),
      step_(first_step),
      limit_(std::max<std::size_t>(limit, 2)) {}

void UtilizationSampler::start(std::function<bool()> finished) {
  finished_ = std::move(finished);
  engine_.schedule_after(step_, [this] { sample(); });
}

void UtilizationSampler::sample() {
  model_.sync();
  const auto& links = network_.links();
  last_.resize(links.size(), 0.0);
  double packet_bytes = 0, packet_cap = 0, circuit_bytes = 0, circuit_cap = 0;
  for (std::uint32_t l = 0; l < links.size(); ++l) {
    const double carried = model_.carried(l);
    const double moved = carried - last_[l];
    last_[l] = carried;
    if (links[l].kind == netmodel::LinkKind::kPacket) {
      packet_bytes += moved;
      packet_cap += links[l].capacity;
    } else if (links[l].kind == netmodel::LinkKind::kCircuit) {
      circuit_bytes += moved;
      if (!links[l].dead) circuit_cap += links[l].capacity;
    }
  }
  const auto span = static_cast<double>(step_.count_ns());
  report::UtilizationSample s;
  s.at = Duration::ns(engine_.now().since_epoch_ns());
  s.packet = packet_cap > 0 ? std::min(1.0, packet_bytes / (packet_cap * span)) : 0.0;
  s.circuit = circuit_cap > 0 ? std::min(1.0, circuit_bytes / (circuit_cap * span)) : 0.0;
  s.circuits_up = bridge_.circuits_up();
  series_.push_back(s);
  if (series_.size() >= limit_) {
    // Halve the series: each pair becomes one sample over twice the step.
    std::vector<report::UtilizationSample> merged;
    for (std::size_t i = 0; i + 1 < series_.size(); i += 2) {
      report::UtilizationSample m = series_[i + 1];
      m.packet = (series_[i].packet + series_[i + 1].packet) / 2;
      m.circuit = (series_[i].circuit + series_[i + 1].circuit) / 2;
      merged.push_back(m);
    }
    if (series_.size() % 2 == 1) merged.push_back(series_.back());
    series_ = std::move(merged);
    step_ = step_ * 2;
  }
  if (!finished_()) engine_.schedule_after(step_, [this] { sample(); });
}

std::vector<report::UtilizationSample> UtilizationSampler::samples(TimePoint origin) const {
  std::vector<report::UtilizationSample> out = series_;
  for (auto& s : out) s.at = s.at - Duration::ns(origin.since_epoch_ns());
  return out;
}

}  // namespace lightpath::policy
