#pragma once
// Releases that could not be delivered before their deadline (the
// controller was down longer than the retry budget), kept as one small file
// per job in a directory so that a later run delivers them. Together with
// leases (time limit + grace) this is why a release is never lost: the next
// hook run retries it, and should every retry fail the lease still ends it.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "lightpath/result.h"
#include "scheduler/circuit_client.h"

namespace lightpath::scheduler {

struct PendingRelease {
  std::string job_id;  // the controller's job id
  std::string tenant;
};

class ReleaseJournal {
 public:
  explicit ReleaseJournal(std::string dir) : dir_(std::move(dir)) {}

  // Written to a temporary file and renamed, so a crash leaves no half entry.
  std::optional<Error> add(const PendingRelease& release) const;
  std::vector<PendingRelease> pending() const;
  void remove(const std::string& job_id) const;

 private:
  std::string file_for(const std::string& job_id) const;
  std::string dir_;
};

// Tries every pending release once until `until`; returns how many were
// delivered (and removed). Those that fail again stay for the next run.
std::size_t deliver_pending(CircuitClient& client, const ReleaseJournal& journal,
                            CircuitClient::Clock::time_point until);

}  // namespace lightpath::scheduler
