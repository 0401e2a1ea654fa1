// PostgreSQL target.
//
// A table load is one transaction: TRUNCATE, then COPY ... FROM STDIN in
// binary format streamed row group by row group from the Parquet files, then
// COMMIT. TRUNCATE in the same transaction lets COPY use FREEZE (no later
// vacuum pass over the new rows) and makes the swap atomic: readers see the
// old rows until COMMIT (they wait on the table lock while the load runs), and
// a load that dies midway is rolled back by the server.
#include "common/logging.h"
#include "warehouse/pg_binary_copy.h"
#include "warehouse/pg_connection.h"
#include "warehouse/sql_identifier.h"
#include "warehouse/warehouse.h"

namespace arxivflow::warehouse {

namespace {

constexpr size_t kCopyChunkBytes = 1 << 20;

class PostgresWarehouse : public Warehouse {
 public:
  explicit PostgresWarehouse(std::unique_ptr<PgConnection> conn) : conn_(std::move(conn)) {}

  TargetKind kind() const override { return TargetKind::kPostgres; }
  std::string Describe() const override { return conn_->spec().Describe(); }

  Status CreateTables(const CreateOptions& options) override {
    AF_RETURN_IF_ERROR(conn_->Exec("BEGIN"));
    Status st = [&]() -> Status {
      if (options.drop) {
        for (const auto& t : schema::StarSchema()) AF_RETURN_IF_ERROR(conn_->Exec(DropTableSql(Dialect::kPostgres, t)));
      }
      for (const auto& t : schema::StarSchema()) {
        for (const auto& sql : CreateTableSql(Dialect::kPostgres, t)) AF_RETURN_IF_ERROR(conn_->Exec(sql));
      }
      return conn_->Exec("COMMIT");
    }();
    if (!st.ok()) conn_->RollbackQuietly();
    return st;
  }

  Result<bool> TableExists(const std::string& table) override {
    AF_RETURN_IF_ERROR(ValidateIdentifier(table, "table"));
    AF_ASSIGN_OR_RETURN(ScalarValue v, conn_->QueryScalarWithParam("SELECT to_regclass($1) IS NOT NULL",
                                                                   QuoteIdentifier(table)));
    return v.type == ScalarValue::Type::kInteger && v.integer == 1;
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
    AF_RETURN_IF_ERROR(conn_->Exec("BEGIN"));
    auto rows = LoadInTransaction(table, *source, input.expected_rows);
    if (!rows.ok()) {
      conn_->RollbackQuietly();
      return rows.status();
    }
    AF_RETURN_IF_ERROR(conn_->Exec("COMMIT"));
    return rows;
  }

  Result<ScalarValue> QueryScalar(const std::string& sql) override {
    AF_RETURN_IF_ERROR(conn_->Exec("BEGIN READ ONLY"));
    auto value = conn_->QueryScalar(sql);
    conn_->RollbackQuietly();
    return value;
  }

  Status Close() override {
    conn_.reset();
    return Status::OK();
  }

 private:
  Result<int64_t> LoadInTransaction(const schema::TableDef& table, BatchSource& source,
                                    std::optional<int64_t> expected_rows) {
    const std::string t = QuoteIdentifier(table.name);
    AF_RETURN_IF_ERROR(conn_->Exec("TRUNCATE " + t));
    std::string columns;
    for (size_t i = 0; i < table.schema.columns.size(); ++i) {
      if (i) columns += ", ";
      columns += QuoteIdentifier(table.schema.columns[i].name);
    }
    AF_RETURN_IF_ERROR(conn_->BeginCopy("COPY " + t + " (" + columns + ") FROM STDIN WITH (FORMAT binary, FREEZE)"));
    std::string buffer;
    buffer.reserve(kCopyChunkBytes + (64 << 10));
    AppendPgCopyHeader(&buffer);
    int64_t sent = 0;
    Status st = [&]() -> Status {
      Batch batch;
      while (true) {
        AF_ASSIGN_OR_RETURN(bool more, source.Next(&batch));
        if (!more) break;
        for (int64_t r = 0; r < batch.rows; ++r) {
          AF_RETURN_IF_ERROR(AppendPgCopyRow(table, batch, r, &buffer));
          if (buffer.size() >= kCopyChunkBytes) {
            AF_RETURN_IF_ERROR(conn_->PutCopyData(buffer));
            buffer.clear();
          }
        }
        sent += batch.rows;
      }
      AppendPgCopyTrailer(&buffer);
      return conn_->PutCopyData(buffer);
    }();
    if (!st.ok()) {
      conn_->AbortCopy("load aborted by the client");
      return st.WithContext("loading " + table.name);
    }
    auto copied = conn_->EndCopy();
    if (!copied.ok()) return copied.status().WithContext("loading " + table.name);
    if (*copied != sent) {
      return Status::Internal(Describe() + ": table " + table.name + ": sent " + std::to_string(sent) +
                              " rows, the server stored " + std::to_string(*copied));
    }
    if (expected_rows && *expected_rows != sent) {
      return Status::Aborted(Describe() + ": table " + table.name + ": loaded " + std::to_string(sent) +
                             " rows but the manifest says " + std::to_string(*expected_rows) +
                             "; the previous contents are kept");
    }
    return sent;
  }

  std::unique_ptr<PgConnection> conn_;
};

}  // namespace

Result<std::unique_ptr<Warehouse>> OpenPostgresWarehouse(const ConnectionSpec& spec) {
  AF_ASSIGN_OR_RETURN(auto conn, PgConnection::Connect(spec));
  return std::unique_ptr<Warehouse>(new PostgresWarehouse(std::move(conn)));
}

}  // namespace arxivflow::warehouse
