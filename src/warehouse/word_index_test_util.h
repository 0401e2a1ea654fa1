// Tests: what the search index of a SQLite file holds.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "common/sqlite.h"
#include "warehouse/search_words.h"
#include "warehouse/word_index.h"

namespace arxivflow::warehouse::testing {

// The rowids (ascending) of the documents of index `table` in the file at
// `path` that hold every word of `text`; {-1} when the search fails.
inline std::vector<int64_t> IndexedDocs(const std::string& path, const std::string& text,
                                        const std::string& table = "papers_fts") {
  sqlite::Database db;
  if (!db.Open(path, {.read_only = true}).ok()) return {-1};
  auto words = SearchWords::Open(db);
  if (!words.ok()) return {-1};
  auto asked = SearchTextWords(**words, text);
  if (!asked.ok()) return {-1};
  auto found = SearchWordIndex(db, table, *asked, INT64_MAX / 4, 0, INT64_MAX / 4);
  if (!found.ok()) return {-1};
  std::vector<int64_t> rowids = found->rowids;
  std::sort(rowids.begin(), rowids.end());
  return rowids;
}

inline int64_t CountIndexed(const std::string& path, const std::string& text) {
  auto docs = IndexedDocs(path, text);
  return docs == std::vector<int64_t>{-1} ? -1 : static_cast<int64_t>(docs.size());
}

}  // namespace arxivflow::warehouse::testing
