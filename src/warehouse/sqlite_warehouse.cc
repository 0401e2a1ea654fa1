// SQLite target: the embedded default.
//
// The database runs in WAL mode (readers such as the UI keep reading while a
// load runs); each table load is one IMMEDIATE transaction that deletes the
// old rows and inserts the new ones through one prepared statement. DATE and
// TIMESTAMP values are stored as ISO-8601 text (value_format.h). After papers,
// titles or abstracts change, the FTS5 table papers_fts is rebuilt.
#include <algorithm>

#include "common/logging.h"
#include "common/sqlite.h"
#include "warehouse/sql_identifier.h"
#include "warehouse/value_format.h"
#include "warehouse/warehouse.h"

namespace arxivflow::warehouse {

namespace {

using parquet::ColumnVector;
using parquet::LogicalType;
using parquet::PhysicalType;

class SqliteWarehouse : public Warehouse {
 public:
  SqliteWarehouse(ConnectionSpec spec, std::unique_ptr<sqlite::Database> db)
      : spec_(std::move(spec)), owned_(std::move(db)), db_(owned_->raw()) {}
  ~SqliteWarehouse() override { (void)Close(); }

  TargetKind kind() const override { return TargetKind::kSqlite; }
  std::string Describe() const override { return spec_.Describe(); }

  Status Init() {
    AF_RETURN_IF_ERROR(Exec("PRAGMA cache_size=-65536"));  // 64 MiB: index inserts of big loads
    return Status::OK();
  }

  Status CreateTables(const CreateOptions& options) override {
    AF_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Status st = [&]() -> Status {
      if (options.drop) {
        AF_RETURN_IF_ERROR(Exec("DROP TABLE IF EXISTS \"papers_fts\""));
        for (const auto& t : schema::StarSchema()) AF_RETURN_IF_ERROR(Exec(DropTableSql(Dialect::kSqlite, t)));
      }
      for (const auto& t : schema::StarSchema()) {
        for (const auto& sql : CreateTableSql(Dialect::kSqlite, t)) AF_RETURN_IF_ERROR(Exec(sql));
      }
      for (const auto& sql : SqliteFtsCreateSql()) AF_RETURN_IF_ERROR(Exec(sql));
      return Exec("COMMIT");
    }();
    if (!st.ok()) Rollback();
    return st;
  }

  Result<bool> TableExists(const std::string& table) override {
    auto stmt = owned_->Prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
    if (!stmt.ok()) return Error("looking up table " + table);
    auto row = stmt->Bind(1, table).Step();
    if (!row.ok()) return Error("looking up table " + table);
    return *row;
  }

  Result<int64_t> LoadTable(const schema::TableDef& table, const TableLoadInput& input) override {
    AF_ASSIGN_OR_RETURN(bool exists, TableExists(table.name));
    if (!exists) {
      return Status::NotFound(Describe() + ": table " + table.name +
                              " does not exist; run `arxivflow warehouse create` first");
    }
    std::unique_ptr<BatchSource> owned;
    BatchSource* source = input.source;
    if (!source) {
      owned = MakeParquetBatchSource(table, input.files);
      source = owned.get();
    }
    AF_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    auto rows = LoadInTransaction(table, *source, input.expected_rows);
    if (!rows.ok()) {
      Rollback();
      return rows.status();
    }
    AF_RETURN_IF_ERROR(Exec("COMMIT"));
    return rows;
  }

  Status FinishLoad(const std::vector<std::string>& loaded) override {
    const bool touched = std::any_of(loaded.begin(), loaded.end(), [](const std::string& t) {
      return t == "papers" || t == "titles" || t == "abstracts";
    });
    if (!touched) return Status::OK();
    AF_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
    Status st = [&]() -> Status {
      for (const auto& sql : SqliteFtsCreateSql()) AF_RETURN_IF_ERROR(Exec(sql));
      for (const auto& sql : SqliteFtsRebuildSql()) AF_RETURN_IF_ERROR(Exec(sql));
      return Exec("COMMIT");
    }();
    if (!st.ok()) Rollback();
    return st.WithContext("rebuilding the search index papers_fts");
  }

  Result<ScalarValue> QueryScalar(const std::string& sql) override {
    std::string_view tail;
    // Only reading is authorised while the statement is compiled: no writes,
    // no PRAGMA, ATTACH or transaction control.
    sqlite3_set_authorizer(db_, &ReadOnlyAuthorizer, nullptr);
    auto stmt = owned_->PrepareFirst(sql, &tail);
    sqlite3_set_authorizer(db_, nullptr, nullptr);
    if (!stmt.ok()) {
      return Status::InvalidArgument(Describe() + ": " + sqlite3_errmsg(db_));
    }
    if (stmt->is_empty()) return Status::InvalidArgument(Describe() + ": empty query");
    for (char c : tail) {
      if (!(c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ';')) {
        return Status::InvalidArgument(Describe() + ": a check query must be a single statement");
      }
    }
    if (!sqlite3_stmt_readonly(stmt->raw())) {
      return Status::InvalidArgument(Describe() + ": a check query must not modify the database");
    }
    ScalarValue value;
    auto row = stmt->Step();
    if (!row.ok()) return Error("query");
    if (!*row) return value;
    switch (sqlite3_column_type(stmt->raw(), 0)) {
      case SQLITE_NULL: break;
      case SQLITE_INTEGER:
        value.type = ScalarValue::Type::kInteger;
        value.integer = stmt->Int(0);
        break;
      case SQLITE_FLOAT:
        value.type = ScalarValue::Type::kReal;
        value.real = stmt->Real(0);
        break;
      default:
        value.type = ScalarValue::Type::kText;
        value.text = stmt->Text(0);
    }
    return value;
  }

  Status Close() override {
    db_ = nullptr;
    Status st = owned_->Close();
    return st.ok() ? st : Status::IOError(Describe() + ": close failed");
  }

 private:
  Result<int64_t> LoadInTransaction(const schema::TableDef& table, BatchSource& source,
                                    std::optional<int64_t> expected_rows) {
    AF_RETURN_IF_ERROR(Exec("DELETE FROM " + QuoteIdentifier(table.name)));
    std::string sql = "INSERT INTO " + QuoteIdentifier(table.name) + " (";
    std::string params;
    for (size_t i = 0; i < table.schema.columns.size(); ++i) {
      if (i) sql += ", ", params += ", ";
      sql += QuoteIdentifier(table.schema.columns[i].name);
      params += "?";
    }
    sql += ") VALUES (" + params + ")";
    auto prepared = owned_->Prepare(sql);
    if (!prepared.ok()) return Error("preparing the insert into " + table.name);
    sqlite3_stmt* insert = prepared->raw();
    int64_t rows = 0;
    Batch batch;
    std::string scratch;
    while (true) {
      AF_ASSIGN_OR_RETURN(bool more, source.Next(&batch));
      if (!more) break;
      for (int64_t r = 0; r < batch.rows; ++r) {
        for (size_t c = 0; c < batch.columns.size(); ++c) {
          Bind(insert, static_cast<int>(c) + 1, table.schema.columns[c], batch.columns[c], r);
        }
        if (sqlite3_step(insert) != SQLITE_DONE) {
          Status st = Error("inserting into " + table.name + " (" + batch.origin + ", row " + std::to_string(r) + ")");
          sqlite3_reset(insert);
          return st;
        }
        sqlite3_reset(insert);
        ++rows;
      }
    }
    if (expected_rows && *expected_rows != rows) {
      return Status::Aborted(Describe() + ": table " + table.name + ": loaded " + std::to_string(rows) +
                             " rows but the manifest says " + std::to_string(*expected_rows) +
                             "; the previous contents are kept");
    }
    return rows;
  }

  static int ReadOnlyAuthorizer(void*, int action, const char*, const char*, const char*, const char*) {
    switch (action) {
      case SQLITE_SELECT:
      case SQLITE_READ:
      case SQLITE_FUNCTION:
      case SQLITE_RECURSIVE:
        return SQLITE_OK;
      default:
        return SQLITE_DENY;
    }
  }

  static void Bind(sqlite3_stmt* stmt, int index, const parquet::ColumnSchema& column, const ColumnVector& v,
                   int64_t row) {
    const size_t r = static_cast<size_t>(row);
    if (!v.valid.empty() && !v.valid[r]) {
      sqlite3_bind_null(stmt, index);
      return;
    }
    switch (column.physical) {
      case PhysicalType::kByteArray: {
        const std::string_view s = v.strings[r];
        sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
        return;
      }
      case PhysicalType::kInt32:
        if (column.logical == LogicalType::kDate) {
          const std::string text = FormatDate(v.i32[r]);
          sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
        } else {
          sqlite3_bind_int(stmt, index, v.i32[r]);
        }
        return;
      case PhysicalType::kInt64:
        if (column.logical == LogicalType::kTimestampMicrosUtc) {
          const std::string text = FormatTimestamp(v.i64[r]);
          sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
        } else {
          sqlite3_bind_int64(stmt, index, v.i64[r]);
        }
        return;
      case PhysicalType::kDouble:
        sqlite3_bind_double(stmt, index, v.f64[r]);
        return;
      case PhysicalType::kBoolean:
        sqlite3_bind_int(stmt, index, v.booleans[r] ? 1 : 0);
        return;
    }
  }

  Status Exec(const std::string& sql) { return owned_->Exec(sql); }

  void Rollback() {
    if (db_ && !sqlite3_get_autocommit(db_)) (void)owned_->Exec("ROLLBACK");
  }

  Status Error(const std::string& what) const {
    return Status::IOError(Describe() + ": " + what + ": " + sqlite3_errmsg(db_));
  }

  ConnectionSpec spec_;
  std::unique_ptr<sqlite::Database> owned_;
  sqlite3* db_;  // owned_'s connection, for the hot insert loop and error messages
};

}  // namespace

Result<std::unique_ptr<Warehouse>> OpenSqliteWarehouse(const ConnectionSpec& spec) {
  auto db = std::make_unique<sqlite::Database>();
  Status opened = db->Open(spec.sqlite_path, {}, "warehouse");  // WAL, synchronous=NORMAL, 30 s busy timeout
  if (!opened.ok()) return Status::IOError(spec.Describe() + ": " + opened.message());
  auto wh = std::make_unique<SqliteWarehouse>(spec, std::move(db));
  AF_RETURN_IF_ERROR(wh->Init());
  return std::unique_ptr<Warehouse>(std::move(wh));
}

}  // namespace arxivflow::warehouse
