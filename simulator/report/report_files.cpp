#include "simulator/report/report_files.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <system_error>
#include <utility>

#include "simulator/report/csv_files.h"
#include "simulator/report/html_report.h"
#include "simulator/report/run_stats.h"
#include "simulator/report/summary_json.h"
#include "simulator/report/text_format.h"

namespace lightpath::report {

namespace fs = std::filesystem;

namespace {

Unexpected<Error> write_error(const fs::path& path, const std::string& why) {
  return unexpected(Error{"REPORT_WRITE_FAILED", path.string() + ": " + why});
}

Result<bool> make_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return write_error(dir, "cannot create the folder: " + ec.message());
  if (!fs::is_directory(dir, ec)) return write_error(dir, "not a folder");
  return true;
}

// stdio rather than ofstream because POSIX has fopen, fwrite and fclose set
// errno, which turns into a message a person can act on.
Result<bool> write_file(const fs::path& path, const std::string& content) {
  errno = 0;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr)
    return write_error(path, std::string("cannot open for writing: ") + std::strerror(errno));
  const bool wrote = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  const int write_errno = errno;
  const bool closed = std::fclose(f) == 0;
  if (!wrote || !closed) {
    return write_error(path,
                       std::string("cannot write: ") + std::strerror(wrote ? errno : write_errno));
  }
  return true;
}

std::string folder_name(const std::string& policy, std::set<std::string>& taken) {
  std::string base;
  for (char c : policy) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    base += ok ? c : '_';
  }
  // "", "." and ".." would name the comparison folder itself or its parent.
  if (base.find_first_not_of('.') == std::string::npos) base = "run";
  std::string name = base;
  for (int n = 2; !taken.insert(name).second; ++n) name = base + "-" + std::to_string(n);
  return name;
}

}  // namespace

Result<bool> write_run(const RunResult& run, const fs::path& dir) {
  if (auto made = make_dir(dir); !made) return made;
  const std::pair<const char*, std::string> files[] = {
      {"summary.json", run_summary_json(run)},   {"jobs.csv", jobs_csv(run)},
      {"iterations.csv", iterations_csv(run)},   {"circuits.csv", circuits_csv(run)},
      {"utilization.csv", utilization_csv(run)}, {"report.html", run_html(run)},
  };
  for (const auto& [name, content] : files) {
    if (auto wrote = write_file(dir / name, content); !wrote) return wrote;
  }
  return true;
}

Result<bool> write_comparison(const std::vector<RunResult>& runs, const fs::path& dir) {
  if (auto made = make_dir(dir); !made) return made;
  std::set<std::string> taken;
  std::vector<std::string> dirs;
  for (const auto& run : runs) {
    dirs.push_back(folder_name(run.policy, taken));
    if (auto wrote = write_run(run, dir / dirs.back()); !wrote) return wrote;
  }
  if (auto wrote = write_file(dir / "summary.json", comparison_summary_json(runs, dirs)); !wrote) {
    return wrote;
  }
  return write_file(dir / "report.html", comparison_html(runs, dirs));
}

std::string comparison_table(const std::vector<RunResult>& runs) {
  std::vector<std::vector<std::string>> rows = {{"policy", "makespan s", "mean JCT s",
                                                 "mean iteration ms", "reconfigurations",
                                                 "dark time s"}};
  for (const auto& run : runs) {
    const RunStats st = run_stats(run);
    rows.push_back({run.policy, scaled_ns(run.end.count_ns(), 9, 6),
                    st.mean_completion ? scaled_ns(st.mean_completion->count_ns(), 9, 6) : "n/a",
                    scaled_ns(st.iterations.mean.count_ns(), 6, 3),
                    std::to_string(run.reconfigurations),
                    scaled_ns(run.dark_time.count_ns(), 9, 6)});
  }
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - row[c].size(), ' ');
      // The policy reads left to right; numbers line up on the right.
      line += c == 0 ? row[c] + pad : "  " + pad + row[c];
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace lightpath::report
