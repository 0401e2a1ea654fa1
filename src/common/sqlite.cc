#include "common/sqlite.h"

#include <cerrno>

#include "common/background_remove.h"

namespace arxivflow::sqlite {

namespace {

// Memory statistics cost a global mutex on every allocation; nothing reads
// them. Must run before SQLite initialises, hence at static-initialisation
// time (a later call would be refused harmlessly).
[[maybe_unused]] const int kMemStatusOff = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

// The default VFS with one change: a delete that needs no directory sync (the
// WAL's, when the last connection closes) goes through
// RemoveFileInBackground. Registered once, under its own name, never as the
// default; every other method is the default VFS's own.
sqlite3_vfs* g_default_vfs = nullptr;

int DeleteInBackground(sqlite3_vfs*, const char* path, int sync_dir) {
  if (sync_dir) return g_default_vfs->xDelete(g_default_vfs, path, sync_dir);
  const int err = RemoveFileInBackground(path);
  if (err == 0) return SQLITE_OK;
  return err == ENOENT ? SQLITE_IOERR_DELETE_NOENT : SQLITE_IOERR_DELETE;
}

const char* BackgroundDeleteVfs() {
  static const char* const name = []() -> const char* {
    g_default_vfs = sqlite3_vfs_find(nullptr);
    if (!g_default_vfs) return nullptr;
    static sqlite3_vfs shim = *g_default_vfs;
    shim.pNext = nullptr;
    shim.zName = "arxivflow-background-delete";
    shim.xDelete = &DeleteInBackground;
    return sqlite3_vfs_register(&shim, /*makeDflt=*/0) == SQLITE_OK ? shim.zName : nullptr;
  }();
  return name;
}

}  // namespace

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
  return db_->StepError(sqlite3_sql(stmt_));
}

Status Statement::Run() {
  while (true) {
    auto r = Step();
    if (!r.ok()) return r.status();
    if (!*r) return Status::OK();
  }
}

void Statement::Reset() { sqlite3_reset(stmt_); }

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

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

Status Database::Open(const std::string& path, const OpenOptions& options, const std::string& what) {
  path_ = path;
  name_ = options.name.empty() ? path : options.name;
  int flags = SQLITE_OPEN_NOMUTEX;
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0);
  }
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, options.background_delete ? BackgroundDeleteVfs() : nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close_v2(db_);
    db_ = nullptr;
    return Status::IOError(name_ + ": cannot open the " + what + ": " + msg);
  }
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  // A double-quoted name that matches no column is an error, never a string
  // literal (SQLite's compatibility default): otherwise a misspelled column
  // in a check's `where` compares two constants and silently counts nothing.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DQS_DML, 0, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DQS_DDL, 0, nullptr);
  if (!options.read_only && options.wal) {
    AF_RETURN_IF_ERROR(Exec("PRAGMA journal_mode=WAL"));
    AF_RETURN_IF_ERROR(Exec("PRAGMA synchronous=NORMAL"));
  }
  if (options.foreign_keys) AF_RETURN_IF_ERROR(Exec("PRAGMA foreign_keys=ON"));
  return Status::OK();
}

Status Database::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return Status::IOError(name_ + ": " + msg + " in: " + sql.substr(0, 200));
  }
  return Status::OK();
}

void Database::Rollback() {
  if (db_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Status Database::StepError(const std::string& sql) const {
  return Status::IOError(name_ + ": " + sqlite3_errmsg(db_) + " in: " + sql.substr(0, 200));
}

Result<Statement> Database::Prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return Status::Internal(name_ + ": " + sqlite3_errmsg(db_) + " in: " + sql.substr(0, 200));
  }
  return Statement(this, stmt);
}

Result<Statement> Database::PrepareFirst(std::string_view sql, std::string_view* rest) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, &tail);
  if (rc != SQLITE_OK) return Status::InvalidArgument(name_ + ": " + sqlite3_errmsg(db_));
  if (rest) *rest = tail ? sql.substr(static_cast<size_t>(tail - sql.data())) : std::string_view();
  return Statement(this, stmt);
}

Result<std::optional<int64_t>> Database::QueryInt(const std::string& sql) {
  AF_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  AF_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.IsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.Int(0));
}

Result<std::optional<std::string>> Database::QueryText(const std::string& sql) {
  AF_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  AF_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.IsNull(0)) return std::optional<std::string>();
  return std::optional<std::string>(stmt.Text(0));
}

Result<std::vector<std::string>> Database::QueryColumn(const std::string& sql) {
  AF_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  std::vector<std::string> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back(stmt.Text(0));
  }
}

Result<bool> Database::TableExists(const std::string& name) {
  AF_ASSIGN_OR_RETURN(Statement stmt, Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"));
  stmt.Bind(1, name);
  return stmt.Step();
}

void Database::SetBusyHandler(std::function<bool(int attempts)> handler) {
  busy_handler_ = std::move(handler);
  sqlite3_busy_handler(db_, &Database::CallBusyHandler, this);
}

void Database::SetBusyTimeout(int ms) {
  sqlite3_busy_timeout(db_, ms);  // replaces the handler inside SQLite
  busy_handler_ = nullptr;
}

int Database::CallBusyHandler(void* self, int attempts) {
  auto* db = static_cast<Database*>(self);
  return db->busy_handler_ && db->busy_handler_(attempts) ? 1 : 0;
}

int Database::Changes() const { return sqlite3_changes(db_); }

Status Database::Close() {
  if (!db_) return Status::OK();
  int rc = sqlite3_close(db_);
  if (rc != SQLITE_OK) return Status::IOError(name_ + ": close failed: " + sqlite3_errstr(rc));
  db_ = nullptr;
  return Status::OK();
}

int64_t Database::DataVersion() {
  auto st = Prepare("PRAGMA data_version");
  if (!st.ok()) return -1;
  auto row = st->Step();
  return row.ok() && *row ? st->Int(0) : -1;
}

Transaction::~Transaction() {
  if (!open_) return;
  if (--db_.tx_depth_ == 0) {
    (void)db_.Exec("ROLLBACK");
    db_.tx_doomed_ = false;
  } else {
    db_.tx_doomed_ = true;
  }
}

Status Transaction::Begin() {
  if (db_.tx_depth_ == 0) {
    AF_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    db_.tx_doomed_ = false;
  }
  ++db_.tx_depth_;
  open_ = true;
  return Status::OK();
}

Status Transaction::Commit() {
  if (!open_) return Status::Internal(db_.name_ + ": commit without a transaction");
  if (db_.tx_depth_ > 1) {  // the outer transaction commits
    --db_.tx_depth_;
    open_ = false;
    return Status::OK();
  }
  if (db_.tx_doomed_) {
    (void)db_.Exec("ROLLBACK");
    db_.tx_depth_ = 0;
    db_.tx_doomed_ = false;
    open_ = false;
    return Status::Aborted(db_.name_ + ": a nested step failed; the transaction was rolled back");
  }
  AF_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  db_.tx_depth_ = 0;
  open_ = false;
  return Status::OK();
}

}  // namespace arxivflow::sqlite
