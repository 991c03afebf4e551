// report.html as a person opens it: headless Chromium loads the page from disk,
// takes a screenshot and dumps the DOM. Chromium logs every console message
// with --enable-logging, and the page's Content-Security-Policy turns any
// attempt to fetch something into one, so an empty console means the page is
// self-contained and error-free.

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <string>

#include "simulator/report/report_files.h"
#include "tests/report/report_test_util.h"

namespace lightpath::report {
namespace {

using test::read_file;
using test::sample_run;
using test::TempDir;
namespace fs = std::filesystem;

bool chromium_installed() {
  return std::system("command -v chromium > /dev/null 2>&1") == 0;
}

// Temp paths hold no quote, so single quotes are enough for the shell.
std::string shell_quoted(const std::string& s) {
  return "'" + s + "'";
}

// Runs headless Chromium on `page` with its own profile under `work`; `mode`
// is --screenshot=... or --dump-dom. A hung browser is killed after 60 s.
int run_chromium(const fs::path& page, const fs::path& work, const std::string& mode,
                 const fs::path& out, const fs::path& log) {
  static_cast<void>(fs::create_directories(work));
  const std::string cmd =
      "timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu "
      "--disable-background-networking --no-first-run --enable-logging=stderr --v=0 "
      "--user-data-dir=" +
      shell_quoted((work / "profile").string()) + " --window-size=1200,2000 " + mode + " " +
      shell_quoted("file://" + page.string()) + " > " + shell_quoted(out.string()) + " 2> " +
      shell_quoted(log.string());
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The console lines in Chromium's log, if any: errors, CSP refusals, warnings.
std::string console_lines(const std::string& log) {
  std::string found;
  std::size_t at = 0;
  while ((at = log.find(":CONSOLE", at)) != std::string::npos) {
    const std::size_t start = log.rfind('\n', at) + 1;
    const std::size_t end = log.find('\n', at);
    found += log.substr(start, end - start) + "\n";
    at = end;
  }
  return found;
}

void open_in_chromium(const fs::path& page, const fs::path& work) {
  const fs::path shot = work / "shot.png";
  const int shot_status =
      run_chromium(page, work / "a", "--screenshot=" + shell_quoted(shot.string()), work / "a.out",
                   work / "a.log");
  INFO("chromium log: ", read_file(work / "a.log"));
  REQUIRE(shot_status == 0);
  REQUIRE(fs::exists(shot));
  CHECK(fs::file_size(shot) > 1000);
  CHECK(read_file(shot).starts_with("\x89PNG"));
  CHECK(console_lines(read_file(work / "a.log")) == "");

  const int dom_status =
      run_chromium(page, work / "b", "--dump-dom", work / "dom.html", work / "b.log");
  INFO("chromium log: ", read_file(work / "b.log"));
  REQUIRE(dom_status == 0);
  const std::string dom = read_file(work / "dom.html");
  CHECK(dom.find("<svg") != std::string::npos);
  CHECK(dom.find("<script") == std::string::npos);
  CHECK(console_lines(read_file(work / "b.log")) == "");
}

TEST_CASE("report.html opens in headless Chromium without errors") {
  REQUIRE_MESSAGE(chromium_installed(),
                  "chromium is not installed: install it (apt-get install chromium, or make deps) "
                  "to run the report suite");
  TempDir tmp;
  RunResult hostile = sample_run("on-demand", 2);
  hostile.jobs[0].id = "<script>console.error('escaped?')</script>";
  REQUIRE(write_comparison({sample_run("static"), hostile, RunResult{}}, tmp.path() / "out"));
  SUBCASE("the comparison") {
    open_in_chromium(tmp.path() / "out" / "report.html", tmp.path() / "cmp");
  }
  SUBCASE("one run") {
    open_in_chromium(tmp.path() / "out" / "on-demand" / "report.html", tmp.path() / "one");
  }
  SUBCASE("an empty run") {
    open_in_chromium(tmp.path() / "out" / "run" / "report.html", tmp.path() / "empty");
  }
}

}  // namespace
}  // namespace lightpath::report
