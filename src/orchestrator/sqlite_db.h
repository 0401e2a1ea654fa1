// A thin RAII layer over sqlite3 for the metadata store.
//
// Contract: SqliteDb owns one connection (not shared between threads; open
// one per thread). Open() turns on WAL, a busy timeout and foreign keys.
// Statement binds parameters by position (1-based) and steps rows; errors come
// back as Status naming the SQL. Transaction is a scoped BEGIN IMMEDIATE that
// rolls back unless Commit() succeeded.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace arxivflow::orchestrator {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
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

  bool IsNull(int col) const;
  std::string Text(int col) const;
  std::optional<std::string> OptText(int col) const;
  int64_t Int(int col) const;
  double Real(int col) const;
  std::vector<uint8_t> Blob(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteDb {
 public:
  SqliteDb() = default;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  Status Open(const std::string& path);
  Status Exec(const std::string& sql);
  Result<Statement> Prepare(const std::string& sql);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int Changes() const;
  // PRAGMA data_version: changes when another connection commits.
  int64_t DataVersion();
  sqlite3* raw() { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Transaction {
 public:
  explicit Transaction(SqliteDb& db) : db_(db) {}
  ~Transaction();
  Status Begin();  // BEGIN IMMEDIATE (takes the write lock up front)
  Status Commit();

 private:
  SqliteDb& db_;
  bool open_ = false;
};

}  // namespace arxivflow::orchestrator
