#pragma once
// The store's schema as an ordered list of migrations. A database records in
// schema_migrations every version applied; opening applies the missing ones,
// each in its own transaction, so a crash mid-upgrade leaves the previous
// version intact. Migrations are append-only: never edit a shipped one.

#include <cstdint>
#include <span>

#include "controller/store/sqlite_db.h"

namespace lightpath::store {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

std::span<const Migration> migrations();
int latest_schema_version();

// Brings the database to the latest version. Refuses a database written by
// a newer lightpathd, and an SQLite file that holds other tables but is not
// a lightpath store. Returns the version now in force.
Result<int> migrate(Database& db, std::int64_t now_ns);

// The highest version recorded, 0 for a database the store never touched.
Result<int> current_schema_version(Database& db);

}  // namespace lightpath::store
