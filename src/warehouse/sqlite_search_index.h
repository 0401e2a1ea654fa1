// The paper search index of a SQLite warehouse (ddl.h: SqliteSearchIndexSql),
// staged with a load and published with its tables.
//
// Tokenising ~3 GB of titles and abstracts is the costly part of a full load,
// so the index is built in a scratch SQLite file beside the warehouse
// ("<db>.search-<load id>.<pid>"), without the warehouse's write lock and in
// parallel with the table loads, and then copied into the warehouse as the
// staging index "papers_fts__stage_<load id>" under the lock: one table of
// the same declaration, which SQLite copies page by page.
//
// Documents: one per row of the titles table it is published with (rowid =
// that row's rowid), text = the title and the abstract of the same
// (id, origin). Sources:
// - BuildFromArea(): the area's titles and abstracts Parquet files, merged in
//   file order (rowid = the row's ordinal, as StageTable assigns it). The
//   abstracts must come in the titles' order, as the transform writes them;
//   when they do not, nothing is staged and kAborted says so (publish then
//   builds the index from the tables).
// - BuildFromTables(): titles and abstracts tables already in the warehouse
//   (staged or published), joined on (id, origin).
// Both return the number of documents, recorded in the load ledger as the
// rows of "papers_fts". Each call uses its own connections; one build per
// load at a time. Errors leave no staged index (the scratch file is removed).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/sqlite.h"
#include "common/status.h"
#include "warehouse/load_ledger.h"
#include "warehouse/progress.h"
#include "warehouse/search_words.h"

namespace arxivflow::warehouse {

struct SearchIndexTarget {
  std::string db_path;   // the warehouse file
  std::string describe;  // for messages
  LoadIdentity load;
  std::string area_id;   // recorded in the ledger
  ProgressCallback progress;
};

// `memory_share_bytes`: as SearchIndexInput's (warehouse.h); the word
// index's blocks fit in it (WordIndexBlockPairs).
Result<int64_t> BuildSearchIndexFromArea(const SearchIndexTarget& target, const std::vector<std::string>& title_files,
                                         const std::vector<std::string>& abstract_files,
                                         std::optional<int64_t> expected_titles, size_t memory_share_bytes = 0);

Result<int64_t> BuildSearchIndexFromTables(const SearchIndexTarget& target, const std::string& titles_table,
                                           const std::string& abstracts_table);

// Writes the index of the titles and abstracts named by `titles_sql` and
// `abstracts_sql` (tables `db` can read, quoted, maybe schema-qualified) into
// the empty index table `index_table` of `db`, with its temporary runs in
// `temp_dir`; returns the documents.
Result<int64_t> WriteSearchIndexFromTables(sqlite::Database& db, SearchWords& words, const std::string& index_table,
                                           const std::string& titles_sql, const std::string& abstracts_sql,
                                           const std::string& temp_dir);

// "<db>.search-<load id>.<pid>" (sqlite_scratch.h).
std::string SearchScratchPath(const std::string& db_path, const std::string& load_id);

}  // namespace arxivflow::warehouse
