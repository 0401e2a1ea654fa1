#include "warehouse/reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>

#include "schema/star_schema.h"
#include "warehouse/load_ledger.h"
#include "warehouse/search_query.h"
#include "warehouse/sql_identifier.h"
#include "warehouse/sqlite_conn.h"

namespace arxivflow::warehouse {

namespace {

// Ends the read transaction however the call returns.
class ReadTransaction {
 public:
  explicit ReadTransaction(SqliteConn& conn) : conn_(conn) {}
  Status Begin() { return conn_.Exec("BEGIN"); }
  ~ReadTransaction() { conn_.Rollback(); }

 private:
  SqliteConn& conn_;
};

Result<std::vector<std::string>> Strings(SqliteStatement& stmt, const std::string& id, SqliteConn& conn) {
  sqlite3_reset(stmt.get());
  stmt.BindText(1, id);
  std::vector<std::string> out;
  while (true) {
    const int rc = sqlite3_step(stmt.get());
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return conn.Error("reading paper " + id);
    out.push_back(stmt.Text(0));
  }
}

}  // namespace

WarehouseReader::WarehouseReader(std::unique_ptr<SqliteConn> conn) : conn_(std::move(conn)) {}
WarehouseReader::~WarehouseReader() = default;

Result<std::unique_ptr<WarehouseReader>> WarehouseReader::Open(const std::string& sqlite_path) {
  struct stat sb;
  if (stat(sqlite_path.c_str(), &sb) != 0) {
    return Status::NotFound("the warehouse has not been loaded yet (" + sqlite_path + " does not exist)");
  }
  AF_ASSIGN_OR_RETURN(auto conn, SqliteConn::Open(sqlite_path, /*read_only=*/true, "sqlite:" + sqlite_path));
  return std::unique_ptr<WarehouseReader>(new WarehouseReader(std::move(conn)));
}

Result<std::vector<TableRows>> WarehouseReader::Tables() {
  ReadTransaction txn(*conn_);
  AF_RETURN_IF_ERROR(txn.Begin());
  std::map<std::string, int64_t> recorded;
  AF_ASSIGN_OR_RETURN(bool ledger, conn_->TableExists(kLedgerTable));
  if (ledger) {
    AF_ASSIGN_OR_RETURN(SqliteStatement stmt, conn_->Prepare(LedgerCountsSql()));
    while (true) {
      const int rc = sqlite3_step(stmt.get());
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return conn_->Error("reading the load ledger");
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
  AF_ASSIGN_OR_RETURN(std::string match, BuildSearchMatch(conn_->get(), text));
  if (match.empty()) return page;
  ReadTransaction txn(*conn_);
  AF_RETURN_IF_ERROR(txn.Begin());
  AF_ASSIGN_OR_RETURN(auto declaration,
                      conn_->QueryText("SELECT sql FROM sqlite_master WHERE name = " + QuoteLiteral(kSearchIndexTable)));
  if (!declaration) return Status::NotFound("the warehouse has no search index yet (load it first)");
  if (declaration->find("content=''") == std::string::npos) {
    return Status::NotFound("the warehouse's search index was built by an older version; load the warehouse again");
  }
  AF_ASSIGN_OR_RETURN(SqliteStatement count,
                      conn_->Prepare("SELECT COUNT(*) FROM (SELECT 1 FROM \"papers_fts\" WHERE \"papers_fts\" MATCH ? "
                                     "LIMIT ?)"));
  count.BindText(1, match);
  count.BindInt(2, kSearchCountCap + 1);
  if (sqlite3_step(count.get()) != SQLITE_ROW) return conn_->Error("counting search matches");
  page.total = std::min(count.Int(0), kSearchCountCap);
  page.total_exact = count.Int(0) <= kSearchCountCap;
  AF_ASSIGN_OR_RETURN(SqliteStatement hits,
                      conn_->Prepare("SELECT t.rowid, t.\"id\", t.\"origin\", t.\"title\" FROM \"papers_fts\" AS f "
                                     "JOIN \"titles\" AS t ON t.rowid = f.rowid WHERE f.\"papers_fts\" MATCH ? "
                                     "ORDER BY f.rowid DESC LIMIT ? OFFSET ?"));
  hits.BindText(1, match);
  hits.BindInt(2, limit);
  hits.BindInt(3, offset);
  std::vector<std::string> origins;
  while (true) {
    const int rc = sqlite3_step(hits.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return conn_->Error("searching");
    PaperHit hit;
    hit.id = hits.Text(1);
    hit.title = hits.Text(3);
    origins.push_back(hits.Text(2));
    page.hits.push_back(std::move(hit));
  }
  AF_ASSIGN_OR_RETURN(SqliteStatement abstract,
                      conn_->Prepare("SELECT \"abstract\" FROM \"abstracts\" WHERE \"id\" = ?1 AND \"origin\" = ?2"));
  // "First Last Suffix" from the name parts, else the name as written.
  AF_ASSIGN_OR_RETURN(SqliteStatement authors,
                      conn_->Prepare("SELECT COALESCE(NULLIF(TRIM(COALESCE(\"firstname\", '') || ' ' || "
                                     "COALESCE(\"lastname\", '') || COALESCE(' ' || NULLIF(\"suffix\", ''), '')), ''), "
                                     "\"author\") FROM \"authors\" WHERE \"id\" = ? ORDER BY \"position\""));
  AF_ASSIGN_OR_RETURN(SqliteStatement categories,
                      conn_->Prepare("SELECT \"category\" FROM \"categories\" WHERE \"id\" = ? ORDER BY \"position\""));
  AF_ASSIGN_OR_RETURN(SqliteStatement updated,
                      conn_->Prepare("SELECT \"updatedate\" FROM \"papers\" WHERE \"id\" = ?"));
  for (size_t i = 0; i < page.hits.size(); ++i) {
    PaperHit& hit = page.hits[i];
    sqlite3_reset(abstract.get());
    abstract.BindText(1, hit.id);
    abstract.BindText(2, origins[i]);
    if (sqlite3_step(abstract.get()) == SQLITE_ROW) hit.abstract = abstract.Text(0);
    AF_ASSIGN_OR_RETURN(hit.authors, Strings(authors, hit.id, *conn_));
    AF_ASSIGN_OR_RETURN(hit.categories, Strings(categories, hit.id, *conn_));
    AF_ASSIGN_OR_RETURN(auto dates, Strings(updated, hit.id, *conn_));
    if (!dates.empty()) hit.updatedate = dates[0];
  }
  return page;
}

}  // namespace arxivflow::warehouse
