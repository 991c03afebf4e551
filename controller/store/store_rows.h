#pragma once
// Reading records back out of the store's tables. Internal to the store: the
// caller holds the store's mutex and, for multi-query reads, a transaction.

#include <cstdint>
#include <string>
#include <vector>

#include "controller/core/records.h"
#include "controller/store/sqlite_db.h"

namespace lightpath::store {

// Every request, in request_id order; or only `*only` when given.
Result<std::vector<core::RequestRecord>> read_requests(Database& db, const std::string* only);

enum class CircuitSelection { kNotReleased, kOne };
// With hops and wavelengths; `id` is used by kOne.
Result<std::vector<core::CircuitRecord>> read_circuits(Database& db, CircuitSelection which,
                                                       CircuitId id);

Result<std::vector<core::CircuitEvent>> read_events(Database& db, std::uint64_t after,
                                                    std::size_t limit);

}  // namespace lightpath::store
