#include "scheduler/slurm/scontrol.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "scheduler/slurm/slurm_job.h"

namespace lightpath::slurm {
namespace {

Error failed(std::string message) {
  return {"COMMAND_FAILED", std::move(message)};
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

Result<std::string> run_command(const std::string& path, const std::vector<std::string>& args,
                                const std::vector<std::string>& env,
                                std::chrono::milliseconds timeout) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return unexpected(failed("cannot create a pipe"));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> argv_s{path};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<std::string> env_s = env;
  auto argv = c_strings(argv_s);
  auto envp = c_strings(env_s);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return unexpected(failed(fmt::format("cannot run {}: {}", path, std::strerror(rc))));
  }
  std::string out;
  const auto until = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;  // end of output
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (timed_out)
    return unexpected(failed(fmt::format("{} gave no answer within {} ms", path, timeout.count())));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return unexpected(failed(fmt::format("{} failed (wait status {})", path, status)));
  return out;
}

Result<std::optional<std::chrono::seconds>> query_time_limit(const ScontrolOptions& options,
                                                             const std::string& job_id) {
  std::vector<std::string> env;
  if (!options.slurm_conf.empty()) env.push_back("SLURM_CONF=" + options.slurm_conf);
  auto out = run_command(options.path, {"show", "job", "-o", job_id}, env, options.timeout);
  if (!out) return unexpected(std::move(out).error());
  // One line of Key=Value words; TimeLimit's value has no spaces.
  constexpr std::string_view kKey = " TimeLimit=";
  const auto at = out->find(kKey);
  if (at == std::string::npos)
    return unexpected(failed(fmt::format("scontrol printed no TimeLimit for job {}", job_id)));
  const auto start = at + kKey.size();
  const auto end = out->find_first_of(" \n", start);
  return parse_time_limit(std::string_view(*out).substr(start, end - start));
}

}  // namespace lightpath::slurm
