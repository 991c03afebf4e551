#include "scheduler/release_journal.h"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>

namespace lightpath::scheduler {
namespace fs = std::filesystem;

namespace {
constexpr std::string_view kSuffix = ".release";
}

std::string ReleaseJournal::file_for(const std::string& job_id) const {
  // The id is inside the file; the name only has to be safe and distinct
  // enough (two ids that map to one name would share a file: keep them apart
  // by a hash).
  std::string name;
  for (char c : job_id)
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  return fmt::format("{}/{}-{:x}{}", dir_, name, std::hash<std::string>{}(job_id), kSuffix);
}

std::optional<Error> ReleaseJournal::add(const PendingRelease& release) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const std::string file = file_for(release.job_id);
  const std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << release.job_id << '\n' << release.tenant << '\n';
    out.flush();
    if (!out) return Error{"JOURNAL", fmt::format("cannot write {}", tmp)};
  }
  fs::rename(tmp, file, ec);
  if (ec) return Error{"JOURNAL", fmt::format("cannot write {}: {}", file, ec.message())};
  return std::nullopt;
}

std::vector<PendingRelease> ReleaseJournal::pending() const {
  std::vector<PendingRelease> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().extension() != kSuffix) continue;
    std::ifstream in(entry.path());
    PendingRelease r;
    if (std::getline(in, r.job_id) && !r.job_id.empty()) {
      std::getline(in, r.tenant);
      out.push_back(std::move(r));
    }
  }
  return out;
}

void ReleaseJournal::remove(const std::string& job_id) const {
  std::error_code ec;
  fs::remove(file_for(job_id), ec);
}

std::size_t deliver_pending(CircuitClient& client, const ReleaseJournal& journal,
                            CircuitClient::Clock::time_point until) {
  std::size_t delivered = 0;
  for (const auto& r : journal.pending()) {
    if (CircuitClient::Clock::now() >= until) break;
    if (client.release_job(r.job_id, r.tenant, until)) {
      journal.remove(r.job_id);
      ++delivered;
    }
  }
  return delivered;
}

}  // namespace lightpath::scheduler
