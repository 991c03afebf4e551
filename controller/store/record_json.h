#pragma once
// JSON forms of a circuit request (the requests.body column) and of a circuit
// record (the events.snapshot column). Numbers keep full precision and times
// are integer nanoseconds, so decoding gives back exactly what was encoded.

#include <nlohmann/json.hpp>

#include "controller/core/records.h"
#include "lightpath/result.h"

namespace lightpath::store {

nlohmann::json request_to_json(const solver::CircuitRequest& r);
// Fails with STORE_CORRUPT naming the missing or mistyped field.
Result<solver::CircuitRequest> request_from_json(const nlohmann::json& j);

nlohmann::json circuit_record_to_json(const core::CircuitRecord& c);
Result<core::CircuitRecord> circuit_record_from_json(const nlohmann::json& j);

}  // namespace lightpath::store
