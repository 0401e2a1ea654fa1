// The one SQLite layer: a connection, prepared statements and transactions.
//
// Contract: a Database owns one connection, opened without SQLite's own
// mutexes: not shared between threads (open one per thread), and it must not
// move while open (Statements and the busy handler point at it). Open() sets
// a busy timeout and, unless read-only or told otherwise, WAL mode and
// synchronous=NORMAL. A Statement belongs to the Database that prepared it and
// must be gone before that Database closes; it binds parameters by position
// (1-based) and steps rows; column readers copy. Errors come back as Status
// naming the connection (OpenOptions::name, else the database file) and the
// SQL (for logs: never send them to a client). Transaction is a scoped
// BEGIN IMMEDIATE that rolls back unless Commit() succeeded; a Transaction
// begun while another is open on the same Database joins it, and if the inner
// one ends without Commit() the outer Commit() rolls everything back (kAborted).
// raw() hands out the sqlite3 handle for what this layer does not wrap
// (virtual-table modules, FTS5's API, the authorizer); the Database keeps it.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace arxivflow::sqlite {

class Database;

class Statement {
 public:
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, const std::string& value);
  Statement& Bind(int index, const char* value);
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& BindBlob(int index, const std::vector<uint8_t>& value);
  Statement& BindNull(int index);
  Statement& Bind(int index, const std::optional<std::string>& value);

  // Steps once: true if a row is available, false when done.
  Result<bool> Step();
  // Steps to completion (for statements without rows).
  Status Run();
  // Clears the bindings' effect of a finished step so the statement can run again.
  void Reset();

  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
  int Type(int col) const { return sqlite3_column_type(stmt_, col); }
  bool IsNull(int col) const;
  std::string Text(int col) const;
  std::optional<std::string> OptText(int col) const;
  int64_t Int(int col) const;
  double Real(int col) const;
  std::vector<uint8_t> Blob(int col) const;

  // True for SQL holding no statement (blanks or comments only).
  bool is_empty() const { return stmt_ == nullptr; }
  // True when the statement cannot write to the database.
  bool ReadOnly() const { return sqlite3_stmt_readonly(stmt_) != 0; }
  sqlite3_stmt* raw() { return stmt_; }

 private:
  friend class Database;
  Statement(const Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  const Database* db_;
  sqlite3_stmt* stmt_;
};

struct OpenOptions {
  bool read_only = false;
  bool create = true;           // create the file when absent (read-write only)
  bool wal = true;              // journal_mode=WAL, synchronous=NORMAL (read-write only)
  int busy_timeout_ms = 30000;
  bool foreign_keys = false;
  std::string name{};           // names the connection in errors; the path when empty
  // Files SQLite deletes (the WAL, when the last connection closes) lose
  // their name at once and are freed by a detached process when large
  // (common/background_remove.h), so the closing caller does not wait.
  bool background_delete = false;
};

class Database {
 public:
  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // `what` names the database in errors ("metadata DB", "warehouse").
  Status Open(const std::string& path, const OpenOptions& options = {}, const std::string& what = "database");
  // Runs one or more statements that return no rows.
  Status Exec(const std::string& sql);
  // ROLLBACK when a transaction begun with Exec("BEGIN ...") is open; never
  // fails. (A Transaction rolls itself back.)
  void Rollback();
  Result<Statement> Prepare(const std::string& sql);
  // Compiles the first statement of `sql`; *rest receives what follows it.
  Result<Statement> PrepareFirst(std::string_view sql, std::string_view* rest);
  // The first column of the first row; nullopt when there is no row or it is NULL.
  Result<std::optional<int64_t>> QueryInt(const std::string& sql);
  Result<std::optional<std::string>> QueryText(const std::string& sql);
  // The first column of every row.
  Result<std::vector<std::string>> QueryColumn(const std::string& sql);
  Result<bool> TableExists(const std::string& name);
  // Replaces the busy timeout: while another connection holds a lock, SQLite
  // calls `handler` with the number of earlier calls for this wait; true
  // retries, false gives up (the statement fails with SQLITE_BUSY).
  void SetBusyHandler(std::function<bool(int attempts)> handler);
  // Waits at most `ms` for a lock (dropping any busy handler).
  void SetBusyTimeout(int ms);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int Changes() const;
  // PRAGMA data_version: changes when another connection commits.
  int64_t DataVersion();
  bool is_open() const { return db_ != nullptr; }
  // Closes the connection (every Statement must be gone); OK when not open.
  Status Close();
  sqlite3* raw() { return db_; }
  const std::string& path() const { return path_; }
  // What errors name the connection by.
  const std::string& name() const { return name_; }

 private:
  friend class Statement;
  friend class Transaction;
  static int CallBusyHandler(void* self, int attempts);
  Status StepError(const std::string& sql) const;

  sqlite3* db_ = nullptr;
  std::string path_;
  std::string name_;
  std::function<bool(int)> busy_handler_;
  int tx_depth_ = 0;
  bool tx_doomed_ = false;  // an inner transaction ended without Commit()
};

class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  Status Begin();  // BEGIN IMMEDIATE (takes the write lock up front), or joins the open one
  Status Commit();

 private:
  Database& db_;
  bool open_ = false;
};

}  // namespace arxivflow::sqlite
