#include "warehouse/reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>

#include "schema/star_schema.h"
#include "warehouse/load_ledger.h"
#include "warehouse/ddl.h"
#include "warehouse/word_index.h"
#include "warehouse/sql_identifier.h"
#include "warehouse/sqlite_conn.h"

namespace arxivflow::warehouse {

namespace {

// Ends the read transaction however the call returns.
class ReadTransaction {
 public:
  explicit ReadTransaction(sqlite::Database& db) : db_(db) {}
  Status Begin() { return db_.Exec("BEGIN"); }
  ~ReadTransaction() { db_.Rollback(); }

 private:
  sqlite::Database& db_;
};

Result<std::vector<std::string>> Strings(sqlite::Statement& stmt, const std::string& id) {
  stmt.Reset();
  stmt.Bind(1, id);
  std::vector<std::string> out;
  while (true) {
    AF_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back(stmt.Text(0));
  }
}

}  // namespace

WarehouseReader::WarehouseReader(std::unique_ptr<sqlite::Database> conn) : conn_(std::move(conn)) {}
WarehouseReader::~WarehouseReader() = default;

Result<std::unique_ptr<WarehouseReader>> WarehouseReader::Open(const std::string& sqlite_path) {
  struct stat sb;
  if (stat(sqlite_path.c_str(), &sb) != 0) {
    return Status::NotFound("the warehouse has not been loaded yet (" + sqlite_path + " does not exist)");
  }
  AF_ASSIGN_OR_RETURN(auto conn, OpenSqliteWarehouseDb(sqlite_path, /*read_only=*/true, "sqlite:" + sqlite_path));
  return std::unique_ptr<WarehouseReader>(new WarehouseReader(std::move(conn)));
}

Result<std::vector<TableRows>> WarehouseReader::Tables() {
  ReadTransaction txn(*conn_);
  AF_RETURN_IF_ERROR(txn.Begin());
  std::map<std::string, int64_t> recorded;
  AF_ASSIGN_OR_RETURN(bool ledger, conn_->TableExists(kLedgerTable));
  if (ledger) {
    AF_ASSIGN_OR_RETURN(sqlite::Statement stmt, conn_->Prepare(LedgerCountsSql()));
    while (true) {
      AF_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      recorded[stmt.Text(0)] = stmt.Int(1);
    }
  }
  std::vector<TableRows> out;
  for (const auto& t : schema::StarSchema()) {
    TableRows row;
    row.table = t.name;
    AF_ASSIGN_OR_RETURN(row.exists, conn_->TableExists(t.name));
    if (auto it = recorded.find(t.name); row.exists && it != recorded.end()) row.rows = it->second;
    out.push_back(std::move(row));
  }
  return out;
}

Result<SearchPage> WarehouseReader::Search(const std::string& text, int64_t limit, int64_t offset) {
  SearchPage page;
  if (!search_words_) {
    AF_ASSIGN_OR_RETURN(search_words_, SearchWords::Open(*conn_));
  }
  AF_ASSIGN_OR_RETURN(std::vector<std::string> words, SearchTextWords(*search_words_, text));
  if (words.empty()) return page;
  ReadTransaction txn(*conn_);
  AF_RETURN_IF_ERROR(txn.Begin());
  AF_ASSIGN_OR_RETURN(auto declaration,
                      conn_->QueryText("SELECT sql FROM sqlite_master WHERE name = " + QuoteLiteral(kSearchIndexTable)));
  if (!declaration) return Status::NotFound("the warehouse has no search index yet (load it first)");
  if (!IsCurrentSearchIndex(*declaration)) {
    return Status::NotFound("the warehouse's search index was built by an older version; load the warehouse again");
  }
  AF_ASSIGN_OR_RETURN(WordSearchResult found,
                      SearchWordIndex(*conn_, kSearchIndexTable, words, limit, offset, kSearchCountCap));
  page.total = found.total;
  page.total_exact = found.total_exact;
  AF_ASSIGN_OR_RETURN(sqlite::Statement hits,
                      conn_->Prepare("SELECT \"id\", \"origin\", \"title\" FROM \"titles\" WHERE rowid = ?"));
  std::vector<std::string> origins;
  for (int64_t rowid : found.rowids) {
    hits.Reset();
    hits.Bind(1, rowid);
    AF_ASSIGN_OR_RETURN(bool row, hits.Step());
    if (!row) continue;  // no such titles row: the two are published together, so only in a damaged file
    PaperHit hit;
    hit.id = hits.Text(0);
    hit.title = hits.Text(2);
    origins.push_back(hits.Text(1));
    page.hits.push_back(std::move(hit));
  }
  AF_ASSIGN_OR_RETURN(sqlite::Statement abstract,
                      conn_->Prepare("SELECT \"abstract\" FROM \"abstracts\" WHERE \"id\" = ?1 AND \"origin\" = ?2"));
  // "First Last Suffix" from the name parts, else the name as written.
  AF_ASSIGN_OR_RETURN(sqlite::Statement authors,
                      conn_->Prepare("SELECT COALESCE(NULLIF(TRIM(COALESCE(\"firstname\", '') || ' ' || "
                                     "COALESCE(\"lastname\", '') || COALESCE(' ' || NULLIF(\"suffix\", ''), '')), ''), "
                                     "\"author\") FROM \"authors\" WHERE \"id\" = ? ORDER BY \"position\""));
  AF_ASSIGN_OR_RETURN(sqlite::Statement categories,
                      conn_->Prepare("SELECT \"category\" FROM \"categories\" WHERE \"id\" = ? ORDER BY \"position\""));
  AF_ASSIGN_OR_RETURN(sqlite::Statement updated,
                      conn_->Prepare("SELECT \"updatedate\" FROM \"papers\" WHERE \"id\" = ?"));
  for (size_t i = 0; i < page.hits.size(); ++i) {
    PaperHit& hit = page.hits[i];
    abstract.Reset();
    abstract.Bind(1, hit.id);
    abstract.Bind(2, origins[i]);
    AF_ASSIGN_OR_RETURN(bool has_abstract, abstract.Step());
    if (has_abstract) hit.abstract = abstract.Text(0);
    AF_ASSIGN_OR_RETURN(hit.authors, Strings(authors, hit.id));
    AF_ASSIGN_OR_RETURN(hit.categories, Strings(categories, hit.id));
    AF_ASSIGN_OR_RETURN(auto dates, Strings(updated, hit.id));
    if (!dates.empty()) hit.updatedate = dates[0];
  }
  return page;
}

}  // namespace arxivflow::warehouse
