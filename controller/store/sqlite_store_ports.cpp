// The store's per-port marks: switches and ports an operator drained, and
// ports held out of service after a dark-port alarm.
#include <fmt/format.h>

#include "controller/store/sqlite_db.h"
#include "controller/store/sqlite_store.h"

namespace lightpath::store {
namespace {

constexpr const char* kDrain =
    "INSERT INTO drains (switch_name, port, drained_ns) VALUES (?, ?, ?) "
    "ON CONFLICT (switch_name, port) DO NOTHING";
constexpr const char* kUndrain = "DELETE FROM drains WHERE switch_name = ? AND port = ?";
constexpr const char* kHold =
    "INSERT OR REPLACE INTO port_holds (switch_name, port, until_ns) VALUES (?, ?, ?)";

}  // namespace

Result<bool> SqliteStore::write_drains(const std::vector<SwitchDrain>& drains) {
  for (const SwitchDrain& d : drains) {
    auto item = [&] {
      return d.port == -1 ? fmt::format("drain of switch '{}'", d.switch_name)
                          : fmt::format("drain of port {} of switch '{}'", d.port, d.switch_name);
    };
    if (d.switch_name.empty())
      return unexpected(
          Error{"STORE_INVALID", fmt::format("store '{}': a drain without a switch name", path_)});
    if (d.port < -1)
      return unexpected(Error{"STORE_INVALID", fmt::format("store '{}': {}: port {} is not a "
                                                           "port (-1 is the whole switch)",
                                                           path_, item(), d.port)});
    auto r = d.drained ? run(*db_, kDrain, item, d.switch_name, d.port, d.at_ns)
                       : run(*db_, kUndrain, item, d.switch_name, d.port);
    if (!r) return r;
  }
  return true;
}

Result<bool> SqliteStore::write_holds(const std::vector<PortHold>& holds) {
  for (const PortHold& h : holds) {
    auto item = [&] {
      return fmt::format("hold of port {} of switch '{}'", h.port, h.switch_name);
    };
    if (h.switch_name.empty() || h.port < 0)
      return unexpected(Error{"STORE_INVALID", fmt::format("store '{}': {}: not a port of a "
                                                           "named switch",
                                                           path_, item())});
    if (auto r = run(*db_, kHold, item, h.switch_name, h.port, h.until_ns); !r) return r;
  }
  return true;
}

}  // namespace lightpath::store
