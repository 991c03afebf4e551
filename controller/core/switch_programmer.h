#pragma once
// Drives each switch toward the cross-connects the controller wants there.
// Per switch it knows the desired set and the set the device last reported,
// keeps at most one batch in flight, and sends the difference as one
// conflict-free batch (disconnects before connects). A refused batch means
// its view is stale: it re-reads the device and tries again. An unreachable
// device is retried after a delay.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lightpath/executor.h"
#include "lightpath/southbound.h"

namespace lightpath::core {

class SwitchProgrammer {
 public:
  using XcSet = std::set<southbound::CrossConnect>;
  struct XcHash {
    std::size_t operator()(const southbound::CrossConnect& x) const {
      return std::hash<std::uint64_t>()(
          (static_cast<std::uint64_t>(static_cast<std::uint32_t>(x.a)) << 32) |
          static_cast<std::uint32_t>(x.b));
    }
  };
  // What a device holds: asked about every hop of every circuit in motion
  // after each batch, so hashed; sorted where an order is shown.
  using ActualSet = std::unordered_set<southbound::CrossConnect, XcHash>;
  // After every apply (or failure) on a switch, so the owner can move
  // circuits along their lifecycle. `reread` is true when the device's
  // cross-connects were just read afresh (start, reconnect), so anything
  // believed in place may be gone.
  using OnChange =
      std::function<void(SwitchId, const std::vector<southbound::PortFailure>&, bool reread)>;
  // After a read that found the device different from what it was last
  // known to hold, not explained by a batch whose outcome was unknown:
  // `missing` were there and are gone, `unexpected` appeared unasked.
  // Called with both empty when a read found no drift.
  using OnDrift = std::function<void(SwitchId, const std::vector<southbound::CrossConnect>& missing,
                                     const std::vector<southbound::CrossConnect>& unexpected)>;

  SwitchProgrammer(Executor& executor, std::map<SwitchId, southbound::Driver*> drivers,
                   Duration retry_delay, OnChange on_change, OnDrift on_drift = {});
  ~SwitchProgrammer();

  // The controller's wishes, counted: a cross-connect shared by several
  // circuits stays wanted until the last of them lets go.
  void want(SwitchId sw, southbound::CrossConnect xc);
  void unwant(SwitchId sw, southbound::CrossConnect xc);
  bool wanted(SwitchId sw, southbound::CrossConnect xc) const;
  // Forgets what the device was believed to hold and reads it again.
  void resync(SwitchId sw);
  void resync_all();
  // Re-reads every switch each `interval` (the reconcile pass); zero stops it.
  void reconcile_every(Duration interval);
  std::uint64_t reads() const { return reads_; }

  const ActualSet& actual(SwitchId sw) const;
  bool has_driver(SwitchId sw) const { return drivers_.count(sw) != 0; }
  bool synced(SwitchId sw) const;
  bool up(SwitchId sw) const;
  std::uint64_t reconfigurations(SwitchId sw) const;
  southbound::Driver* driver(SwitchId sw) const;

 private:
  struct Device {
    southbound::Driver* driver = nullptr;
    // With reference counts. Looked up for every hop of every circuit that
    // moves, and only ever iterated into `dirty`: order does not matter.
    std::unordered_map<southbound::CrossConnect, int, XcHash> desired;
    ActualSet actual;
    XcSet dirty;          // where desired and actual may differ
    bool synced = false;  // actual has been read from the device
    bool known = false;   // actual was read at least once: drift can be told
    XcSet uncertain;      // in a batch whose outcome is unknown (the call failed)
    bool busy = false;    // a read or an apply is in flight
    bool up = true;
    bool pump_posted = false;
    TimerId retry;
    std::uint64_t reconfigurations = 0;
  };
  void pump(SwitchId sw);
  // Sends the next batch of a switch on the next turn of the executor, so
  // that changes made in one turn travel in one batch.
  void pump_soon(SwitchId sw);
  void retry_later(SwitchId sw);
  void report_drift(SwitchId sw, Device& dev, const ActualSet& got);
  void reconcile_pass();

  Executor& ex_;
  std::map<SwitchId, southbound::Driver*> drivers_;
  std::map<SwitchId, Device> devices_;
  Duration retry_delay_;
  OnChange on_change_;
  OnDrift on_drift_;
  Duration reconcile_interval_;
  TimerId reconcile_timer_;
  std::uint64_t reads_ = 0;
  // Callbacks in flight check this before touching a destroyed programmer.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lightpath::core
