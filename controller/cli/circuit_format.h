#pragma once
// Human-readable forms of the daemon's answers, shared by the online verbs.

#include <cstdint>
#include <string>

#include "controller/cli/table.h"
#include "lightpath/v1/lightpath.pb.h"

namespace lightpath::cli {

std::int64_t now_unix_ms();

// "ACTIVE"; "-" for CIRCUIT_STATE_UNSPECIFIED (e.g. the state before creation).
std::string state_name(v1::CircuitState s);
// "ocs1[0>4]", several hops joined by " > "; "-" with no hops.
std::string path_text(const v1::Circuit& c);
// "0-3" for a contiguous run, else "0,2,5"; "-" when empty.
std::string wavelengths_text(const google::protobuf::RepeatedField<std::uint32_t>& w);
// Time left on a lease: "59m58s", "expired", or "-" for no lease.
std::string lease_text(std::int64_t expires_unix_ms, std::int64_t now_ms);
// "2025-01-31T12:00:00.123Z"; "-" for 0.
std::string time_text(std::int64_t unix_ms);
// A number without trailing zeros: 400, 0.5.
std::string number_text(double v);

// The circuits table: ID STATE JOB TENANT A B PATH WAVELENGTHS GBPS LEASE.
Table circuit_table();
void add_circuit_row(Table& t, const v1::Circuit& c, std::int64_t now_ms);

// Every field of one circuit, one "key: value" line each.
std::string circuit_details(const v1::Circuit& c, std::int64_t now_ms);

}  // namespace lightpath::cli
