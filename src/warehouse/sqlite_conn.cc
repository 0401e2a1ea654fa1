#include "warehouse/sqlite_conn.h"

#include <chrono>
#include <thread>

namespace arxivflow::warehouse {

namespace {

// Memory statistics cost a global mutex on every allocation; nothing reads
// them. Must run before SQLite initialises, hence at static-initialisation
// time (a later call would be refused harmlessly).
[[maybe_unused]] const int kMemStatusOff = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

}  // namespace

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}

void SqliteStatement::BindText(int index, const std::string& value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::BindInt(int index, int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

std::string SqliteStatement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

Result<std::unique_ptr<SqliteConn>> SqliteConn::Open(const std::string& path, bool read_only, std::string describe) {
  sqlite3* db = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::IOError(describe + ": cannot open: " + msg);
  }
  std::unique_ptr<SqliteConn> conn(new SqliteConn(db, path, std::move(describe)));
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  return conn;
}

SqliteConn::~SqliteConn() { sqlite3_close_v2(db_); }

Status SqliteConn::Exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    std::string head = sql.substr(0, sql.find('\n'));
    return Status::IOError(describe_ + ": " + msg + " (in: " + head.substr(0, 120) + ")");
  }
  return Status::OK();
}

Result<SqliteStatement> SqliteConn::Prepare(const std::string& sql) {
  SqliteStatement stmt;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), stmt.out(), nullptr) != SQLITE_OK) {
    return Error("preparing " + sql.substr(0, 120));
  }
  return stmt;
}

Result<std::optional<int64_t>> SqliteConn::QueryInt(const std::string& sql) {
  AF_ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare(sql));
  const int rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_DONE) return std::optional<int64_t>();
  if (rc != SQLITE_ROW) return Error(sql.substr(0, 120));
  if (stmt.IsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.Int(0));
}

Result<std::optional<std::string>> SqliteConn::QueryText(const std::string& sql) {
  AF_ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare(sql));
  const int rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return Error(sql.substr(0, 120));
  if (stmt.IsNull(0)) return std::optional<std::string>();
  return std::optional<std::string>(stmt.Text(0));
}

Result<std::vector<std::string>> SqliteConn::QueryColumn(const std::string& sql) {
  AF_ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare(sql));
  std::vector<std::string> out;
  while (true) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return Error(sql.substr(0, 120));
    out.push_back(stmt.Text(0));
  }
}

Result<bool> SqliteConn::TableExists(const std::string& name) {
  AF_ASSIGN_OR_RETURN(SqliteStatement stmt,
                      Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"));
  stmt.BindText(1, name);
  const int rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error("looking up table " + name);
}

void SqliteConn::Rollback() {
  if (db_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void SqliteConn::WaitOnBusyForever(LockWaitCallback waiting) {
  waiting_ = std::move(waiting);
  sqlite3_busy_handler(db_, &SqliteConn::BusyHandler, this);
}

void SqliteConn::RestoreBusyTimeout() {
  sqlite3_busy_timeout(db_, 5000);
  waiting_ = nullptr;
}

int SqliteConn::BusyHandler(void* self, int attempts) {
  auto* conn = static_cast<SqliteConn*>(self);
  // About once a second: 10 ms sleeps, reported every 100th attempt.
  if (conn->waiting_ && attempts % 100 == 0) {
    conn->waiting_("the write lock on " + conn->path_, "another connection to the database (not an arxivflow load)");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return 1;
}

Status SqliteConn::Error(const std::string& what) const {
  return Status::IOError(describe_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

}  // namespace arxivflow::warehouse
