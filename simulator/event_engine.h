#pragma once
// The discrete-event engine: an object (several may run in one process) that
// owns virtual time, a queue of pending events and the seeded random source.
//
// Order: events run by (time, insertion sequence), so events due at the same
// time run in the order they were scheduled. Events due at the current time
// wait in a FIFO beside the heap; the rest sit in a 4-ary heap of compact
// {time, sequence, slot} records. Handlers live in a slab of fixed slots
// with a free list, stored in place (InlineTask), so a steady stream of
// events allocates nothing. Cancellation frees the slot at once and leaves
// the heap record behind as a tombstone that is skipped when it surfaces.

#include <cassert>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "lightpath/units.h"
#include "simulator/inline_task.h"
#include "simulator/rng.h"

namespace lightpath::sim {

// Names one scheduled event: slot index and that slot's generation.
struct EventId {
  std::uint64_t value = 0;  // 0 names no event
  bool valid() const { return value != 0; }
  auto operator<=>(const EventId&) const = default;
};

class EventEngine {
 public:
  explicit EventEngine(Rng rng, TimePoint start = TimePoint());
  EventEngine(const EventEngine&) = delete;
  EventEngine& operator=(const EventEngine&) = delete;
  ~EventEngine();

  TimePoint now() const { return now_; }
  Rng& rng() { return rng_; }

  // Schedules `fn` at `when`; a time in the past counts as now.
  template <class F>
  EventId schedule_at(TimePoint when, F&& fn) {
    if (when < now_) when = now_;
    const std::uint32_t index = acquire_slot();
    Slot& s = slot(index);
    s.task.emplace(std::forward<F>(fn));
    const Entry e{when.since_epoch_ns(), next_seq_++, index, s.gen};
    if (when == now_) {
      fifo_.push_back(e);
    } else {
      heap_push(e);
    }
    ++live_;
    return EventId{(static_cast<std::uint64_t>(s.gen) << 32) | (index + 1ULL)};
  }
  template <class F>
  EventId schedule_after(Duration delay, F&& fn) {
    return schedule_at(now_ + delay, std::forward<F>(fn));
  }

  // True when the event was pending and will now not run.
  bool cancel(EventId id);

  // Runs the next event, if any. False when nothing is pending.
  bool step();
  // Runs every event due at or before `until`, then sets the clock to `until`
  // (unless stopped early). Returns how many events ran.
  std::uint64_t run_until(TimePoint until);
  std::uint64_t run_for(Duration d) { return run_until(now_ + d); }
  // Runs until nothing is pending or stop() is called.
  std::uint64_t run();
  // Makes the running run/run_until return after the current event.
  void stop() { stopped_ = true; }

  std::size_t pending() const { return live_; }
  std::uint64_t events_run() const { return events_run_; }
  // Time of the next pending event; `now()` when nothing is pending.
  TimePoint next_time();

 private:
  struct Entry {
    std::int64_t time;
    std::uint64_t seq;
    std::uint32_t slot;
    std::uint32_t gen;
  };
  struct Slot {
    InlineTask task;
    std::uint32_t gen = 1;
    std::uint32_t next_free = 0;
  };
  static constexpr std::uint32_t kChunkBits = 12;
  static constexpr std::uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;

  static bool before(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.seq < b.seq);
  }
  Slot& slot(std::uint32_t i) { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }
  std::uint32_t acquire_slot() {
    if (free_head_ == kNoSlot) grow();
    const std::uint32_t i = free_head_;
    free_head_ = slot(i).next_free;
    return i;
  }
  void release_slot(std::uint32_t i) {
    Slot& s = slot(i);
    s.next_free = free_head_;
    free_head_ = i;
  }
  void grow();
  void heap_push(Entry e);
  Entry heap_pop();
  // Removes the next live entry from the FIFO or the heap; false when none.
  bool pop_live(Entry& out);
  void purge_tombstones();

  TimePoint now_;
  Rng rng_;
  std::vector<Entry> heap_;
  std::vector<Entry> fifo_;  // all due now, in sequence order; read from fifo_head_
  std::size_t fifo_head_ = 0;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  std::uint32_t free_head_ = kNoSlot;
  std::uint64_t next_seq_ = 0;
  std::size_t live_ = 0;
  std::size_t tombstones_ = 0;
  std::uint64_t events_run_ = 0;
  bool stopped_ = false;
};

}  // namespace lightpath::sim
