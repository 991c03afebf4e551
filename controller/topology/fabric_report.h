#pragma once
// Summaries of a fabric for people (a short text) and scripts (JSON).

#include <nlohmann/json.hpp>
#include <string>

#include "lightpath/fabric.h"

namespace lightpath::topology {

std::string summary_text(const Fabric& fabric);
nlohmann::json summary_json(const Fabric& fabric);
// "12.8 Tb/s", "400 Gb/s"
std::string format_rate(DataRate rate);

}  // namespace lightpath::topology
