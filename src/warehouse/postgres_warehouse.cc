// PostgreSQL target.
//
// A table is staged in one transaction: CREATE TABLE "<t>__stage_<load>"
// (columns only), COPY ... FROM STDIN in binary format with FREEZE (allowed
// because the table was created in the same transaction: no later vacuum pass
// over the new rows) streamed from the Parquet row groups decoded on another
// thread, the row count checked, then the primary key and indexes built from
// the finished table (PostgreSQL sorts once, in parallel workers, instead of
// inserting into a B-tree per row), ANALYZE, and the ledger row. Loads of
// different tables run in parallel (one connection each). If a loader dies
// (even kill -9), the server rolls its transaction back.
//
// Publish takes ACCESS EXCLUSIVE locks on the published tables (waiting for
// readers with a short lock_timeout and trying again, so that it never
// deadlocks with a reader of several tables), then drops them and renames the
// staged tables, their keys and indexes, in one transaction.
#include <chrono>
#include <set>
#include <thread>

#include "common/logging.h"
#include "warehouse/fault_point.h"
#include "warehouse/pg_binary_copy.h"
#include "warehouse/pg_connection.h"
#include "warehouse/sql_identifier.h"
#include "warehouse/value_format.h"
#include "warehouse/warehouse.h"

namespace arxivflow::warehouse {

namespace {

constexpr size_t kCopyChunkBytes = 1 << 20;

std::string RunText(const LoadIdentity& load) {
  return load.run_id.empty() ? "load " + load.load_id : "run " + load.run_id;
}

class PostgresWarehouse : public Warehouse {
 public:
  explicit PostgresWarehouse(std::unique_ptr<PgConnection> conn) : conn_(std::move(conn)) {}

  TargetKind kind() const override { return TargetKind::kPostgres; }
  const ConnectionSpec& spec() const override { return conn_->spec(); }
  std::string Describe() const override { return conn_->spec().Describe(); }

  Status CreateTables(const CreateOptions& options) override {
    AF_RETURN_IF_ERROR(EnsureLedger());
    AF_RETURN_IF_ERROR(conn_->Exec("BEGIN"));
    Status st = [&]() -> Status {
      if (options.drop) {
        AF_ASSIGN_OR_RETURN(auto stale, conn_->QueryColumn(LedgerOtherStagesSql("")));
        for (const auto& stage : stale) AF_RETURN_IF_ERROR(conn_->Exec(DropTableSql(Dialect::kPostgres, stage)));
        for (const auto& t : schema::StarSchema()) {
          AF_RETURN_IF_ERROR(conn_->Exec(DropTableSql(Dialect::kPostgres, t.name)));
        }
      }
      if (options.drop) AF_RETURN_IF_ERROR(conn_->Exec("DELETE FROM " + QuoteIdentifier(kLedgerTable)));
      const std::string now = FormatUtcNow();
      for (const auto& t : schema::StarSchema()) {
        AF_ASSIGN_OR_RETURN(bool exists, TableExists(t.name));
        if (exists) continue;
        for (const auto& sql : CreateTableSql(Dialect::kPostgres, t)) AF_RETURN_IF_ERROR(conn_->Exec(sql));
        for (const auto& sql : LedgerCreatedSql(t.name, now)) AF_RETURN_IF_ERROR(conn_->Exec(sql));
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

  Result<int64_t> StageTable(const schema::TableDef& table, const TableLoadInput& input) override {
    AF_ASSIGN_OR_RETURN(bool exists, TableExists(table.name));
    if (!exists) {
      return Status::NotFound(Describe() + ": table " + table.name +
                              " does not exist; run `arxivflow warehouse create` first");
    }
    AF_RETURN_IF_ERROR(EnsureLedger());
    const LoadIdentity load = input.load.load_id.empty() ? LoadIdentityForRun("") : input.load;
    std::unique_ptr<BatchSource> owned;
    BatchSource* raw = input.source;
    if (!raw) {
      owned = MakeParquetBatchSource(table, input.files);
      raw = owned.get();
    }
    auto source = MakePrefetchingBatchSource(raw, ReadAheadBatches(input.memory_share_bytes));
    ProgressMeter meter(input.progress, table.name, input.expected_rows);
    AF_RETURN_IF_ERROR(conn_->Exec("BEGIN"));
    meter.Phase(LoadPhase::kLoading);
    auto rows = StageInTransaction(table, StageTableName(table.name, load.load_id), *source, input, load, meter);
    if (!rows.ok()) {
      conn_->RollbackQuietly();
      return rows.status();
    }
    AF_RETURN_IF_ERROR(conn_->Exec("COMMIT"));
    FaultPoint("stage.committed:" + table.name);
    meter.Done(*rows);
    return rows;
  }

  Result<PublishResult> Publish(const PublishRequest& request) override {
    PublishResult result;
    ProgressMeter meter(request.progress, "publish", std::nullopt);
    AF_RETURN_IF_ERROR(EnsureLedger());
    std::vector<std::pair<std::string, int64_t>> staged;
    for (const auto& name : request.tables) {
      AF_ASSIGN_OR_RETURN(ScalarValue rows, conn_->QueryScalar(LedgerStagedRowsSql(request.load.load_id, name)));
      if (rows.is_null()) continue;
      AF_ASSIGN_OR_RETURN(bool exists, TableExists(StageTableName(name, request.load.load_id)));
      if (exists) staged.emplace_back(name, rows.integer);
    }
    if (staged.empty()) {
      AF_ASSIGN_OR_RETURN(ScalarValue published, conn_->QueryScalar(LedgerPublishedCountSql(request.load.load_id)));
      if (published.integer > 0) {
        result.already_published = true;
        return result;
      }
    }
    AF_RETURN_IF_ERROR(CheckStagedSet(request, staged));
    meter.Phase(LoadPhase::kPublishing);
    // Every table the swap touches is locked up front, the staged ones too:
    // autovacuum visits a freshly loaded stage, and a rename that met it
    // later in the transaction would fail on the short lock_timeout.
    std::vector<std::string> locked = request.tables;
    for (const auto& [name, rows] : staged) locked.push_back(StageTableName(name, request.load.load_id));
    while (true) {
      AF_RETURN_IF_ERROR(conn_->Exec("BEGIN"));
      Status st = conn_->Exec("SET LOCAL lock_timeout = '500ms'");
      if (st.ok()) st = conn_->Exec("LOCK TABLE " + TableList(locked) + " IN ACCESS EXCLUSIVE MODE");
      if (!st.ok() && (conn_->last_sqlstate() == "55P03" || conn_->last_sqlstate() == "40P01")) {
        // Readers (or autovacuum) hold the tables: let them finish and try again.
        conn_->RollbackQuietly();
        const std::string holders = LockHolders(locked);
        meter.Waiting("exclusive locks on the published tables", holders);
        spdlog::info("{}: publish waits for readers of the tables: {}", Describe(), holders);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        continue;
      }
      if (st.ok()) {
        meter.Phase(LoadPhase::kPublishing);
        st = [&]() -> Status {
          std::vector<std::string> names;
          for (const auto& [name, rows] : staged) {
            for (const auto& sql :
                 PublishTableSql(Dialect::kPostgres, *schema::FindTable(name), StageTableName(name, request.load.load_id))) {
              AF_RETURN_IF_ERROR(conn_->Exec(sql));
            }
            FaultPoint("publish.swapped:" + name);
            names.push_back(name);
          }
          for (const auto& sql : LedgerPublishSql(request.load.load_id, names, FormatUtcNow())) {
            AF_RETURN_IF_ERROR(conn_->Exec(sql));
          }
          FaultPoint("publish.before_commit");
          return conn_->Exec("COMMIT");
        }();
      }
      if (!st.ok()) {
        conn_->RollbackQuietly();
        return st.WithContext("publishing " + RunText(request.load) + " (nothing was changed)");
      }
      break;
    }
    for (const auto& [name, rows] : staged) result.tables.push_back({name, rows});
    // Leftovers of loads that never published (failed or killed runs).
    auto stale = conn_->QueryColumn(LedgerOtherStagesSql(request.load.load_id));
    if (stale.ok()) {
      for (const auto& stage : *stale) {
        spdlog::info("{}: dropping {} (staged by a load that was not published)", Describe(), stage);
        Status st = conn_->Exec(DropTableSql(Dialect::kPostgres, stage));
        if (st.ok()) st = conn_->Exec(LedgerForgetStageSql(stage));
        if (!st.ok()) spdlog::warn("could not drop {} (the next publish tries again): {}", stage, st.message());
      }
    }
    return result;
  }

  Result<ScalarValue> QueryScalar(const std::string& sql) override {
    AF_RETURN_IF_ERROR(conn_->Exec("BEGIN READ ONLY"));
    auto value = conn_->QueryScalar(sql);
    conn_->RollbackQuietly();
    return value;
  }

  Result<ScalarValue> QueryScalarByMerge(const std::string& sql) override {
    // SET LOCAL: the settings end with the transaction, which is rolled back.
    // No parallel workers: each would read the whole of the other side
    // again; the checks' own connections share the cores instead.
    AF_RETURN_IF_ERROR(conn_->Exec(
        "BEGIN READ ONLY; SET LOCAL enable_hashjoin = off; SET LOCAL enable_nestloop = off; "
        "SET LOCAL max_parallel_workers_per_gather = 0"));
    auto value = conn_->QueryScalar(sql);
    conn_->RollbackQuietly();
    return value;
  }

  Status Close() override {
    conn_.reset();
    return Status::OK();
  }

 private:
  // CREATE TABLE IF NOT EXISTS races between parallel loads (two sessions
  // both find it absent); the loser sees a duplicate and the table exists.
  Status EnsureLedger() {
    AF_ASSIGN_OR_RETURN(bool exists, TableExists(kLedgerTable));
    if (exists) return Status::OK();
    Status st = conn_->Exec(LedgerCreateSql());
    if (!st.ok()) {
      AF_ASSIGN_OR_RETURN(exists, TableExists(kLedgerTable));
      if (exists) return Status::OK();
    }
    return st;
  }

  static std::string TableList(const std::vector<std::string>& tables) {
    std::string out;
    for (const auto& t : tables) out += (out.empty() ? "" : ", ") + QuoteIdentifier(t);
    return out;
  }

  // "pid 123 (SELECT ...)" of the sessions holding locks on `tables`.
  std::string LockHolders(const std::vector<std::string>& tables) {
    std::string names;
    for (const auto& t : tables) names += (names.empty() ? "" : ", ") + QuoteLiteral(t);
    auto rows = conn_->QueryColumn(
        "SELECT DISTINCT 'pid ' || a.pid || ' (' || left(regexp_replace(a.query, '\\s+', ' ', 'g'), 60) || ')' "
        "FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.granted AND c.relname IN (" + names + ") AND l.pid <> pg_backend_pid() "
        "AND c.relnamespace = to_regnamespace(current_schema())::oid");
    if (!rows.ok() || rows->empty()) return "other sessions";
    std::string out;
    for (const auto& r : *rows) out += (out.empty() ? "" : ", ") + r;
    return out;
  }

  Status CheckStagedSet(const PublishRequest& request, const std::vector<std::pair<std::string, int64_t>>& staged) {
    std::set<std::string> have;
    for (const auto& [name, rows] : staged) have.insert(name);
    std::string missing;
    for (const auto& t : request.tables) {
      if (!have.count(t)) missing += (missing.empty() ? "" : ", ") + t;
    }
    if (!missing.empty()) {
      return Status::NotFound(Describe() + ": cannot publish " + RunText(request.load) + ": not staged: " + missing +
                              " (load them with the same run id first); nothing was changed");
    }
    std::set<std::string> areas;
    for (const auto& [name, rows] : staged) {
      AF_ASSIGN_OR_RETURN(ScalarValue area, conn_->QueryScalar(LedgerStagedAreaSql(request.load.load_id, name)));
      if (!area.text.empty()) areas.insert(area.text);
    }
    if (areas.size() > 1) {
      return Status::Aborted(Describe() + ": cannot publish " + RunText(request.load) +
                             ": its tables were staged from different Parquet areas; nothing was changed");
    }
    return Status::OK();
  }

  Result<int64_t> StageInTransaction(const schema::TableDef& table, const std::string& stage, BatchSource& source,
                                     const TableLoadInput& input, const LoadIdentity& load, ProgressMeter& meter) {
    const std::string t = QuoteIdentifier(stage);
    // Sort memory of the key and index builds below.
    AF_RETURN_IF_ERROR(conn_->Exec("SET LOCAL maintenance_work_mem = '256MB'"));
    AF_RETURN_IF_ERROR(conn_->Exec(DropTableSql(Dialect::kPostgres, stage)));
    AF_RETURN_IF_ERROR(conn_->Exec(StageTableSql(Dialect::kPostgres, table, stage)));
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
        meter.Rows(sent);
        FaultPoint("stage.rows:" + table.name);
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
    if (input.expected_rows && *input.expected_rows != sent) {
      return Status::Aborted(Describe() + ": table " + table.name + ": loaded " + std::to_string(sent) +
                             " rows but the manifest says " + std::to_string(*input.expected_rows) +
                             "; nothing was changed");
    }
    meter.Phase(LoadPhase::kIndexing);
    for (const auto& sql : StageKeysSql(Dialect::kPostgres, table, stage)) {
      Status key = conn_->Exec(sql);
      if (!key.ok()) return key.WithContext("table " + table.name + ": building its key and indexes");
    }
    AF_RETURN_IF_ERROR(conn_->Exec("ANALYZE " + t));
    for (const auto& sql : LedgerStageSql(load, table.name, stage, sent, input.area_id)) {
      AF_RETURN_IF_ERROR(conn_->Exec(sql));
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
