#include "simulator/event_engine.h"

namespace lightpath::sim {

EventEngine::EventEngine(Rng rng, TimePoint start) : now_(start), rng_(rng) {
  heap_.reserve(1024);
  fifo_.reserve(256);
}

EventEngine::~EventEngine() {
  // Handlers still pending are destroyed without running; their captures may
  // own resources.
  for (auto& chunk : chunks_)
    for (std::uint32_t i = 0; i < kChunkSize; ++i) chunk[i].task.reset();
}

void EventEngine::grow() {
  const auto base = static_cast<std::uint32_t>(chunks_.size()) << kChunkBits;
  chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
  // Thread the new slots onto the free list so that low indices come first.
  for (std::uint32_t i = kChunkSize; i-- > 0;) release_slot(base + i);
}

bool EventEngine::cancel(EventId id) {
  if (!id.valid()) return false;
  const auto index = static_cast<std::uint32_t>((id.value & 0xFFFFFFFFu) - 1);
  const auto gen = static_cast<std::uint32_t>(id.value >> 32);
  if ((index >> kChunkBits) >= chunks_.size()) return false;
  Slot& s = slot(index);
  if (s.gen != gen || s.task.empty()) return false;
  s.task.reset();
  ++s.gen;
  release_slot(index);
  --live_;
  ++tombstones_;
  if (tombstones_ > 1024 && tombstones_ > 2 * live_) purge_tombstones();
  return true;
}

void EventEngine::heap_push(Entry e) {
  std::size_t i = heap_.size();
  heap_.push_back(e);
  Entry* h = heap_.data();
  while (i > 0) {
    const std::size_t parent = (i - 1) >> 2;
    if (!before(e, h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = e;
}

EventEngine::Entry EventEngine::heap_pop() {
  Entry* h = heap_.data();
  const Entry top = h[0];
  const Entry last = h[heap_.size() - 1];
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return top;
  // Sift the hole down to a leaf along the smallest children, then sift the
  // displaced last record up from there: fewer comparisons than the
  // textbook sift-down, since that record usually belongs near the bottom.
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t end = first + 4 < n ? first + 4 : n;
    for (std::size_t c = first + 1; c < end; ++c)
      if (before(h[c], h[best])) best = c;
    h[i] = h[best];
    i = best;
  }
  while (i > 0) {
    const std::size_t parent = (i - 1) >> 2;
    if (!before(last, h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = last;
  return top;
}

bool EventEngine::pop_live(Entry& out) {
  for (;;) {
    const bool have_fifo = fifo_head_ < fifo_.size();
    if (!have_fifo && heap_.empty()) return false;
    if (have_fifo && (heap_.empty() || before(fifo_[fifo_head_], heap_[0]))) {
      out = fifo_[fifo_head_++];
      if (fifo_head_ == fifo_.size()) {
        fifo_.clear();
        fifo_head_ = 0;
      }
    } else {
      out = heap_pop();
    }
    if (slot(out.slot).gen == out.gen) return true;
    --tombstones_;
  }
}

bool EventEngine::step() {
  Entry e;
  if (!pop_live(e)) return false;
  now_ = TimePoint::from_ns(e.time);
  Slot& s = slot(e.slot);
  // The id stops naming this event before it runs: cancelling oneself from
  // inside the handler is a harmless no-op.
  ++s.gen;
  --live_;
  ++events_run_;
  s.task.run_once();
  release_slot(e.slot);
  return true;
}

TimePoint EventEngine::next_time() {
  // Drop tombstones at the front so the answer names a live event.
  for (;;) {
    if (fifo_head_ < fifo_.size()) {
      const Entry& f = fifo_[fifo_head_];
      if (slot(f.slot).gen == f.gen) return now_;
      --tombstones_;
      if (++fifo_head_ == fifo_.size()) {
        fifo_.clear();
        fifo_head_ = 0;
      }
      continue;
    }
    if (heap_.empty()) return now_;
    const Entry& top = heap_[0];
    if (slot(top.slot).gen == top.gen) return TimePoint::from_ns(top.time);
    heap_pop();
    --tombstones_;
  }
}

std::uint64_t EventEngine::run_until(TimePoint until) {
  stopped_ = false;
  const std::uint64_t before_count = events_run_;
  while (!stopped_ && live_ > 0 && next_time() <= until) step();
  if (!stopped_ && until > now_) now_ = until;
  return events_run_ - before_count;
}

std::uint64_t EventEngine::run() {
  stopped_ = false;
  const std::uint64_t before_count = events_run_;
  while (!stopped_ && step()) {
  }
  return events_run_ - before_count;
}

void EventEngine::purge_tombstones() {
  std::vector<Entry> kept;
  kept.reserve(live_);
  for (const Entry& e : heap_)
    if (slot(e.slot).gen == e.gen) kept.push_back(e);
  std::size_t removed = heap_.size() - kept.size();
  heap_.clear();
  for (const Entry& e : kept) heap_push(e);
  std::vector<Entry> fifo;
  for (std::size_t i = fifo_head_; i < fifo_.size(); ++i) {
    const Entry& e = fifo_[i];
    if (slot(e.slot).gen == e.gen) {
      fifo.push_back(e);
    } else {
      ++removed;
    }
  }
  fifo_ = std::move(fifo);
  fifo_head_ = 0;
  tombstones_ -= removed;
}

}  // namespace lightpath::sim
