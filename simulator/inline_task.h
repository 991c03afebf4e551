#pragma once
// A type-erased `void()` callable stored in place when it fits, so that
// scheduling an event does not allocate. Unlike std::function it is neither
// copyable nor movable: it lives in a slot of the engine's slab, whose
// address never changes, and is consumed by running it.

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace lightpath::sim {

class InlineTask {
 public:
  // Room for a std::function or a lambda capturing five pointers; with the
  // function pointer and the slab's bookkeeping a slot is one cache line.
  static constexpr std::size_t kCapacity = 40;
  static constexpr std::size_t kAlign = alignof(void*);

  InlineTask() = default;
  InlineTask(const InlineTask&) = delete;
  InlineTask& operator=(const InlineTask&) = delete;
  ~InlineTask() { reset(); }

  template <class F>
  void emplace(F&& f) {
    using Fn = std::decay_t<F>;
    if constexpr (sizeof(Fn) <= kCapacity && alignof(Fn) <= kAlign) {
      ::new (static_cast<void*>(buf_)) Fn(std::forward<F>(f));
      run_ = [](void* p, bool invoke) {
        Fn& fn = *std::launder(static_cast<Fn*>(p));
        if (invoke) fn();
        fn.~Fn();
      };
    } else {
      ::new (static_cast<void*>(buf_)) Fn*(new Fn(std::forward<F>(f)));
      run_ = [](void* p, bool invoke) {
        Fn* fn = *std::launder(static_cast<Fn**>(p));
        if (invoke) (*fn)();
        delete fn;
      };
    }
  }

  bool empty() const { return run_ == nullptr; }

  // Runs the callable, then destroys it. The task is empty afterwards.
  void run_once() {
    auto* run = run_;
    run_ = nullptr;
    run(buf_, true);
  }

  void reset() {
    if (run_ == nullptr) return;
    auto* run = run_;
    run_ = nullptr;
    run(buf_, false);
  }

 private:
  alignas(kAlign) unsigned char buf_[kCapacity];
  void (*run_)(void*, bool) = nullptr;
};

}  // namespace lightpath::sim
