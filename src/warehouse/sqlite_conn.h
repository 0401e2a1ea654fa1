// SqliteConn: one connection to a SQLite warehouse file, with the few helpers
// the loader, the search-index builder and the UI's reader share.
//
// Contract:
// - Open() opens read-write (creating the file) or read-only, without SQLite's
//   own mutexes (a connection is used by one thread at a time) and with WAL
//   for writers. Errors name the connection by `describe` (never a password:
//   SQLite connections have none).
// - WaitOnBusyForever() replaces the busy timeout: when another connection
//   (not an arxivflow writer: those queue on WriterLock first) holds SQLite's
//   write lock, the connection waits without a deadline and reports through
//   `waiting` about once a second.
// - Statement is a prepared statement bound by position; Text() copies.
// Not thread-safe; one SqliteConn per thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "warehouse/writer_lock.h"

namespace arxivflow::warehouse {

class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(SqliteStatement&& o) noexcept : stmt_(o.stmt_) { o.stmt_ = nullptr; }
  SqliteStatement& operator=(SqliteStatement&& o) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement() { sqlite3_finalize(stmt_); }

  sqlite3_stmt* get() const { return stmt_; }
  sqlite3_stmt** out() { return &stmt_; }
  void BindText(int index, const std::string& value);
  void BindInt(int index, int64_t value);
  std::string Text(int column) const;
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteConn {
 public:
  static Result<std::unique_ptr<SqliteConn>> Open(const std::string& path, bool read_only, std::string describe);
  ~SqliteConn();
  SqliteConn(const SqliteConn&) = delete;
  SqliteConn& operator=(const SqliteConn&) = delete;

  sqlite3* get() const { return db_; }
  const std::string& path() const { return path_; }
  const std::string& describe() const { return describe_; }

  Status Exec(const std::string& sql);
  Result<SqliteStatement> Prepare(const std::string& sql);
  // The first column of the first row; nullopt when there is no row or NULL.
  Result<std::optional<int64_t>> QueryInt(const std::string& sql);
  Result<std::optional<std::string>> QueryText(const std::string& sql);
  // The first column of every row.
  Result<std::vector<std::string>> QueryColumn(const std::string& sql);
  Result<bool> TableExists(const std::string& name);
  // ROLLBACK when a transaction is open; never fails.
  void Rollback();
  void WaitOnBusyForever(LockWaitCallback waiting);
  // Back to a 5 s busy timeout (readers), dropping the callback.
  void RestoreBusyTimeout();
  Status Error(const std::string& what) const;

 private:
  SqliteConn(sqlite3* db, std::string path, std::string describe)
      : db_(db), path_(std::move(path)), describe_(std::move(describe)) {}
  static int BusyHandler(void* self, int attempts);

  sqlite3* db_;
  std::string path_;
  std::string describe_;
  LockWaitCallback waiting_;
};

}  // namespace arxivflow::warehouse
