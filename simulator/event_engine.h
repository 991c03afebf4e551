#pragma once
// The discrete-event engine: an object (several may run in one process) that
// owns virtual time, a queue of pending events and the seeded random source.
//
// Order: events run by (time, insertion sequence), so events due at the same
// time run in the order they were scheduled. Pending events sit in a radix
// heap of compact {time, sequence, slot} records: virtual time never goes
// backwards, so a record is filed in bucket b = the position of the highest
// bit in which its time differs from `last_`, the time of the most recent
// minimum (bucket 0: equal to it). Pushing is O(1); when bucket 0 runs dry
// the lowest non-empty bucket is emptied into the buckets below it around
// its own minimum, so a record moves at most 64 times over its life and
// usually a handful. Records reach a bucket only in sequence order (a bucket
// is refilled only while empty, and sequences only grow), so bucket 0 holds
// the events due at `last_` in the order they were scheduled, and events
// scheduled for that time later append behind them.
//
// After run_until() leaves the clock short of `last_` an event may be
// scheduled before `last_`; such early events go to a small 4-ary heap
// ordered by (time, sequence), which runs ahead of the buckets.
//
// Handlers live in a slab of fixed slots with a free list, stored in place
// (InlineTask), so a steady stream of events allocates nothing.
// Cancellation frees the slot at once and leaves the record behind as a
// tombstone that is skipped when it surfaces.

#include <cassert>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "lightpath/units.h"
#include "simulator/inline_task.h"
#include "simulator/rng.h"

namespace lightpath::sim {

// Names one scheduled event: its slot and that slot's generation, packed.
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
    if (next_seq_ == kSeqLimit) renumber();
    const std::uint32_t index = acquire_slot();
    Slot& s = slot(index);
    s.task.emplace(std::forward<F>(fn));
    s.key = (next_seq_++ << kSlotBits) | index;
    push(Entry{when.since_epoch_ns(), s.key});
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
  // key = sequence << kSlotBits | slot. Comparing keys compares sequences,
  // since sequences are unique; the slot's own copy of the key tells a live
  // record from one left behind by a cancelled event.
  struct Entry {
    std::int64_t time;
    std::uint64_t key;
  };
  struct alignas(64) Slot {
    InlineTask task;
    std::uint64_t key = kFreeKey;
    std::uint32_t next_free = 0;
    std::uint32_t gen = 1;  // bumped when the occupant runs or is cancelled
  };
  static constexpr int kSlotBits = 24;  // at most 16.7 million events pending
  static constexpr std::uint64_t kSlotMask = (1ULL << kSlotBits) - 1;
  static constexpr std::uint64_t kSeqLimit = 1ULL << (64 - kSlotBits);
  static constexpr std::uint64_t kFreeKey = ~0ULL;
  static constexpr std::size_t kHeapPad = 3;  // early_[kHeapPad] is the root
  static constexpr int kBuckets = 65;
  static constexpr int kPrefetchBucket = 4;  // see refill()
  static constexpr int kPrefetchCap = 32;
  static constexpr std::uint32_t kChunkBits = 12;
  static constexpr std::uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;
  static constexpr std::uint32_t kArenaChunks = 8;  // 8 chunks of 256 KiB

  static bool before(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.key < b.key);
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
  // Bucket of time t relative to last_: 0 when equal, else 1 + the index of
  // the highest differing bit. Requires t >= last_.
  int bucket_of(std::int64_t t) const {
    const auto x = static_cast<std::uint64_t>(t ^ last_);
    return x == 0 ? 0 : 64 - __builtin_clzll(x);
  }
  void push(Entry e) {
    if (e.time < last_) [[unlikely]] {
      heap_push(e);
      return;
    }
    const int b = bucket_of(e.time);
    buckets_[b].push_back(e);
    if (b != 0) occupied_ |= 1ULL << (b - 1);
  }
  // Empties the lowest non-empty bucket above 0 into the ones below it,
  // around its minimum; false when every bucket is empty.
  bool refill();
  void heap_push(Entry e);
  Entry heap_pop();
  // Removes the next live entry (early heap first, then bucket 0, refilling
  // it as needed); false when none.
  bool pop_live(Entry& out);
  void purge_tombstones();
  // Gives pending events fresh sequence numbers from zero, keeping their
  // order, when the 40-bit sequence space runs out (after ~10^12 events).
  void renumber();
  bool live(const Entry& e) {
    return slot(static_cast<std::uint32_t>(e.key & kSlotMask)).key == e.key;
  }
  std::size_t heap_size() const { return early_.size() - kHeapPad; }
  // Drops every record, then files `entries` (sorted by time, then key).
  void refile(const std::vector<Entry>& entries);

 public:
  // Jumps the sequence counter close to its limit, to test renumbering.
  void set_next_sequence_for_test(std::uint64_t seq) { next_seq_ = seq; }
  static constexpr std::uint64_t sequence_limit_for_test() { return kSeqLimit; }

 private:
  TimePoint now_;
  Rng rng_;
  // Allocates on 64-byte boundaries so that sibling groups align to lines.
  template <class T>
  struct LineAligned {
    using value_type = T;
    LineAligned() = default;
    template <class U>
    LineAligned(const LineAligned<U>&) {}  // NOLINT: allocator rebinding
    T* allocate(std::size_t n) {
      return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(64)));
    }
    void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t(64)); }
    bool operator==(const LineAligned&) const { return true; }
  };
  // Events before last_: kHeapPad unused records, then a 4-ary heap.
  std::vector<Entry, LineAligned<Entry>> early_;
  std::int64_t last_;  // every record in buckets_ is due at or after it
  std::vector<Entry> buckets_[kBuckets];
  std::size_t head_ = 0;        // buckets_[0] is read from here
  std::uint64_t occupied_ = 0;  // bit b-1 set when buckets_[b] may be non-empty
  // Slots live in chunks of kChunkSize; past the first kArenaChunks chunks
  // they are carved from 2 MiB arenas that ask for transparent huge pages,
  // so that a large slab's random accesses do not also miss the TLB.
  std::vector<Slot*> chunks_;
  struct Arena {
    void* base;
    std::size_t bytes;
    std::size_t align;
  };
  std::vector<Arena> arenas_;
  std::uint32_t free_head_ = kNoSlot;
  std::uint64_t next_seq_ = 0;
  std::size_t live_ = 0;
  std::size_t tombstones_ = 0;
  std::uint64_t events_run_ = 0;
  bool stopped_ = false;
};

}  // namespace lightpath::sim
