#include "simulator/event_engine.h"

#include <algorithm>
#include <stdexcept>

namespace lightpath::sim {

EventEngine::EventEngine(Rng rng, TimePoint start) : now_(start), rng_(rng) {
  heap_.reserve(1024);
  heap_.resize(kHeapPad, Entry{0, 0});
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
  if (base + kChunkSize > (1u << kSlotBits))
    throw std::length_error("event engine: more than 2^24 events pending");
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
  if (s.gen != gen || s.key == kFreeKey) return false;
  s.task.reset();
  s.key = kFreeKey;
  ++s.gen;
  release_slot(index);
  --live_;
  ++tombstones_;
  if (tombstones_ > 1024 && tombstones_ > 2 * live_) purge_tombstones();
  return true;
}

void EventEngine::heap_push(Entry e) {
  heap_.push_back(e);
  Entry* h = heap_.data() + kHeapPad;
  std::size_t i = heap_size() - 1;
  while (i > 0) {
    const std::size_t parent = (i - 1) >> 2;
    if (!before(e, h[parent])) break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = e;
}

EventEngine::Entry EventEngine::heap_pop() {
  Entry* h = heap_.data() + kHeapPad;
  const Entry top = h[0];
  const Entry last = h[heap_size() - 1];
  heap_.pop_back();
  const std::size_t n = heap_size();
  if (n == 0) return top;
  // Sift the hole down to a leaf along the smallest children, then sift the
  // displaced last record up from there: fewer comparisons than the
  // textbook sift-down, since that record usually belongs near the bottom.
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    // Fetch the grandchildren's line while choosing among the children.
    __builtin_prefetch(h + 4 * first + 1);
    std::size_t best = first;
    if (first + 4 <= n) {
      const std::size_t a = before(h[first + 1], h[first]) ? first + 1 : first;
      const std::size_t b = before(h[first + 3], h[first + 2]) ? first + 3 : first + 2;
      best = before(h[b], h[a]) ? b : a;
    } else {
      for (std::size_t c = first + 1; c < n; ++c)
        if (before(h[c], h[best])) best = c;
    }
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
    const bool have_heap = heap_size() > 0;
    if (!have_fifo && !have_heap) return false;
    if (have_fifo && (!have_heap || before(fifo_[fifo_head_], heap_[kHeapPad]))) {
      out = fifo_[fifo_head_++];
      if (fifo_head_ == fifo_.size()) {
        fifo_.clear();
        fifo_head_ = 0;
      }
    } else {
      out = heap_pop();
      // The next event's handler is a likely cache miss; start loading it
      // while this one runs.
      if (heap_size() > 0)
        __builtin_prefetch(&slot(static_cast<std::uint32_t>(heap_[kHeapPad].key & kSlotMask)));
    }
    if (live(out)) return true;
    --tombstones_;
  }
}

bool EventEngine::step() {
  Entry e;
  if (!pop_live(e)) return false;
  now_ = TimePoint::from_ns(e.time);
  const auto index = static_cast<std::uint32_t>(e.key & kSlotMask);
  Slot& s = slot(index);
  // The id stops naming this event before it runs: cancelling oneself from
  // inside the handler is a harmless no-op.
  s.key = kFreeKey;
  ++s.gen;
  --live_;
  ++events_run_;
  s.task.run_once();
  release_slot(index);
  return true;
}

TimePoint EventEngine::next_time() {
  // Drop tombstones at the front so the answer names a live event.
  for (;;) {
    if (fifo_head_ < fifo_.size()) {
      if (live(fifo_[fifo_head_])) return now_;
      --tombstones_;
      if (++fifo_head_ == fifo_.size()) {
        fifo_.clear();
        fifo_head_ = 0;
      }
      continue;
    }
    if (heap_size() == 0) return now_;
    const Entry& top = heap_[kHeapPad];
    if (live(top)) return TimePoint::from_ns(top.time);
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

void EventEngine::rebuild_heap(std::vector<Entry> entries) {
  heap_.resize(kHeapPad);
  for (const Entry& e : entries) heap_push(e);
}

void EventEngine::purge_tombstones() {
  std::vector<Entry> kept;
  kept.reserve(live_);
  for (std::size_t i = kHeapPad; i < heap_.size(); ++i)
    if (live(heap_[i])) kept.push_back(heap_[i]);
  std::vector<Entry> fifo;
  for (std::size_t i = fifo_head_; i < fifo_.size(); ++i)
    if (live(fifo_[i])) fifo.push_back(fifo_[i]);
  tombstones_ -= (heap_size() - kept.size()) + (fifo_.size() - fifo_head_ - fifo.size());
  rebuild_heap(std::move(kept));
  fifo_ = std::move(fifo);
  fifo_head_ = 0;
}

void EventEngine::renumber() {
  purge_tombstones();
  std::vector<Entry> all(heap_.begin() + kHeapPad, heap_.end());
  all.insert(all.end(), fifo_.begin() + static_cast<std::ptrdiff_t>(fifo_head_), fifo_.end());
  std::sort(all.begin(), all.end(), before);
  next_seq_ = 0;
  for (Entry& e : all) {
    Slot& s = slot(static_cast<std::uint32_t>(e.key & kSlotMask));
    e.key = (next_seq_++ << kSlotBits) | (e.key & kSlotMask);
    s.key = e.key;
  }
  // Events due now stay in the FIFO, which must keep them in order.
  std::vector<Entry> later, due_now;
  for (const Entry& e : all) (e.time == now_.since_epoch_ns() ? due_now : later).push_back(e);
  rebuild_heap(std::move(later));
  fifo_ = std::move(due_now);
  fifo_head_ = 0;
}

}  // namespace lightpath::sim
