#pragma once
// `lightpathctl token new|hash`: make bearer tokens and the digests that go
// into lightpathd's token file (docs/security.md). Offline: no daemon needed.

#include <CLI/CLI.hpp>

namespace lightpath::cli {

void add_token_commands(CLI::App& app, int& exit_code);

}  // namespace lightpath::cli
