#include "warehouse/sqlite_search_index.h"

#include <unistd.h>

#include <filesystem>

#include "common/logging.h"
#include "warehouse/batch_source.h"
#include "warehouse/ddl.h"
#include "warehouse/distinct_words.h"
#include "warehouse/sql_identifier.h"
#include "warehouse/sqlite_batch_table.h"
#include "warehouse/sqlite_conn.h"
#include "warehouse/sqlite_scratch.h"
#include "warehouse/writer_lock.h"

namespace arxivflow::warehouse {

namespace {

namespace fs = std::filesystem;

// FTS5 keeps this much tokenised text in memory before writing a segment:
// fewer, larger segments mean less merging. On the full index 128 MiB gives
// 3 segments and the least CPU (64 MiB: 6 segments, a fifth more CPU;
// 256 MiB: no faster, 120 MB more memory).
constexpr int64_t kHashBytes = 128LL << 20;
constexpr const char* kScratchIndex = "search_index";
constexpr const char* kScratchSchema = "search_scratch";

// The two-column "table" the merged documents are handed to SQLite as.
const schema::TableDef& DocumentTable() {
  static const schema::TableDef table = [] {
    schema::TableDef t;
    t.id = schema::TableId::kTitles;
    t.name = "search_documents";
    for (const char* name : {"title", "abstract"}) {
      parquet::ColumnSchema c;
      c.name = name;
      c.physical = parquet::PhysicalType::kByteArray;
      c.logical = parquet::LogicalType::kString;
      c.nullable = true;
      t.schema.columns.push_back(c);
    }
    return t;
  }();
  return table;
}

size_t ColumnIndex(schema::TableId table, const char* name) {
  return static_cast<size_t>(schema::Table(table).schema.FindColumn(name));
}

class ScratchIndex {
 public:
  explicit ScratchIndex(const SearchIndexTarget& target)
      : target_(target), path_(SearchScratchPath(target.db_path, target.load.load_id)) {}
  ~ScratchIndex() {
    conn_.reset();
    std::error_code ec;
    fs::remove(path_, ec);
  }

  Status Open() {
    std::error_code ec;
    fs::remove(path_, ec);
    AF_ASSIGN_OR_RETURN(conn_, OpenSqliteWarehouseDb(path_, /*read_only=*/false, target_.describe + " (search index)", "search index"));
    // A scratch file: if the process dies it is simply rebuilt.
    AF_RETURN_IF_ERROR(conn_->Exec("PRAGMA journal_mode=OFF"));
    AF_RETURN_IF_ERROR(conn_->Exec("PRAGMA synchronous=OFF"));
    AF_RETURN_IF_ERROR(conn_->Exec("PRAGMA cache_size=-65536"));
    AF_RETURN_IF_ERROR(conn_->Exec(SqliteSearchIndexSql(kScratchIndex)));
    AF_RETURN_IF_ERROR(conn_->Exec(std::string("INSERT INTO ") + kScratchIndex + "(" + kScratchIndex +
                                   ", rank) VALUES('hashsize', " + std::to_string(kHashBytes) + ")"));
    return Status::OK();
  }

  sqlite::Database& conn() { return *conn_; }
  const std::string& path() const { return path_; }

  // Copies the finished index into the warehouse as the load's staging index
  // and records it in the ledger.
  Status Stage(int64_t documents, ProgressMeter& meter) {
    AF_RETURN_IF_ERROR(conn_->Exec("PRAGMA optimize"));
    conn_.reset();
    const std::string stage = StageTableName(kSearchIndexTable, target_.load.load_id);
    AF_ASSIGN_OR_RETURN(auto lock, WriterLock::Acquire(target_.db_path,
                                                       "staging the search index for " + RunText(),
                                                       [&](const std::string& what, const std::string& holder) {
                                                         meter.Waiting(what, holder);
                                                       }));
    meter.Phase(LoadPhase::kIndexing);
    AF_ASSIGN_OR_RETURN(auto wh, OpenSqliteWarehouseDb(target_.db_path, /*read_only=*/false, target_.describe));
    WaitOnBusyForever(*wh, [&](const std::string& what, const std::string& holder) { meter.Waiting(what, holder); });
    AF_RETURN_IF_ERROR(wh->Exec("ATTACH " + QuoteLiteral(path_) + " AS " + kScratchSchema));
    AF_RETURN_IF_ERROR(wh->Exec("BEGIN IMMEDIATE"));
    Status st = [&]() -> Status {
      AF_RETURN_IF_ERROR(wh->Exec(LedgerCreateSql()));
      AF_RETURN_IF_ERROR(wh->Exec("DROP TABLE IF EXISTS main." + QuoteIdentifier(stage)));
      AF_RETURN_IF_ERROR(wh->Exec(SqliteSearchIndexSql(stage)));
      const auto from = SqliteSearchIndexShadowTables(kScratchIndex);
      const auto to = SqliteSearchIndexShadowTables(stage);
      // _data and _idx hold the index; _config only the format version,
      // which CREATE VIRTUAL TABLE wrote already.
      for (size_t i = 0; i < 2; ++i) {
        AF_RETURN_IF_ERROR(wh->Exec("DELETE FROM main." + QuoteIdentifier(to[i])));
        AF_RETURN_IF_ERROR(wh->Exec("INSERT INTO main." + QuoteIdentifier(to[i]) + " SELECT * FROM " +
                                    kScratchSchema + "." + QuoteIdentifier(from[i])));
      }
      for (const auto& sql : LedgerStageSql(target_.load, kSearchIndexTable, stage, documents, target_.area_id)) {
        AF_RETURN_IF_ERROR(wh->Exec(sql));
      }
      return wh->Exec("COMMIT");
    }();
    if (!st.ok()) wh->Rollback();
    (void)wh->Exec(std::string("DETACH ") + kScratchSchema);
    return st;
  }

 private:
  std::string RunText() const {
    return target_.load.run_id.empty() ? "load " + target_.load.load_id : "run " + target_.load.run_id;
  }
  const SearchIndexTarget& target_;
  std::string path_;
  std::unique_ptr<sqlite::Database> conn_;
};

// Streams one key-aligned pair of sources (titles, abstracts).
class DocumentMerger {
 public:
  DocumentMerger(const std::vector<std::string>& title_files, const std::vector<std::string>& abstract_files)
      : titles_def_(schema::Table(schema::TableId::kTitles)),
        abstracts_def_(schema::Table(schema::TableId::kAbstracts)),
        titles_raw_(MakeParquetBatchSource(titles_def_, title_files)),
        abstracts_raw_(MakeParquetBatchSource(abstracts_def_, abstract_files)),
        titles_(MakePrefetchingBatchSource(titles_raw_.get(), 2)),
        abstracts_(MakePrefetchingBatchSource(abstracts_raw_.get(), 2)) {}

  // The next documents (one titles batch), or false at the end. The
  // documents point into the current titles batch and into buffers kept
  // alive until the next call.
  Result<bool> Next(Batch* documents) {
    AF_ASSIGN_OR_RETURN(bool more, titles_->Next(&titles_batch_));
    if (!more) return false;
    kept_.clear();
    const int64_t n = titles_batch_.rows;
    parquet::ColumnVector title_col, abstract_col;
    title_col.size = abstract_col.size = n;
    title_col.strings.resize(static_cast<size_t>(n));
    abstract_col.strings.resize(static_cast<size_t>(n));
    title_col.valid.assign(static_cast<size_t>(n), 1);
    abstract_col.valid.assign(static_cast<size_t>(n), 0);
    reduced_.clear();
    std::vector<std::pair<size_t, size_t>> reduced_at(static_cast<size_t>(n), {0, 0});
    const auto& ids = titles_batch_.columns[title_id_];
    const auto& texts = titles_batch_.columns[title_text_];
    const auto& origins = titles_batch_.columns[title_origin_];
    for (int64_t r = 0; r < n; ++r) {
      const size_t i = static_cast<size_t>(r);
      title_col.strings[i] = texts.strings[i];
      if (!texts.valid.empty() && !texts.valid[i]) title_col.valid[i] = 0;
      AF_ASSIGN_OR_RETURN(bool have, CurrentAbstract());
      if (!have) continue;
      const auto& a = abstract_batch_;
      const size_t j = static_cast<size_t>(abstract_row_);
      if (a.columns[abstract_id_].strings[j] == ids.strings[i] &&
          a.columns[abstract_origin_].strings[j] == origins.strings[i]) {
        const auto& text = a.columns[abstract_text_];
        if (text.valid.empty() || text.valid[j]) {
          // The abstract's words less those of its title and its own repeats
          // (distinct_words.h): the same index, fewer lookups.
          words_.Begin();
          if (title_col.valid[i]) words_.Note(title_col.strings[i]);
          const size_t at = reduced_.size();
          words_.AppendNew(text.strings[j], &reduced_);
          reduced_at[i] = {at, reduced_.size() - at};
          abstract_col.valid[i] = 1;
        }
        ++abstract_row_;
      }
    }
    // Views into reduced_ are taken once it has stopped growing.
    for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
      if (abstract_col.valid[i]) abstract_col.strings[i] = std::string_view(reduced_).substr(reduced_at[i].first, reduced_at[i].second);
    }
    documents->rows = n;
    documents->origin = titles_batch_.origin;
    documents->columns.clear();
    documents->columns.push_back(std::move(title_col));
    documents->columns.push_back(std::move(abstract_col));
    return true;
  }

  // True when every abstract was matched to a title (the order held).
  Result<bool> AllAbstractsUsed() {
    AF_ASSIGN_OR_RETURN(bool have, CurrentAbstract());
    return !have;
  }

 private:
  // Makes abstract_batch_[abstract_row_] the next unmatched abstract, keeping
  // the batch it leaves in kept_ (documents still point into it).
  Result<bool> CurrentAbstract() {
    while (abstract_row_ >= abstract_batch_.rows) {
      if (abstracts_done_) return false;
      if (abstract_batch_.rows > 0) kept_.push_back(std::move(abstract_batch_));
      abstract_batch_ = Batch();
      abstract_row_ = 0;
      AF_ASSIGN_OR_RETURN(bool more, abstracts_->Next(&abstract_batch_));
      if (!more) {
        abstracts_done_ = true;
        return false;
      }
    }
    return true;
  }

  const schema::TableDef& titles_def_;
  const schema::TableDef& abstracts_def_;
  std::unique_ptr<BatchSource> titles_raw_, abstracts_raw_;
  std::unique_ptr<BatchSource> titles_, abstracts_;
  Batch titles_batch_, abstract_batch_;
  std::vector<Batch> kept_;
  DistinctWords words_;
  std::string reduced_;  // this call's abstracts, cut to their distinct words
  int64_t abstract_row_ = 0;
  bool abstracts_done_ = false;
  const size_t title_id_ = ColumnIndex(schema::TableId::kTitles, "id");
  const size_t title_text_ = ColumnIndex(schema::TableId::kTitles, "title");
  const size_t title_origin_ = ColumnIndex(schema::TableId::kTitles, "origin");
  const size_t abstract_id_ = ColumnIndex(schema::TableId::kAbstracts, "id");
  const size_t abstract_text_ = ColumnIndex(schema::TableId::kAbstracts, "abstract");
  const size_t abstract_origin_ = ColumnIndex(schema::TableId::kAbstracts, "origin");
};

}  // namespace

std::string SearchScratchPath(const std::string& db_path, const std::string& load_id) {
  return ScratchPath(db_path, "search", load_id);
}

Result<int64_t> BuildSearchIndexFromArea(const SearchIndexTarget& target, const std::vector<std::string>& title_files,
                                         const std::vector<std::string>& abstract_files,
                                         std::optional<int64_t> expected_titles) {
  ProgressMeter meter(target.progress, "search index", expected_titles);
  ScratchIndex scratch(target);
  AF_RETURN_IF_ERROR(scratch.Open());
  AF_ASSIGN_OR_RETURN(BatchFeed * feed, RegisterBatchTable(scratch.conn().raw()));
  AF_ASSIGN_OR_RETURN(sqlite::Statement insert, scratch.conn().Prepare(BatchInsertSql(DocumentTable(), kScratchIndex)));
  meter.Phase(LoadPhase::kLoading);
  // Tokenising keeps the process's priority, unlike the loads' work beside
  // the write lock (thread_priority.h): on real text it is the set's longest
  // task (FTS5's term hash outgrows the cache), so giving way to the loads
  // only made the run end later. Staging it takes a turn at the lock.
  auto built = [&]() -> Result<int64_t> {
    DocumentMerger merger(title_files, abstract_files);
    // One statement for every document: FTS5 then writes a segment only when
    // its hash is full, not once per batch (a quarter less CPU on a full index).
    int64_t documents = 0;
    Batch batch;
    feed->SetStream(&DocumentTable(), [&](const Batch** next, int64_t* first_rowid) -> Result<bool> {
      AF_ASSIGN_OR_RETURN(bool more, merger.Next(&batch));
      if (!more) return false;
      *next = &batch;
      *first_rowid = documents + 1;
      documents += batch.rows;
      meter.Rows(documents);
      return true;
    });
    Status inserted = insert.Run();
    insert.Reset();
    const Status streamed = feed->stream_status();
    feed->Clear();
    if (!streamed.ok()) return streamed;
    if (!inserted.ok()) return inserted.WithContext("indexing " + batch.origin);
    AF_ASSIGN_OR_RETURN(bool aligned, merger.AllAbstractsUsed());
    if (!aligned) {
      return Status::Aborted(target.describe +
                             ": the area's abstracts are not in the order of its titles; the search index is built "
                             "from the loaded tables at publish instead");
    }
    if (expected_titles && *expected_titles != documents) {
      return Status::Aborted(target.describe + ": the search index has " + std::to_string(documents) +
                             " documents but the manifest gives " + std::to_string(*expected_titles) + " titles");
    }
    return documents;
  }();
  AF_ASSIGN_OR_RETURN(const int64_t documents, std::move(built));
  AF_RETURN_IF_ERROR(scratch.Stage(documents, meter));
  meter.Done(documents);
  return documents;
}

Result<int64_t> BuildSearchIndexFromTables(const SearchIndexTarget& target, const std::string& titles_table,
                                           const std::string& abstracts_table) {
  ProgressMeter meter(target.progress, "search index", std::nullopt);
  ScratchIndex scratch(target);
  AF_RETURN_IF_ERROR(scratch.Open());
  sqlite::Database& conn = scratch.conn();
  AF_RETURN_IF_ERROR(conn.Exec("ATTACH " + QuoteLiteral(target.db_path) + " AS warehouse"));
  meter.Phase(LoadPhase::kLoading);
  AF_RETURN_IF_ERROR(conn.Exec(std::string("INSERT INTO ") + kScratchIndex +
                               " (rowid, title, abstract) SELECT t.rowid, t.\"title\", a.\"abstract\" FROM warehouse." +
                               QuoteIdentifier(titles_table) + " AS t LEFT JOIN warehouse." +
                               QuoteIdentifier(abstracts_table) +
                               " AS a ON a.\"id\" = t.\"id\" AND a.\"origin\" = t.\"origin\""));
  AF_ASSIGN_OR_RETURN(auto documents, conn.QueryInt("SELECT COUNT(*) FROM warehouse." + QuoteIdentifier(titles_table)));
  AF_RETURN_IF_ERROR(conn.Exec("DETACH warehouse"));
  meter.Rows(documents.value_or(0));
  AF_RETURN_IF_ERROR(scratch.Stage(documents.value_or(0), meter));
  meter.Done(documents.value_or(0));
  return documents.value_or(0);
}

}  // namespace arxivflow::warehouse
