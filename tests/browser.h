#pragma once
// Headless Chromium for tests: a page as a person's browser shows it. Chromium
// logs every console message with --enable-logging, and lightpath's pages
// forbid fetching anything foreign (Content-Security-Policy), so any script
// error, refused fetch or escaped markup shows up as a console line.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace lightpath::testing {

inline bool chromium_installed() {
  return std::system("command -v chromium > /dev/null 2>&1") == 0;
}

// Test paths and URLs hold no quote, so single quotes are enough for the shell.
inline std::string shell_quoted(const std::string& s) {
  return "'" + s + "'";
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs headless Chromium on `url` with its own profile under `work`; `mode` is
// --screenshot=... or --dump-dom. Scripts get 5 s of virtual time, which
// waits for their fetches, before the page is taken. A hung browser is killed
// after 60 s. Returns Chromium's exit status.
inline int run_chromium(const std::string& url, const std::filesystem::path& work,
                        const std::string& mode, const std::filesystem::path& out,
                        const std::filesystem::path& log) {
  static_cast<void>(std::filesystem::create_directories(work));
  const std::string cmd =
      "timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu "
      "--disable-background-networking --no-first-run --enable-logging=stderr --v=0 "
      "--virtual-time-budget=5000 --user-data-dir=" +
      shell_quoted((work / "profile").string()) + " --window-size=1200,2000 " + mode + " " +
      shell_quoted(url) + " > " + shell_quoted(out.string()) + " 2> " + shell_quoted(log.string());
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The console lines in Chromium's log, if any: errors, CSP refusals, warnings.
inline std::string console_lines(const std::string& log) {
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

}  // namespace lightpath::testing
