#pragma once
// `lightpathctl watch`: follow circuit state changes of a running lightpathd,
// one line (or one JSON object) per event.

#include <CLI/CLI.hpp>

namespace lightpath::cli {

void add_watch_command(CLI::App& app, int& exit_code);

}  // namespace lightpath::cli
