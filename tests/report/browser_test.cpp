// report.html as a person opens it: headless Chromium loads the page from disk,
// takes a screenshot and dumps the DOM. The page's Content-Security-Policy
// turns any attempt to fetch something into a console line, so an empty
// console means the page is self-contained and error-free.

#include "tests/browser.h"

#include <doctest/doctest.h>

#include <string>

#include "simulator/report/report_files.h"
#include "tests/report/report_test_util.h"

namespace lightpath::report {
namespace {

using test::read_file;
using test::sample_run;
using test::TempDir;
using testing::chromium_installed;
using testing::console_lines;
using testing::run_chromium;
using testing::shell_quoted;
namespace fs = std::filesystem;

void open_in_chromium(const fs::path& page, const fs::path& work) {
  const fs::path shot = work / "shot.png";
  const int shot_status =
      run_chromium("file://" + page.string(), work / "a",
                   "--screenshot=" + shell_quoted(shot.string()), work / "a.out", work / "a.log");
  INFO("chromium log: ", read_file(work / "a.log"));
  REQUIRE(shot_status == 0);
  REQUIRE(fs::exists(shot));
  CHECK(fs::file_size(shot) > 1000);
  CHECK(read_file(shot).starts_with("\x89PNG"));
  CHECK(console_lines(read_file(work / "a.log")) == "");

  const int dom_status = run_chromium("file://" + page.string(), work / "b", "--dump-dom",
                                      work / "dom.html", work / "b.log");
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
