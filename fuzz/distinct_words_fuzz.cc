// Fuzzes DistinctWords against FTS5 itself: whatever the bytes (invalid
// UTF-8, control characters, NULs), a document indexed with its abstract cut
// down to the pieces not seen before must give the search index the same
// terms as the whole document. Input: title, a 0xff byte, abstract (no 0xff:
// all of it is the abstract).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/sqlite.h"
#include "warehouse/ddl.h"
#include "warehouse/distinct_words.h"

namespace {

arxivflow::sqlite::Database* Db() {
  static arxivflow::sqlite::Database* db = [] {
    auto* d = new arxivflow::sqlite::Database();
    if (!d->Open(":memory:", {.wal = false}).ok()) std::abort();
    for (const char* t : {"whole", "cut"}) {
      if (!d->Exec(arxivflow::warehouse::SqliteSearchIndexSql(t)).ok()) std::abort();
      if (!d->Exec(std::string("CREATE VIRTUAL TABLE ") + t + "_terms USING fts5vocab(" + t + ", row)").ok()) {
        std::abort();
      }
    }
    return d;
  }();
  return db;
}

std::string Terms(arxivflow::sqlite::Database* db, const char* table) {
  auto terms = db->QueryColumn(std::string("SELECT quote(term) || ':' || doc FROM ") + table + "_terms ORDER BY term");
  if (!terms.ok()) std::abort();
  std::string out;
  for (const auto& t : *terms) out += t + "\n";
  return out;
}

void Index(arxivflow::sqlite::Database* db, const char* table, std::string_view title, std::string_view abstract) {
  if (!db->Exec(std::string("INSERT INTO ") + table + "(" + table + ") VALUES('delete-all')").ok()) std::abort();
  auto insert = db->Prepare(std::string("INSERT INTO ") + table + "(rowid, title, abstract) VALUES(1, ?, ?)");
  if (!insert.ok()) std::abort();
  insert->Bind(1, std::string(title)).Bind(2, std::string(abstract));
  if (!insert->Run().ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\xff');
  const std::string_view title = split == std::string_view::npos ? std::string_view() : input.substr(0, split);
  const std::string_view abstract = split == std::string_view::npos ? input : input.substr(split + 1);
  static arxivflow::warehouse::DistinctWords words;
  words.Begin();
  words.Note(title);
  std::string cut;
  words.AppendNew(abstract, &cut);
  auto* db = Db();
  Index(db, "whole", title, abstract);
  Index(db, "cut", title, cut);
  const std::string a = Terms(db, "whole"), b = Terms(db, "cut");
  if (a != b) {
    std::fprintf(stderr, "terms differ\nwhole:\n%s\ncut:\n%s\n", a.c_str(), b.c_str());
    std::abort();
  }
  return 0;
}
