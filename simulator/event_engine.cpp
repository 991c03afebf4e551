#include "simulator/event_engine.h"

#include <algorithm>
#include <memory>
#include <stdexcept>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace lightpath::sim {

EventEngine::EventEngine(Rng rng, TimePoint start)
    : now_(start), rng_(rng), last_(start.since_epoch_ns()) {
  early_.reserve(64);
  early_.resize(kHeapPad, Entry{0, 0});
}

EventEngine::~EventEngine() {
  // Handlers still pending are destroyed without running; their captures may
  // own resources.
  for (Slot* chunk : chunks_) std::destroy_n(chunk, kChunkSize);
  for (const Arena& a : arenas_) ::operator delete(a.base, a.bytes, std::align_val_t(a.align));
}

void EventEngine::grow() {
  const auto base = static_cast<std::uint32_t>(chunks_.size()) << kChunkBits;
  if (base + kChunkSize > (1u << kSlotBits))
    throw std::length_error("event engine: more than 2^24 events pending");
  constexpr std::size_t kChunkBytes = sizeof(Slot) * kChunkSize;
  constexpr std::size_t kArenaBytes = kChunkBytes * kArenaChunks;
  static_assert(kArenaBytes == (std::size_t{2} << 20), "an arena is one huge page");
  const std::size_t n = chunks_.size();
  chunks_.reserve(n + 1);
  void* memory = nullptr;
  if (n < kArenaChunks) {
    // A small engine keeps a small slab.
    arenas_.reserve(arenas_.size() + 1);
    memory = ::operator new(kChunkBytes, std::align_val_t(alignof(Slot)));
    arenas_.push_back(Arena{memory, kChunkBytes, alignof(Slot)});
  } else {
    if (n % kArenaChunks == 0) {
      arenas_.reserve(arenas_.size() + 1);
      void* arena = ::operator new(kArenaBytes, std::align_val_t(kArenaBytes));
#if defined(MADV_HUGEPAGE)
      ::madvise(arena, kArenaBytes, MADV_HUGEPAGE);  // advice only; failure is harmless
#endif
      arenas_.push_back(Arena{arena, kArenaBytes, kArenaBytes});
    }
    memory = static_cast<char*>(arenas_.back().base) + (n % kArenaChunks) * kChunkBytes;
  }
  Slot* chunk = static_cast<Slot*>(memory);
  std::uninitialized_default_construct_n(chunk, kChunkSize);
  chunks_.push_back(chunk);
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
  early_.push_back(e);
  Entry* h = early_.data() + kHeapPad;
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
  Entry* h = early_.data() + kHeapPad;
  const Entry top = h[0];
  const Entry last = h[heap_size() - 1];
  early_.pop_back();
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

bool EventEngine::refill() {
  if (occupied_ == 0) return false;
  const int b = __builtin_ctzll(occupied_) + 1;
  occupied_ &= occupied_ - 1;
  std::vector<Entry>& from = buckets_[b];
  std::int64_t m = from[0].time;
  for (const Entry& e : from) m = std::min(m, e.time);
  last_ = m;
  // Every bucket below b is empty, so each receives records in the order
  // they sit in `from`: sequence order among equal times.
  std::uint64_t occ = 0;
  int prefetches = kPrefetchCap;
  for (const Entry& e : from) {
    const int nb = bucket_of(e.time);
    buckets_[nb].push_back(e);
    occ |= 1ULL << nb;
    // Records landing near the bottom (within 15 ns of last_) run within the
    // next few steps: start loading their handlers now, while there is time
    // to hide the miss. Capped so that a dense bucket cannot flood the cache.
    if (nb <= kPrefetchBucket && prefetches > 0) {
      --prefetches;
      __builtin_prefetch(&slot(static_cast<std::uint32_t>(e.key & kSlotMask)));
    }
  }
  occupied_ |= occ >> 1;
  from.clear();
  std::vector<Entry>& now = buckets_[0];
  // Already in sequence order; the check is cheap insurance for bucket 0.
  const auto by_key = [](const Entry& x, const Entry& y) { return x.key < y.key; };
  if (now.size() > 1 && !std::is_sorted(now.begin(), now.end(), by_key))
    std::sort(now.begin(), now.end(), by_key);
  return true;
}

bool EventEngine::pop_live(Entry& out) {
  for (;;) {
    if (heap_size() > 0) [[unlikely]] {
      out = heap_pop();
    } else {
      std::vector<Entry>& now = buckets_[0];
      if (head_ == now.size()) {
        now.clear();
        head_ = 0;
        if (!refill()) return false;
      }
      out = now[head_++];
      // The next event's handler is a likely cache miss; start loading it
      // while this one runs.
      if (head_ < now.size())
        __builtin_prefetch(&slot(static_cast<std::uint32_t>(now[head_].key & kSlotMask)));
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
  // Drop tombstones at the front so the answer names a live event. Refilling
  // may move last_ past now_; events scheduled before it then go to early_.
  for (;;) {
    if (heap_size() > 0) {
      const Entry& top = early_[kHeapPad];
      if (live(top)) return TimePoint::from_ns(top.time);
      heap_pop();
      --tombstones_;
      continue;
    }
    std::vector<Entry>& now = buckets_[0];
    if (head_ < now.size()) {
      if (live(now[head_])) return TimePoint::from_ns(last_);
      --tombstones_;
      ++head_;
      continue;
    }
    now.clear();
    head_ = 0;
    if (!refill()) return now_;
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

void EventEngine::refile(const std::vector<Entry>& entries) {
  early_.resize(kHeapPad);
  for (auto& b : buckets_) b.clear();
  head_ = 0;
  occupied_ = 0;
  // last_ stays put: every record is still due at or after now_, and those
  // before last_ go back to early_.
  for (const Entry& e : entries) push(e);
}

void EventEngine::purge_tombstones() {
  std::vector<Entry> kept;
  kept.reserve(live_);
  for (std::size_t i = kHeapPad; i < early_.size(); ++i)
    if (live(early_[i])) kept.push_back(early_[i]);
  for (std::size_t i = head_; i < buckets_[0].size(); ++i)
    if (live(buckets_[0][i])) kept.push_back(buckets_[0][i]);
  for (int b = 1; b < kBuckets; ++b)
    for (const Entry& e : buckets_[b])
      if (live(e)) kept.push_back(e);
  std::sort(kept.begin(), kept.end(), before);
  tombstones_ = 0;
  refile(kept);
}

void EventEngine::renumber() {
  purge_tombstones();
  std::vector<Entry> all(early_.begin() + kHeapPad, early_.end());
  all.insert(all.end(), buckets_[0].begin() + static_cast<std::ptrdiff_t>(head_),
             buckets_[0].end());
  for (int b = 1; b < kBuckets; ++b) all.insert(all.end(), buckets_[b].begin(), buckets_[b].end());
  std::sort(all.begin(), all.end(), before);
  next_seq_ = 0;
  for (Entry& e : all) {
    Slot& s = slot(static_cast<std::uint32_t>(e.key & kSlotMask));
    e.key = (next_seq_++ << kSlotBits) | (e.key & kSlotMask);
    s.key = e.key;
  }
  refile(all);
}

}  // namespace lightpath::sim
