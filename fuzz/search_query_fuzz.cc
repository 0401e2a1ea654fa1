// Fuzzes the search text -> FTS5 MATCH builder: whatever the text, the
// expression it builds must be accepted by FTS5 against an index shaped like
// the warehouse's (a parse error or a phrase the index cannot answer would be
// a 500 in the UI).
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "warehouse/ddl.h"
#include "warehouse/search_query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static sqlite3* db = [] {
    sqlite3* d = nullptr;
    if (sqlite3_open(":memory:", &d) != SQLITE_OK) std::abort();
    const std::string create = arxivflow::warehouse::SqliteSearchIndexSql("papers_fts");
    if (sqlite3_exec(d, create.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) std::abort();
    if (sqlite3_exec(d, "INSERT INTO papers_fts(rowid, title, abstract) VALUES (1, 'graph neural', 'networks')",
                     nullptr, nullptr, nullptr) != SQLITE_OK) {
      std::abort();
    }
    return d;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto match = arxivflow::warehouse::BuildSearchMatch(db, text);
  if (!match.ok()) std::abort();
  if (match->empty()) return 0;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM papers_fts WHERE papers_fts MATCH ?", -1, &stmt, nullptr) !=
      SQLITE_OK) {
    std::abort();
  }
  sqlite3_bind_text(stmt, 1, match->c_str(), static_cast<int>(match->size()), SQLITE_TRANSIENT);
  const int rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW) std::abort();
  return 0;
}
