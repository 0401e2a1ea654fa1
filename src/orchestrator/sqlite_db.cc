#include "orchestrator/sqlite_db.h"

namespace arxivflow::orchestrator {

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::Bind(int index, const std::string& value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::Bind(int index, const char* value) { return Bind(index, std::string(value)); }
Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::BindBlob(int index, const std::vector<uint8_t>& value) {
  sqlite3_bind_blob(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}
Statement& Statement::Bind(int index, const std::optional<std::string>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Status::IOError(std::string("metadata DB: ") + sqlite3_errmsg(db_) + " in: " +
                         sqlite3_sql(stmt_));
}

Status Statement::Run() {
  while (true) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return Status::OK();
  }
}

bool Statement::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::string Statement::Text(int col) const {
  auto p = sqlite3_column_text(stmt_, col);
  if (!p) return "";
  return std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col));
}
std::optional<std::string> Statement::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}
int64_t Statement::Int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::Real(int col) const { return sqlite3_column_double(stmt_, col); }
std::vector<uint8_t> Statement::Blob(int col) const {
  auto p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  if (!p) return {};
  return std::vector<uint8_t>(p, p + n);
}

SqliteDb::~SqliteDb() {
  if (db_) sqlite3_close_v2(db_);
}

Status SqliteDb::Open(const std::string& path) {
  path_ = path;
  int rc = sqlite3_open_v2(path.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    return Status::IOError(path + ": cannot open metadata DB: " + msg);
  }
  sqlite3_busy_timeout(db_, 30000);
  AF_RETURN_IF_ERROR(Exec("PRAGMA journal_mode=WAL"));
  AF_RETURN_IF_ERROR(Exec("PRAGMA synchronous=NORMAL"));
  AF_RETURN_IF_ERROR(Exec("PRAGMA foreign_keys=ON"));
  return Status::OK();
}

Status SqliteDb::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return Status::IOError(path_ + ": " + msg + " in: " + sql.substr(0, 200));
  }
  return Status::OK();
}

Result<Statement> SqliteDb::Prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return Status::Internal(path_ + ": " + sqlite3_errmsg(db_) + " in: " + sql.substr(0, 200));
  }
  return Statement(db_, stmt);
}

int SqliteDb::Changes() const { return sqlite3_changes(db_); }

int64_t SqliteDb::DataVersion() {
  auto st = Prepare("PRAGMA data_version");
  if (!st.ok()) return -1;
  auto row = st->Step();
  return row.ok() && *row ? st->Int(0) : -1;
}

Transaction::~Transaction() {
  if (open_) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Begin() {
  AF_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  open_ = true;
  return Status::OK();
}

Status Transaction::Commit() {
  AF_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  open_ = false;
  return Status::OK();
}

}  // namespace arxivflow::orchestrator
