// Fuzzes the search text -> FTS5 MATCH builder: whatever the text, the
// expression it builds must be accepted by FTS5 against an index shaped like
// the warehouse's (a parse error or a phrase the index cannot answer would be
// a 500 in the UI).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/sqlite.h"
#include "warehouse/ddl.h"
#include "warehouse/search_query.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static arxivflow::sqlite::Database* db = [] {
    auto* d = new arxivflow::sqlite::Database();
    if (!d->Open(":memory:").ok()) std::abort();
    if (!d->Exec(arxivflow::warehouse::SqliteSearchIndexSql("papers_fts")).ok()) std::abort();
    if (!d->Exec("INSERT INTO papers_fts(rowid, title, abstract) VALUES (1, 'graph neural', 'networks')").ok()) {
      std::abort();
    }
    return d;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto match = arxivflow::warehouse::BuildSearchMatch(*db, text);
  if (!match.ok()) std::abort();
  if (match->empty()) return 0;
  auto stmt = db->Prepare("SELECT COUNT(*) FROM papers_fts WHERE papers_fts MATCH ?");
  if (!stmt.ok()) std::abort();
  stmt->Bind(1, *match);
  auto row = stmt->Step();
  if (!row.ok() || !*row) {
    // Enough to reproduce it without the fuzzer's artifact.
    std::fprintf(stderr, "MATCH failed: %s\nexpression: %s\ninput (%zu bytes):",
                 row.ok() ? "no row" : row.status().ToString().c_str(), match->c_str(), size);
    for (size_t i = 0; i < size; ++i) std::fprintf(stderr, " %02x", data[i]);
    std::fprintf(stderr, "\n");
    std::abort();
  }
  return 0;
}
