#pragma once
// A thin RAII layer over the SQLite C API: a connection that closes itself,
// prepared statements that finalize themselves, and a transaction that rolls
// back unless committed. Every failure becomes an Error whose message names
// the database file, so an operator can tell which store is at fault.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lightpath/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace lightpath::store {

class Database;

// One prepared statement. Binding is positional from 1; `bind_all` binds its
// arguments in order. After a query, `reset()` releases the read snapshot.
class Statement {
 public:
  Statement(Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;

  void bind(int index, std::int64_t v);
  void bind(int index, int v) { bind(index, static_cast<std::int64_t>(v)); }
  void bind(int index, std::uint32_t v) { bind(index, static_cast<std::int64_t>(v)); }
  void bind(int index, double v);
  void bind(int index, std::string_view v);
  void bind(int index, const std::string& v) { bind(index, std::string_view(v)); }
  void bind(int index, const char* v) { bind(index, std::string_view(v)); }
  void bind(int index, const std::optional<std::int64_t>& v);

  template <class... A>
  Statement& bind_all(const A&... args) {
    reset();
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }

  // true: a row is ready to read; false: done. The error names the statement.
  Result<bool> step();
  // Steps to completion for statements that return no rows, then resets.
  Result<bool> run();
  void reset();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;

 private:
  Database* db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  // Opens (creating if asked) the file. No SQL runs yet, so a file that is
  // not a database is only detected by the first statement.
  static Result<std::unique_ptr<Database>> open(const std::string& path, bool create);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // Runs one or more statements that return nothing useful.
  Result<bool> exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);
  // A statement prepared once and kept for the connection's life, for the hot
  // paths (commit, load). Callers must reset it (bind_all/run do).
  Result<Statement*> cached(const char* sql);
  // The first column of the first row, for PRAGMAs and scalar queries.
  Result<std::optional<std::string>> query_text(std::string_view sql);
  Result<std::int64_t> query_int(std::string_view sql);

  bool in_transaction() const;
  // Rows changed by the last INSERT, UPDATE or DELETE (0 when an upsert's
  // ON CONFLICT DO NOTHING skipped the row).
  std::int64_t changes() const;
  // The last error as "store '<path>': <what>: <sqlite message> (<code name>)".
  Error error(std::string_view what, int rc) const;
  // The extended result code (e.g. SQLITE_CONSTRAINT_PRIMARYKEY) of the last
  // failure that error() described; kept because a later reset may clear it.
  int extended_code() const { return last_extended_; }

 private:
  Database(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  std::string path_;
  sqlite3* db_;
  // Keyed by the SQL text's address: callers pass string literals.
  std::map<const char*, std::unique_ptr<Statement>> cache_;
  mutable int last_extended_ = 0;
};

// BEGIN IMMEDIATE takes the write lock up front, so a writer never fails
// half-way on SQLITE_BUSY after reading; the destructor rolls back unless
// commit() succeeded, which keeps the database unchanged on every error path.
class Transaction {
 public:
  enum class Kind { kRead, kWrite };
  static Result<Transaction> begin(Database& db, Kind kind);
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<bool> commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

// Runs a cached statement with `args`; on failure prefixes the message with
// what `what()` names. The name is built only then: the success path of a
// commit allocates no strings of its own.
template <class What, class... A>
Result<bool> run(Database& db, const char* sql, What&& what, const A&... args) {
  auto st = db.cached(sql);
  if (!st) return unexpected(std::move(st).error());
  auto r = (*st)->bind_all(args...).run();
  if (r) return r;
  Error e = std::move(r).error();
  e.message = what() + ": " + e.message;
  return unexpected(std::move(e));
}

}  // namespace lightpath::store
