#include "warehouse/sqlite_search_index.h"

#include <unistd.h>

#include <filesystem>

#include "common/logging.h"
#include "common/thread_priority.h"
#include "warehouse/batch_source.h"
#include "warehouse/ddl.h"
#include "warehouse/sql_identifier.h"
#include "warehouse/sqlite_conn.h"
#include "warehouse/sqlite_scratch.h"
#include "warehouse/word_index.h"
#include "warehouse/writer_lock.h"

namespace arxivflow::warehouse {

namespace {

namespace fs = std::filesystem;

constexpr const char* kScratchIndex = "search_index";
constexpr const char* kScratchSchema = "search_scratch";

size_t ColumnIndex(schema::TableId table, const char* name) {
  return static_cast<size_t>(schema::Table(table).schema.FindColumn(name));
}

class ScratchIndex {
 public:
  explicit ScratchIndex(const SearchIndexTarget& target)
      : target_(target), path_(SearchScratchPath(target.db_path, target.load.load_id)) {}
  ~ScratchIndex() {
    words_.reset();
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
    AF_ASSIGN_OR_RETURN(words_, SearchWords::Open(*conn_));
    return Status::OK();
  }

  sqlite::Database& conn() { return *conn_; }
  SearchWords& words() { return *words_; }
  // The scratch file's folder: the index's temporary runs go there too.
  std::string dir() const {
    const auto parent = fs::path(path_).parent_path();
    return parent.empty() ? "." : parent.string();
  }
  const std::string& path() const { return path_; }

  // Copies the finished index into the warehouse as the load's staging index
  // and records it in the ledger.
  Status Stage(int64_t documents, ProgressMeter& meter) {
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
      // Same declaration, empty target: SQLite copies the B-tree's pages.
      AF_RETURN_IF_ERROR(wh->Exec("INSERT INTO main." + QuoteIdentifier(stage) + " SELECT * FROM " + kScratchSchema +
                                  "." + kScratchIndex));
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
  std::unique_ptr<SearchWords> words_;
};

// Streams one key-aligned pair of sources (titles, abstracts).
class DocumentMerger {
 public:
  DocumentMerger(const std::vector<std::string>& title_files, const std::vector<std::string>& abstract_files,
                 int read_ahead)
      : titles_def_(schema::Table(schema::TableId::kTitles)),
        abstracts_def_(schema::Table(schema::TableId::kAbstracts)),
        titles_raw_(MakeParquetBatchSource(titles_def_, title_files)),
        abstracts_raw_(MakeParquetBatchSource(abstracts_def_, abstract_files)),
        titles_(MakePrefetchingBatchSource(titles_raw_.get(), read_ahead)),
        abstracts_(MakePrefetchingBatchSource(abstracts_raw_.get(), read_ahead)) {}

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
          abstract_col.strings[i] = text.strings[j];
          abstract_col.valid[i] = 1;
        }
        ++abstract_row_;
      }
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
                                         std::optional<int64_t> expected_titles, size_t memory_share_bytes) {
  ProgressMeter meter(target.progress, "search index", expected_titles);
  ScratchIndex scratch(target);
  AF_RETURN_IF_ERROR(scratch.Open());
  meter.Phase(LoadPhase::kLoading);
  // Tokenising gives way to the turns at the write lock, like the loads'
  // work beside it (thread_priority.h): it needs no turn until it ends, and
  // at a lower priority it runs on the core the turns leave idle (the last
  // ones run alone) instead of slowing the loads that queue for them.
  // Staging it takes a turn at the lock.
  auto built = RunAtLowerPriority(kBesideWriterNice, [&]() -> Result<int64_t> {
    DocumentMerger merger(title_files, abstract_files, ReadAheadBatches(memory_share_bytes));
    WordIndexWriter writer(scratch.conn(), kScratchIndex, scratch.words(), scratch.dir(),
                           WordIndexBlockPairs(memory_share_bytes));
    AF_RETURN_IF_ERROR(scratch.conn().Exec("BEGIN"));
    int64_t documents = 0;
    Batch batch;
    while (true) {
      AF_ASSIGN_OR_RETURN(bool more, merger.Next(&batch));
      if (!more) break;
      const auto& titles = batch.columns[0];
      const auto& abstracts = batch.columns[1];
      for (int64_t r = 0; r < batch.rows; ++r) {
        const size_t i = static_cast<size_t>(r);
        const std::string_view title = titles.valid.empty() || titles.valid[i] ? titles.strings[i] : std::string_view();
        const std::string_view abstract =
            abstracts.valid.empty() || abstracts.valid[i] ? abstracts.strings[i] : std::string_view();
        AF_RETURN_IF_ERROR(writer.Add(documents + 1, title, abstract).WithContext("indexing " + batch.origin));
        ++documents;
      }
      meter.Rows(documents);
    }
    AF_RETURN_IF_ERROR(writer.Finish());
    AF_RETURN_IF_ERROR(scratch.conn().Exec("COMMIT"));
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
  });
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
  AF_ASSIGN_OR_RETURN(int64_t documents,
                      WriteSearchIndexFromTables(conn, scratch.words(), kScratchIndex, "warehouse." +
                                                 QuoteIdentifier(titles_table), "warehouse." +
                                                 QuoteIdentifier(abstracts_table), scratch.dir()));
  AF_RETURN_IF_ERROR(conn.Exec("DETACH warehouse"));
  meter.Rows(documents);
  AF_RETURN_IF_ERROR(scratch.Stage(documents, meter));
  meter.Done(documents);
  return documents;
}

Result<int64_t> WriteSearchIndexFromTables(sqlite::Database& db, SearchWords& words, const std::string& index_table,
                                           const std::string& titles_sql, const std::string& abstracts_sql,
                                           const std::string& temp_dir) {
  AF_ASSIGN_OR_RETURN(auto rows, db.Prepare("SELECT t.rowid, t.\"title\", a.\"abstract\" FROM " + titles_sql +
                                            " AS t LEFT JOIN " + abstracts_sql +
                                            " AS a ON a.\"id\" = t.\"id\" AND a.\"origin\" = t.\"origin\" "
                                            "ORDER BY t.rowid"));
  WordIndexWriter writer(db, index_table, words, temp_dir);
  auto text = [&](int col) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(rows.raw(), col));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(rows.raw(), col))) : std::string_view();
  };
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, rows.Step());
    if (!row) break;
    AF_RETURN_IF_ERROR(writer.Add(sqlite3_column_int64(rows.raw(), 0), text(1), text(2)));
  }
  AF_RETURN_IF_ERROR(writer.Finish());
  return writer.documents();
}

}  // namespace arxivflow::warehouse
