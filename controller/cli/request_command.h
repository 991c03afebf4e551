#pragma once
// `lightpathctl request FILE`: submit the requests of a request file
// (docs/requests.md) to a running lightpathd, optionally waiting until every
// circuit is ACTIVE.

#include <CLI/CLI.hpp>

namespace lightpath::cli {

void add_request_command(CLI::App& app, int& exit_code);

}  // namespace lightpath::cli
