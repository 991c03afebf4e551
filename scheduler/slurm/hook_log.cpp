#include "scheduler/slurm/hook_log.h"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace lightpath::slurm {

void HookLog::write(const char* level, const std::string& message) const {
  const std::string job = job_.empty() ? "" : fmt::format(" job {}", job_);
  const std::string line = fmt::format("lightpath-slurm{} {}: {}{}\n", job, phase_, level, message);
  std::fputs(line.c_str(), stderr);
  if (file_.empty()) return;
  // O_APPEND: concurrent hooks (one per job) append whole lines.
  const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  const auto now = std::chrono::system_clock::now();
  const std::string stamped = fmt::format(
      "[{:%Y-%m-%dT%H:%M:%S}] {}", std::chrono::time_point_cast<std::chrono::seconds>(now), line);
  (void)!::write(fd, stamped.data(), stamped.size());
  ::close(fd);
}

}  // namespace lightpath::slurm
