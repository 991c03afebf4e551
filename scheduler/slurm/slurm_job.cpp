#include "scheduler/slurm/slurm_job.h"

#include <fmt/format.h>

#include <charconv>

#include "scheduler/hints.h"

extern char** environ;

namespace lightpath::slurm {
namespace {

// Slurm prints an unset account as "(null)".
std::string value_of(const Env& env, const std::string& name) {
  auto it = env.find(name);
  if (it == env.end() || it->second == "(null)") return "";
  return it->second;
}

bool parse_unsigned(std::string_view text, long long& out) {
  if (text.empty()) return false;
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  return r.ec == std::errc{} && r.ptr == text.data() + text.size() && out >= 0;
}

}  // namespace

Result<scheduler::Job> read_identity(const Env& env, TenantFrom tenant_from) {
  scheduler::Job job;
  job.id = value_of(env, "SLURM_JOB_ID");
  if (job.id.empty()) job.id = value_of(env, "SLURM_JOBID");
  if (job.id.empty())
    return unexpected(Error{"MISSING_ENV",
                            "SLURM_JOB_ID is not set: run me as PrologSlurmctld or "
                            "EpilogSlurmctld (docs/slurm.md)"});
  long long restarts = 0;
  if (parse_unsigned(value_of(env, "SLURM_JOB_RESTART_COUNT"), restarts) ||
      parse_unsigned(value_of(env, "SLURM_RESTART_COUNT"), restarts))
    job.attempt = static_cast<unsigned>(restarts);
  switch (tenant_from) {
    case TenantFrom::kUser:
      job.tenant = value_of(env, "SLURM_JOB_USER");
      break;
    case TenantFrom::kAccount:
      job.tenant = value_of(env, "SLURM_JOB_ACCOUNT");
      break;
    case TenantFrom::kNone:
      break;
  }
  job.queue = value_of(env, "SLURM_JOB_PARTITION");
  return job;
}

Result<scheduler::Hints> read_hints(const Env& env) {
  auto from_comment = scheduler::hints_from_text(value_of(env, "SLURM_JOB_COMMENT"));
  if (!from_comment)
    return unexpected(Error{"BAD_HINT", "job comment: " + from_comment.error().message});
  auto from_features =
      scheduler::hints_from_labels(constraint_features(value_of(env, "SLURM_JOB_CONSTRAINTS")));
  if (!from_features)
    return unexpected(Error{"BAD_HINT", "job constraints: " + from_features.error().message});
  return scheduler::merge_hints(scheduler::merge_hints(*from_comment, *from_features),
                                scheduler::hints_from_env(env));
}

std::vector<std::string> constraint_features(std::string_view constraints) {
  // Operators and grouping: & | , [ ] ( ) and counts after '*'.
  std::vector<std::string> out;
  std::string word;
  bool in_count = false;
  for (char c : std::string(constraints) + "&") {
    const bool separator = c == '&' || c == '|' || c == ',' || c == '[' || c == ']' || c == '(' ||
                           c == ')' || c == '*' || c == ' ';
    if (!separator) {
      if (!in_count) word += c;
      continue;
    }
    if (!word.empty()) out.push_back(word);
    word.clear();
    in_count = c == '*';
  }
  return out;
}

Result<std::optional<std::chrono::seconds>> parse_time_limit(std::string_view text) {
  using Limit = std::optional<std::chrono::seconds>;
  if (text == "UNLIMITED" || text == "INFINITE" || text == "Partition_Limit" || text == "NONE")
    return Limit{};
  const auto bad = [&] {
    return unexpected(Error{"BAD_TIME", fmt::format("time limit '{}' is not [D-]HH:MM:SS", text)});
  };
  long long days = 0;
  std::string_view rest = text;
  if (auto dash = text.find('-'); dash != std::string_view::npos) {
    if (!parse_unsigned(text.substr(0, dash), days)) return bad();
    rest = text.substr(dash + 1);
  }
  std::vector<long long> parts;
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto colon = rest.find(':', start);
    auto end = colon == std::string_view::npos ? rest.size() : colon;
    long long v = 0;
    if (!parse_unsigned(rest.substr(start, end - start), v)) return bad();
    parts.push_back(v);
    start = end + 1;
  }
  long long seconds = 0;
  // Slurm reads "M", "M:S", "H:M:S"; with days, "D-H", "D-H:M", "D-H:M:S".
  const bool with_days = rest.size() != text.size();
  if (parts.size() > 3) return bad();
  if (with_days) {
    const long long unit[] = {3600, 60, 1};
    for (std::size_t i = 0; i < parts.size(); ++i) seconds += parts[i] * unit[i];
  } else if (parts.size() == 1) {
    seconds = parts[0] * 60;
  } else if (parts.size() == 2) {
    seconds = parts[0] * 60 + parts[1];
  } else {
    seconds = parts[0] * 3600 + parts[1] * 60 + parts[2];
  }
  return Limit{std::chrono::seconds(days * 86400 + seconds)};
}

Env current_env() {
  Env env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

}  // namespace lightpath::slurm
