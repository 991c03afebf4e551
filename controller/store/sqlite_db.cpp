#include "controller/store/sqlite_db.h"

#include <fmt/format.h>
#include <sqlite3.h>

namespace lightpath::store {

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

// Bind errors (index out of range, out of memory) resurface from step(), so
// they are not checked here.
void Statement::bind(int index, std::int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
}
void Statement::bind(int index, double v) {
  sqlite3_bind_double(stmt_, index, v);
}
void Statement::bind(int index, std::string_view v) {
  sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Statement::bind(int index, const std::optional<std::int64_t>& v) {
  if (v)
    bind(index, *v);
  else
    sqlite3_bind_null(stmt_, index);
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* sql = sqlite3_sql(stmt_);
  std::string head = sql ? std::string(sql).substr(0, 60) : std::string("?");
  for (char& c : head)
    if (c == '\n') c = ' ';
  Error e = db_->error(fmt::format("'{}...'", head), rc);
  // Resetting clears the statement's busy state; the error code stays ours.
  sqlite3_reset(stmt_);
  return unexpected(std::move(e));
}

Result<bool> Statement::run() {
  for (;;) {
    auto r = step();
    if (!r) return r;
    if (!*r) break;
  }
  reset();
  return true;
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int c) const {
  return sqlite3_column_type(stmt_, c) == SQLITE_NULL;
}
std::int64_t Statement::int64(int c) const {
  return sqlite3_column_int64(stmt_, c);
}
double Statement::real(int c) const {
  return sqlite3_column_double(stmt_, c);
}
std::string Statement::text(int c) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c)))
           : std::string();
}

Result<std::unique_ptr<Database>> Database::open(const std::string& path, bool create) {
  sqlite3* db = nullptr;
  // NOMUTEX: the store serializes all use of its connection with its own mutex.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return unexpected(Error{"STORE_OPEN_FAILED", fmt::format("store '{}': cannot open: {} ({})",
                                                             path, msg, sqlite3_errstr(rc))});
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Database>(new Database(path, db));
}

Database::~Database() {
  cache_.clear();  // statements must be finalized before the connection closes
  // A clean close checkpoints the WAL and removes it; nothing is lost if it doesn't.
  sqlite3_close_v2(db_);
}

Result<bool> Database::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return true;
  sqlite3_free(err);
  std::string head = text.substr(0, 60);
  for (char& c : head)
    if (c == '\n') c = ' ';
  return unexpected(error(fmt::format("'{}...'", head), rc));
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr);
  if (rc != SQLITE_OK) return unexpected(error(fmt::format("preparing '{}'", sql), rc));
  return Statement(this, st);
}

Result<Statement*> Database::cached(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second.get();
  sqlite3_stmt* st = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr);
  if (rc != SQLITE_OK) return unexpected(error(fmt::format("preparing '{}'", sql), rc));
  auto owned = std::make_unique<Statement>(this, st);
  Statement* raw = owned.get();
  cache_.emplace(sql, std::move(owned));
  return raw;
}

Result<std::optional<std::string>> Database::query_text(std::string_view sql) {
  auto st = prepare(sql);
  if (!st) return unexpected(std::move(st).error());
  auto row = st->step();
  if (!row) return unexpected(std::move(row).error());
  if (!*row || st->is_null(0)) return std::optional<std::string>();
  return std::optional<std::string>(st->text(0));
}

Result<std::int64_t> Database::query_int(std::string_view sql) {
  auto st = prepare(sql);
  if (!st) return unexpected(std::move(st).error());
  auto row = st->step();
  if (!row) return unexpected(std::move(row).error());
  if (!*row || st->is_null(0)) return std::int64_t{0};
  return st->int64(0);
}

std::int64_t Database::changes() const {
  return sqlite3_changes64(db_);
}

bool Database::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

Error Database::error(std::string_view what, int rc) const {
  last_extended_ = sqlite3_extended_errcode(db_);
  const int primary = rc & 0xff;
  std::string code = "STORE_ERROR";
  if (primary == SQLITE_NOTADB) code = "STORE_NOT_A_DATABASE";
  if (primary == SQLITE_CORRUPT) code = "STORE_CORRUPT";
  if (primary == SQLITE_CONSTRAINT) code = "STORE_CONSTRAINT";
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) code = "STORE_BUSY";
  if (primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY || primary == SQLITE_IOERR ||
      primary == SQLITE_FULL || primary == SQLITE_PERM)
    code = "STORE_IO";
  return Error{code, fmt::format("store '{}': {}: {} ({})", path_, what, sqlite3_errmsg(db_),
                                 sqlite3_errstr(rc))};
}

// BEGIN and COMMIT run once per commit: cached, they are not parsed each time.
Result<Transaction> Transaction::begin(Database& db, Kind kind) {
  auto st = db.cached(kind == Kind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  if (!st) return unexpected(std::move(st).error());
  auto r = (*st)->run();
  if (!r) return unexpected(std::move(r).error());
  return Transaction(&db);
}

Transaction::~Transaction() {
  // A failed COMMIT may already have rolled back (I/O errors do); only roll
  // back what is still open.
  if (db_ && db_->in_transaction()) db_->exec("ROLLBACK");
}

Result<bool> Transaction::commit() {
  auto st = db_->cached("COMMIT");
  if (!st) return unexpected(std::move(st).error());
  auto r = (*st)->run();
  if (!r) return r;  // the destructor rolls back
  db_ = nullptr;
  return true;
}

}  // namespace lightpath::store
