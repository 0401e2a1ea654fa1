// SQLite target: the embedded default.
//
// WAL mode: readers (the UI, the checks) keep reading the published tables
// while a load runs. Writers queue on the file's WriterLock (writer_lock.h)
// and wait without a deadline. A table is staged as "<t>__stage_<load>",
// with its ledger row, one of two ways:
// - Through a scratch file (most tables): without the lock, its rows, key
//   and indexes are written into a SQLite file of their own
//   (sqlite_stage_file.h) while another thread decodes the next batches;
//   under the lock, in one IMMEDIATE transaction, SQLite's transfer copy
//   appends its records and index entries as they are.
// - In place (wide rows whose only index is the key: abstracts): the rows
//   are inserted under the lock through the arxivflow_batch virtual table,
//   the key built as they come, so their bytes are not written into a
//   scratch file and read back (kInPlaceRowBytes); committed in pieces, the
//   ledger row 'loading' until the last (kInPlacePieceBytes).
// Either way the row count is checked against the manifest. (An in-memory
// database is staged in place, its key and indexes built after the rows.)
// Publish drops the old tables and renames the staged ones in one
// transaction, the search index (papers_fts) with them. New databases use
// 16 KiB pages (a fifth less CPU than 4 KiB on the full load). DATE and
// TIMESTAMP values are ISO-8601 text.
#include <chrono>
#include <cstdlib>
#include <functional>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string_view>

#include "common/logging.h"
#include "common/thread_priority.h"
#include "warehouse/fault_point.h"
#include "warehouse/sql_identifier.h"
#include "warehouse/value_format.h"
#include "warehouse/key_merge.h"
#include "warehouse/sqlite_batch_table.h"
#include "warehouse/sqlite_conn.h"
#include "warehouse/sqlite_scratch.h"
#include "warehouse/sqlite_stage_file.h"
#include "warehouse/sqlite_search_index.h"
#include "warehouse/warehouse.h"
#include "warehouse/writer_lock.h"

namespace arxivflow::warehouse {

namespace {

constexpr int kNewDatabasePageSize = 16384;
// The warehouse connection's page cache; the checks read through it.
constexpr int kCacheKiB = 131072;
// The page cache while a staged table's key and indexes are built. It also
// bounds the in-memory runs of the index sorts: SQLite sorts each run as a
// linked list, so a run that fits in a core's L2 cache costs about a third
// less CPU than a 128 MiB one (authors: 27 s instead of 40 s for its two
// indexes), though it spills more runs.
constexpr int kIndexSortKiB = 2048;
constexpr const char* kScratchSchema = "stage_scratch";
// A table stored by its key is read from its files merged in key order when
// at most this many of them overlap (the transform's workers); else its rows
// are sorted.
constexpr size_t kMaxMergedFiles = 4;
// Progress of a merged read: the runs are short.
constexpr int64_t kMergedRowsPerReport = 1 << 16;
// Rows at least this wide (the average of the first row group's values) are
// inserted in place when the table's only index is its key: abstracts
// (about 1 KB a row) cost a third less CPU so, as their bytes are not
// written to a scratch file and read back; narrow rows (papers: about 200
// bytes) cost as much either way and would hold the lock twice as long.
constexpr double kInPlaceRowBytes = 512;
// A table inserted in place into a database file is committed in pieces of
// about this many bytes of values, each checkpointed (under the lock) before
// the next begins: the WAL then starts over at each piece and stays within
// journal_size_limit, its pages written over instead of taken anew. In one
// transaction abstracts grew the WAL to 2.9 GB of new page-cache pages, on
// top of the database's own: in the main job at full scale its task took
// 0.57x the CPU in pieces (docs/warehouse.md). ARXIVFLOW_SQLITE_PIECE_BYTES
// overrides it (tests make pieces of a batch).
constexpr int64_t kInPlacePieceBytes = int64_t{64} << 20;

int64_t InPlacePieceBytes() {
  const char* text = std::getenv("ARXIVFLOW_SQLITE_PIECE_BYTES");
  if (!text || !*text) return kInPlacePieceBytes;
  char* end = nullptr;
  const long long value = std::strtoll(text, &end, 10);
  return *end == '\0' && value > 0 ? static_cast<int64_t>(value) : kInPlacePieceBytes;
}

// Whether a table is inserted in place (StageInPlace) rather than staged
// through a scratch file, judged by its first batch. A table stored by its
// key is not: the lake's order is not its key's, which a rowid table's
// appends do not need.
bool InsertsInPlace(const schema::TableDef& table, const Batch& first) {
  return !SqliteStoredByKey(table) && SqliteIndexes(table, table.name).size() == 1 &&
         BatchBytesPerRow(first) >= kInPlaceRowBytes;
}

std::string RunText(const LoadIdentity& load) {
  return load.run_id.empty() ? "load " + load.load_id : "run " + load.run_id;
}

bool TouchesSearchIndex(const std::vector<std::string>& tables) {
  return std::any_of(tables.begin(), tables.end(),
                     [](const std::string& t) { return t == "titles" || t == "abstracts"; });
}

// A writer's hold on the database: the WriterLock, and a connection that
// waits for SQLite's own lock without a deadline until the hold ends.
class WriteHold {
 public:
  WriteHold(sqlite::Database* conn, std::unique_ptr<WriterLock> lock) : conn_(conn), lock_(std::move(lock)) {}
  ~WriteHold() { RestoreBusyTimeout(*conn_); }
  WriteHold(const WriteHold&) = delete;
  WriteHold& operator=(const WriteHold&) = delete;

  // Since the hold began: what the log reports of each turn.
  double held_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since_).count();
  }

 private:
  sqlite::Database* conn_;
  std::unique_ptr<WriterLock> lock_;
  const std::chrono::steady_clock::time_point since_ = std::chrono::steady_clock::now();
};

class SqliteWarehouse : public Warehouse {
 public:
  SqliteWarehouse(ConnectionSpec spec, std::unique_ptr<sqlite::Database> conn)
      : spec_(std::move(spec)), conn_(std::move(conn)) {}
  ~SqliteWarehouse() override { (void)Close(); }

  TargetKind kind() const override { return TargetKind::kSqlite; }
  const ConnectionSpec& spec() const override { return spec_; }
  std::string Describe() const override { return spec_.Describe(); }

  Status Init() {
    AF_ASSIGN_OR_RETURN(auto pages, conn_->QueryInt("PRAGMA page_count"));
    if (pages.value_or(0) == 0) {
      AF_RETURN_IF_ERROR(conn_->Exec("PRAGMA page_size=" + std::to_string(kNewDatabasePageSize)));
    }
    AF_RETURN_IF_ERROR(conn_->Exec("PRAGMA journal_mode=WAL"));
    AF_RETURN_IF_ERROR(conn_->Exec("PRAGMA synchronous=NORMAL"));
    AF_RETURN_IF_ERROR(conn_->Exec("PRAGMA cache_size=-" + std::to_string(kCacheKiB)));
    // Checkpoints run after a staged table's lock is released (StageTable),
    // not inside its COMMIT; they leave the WAL at most this large.
    AF_RETURN_IF_ERROR(conn_->Exec("PRAGMA wal_autocheckpoint=0"));
    AF_RETURN_IF_ERROR(conn_->Exec("PRAGMA journal_size_limit=67108864"));
    // Debian's SQLite overwrites every freed page with zeros (secure_delete
    // on by default), so replacing a table wrote the whole old table once
    // more (the full-scale authors, abstracts and search index: 52 s).
    // FAST zeroes deleted rows only on pages that are written anyway.
    AF_RETURN_IF_ERROR(conn_->Exec("PRAGMA secure_delete=FAST"));
    return Status::OK();
  }

  Status CreateTables(const CreateOptions& options) override {
    ProgressMeter meter(options.progress, "create", std::nullopt);
    AF_ASSIGN_OR_RETURN(auto lock, Lock("creating the star schema", meter));
    std::vector<std::string> stale;
    if (options.drop) {
      AF_ASSIGN_OR_RETURN(stale, StageTablesOfOtherLoads(""));
    }
    AF_RETURN_IF_ERROR(conn_->Exec("BEGIN IMMEDIATE"));
    Status st = [&]() -> Status {
      if (options.drop) {
        for (const auto& stage : stale) AF_RETURN_IF_ERROR(conn_->Exec(DropTableSql(Dialect::kSqlite, stage)));
        AF_RETURN_IF_ERROR(conn_->Exec(DropTableSql(Dialect::kSqlite, kSearchIndexTable)));
        for (const auto& t : schema::StarSchema()) AF_RETURN_IF_ERROR(conn_->Exec(DropTableSql(Dialect::kSqlite, t.name)));
      }
      AF_RETURN_IF_ERROR(conn_->Exec(LedgerCreateSql()));
      if (options.drop) AF_RETURN_IF_ERROR(conn_->Exec("DELETE FROM " + QuoteIdentifier(kLedgerTable)));
      const std::string now = FormatUtcNow();
      for (const auto& t : schema::StarSchema()) {
        AF_ASSIGN_OR_RETURN(bool exists, conn_->TableExists(t.name));
        if (exists) continue;
        for (const auto& sql : CreateTableSql(Dialect::kSqlite, t)) AF_RETURN_IF_ERROR(conn_->Exec(sql));
        for (const auto& sql : LedgerCreatedSql(t.name, now)) AF_RETURN_IF_ERROR(conn_->Exec(sql));
      }
      AF_ASSIGN_OR_RETURN(bool index_exists, conn_->TableExists(kSearchIndexTable));
      if (!index_exists) {
        AF_RETURN_IF_ERROR(conn_->Exec(SqliteSearchIndexSql(kSearchIndexTable)));
        for (const auto& sql : LedgerCreatedSql(kSearchIndexTable, now)) AF_RETURN_IF_ERROR(conn_->Exec(sql));
      }
      return conn_->Exec("COMMIT");
    }();
    if (!st.ok()) conn_->Rollback();
    lock.reset();
    (void)conn_->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    if (st.ok() && options.drop && IsFile()) RemoveStaleScratchFiles(spec_.sqlite_path);
    return st;
  }

  Result<bool> TableExists(const std::string& table) override { return conn_->TableExists(table); }

  Result<int64_t> StageTable(const schema::TableDef& table, const TableLoadInput& input) override {
    AF_RETURN_IF_ERROR(RequireTable(table.name));
    if (table.schema.columns.size() > static_cast<size_t>(kBatchTableColumns)) {
      return Status::Unsupported(table.name + " has more columns than the SQLite loader handles");
    }
    const LoadIdentity load = input.load.load_id.empty() ? LoadIdentityForRun("") : input.load;
    const std::string stage = StageTableName(table.name, load.load_id);
    std::unique_ptr<BatchSource> owned;
    BatchSource* raw = input.source;
    if (!raw) {
      owned = MakeParquetBatchSource(table, input.files);
      raw = owned.get();
    }
    ProgressMeter meter(input.progress, table.name, input.expected_rows);
    if (!IsFile()) {
      return StageInPlace(table, stage, *raw, input, load, meter, /*keys_first=*/false);
    }
    if (SqliteStoredByKey(table)) return StageThroughScratch(table, stage, *raw, input, load, meter);
    PeekedBatchSource peeked(raw);
    auto first = peeked.Peek();
    if (!first.ok()) return first.status().WithContext(Describe() + " (staging " + table.name + ")");
    if (*first && InsertsInPlace(table, **first)) {
      return StageInPlace(table, stage, peeked, input, load, meter, /*keys_first=*/true);
    }
    return StageThroughScratch(table, stage, peeked, input, load, meter);
  }

  Result<bool> StageSearchIndex(const SearchIndexInput& input) override {
    if (!IsFile()) return false;  // no file to build beside: built at publish
    auto documents = BuildSearchIndexFromArea(IndexTarget(input.load, input.area_id, input.progress),
                                              input.title_files, input.abstract_files, input.expected_titles,
                                              input.memory_share_bytes);
    if (!documents.ok()) {
      if (documents.status().code() == Status::Code::kAborted) {
        spdlog::warn("{}", documents.status().message());
        return false;
      }
      return documents.status();
    }
    return true;
  }

  Result<PublishResult> Publish(const PublishRequest& request) override {
    PublishResult result;
    ProgressMeter meter(request.progress, "publish", std::nullopt);
    AF_ASSIGN_OR_RETURN(auto published, conn_->QueryInt(LedgerPublishedCountSqlIfAny(request.load.load_id)));
    const bool with_index = TouchesSearchIndex(request.tables);
    if (with_index) {
      AF_ASSIGN_OR_RETURN(bool staged, IsStaged(request.load.load_id, kSearchIndexTable));
      if (!staged && published.value_or(0) == 0) {
        // Not staged beside the tables (in-memory database, an area in
        // another order, a load of abstracts alone): build it now from the
        // tables it will be published with.
        AF_RETURN_IF_ERROR(StageSearchIndexFromTables(request, meter));
      }
    }
    std::vector<std::string> stale;
    {
      AF_ASSIGN_OR_RETURN(auto lock, Lock("publishing " + RunText(request.load), meter));
      meter.Phase(LoadPhase::kPublishing);
      AF_ASSIGN_OR_RETURN(published, conn_->QueryInt(LedgerPublishedCountSqlIfAny(request.load.load_id)));
      AF_ASSIGN_OR_RETURN(auto staged, StagedSet(request, with_index));
      if (staged.empty() && published.value_or(0) > 0) {
        result.already_published = true;
        return result;
      }
      AF_RETURN_IF_ERROR(CheckStagedSet(request, with_index, staged));
      AF_RETURN_IF_ERROR(conn_->Exec("BEGIN IMMEDIATE"));
      Status st = [&]() -> Status {
        std::vector<std::string> names;
        for (const auto& [name, rows] : staged) {
          const std::string stage = StageTableName(name, request.load.load_id);
          if (name == kSearchIndexTable) {
            AF_RETURN_IF_ERROR(conn_->Exec(DropTableSql(Dialect::kSqlite, kSearchIndexTable)));
            AF_RETURN_IF_ERROR(conn_->Exec("ALTER TABLE " + QuoteIdentifier(stage) + " RENAME TO " +
                                           QuoteIdentifier(kSearchIndexTable)));
          } else {
            for (const auto& sql : PublishTableSql(Dialect::kSqlite, *schema::FindTable(name), stage)) {
              AF_RETURN_IF_ERROR(conn_->Exec(sql));
            }
          }
          FaultPoint("publish.swapped:" + name);
          names.push_back(name);
          result.tables.push_back({name, rows});
        }
        for (const auto& sql : LedgerPublishSql(request.load.load_id, names, FormatUtcNow())) {
          AF_RETURN_IF_ERROR(conn_->Exec(sql));
        }
        FaultPoint("publish.before_commit");
        return conn_->Exec("COMMIT");
      }();
      if (!st.ok()) {
        conn_->Rollback();
        return st.WithContext("publishing " + RunText(request.load) + " (nothing was changed)");
      }
      AF_ASSIGN_OR_RETURN(stale, StageTablesOfOtherLoads(request.load.load_id));
    }
    // Leftovers of loads that never published (failed or killed runs).
    if (IsFile()) RemoveStaleScratchFiles(spec_.sqlite_path);
    if (!stale.empty()) {
      AF_ASSIGN_OR_RETURN(auto lock, Lock("dropping staged tables of unfinished loads", meter));
      for (const auto& stage : stale) {
        spdlog::info("{}: dropping {} (staged by a load that was not published)", Describe(), stage);
        Status st = conn_->Exec(DropTableSql(Dialect::kSqlite, stage));
        if (st.ok()) st = conn_->Exec(LedgerForgetStageSql(stage));
        if (!st.ok()) spdlog::warn("could not drop {} (the next publish tries again): {}", stage, st.message());
      }
    }
    (void)conn_->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    return result;
  }

  Result<ScalarValue> QueryScalar(const std::string& sql) override {
    // Only reading is authorised while the statement is compiled: no writes,
    // no PRAGMA, ATTACH or transaction control.
    std::string_view rest;
    sqlite3_set_authorizer(conn_->raw(), &ReadOnlyAuthorizer, nullptr);
    auto prepared = conn_->PrepareFirst(sql, &rest);
    sqlite3_set_authorizer(conn_->raw(), nullptr, nullptr);
    if (!prepared.ok()) return prepared.status();
    sqlite::Statement& stmt = *prepared;
    if (stmt.is_empty()) return Status::InvalidArgument(Describe() + ": empty query");
    for (char c : rest) {
      if (!(c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ';')) {
        return Status::InvalidArgument(Describe() + ": a check query must be a single statement");
      }
    }
    if (!stmt.ReadOnly()) {
      return Status::InvalidArgument(Describe() + ": a check query must not modify the database");
    }
    ScalarValue value;
    AF_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return value;
    switch (stmt.Type(0)) {
      case SQLITE_NULL: break;
      case SQLITE_INTEGER:
        value.type = ScalarValue::Type::kInteger;
        value.integer = stmt.Int(0);
        break;
      case SQLITE_FLOAT:
        value.type = ScalarValue::Type::kReal;
        value.real = stmt.Real(0);
        break;
      default:
        value.type = ScalarValue::Type::kText;
        value.text = stmt.Text(0);
    }
    return value;
  }

  Status Close() override {
    conn_.reset();
    return Status::OK();
  }

 private:
  // A database file, which other processes may write too (not a private
  // in-memory or temporary database).
  bool IsFile() const { return !spec_.sqlite_path.empty() && spec_.sqlite_path != ":memory:"; }

  // Valid while `meter` lives. `work`: the rows the holder writes (writer_lock.h).
  Result<std::unique_ptr<WriteHold>> Lock(const std::string& description, ProgressMeter& meter, int64_t work = 0) {
    auto waiting = [&meter](const std::string& what, const std::string& holder) { meter.Waiting(what, holder); };
    std::unique_ptr<WriterLock> lock;
    if (IsFile()) {
      AF_ASSIGN_OR_RETURN(lock, WriterLock::Acquire(spec_.sqlite_path, description, waiting, work));
    }
    WaitOnBusyForever(*conn_, waiting);
    return std::make_unique<WriteHold>(conn_.get(), std::move(lock));
  }

  Status RequireTable(const std::string& name) {
    AF_ASSIGN_OR_RETURN(bool exists, conn_->TableExists(name));
    if (!exists) {
      return Status::NotFound(Describe() + ": table " + name +
                              " does not exist; run `arxivflow warehouse create` first");
    }
    return Status::OK();
  }

  Result<BatchFeed*> Feed() {
    if (!feed_) {
      AF_ASSIGN_OR_RETURN(feed_, RegisterBatchTable(conn_->raw()));
    }
    return feed_;
  }

  // Inserts every row of `source` into the empty `target` on `db` (rowids 1..N), one
  // statement per batch, and checks the count against the manifest's.
  // Hands every batch of `source` to `write`, reporting progress, and checks
  // the count against the manifest.
  Result<int64_t> CopyBatches(const schema::TableDef& table, BatchSource& source, const TableLoadInput& input,
                              ProgressMeter& meter, const std::function<Status(const Batch&)>& write) {
    int64_t rows = 0;
    Batch batch;
    while (true) {
      AF_ASSIGN_OR_RETURN(bool more, source.Next(&batch));
      if (!more) break;
      Status written = write(batch);
      if (!written.ok()) return written.WithContext("inserting into " + table.name + " (" + batch.origin + ")");
      rows += batch.rows;
      meter.Rows(rows);
      FaultPoint("stage.rows:" + table.name);
    }
    AF_RETURN_IF_ERROR(CheckRowCount(table, input, rows));
    return rows;
  }

  Status CheckRowCount(const schema::TableDef& table, const TableLoadInput& input, int64_t rows) {
    if (input.expected_rows && *input.expected_rows != rows) {
      return Status::Aborted(Describe() + ": table " + table.name + ": loaded " + std::to_string(rows) +
                             " rows but the manifest says " + std::to_string(*input.expected_rows) +
                             "; nothing was changed");
    }
    return Status::OK();
  }

  // `after_batch`, when given, runs after each batch is inserted.
  Result<int64_t> InsertRows(sqlite::Database& db, BatchFeed& feed, const schema::TableDef& table,
                             const std::string& target, BatchSource& source, const TableLoadInput& input,
                             ProgressMeter& meter, const std::function<Status(const Batch&)>& after_batch = nullptr) {
    AF_ASSIGN_OR_RETURN(sqlite::Statement insert, db.Prepare(BatchInsertSql(table, target)));
    return CopyBatches(table, source, input, meter, [&](const Batch& batch) {
      feed.Set(&table, &batch);
      Status inserted = insert.Run();
      insert.Reset();
      feed.Clear();
      if (inserted.ok() && after_batch) return after_batch(batch);
      return inserted;
    });
  }

  Result<int64_t> StageInTransaction(const schema::TableDef& table, const std::string& stage, BatchSource& source,
                                     BatchFeed& feed, const TableLoadInput& input, const LoadIdentity& load,
                                     ProgressMeter& meter, bool keys_first) {
    AF_RETURN_IF_ERROR(conn_->Exec(LedgerCreateSql()));
    AF_RETURN_IF_ERROR(conn_->Exec(DropTableSql(Dialect::kSqlite, stage)));
    AF_RETURN_IF_ERROR(conn_->Exec(StageTableSql(Dialect::kSqlite, table, stage)));
    auto build_keys = [&]() -> Status {
      for (const auto& sql : StageKeysSql(Dialect::kSqlite, table, stage)) {
        Status st = conn_->Exec(sql);
        if (!st.ok()) return st.WithContext("table " + table.name + ": building its key and indexes");
      }
      return Status::OK();
    };
    if (keys_first) AF_RETURN_IF_ERROR(build_keys());
    AF_ASSIGN_OR_RETURN(int64_t rows, InsertRows(*conn_, feed, table, stage, source, input, meter));
    meter.Phase(LoadPhase::kIndexing);
    if (!keys_first) AF_RETURN_IF_ERROR(build_keys());
    for (const auto& sql : LedgerStageSql(load, table.name, stage, rows, input.area_id)) {
      AF_RETURN_IF_ERROR(conn_->Exec(sql));
    }
    return rows;
  }

  // Inserts the rows into the warehouse as `stage`, under the lock, in one
  // IMMEDIATE transaction with the ledger row, while another thread decodes
  // the next batches (from the start: also while this load waits for the
  // lock). `keys_first`: the key and indexes are declared before the rows
  // (each entry appended as its row comes, when they come in key order);
  // otherwise built after them (one sort each).
  Result<int64_t> StageInPlace(const schema::TableDef& table, const std::string& stage, BatchSource& raw,
                               const TableLoadInput& input, const LoadIdentity& load, ProgressMeter& meter,
                               bool keys_first) {
    auto source = MakePrefetchingBatchSource(&raw, ReadAheadBatches(input.memory_share_bytes));
    AF_ASSIGN_OR_RETURN(auto lock,
                        Lock("staging " + table.name + " for " + RunText(load), meter, input.expected_rows.value_or(0)));
    AF_ASSIGN_OR_RETURN(BatchFeed * feed, Feed());
    meter.Phase(LoadPhase::kLoading);
    Result<int64_t> rows = 0;
    if (IsFile() && keys_first) {
      rows = StageInPieces(table, stage, *source, *feed, input, load, meter);
      feed->Clear();
      AF_RETURN_IF_ERROR(rows.status());
    } else {
      AF_RETURN_IF_ERROR(conn_->Exec("BEGIN IMMEDIATE"));
      rows = StageInTransaction(table, stage, *source, *feed, input, load, meter, keys_first);
      feed->Clear();
      if (!rows.ok()) {
        conn_->Rollback();
        return rows.status();
      }
      AF_RETURN_IF_ERROR(conn_->Exec("COMMIT"));
    }
    FaultPoint("stage.committed:" + table.name);
    if (IsFile()) {
      spdlog::info("{}: {} rows of {} inserted in the warehouse; the write lock was held {:.1f} s", Describe(), *rows,
                   table.name, lock->held_seconds());
    }
    // Copying the staged pages from the WAL into the database file does not
    // need the write lock: the next writer starts meanwhile.
    lock.reset();
    (void)conn_->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    meter.Done(*rows);
    return rows;
  }

  // StageInPlace's rows into a database file, under the lock, in pieces
  // (kInPlacePieceBytes): first the empty stage with its key and a
  // 'loading' ledger row; then the rows, committed and checkpointed a piece
  // at a time; the last piece also turns the ledger row 'staged'. Readers
  // never see the stage (only a publish does), and a publish refuses a
  // 'loading' one. On an error the stage is dropped; a process killed
  // meanwhile leaves a 'loading' stage that its retry replaces and any
  // later publish drops.
  Result<int64_t> StageInPieces(const schema::TableDef& table, const std::string& stage, BatchSource& source,
                                BatchFeed& feed, const TableLoadInput& input, const LoadIdentity& load,
                                ProgressMeter& meter) {
    AF_RETURN_IF_ERROR(InTransaction([&]() -> Status {
      AF_RETURN_IF_ERROR(conn_->Exec(LedgerCreateSql()));
      AF_RETURN_IF_ERROR(conn_->Exec(DropTableSql(Dialect::kSqlite, stage)));
      AF_RETURN_IF_ERROR(conn_->Exec(StageTableSql(Dialect::kSqlite, table, stage)));
      for (const auto& sql : StageKeysSql(Dialect::kSqlite, table, stage)) {
        Status st = conn_->Exec(sql);
        if (!st.ok()) return st.WithContext("table " + table.name + ": building its key and indexes");
      }
      for (const auto& sql : LedgerLoadingSql(load, table.name, stage, input.area_id)) {
        AF_RETURN_IF_ERROR(conn_->Exec(sql));
      }
      return Status::OK();
    }));
    const int64_t piece_bytes = InPlacePieceBytes();
    double piece = 0;
    auto rows = [&]() -> Result<int64_t> {
      AF_RETURN_IF_ERROR(conn_->Exec("BEGIN IMMEDIATE"));
      AF_ASSIGN_OR_RETURN(int64_t n, InsertRows(*conn_, feed, table, stage, source, input, meter,
                                                [&](const Batch& batch) -> Status {
                                                  piece += BatchBytesPerRow(batch) * static_cast<double>(batch.rows);
                                                  if (piece < static_cast<double>(piece_bytes)) return Status::OK();
                                                  piece = 0;
                                                  AF_RETURN_IF_ERROR(conn_->Exec("COMMIT"));
                                                  // Busy (another process checkpointing) or
                                                  // partial (a reader): the WAL grows instead.
                                                  (void)conn_->Exec("PRAGMA wal_checkpoint(PASSIVE)");
                                                  return conn_->Exec("BEGIN IMMEDIATE");
                                                }));
      meter.Phase(LoadPhase::kIndexing);
      for (const auto& sql : LedgerStageSql(load, table.name, stage, n, input.area_id)) {
        AF_RETURN_IF_ERROR(conn_->Exec(sql));
      }
      AF_RETURN_IF_ERROR(conn_->Exec("COMMIT"));
      return n;
    }();
    if (!rows.ok()) {
      conn_->Rollback();
      Status dropped = InTransaction([&]() -> Status {
        AF_RETURN_IF_ERROR(conn_->Exec(DropTableSql(Dialect::kSqlite, stage)));
        return conn_->Exec(LedgerForgetStageSql(stage));
      });
      if (!dropped.ok()) {
        spdlog::warn("{}: could not drop {} after a failed load (the next publish does): {}", Describe(), stage,
                     dropped.message());
      }
    }
    return rows;
  }

  // `body` in one IMMEDIATE transaction: committed if it succeeds, else
  // rolled back.
  Status InTransaction(const std::function<Status()>& body) {
    AF_RETURN_IF_ERROR(conn_->Exec("BEGIN IMMEDIATE"));
    Status st = body();
    if (st.ok()) st = conn_->Exec("COMMIT");
    if (!st.ok()) conn_->Rollback();
    return st;
  }

  // The key and indexes of `stage`, in the open transaction, sorted in runs
  // of kIndexSortKiB (the page cache bounds the sorter's runs).
  Status BuildKeysWithSmallSortRuns(const schema::TableDef& table, const std::string& stage) {
    AF_RETURN_IF_ERROR(conn_->Exec("PRAGMA main.cache_size=-" + std::to_string(kIndexSortKiB)));
    Status built;
    for (const auto& sql : StageKeysSql(Dialect::kSqlite, table, stage)) {
      built = conn_->Exec(sql);
      if (!built.ok()) break;
    }
    Status restored = conn_->Exec("PRAGMA main.cache_size=-" + std::to_string(kCacheKiB));
    if (!built.ok()) return built.WithContext("building its key and indexes");
    return restored;
  }

  // The rows of a table stored by its key, from its files merged in key
  // order (key_merge.h) straight into the scratch file's B-tree.
  Result<StagedFile> StageMerged(const schema::TableDef& table, std::vector<KeyOrderedFile> files,
                                 const std::string& path, const TableLoadInput& input, ProgressMeter& meter) {
    AF_ASSIGN_OR_RETURN(auto writer, StageFileWriter::Create(path, table, kNewDatabasePageSize, input.memory_share_bytes,
                                                             /*rows_in_key_order=*/true));
    // Each file's batches are read ahead on a thread of their own, unless
    // the stage shares its process (and its memory) with others.
    KeyMerger merger(table, std::move(files), input.memory_share_bytes > 0 ? 0 : 1, kMaxMergedFiles);
    meter.Phase(LoadPhase::kLoading);
    int64_t rows = 0, reported = 0;
    const Batch* batch = nullptr;
    int64_t begin = 0, end = 0;
    while (true) {
      AF_ASSIGN_OR_RETURN(bool more, merger.Next(&batch, &begin, &end));
      if (!more) break;
      Status written = writer->AppendRows(*batch, begin, end);
      if (!written.ok()) {
        if (written.message() == kRowsOutOfKeyOrder) return written;
        return written.WithContext("inserting into " + table.name + " (" + batch->origin + ")");
      }
      rows += end - begin;
      if (reported == 0 || rows - reported >= kMergedRowsPerReport) {
        reported = rows;
        meter.Rows(rows);
        FaultPoint("stage.rows:" + table.name);
      }
    }
    meter.Rows(rows);
    AF_RETURN_IF_ERROR(CheckRowCount(table, input, rows));
    return writer->Finish();
  }

  // Writes the table's rows into a scratch file, without the write lock (so
  // the loads of a set run in parallel) and without SQLite
  // (sqlite_stage_file.h), then, under the lock, copies them into the
  // warehouse as `stage` and builds what the file does not bring. INSERT INTO
  // ... SELECT * into an empty table with the same columns and indexes is
  // SQLite's transfer optimisation: the stored records (and index entries)
  // are appended as they are, with their rowids. The key comes with the rows
  // when the file holds it (rows in key order); the secondary indexes are
  // sorted in the warehouse. The rows are decoded and written at a lower CPU
  // priority than the turn under the lock (thread_priority.h).
  Result<int64_t> StageThroughScratch(const schema::TableDef& table, const std::string& stage, BatchSource& raw,
                                      const TableLoadInput& input, const LoadIdentity& load, ProgressMeter& meter) {
    ScratchFile file(ScratchPath(spec_.sqlite_path, "stage-" + table.name, load.load_id));
    auto written = RunAtLowerPriority(kBesideWriterNice, [&]() -> Result<StagedFile> {
      if (SqliteStoredByKey(table) && !input.source && !input.files.empty()) {
        AF_ASSIGN_OR_RETURN(auto ordered, KeyOrderedFiles(table, input.files, kMaxMergedFiles));
        if (ordered) {
          auto merged = StageMerged(table, std::move(*ordered), file.path(), input, meter);
          if (merged.ok() || merged.status().message() != kRowsOutOfKeyOrder) return merged;
          spdlog::info("{}: {}: the rows of its files are not in key order; they are sorted instead", Describe(),
                       table.name);
          meter.Rows(0);
        }
      }
      auto source = MakePrefetchingBatchSource(&raw, ReadAheadBatches(input.memory_share_bytes));
      AF_ASSIGN_OR_RETURN(auto writer,
                          StageFileWriter::Create(file.path(), table, kNewDatabasePageSize, input.memory_share_bytes));
      meter.Phase(LoadPhase::kLoading);
      AF_RETURN_IF_ERROR(
          CopyBatches(table, *source, input, meter, [&](const Batch& batch) { return writer->Append(batch); })
              .status());
      return writer->Finish();
    });
    if (!written.ok()) return written.status().WithContext(Describe() + " (staging " + table.name + ")");
    const StagedFile staged = *written;
    const int64_t rows = staged.rows;
    if (!staged.has_indexes) {
      spdlog::info("{}: {}: its key and indexes are built after the copy", Describe(), table.name);
    }
    AF_ASSIGN_OR_RETURN(auto lock, Lock("staging " + table.name + " for " + RunText(load), meter, rows));
    meter.Phase(LoadPhase::kIndexing);
    AF_RETURN_IF_ERROR(conn_->Exec("ATTACH " + QuoteLiteral(file.path()) + " AS " + kScratchSchema));
    Status st = [&]() -> Status {
      AF_RETURN_IF_ERROR(conn_->Exec("BEGIN IMMEDIATE"));
      AF_RETURN_IF_ERROR(conn_->Exec(LedgerCreateSql()));
      AF_RETURN_IF_ERROR(conn_->Exec("DROP TABLE IF EXISTS main." + QuoteIdentifier(stage)));
      // Unqualified CREATEs go to main; the indexes follow their table.
      AF_RETURN_IF_ERROR(conn_->Exec(StageTableSql(Dialect::kSqlite, table, stage)));
      if (staged.has_indexes) {
        // Declared before the copy, so that the transfer copies them too.
        for (const auto& sql : StageKeysSql(Dialect::kSqlite, table, stage)) AF_RETURN_IF_ERROR(conn_->Exec(sql));
      }
      AF_RETURN_IF_ERROR(conn_->Exec("INSERT INTO main." + QuoteIdentifier(stage) + " SELECT * FROM " +
                                     kScratchSchema + "." + QuoteIdentifier(table.name)));
      if (!staged.has_indexes) AF_RETURN_IF_ERROR(BuildKeysWithSmallSortRuns(table, stage));
      for (const auto& sql : LedgerStageSql(load, table.name, stage, rows, input.area_id)) {
        AF_RETURN_IF_ERROR(conn_->Exec(sql));
      }
      return conn_->Exec("COMMIT");
    }();
    if (!st.ok()) conn_->Rollback();
    (void)conn_->Exec(std::string("DETACH ") + kScratchSchema);
    if (!st.ok()) return st.WithContext("table " + table.name + ": staging it in the warehouse");
    FaultPoint("stage.committed:" + table.name);
    spdlog::info("{}: {} rows of {} staged in the warehouse; the write lock was held {:.1f} s", Describe(), rows,
                 table.name, lock->held_seconds());
    lock.reset();
    (void)conn_->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    // The copy filled the page cache (a smaller one makes it spill pages
    // one at a time: twice the time under the lock); the connection may
    // stage another table of its process next, beside others (loader.h).
    (void)conn_->Exec("PRAGMA shrink_memory");
    meter.Done(rows);
    return rows;
  }

  SearchIndexTarget IndexTarget(const LoadIdentity& load, const std::string& area_id, const ProgressCallback& progress) {
    SearchIndexTarget target;
    target.db_path = spec_.sqlite_path;
    target.describe = Describe();
    target.load = load;
    target.area_id = area_id;
    target.progress = progress;
    return target;
  }

  static std::string TempDir() {
    std::error_code ec;
    const auto dir = std::filesystem::temp_directory_path(ec);
    return ec ? std::string("/tmp") : dir.string();
  }

  // The search index from the titles and abstracts it will be published
  // with: the staged ones of the set, else the published ones.
  Status StageSearchIndexFromTables(const PublishRequest& request, ProgressMeter& meter) {
    auto source = [&](const std::string& table) {
      const bool in_set = std::find(request.tables.begin(), request.tables.end(), table) != request.tables.end();
      return in_set ? StageTableName(table, request.load.load_id) : table;
    };
    const std::string titles = source("titles");
    AF_ASSIGN_OR_RETURN(auto area, conn_->QueryText(LedgerStagedAreaSql(request.load.load_id, "titles")));
    if (!IsFile()) {
      // No file to build beside: build in place, under the caller's lock.
      AF_ASSIGN_OR_RETURN(auto lock, Lock("staging the search index for " + RunText(request.load), meter));
      const std::string stage = StageTableName(kSearchIndexTable, request.load.load_id);
      AF_RETURN_IF_ERROR(conn_->Exec("BEGIN IMMEDIATE"));
      Status st = [&]() -> Status {
        AF_RETURN_IF_ERROR(conn_->Exec(DropTableSql(Dialect::kSqlite, stage)));
        AF_RETURN_IF_ERROR(conn_->Exec(SqliteSearchIndexSql(stage)));
        AF_ASSIGN_OR_RETURN(auto words, SearchWords::Open(*conn_));
        AF_ASSIGN_OR_RETURN(const int64_t documents,
                            WriteSearchIndexFromTables(*conn_, *words, stage, QuoteIdentifier(titles),
                                                       QuoteIdentifier(source("abstracts")), TempDir()));
        for (const auto& sql : LedgerStageSql(request.load, kSearchIndexTable, stage, documents,
                                              area.value_or(""))) {
          AF_RETURN_IF_ERROR(conn_->Exec(sql));
        }
        return conn_->Exec("COMMIT");
      }();
      if (!st.ok()) conn_->Rollback();
      return st;
    }
    return BuildSearchIndexFromTables(IndexTarget(request.load, area.value_or(""), request.progress), titles,
                                      source("abstracts"))
        .status();
  }

  static std::string LedgerPublishedCountSqlIfAny(const std::string& load_id) {
    return "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE name = " + QuoteLiteral(kLedgerTable) +
           ") THEN (" + LedgerPublishedCountSql(load_id) + ") ELSE 0 END";
  }

  Result<bool> IsStaged(const std::string& load_id, const std::string& table) {
    AF_ASSIGN_OR_RETURN(bool ledger, conn_->TableExists(kLedgerTable));
    if (!ledger) return false;
    AF_ASSIGN_OR_RETURN(auto rows, conn_->QueryInt(LedgerStagedRowsSql(load_id, table)));
    return rows.has_value();
  }

  // (name, rows) of every staged member of the set that exists, in the
  // set's order, the search index last.
  Result<std::vector<std::pair<std::string, int64_t>>> StagedSet(const PublishRequest& request, bool with_index) {
    std::vector<std::pair<std::string, int64_t>> out;
    AF_ASSIGN_OR_RETURN(bool ledger, conn_->TableExists(kLedgerTable));
    if (!ledger) return out;
    std::vector<std::string> names = request.tables;
    if (with_index) names.push_back(kSearchIndexTable);
    for (const auto& name : names) {
      AF_ASSIGN_OR_RETURN(auto rows, conn_->QueryInt(LedgerStagedRowsSql(request.load.load_id, name)));
      if (!rows) continue;
      AF_ASSIGN_OR_RETURN(bool exists, conn_->TableExists(StageTableName(name, request.load.load_id)));
      if (exists) out.emplace_back(name, *rows);
    }
    return out;
  }

  Status CheckStagedSet(const PublishRequest& request, bool with_index,
                        const std::vector<std::pair<std::string, int64_t>>& staged) {
    std::set<std::string> have;
    for (const auto& [name, rows] : staged) have.insert(name);
    std::string missing;
    for (const auto& t : request.tables) {
      if (!have.count(t)) missing += (missing.empty() ? "" : ", ") + t;
    }
    if (with_index && !have.count(kSearchIndexTable)) missing += (missing.empty() ? "" : ", ") + std::string("the search index");
    if (!missing.empty()) {
      return Status::NotFound(Describe() + ": cannot publish " + RunText(request.load) + ": not staged: " + missing +
                              " (load them with the same run id first); nothing was changed");
    }
    std::set<std::string> areas;
    for (const auto& [name, rows] : staged) {
      AF_ASSIGN_OR_RETURN(auto area, conn_->QueryText(LedgerStagedAreaSql(request.load.load_id, name)));
      if (area && !area->empty()) areas.insert(*area);
    }
    if (areas.size() > 1) {
      return Status::Aborted(Describe() + ": cannot publish " + RunText(request.load) +
                             ": its tables were staged from different Parquet areas; nothing was changed");
    }
    if (with_index) {
      int64_t titles = -1, documents = -1;
      for (const auto& [name, rows] : staged) {
        if (name == "titles") titles = rows;
        if (name == kSearchIndexTable) documents = rows;
      }
      if (titles < 0) {
        AF_ASSIGN_OR_RETURN(auto published, conn_->QueryInt("SELECT COUNT(*) FROM \"titles\""));
        titles = published.value_or(0);
      }
      if (titles != documents) {
        return Status::Aborted(Describe() + ": cannot publish " + RunText(request.load) + ": the search index has " +
                               std::to_string(documents) + " documents for " + std::to_string(titles) +
                               " titles; nothing was changed");
      }
    }
    return Status::OK();
  }

  Result<std::vector<std::string>> StageTablesOfOtherLoads(const std::string& load_id) {
    AF_ASSIGN_OR_RETURN(bool ledger, conn_->TableExists(kLedgerTable));
    if (!ledger) return std::vector<std::string>();
    return conn_->QueryColumn(LedgerOtherStagesSql(load_id));
  }

  static int ReadOnlyAuthorizer(void*, int action, const char* arg1, const char*, const char*, const char*) {
    switch (action) {
      case SQLITE_SELECT:
      case SQLITE_READ:
      case SQLITE_FUNCTION:
      case SQLITE_RECURSIVE:
        return SQLITE_OK;
      // What the search index's constructor does when a query first opens
      // it: it reads its schema row and the data version. A statement that
      // writes is refused anyway (sqlite3_stmt_readonly).
      case SQLITE_UPDATE:
        return arg1 && std::string_view(arg1) == "sqlite_master" ? SQLITE_OK : SQLITE_DENY;
      case SQLITE_PRAGMA:
        return arg1 && std::string_view(arg1) == "data_version" ? SQLITE_OK : SQLITE_DENY;
      default:
        return SQLITE_DENY;
    }
  }

  ConnectionSpec spec_;
  std::unique_ptr<sqlite::Database> conn_;
  BatchFeed* feed_ = nullptr;  // owned by the connection
};

}  // namespace

Result<std::unique_ptr<Warehouse>> OpenSqliteWarehouse(const ConnectionSpec& spec) {
  AF_ASSIGN_OR_RETURN(auto conn, OpenSqliteWarehouseDb(spec.sqlite_path, /*read_only=*/false, spec.Describe()));
  auto wh = std::make_unique<SqliteWarehouse>(spec, std::move(conn));
  AF_RETURN_IF_ERROR(wh->Init());
  return std::unique_ptr<Warehouse>(std::move(wh));
}

}  // namespace arxivflow::warehouse
