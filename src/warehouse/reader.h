// WarehouseReader: what the UI reads from a SQLite warehouse: the published
// tables' row counts and the paper search.
//
// - Tables(): the six tables, whether each exists, and its row count as
//   recorded by the load that published it (load_ledger.h): one small query,
//   however big the tables. rows is nullopt for a table no arxivflow load or
//   create has recorded (a warehouse written by other means).
// - Search(text, limit, offset): papers whose title or abstract contains every
//   word of `text` (search_words.h), newest first (in reverse load order: the
//   index keeps no positions, hence no relevance rank). total is the number of
//   matches, counted up to kSearchCountCap (total_exact = false beyond: a
//   common word matches a million papers, and counting them all costs more
//   than the page itself). Each hit carries the paper's id, title, abstract,
//   authors ("First Last Suffix", in order), categories and update date.
//   kNotFound when the warehouse has no search index yet (load it first).
// Everything a call returns comes from one read transaction: a publish in
// between is seen entirely or not at all.
//
// Contract: Open() opens the file read-only (kNotFound when it does not
// exist). A reader is used by one thread at a time; opening one is cheap (a
// fraction of a millisecond), so the server opens one per request.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "warehouse/search_words.h"

namespace arxivflow::sqlite {
class Database;
}  // namespace arxivflow::sqlite

namespace arxivflow::warehouse {

struct TableRows {
  std::string table;
  bool exists = false;
  std::optional<int64_t> rows;
};

struct PaperHit {
  std::string id;
  std::string title;
  std::string abstract;
  std::vector<std::string> authors;
  std::vector<std::string> categories;
  std::string updatedate;
};

inline constexpr int64_t kSearchCountCap = 1000;

struct SearchPage {
  std::vector<PaperHit> hits;
  int64_t total = 0;
  bool total_exact = true;  // false: at least `total` matches
};

class WarehouseReader {
 public:
  static Result<std::unique_ptr<WarehouseReader>> Open(const std::string& sqlite_path);
  ~WarehouseReader();

  Result<std::vector<TableRows>> Tables();
  Result<SearchPage> Search(const std::string& text, int64_t limit, int64_t offset);

 private:
  explicit WarehouseReader(std::unique_ptr<sqlite::Database> conn);
  std::unique_ptr<sqlite::Database> conn_;
  std::unique_ptr<SearchWords> search_words_;  // opened on the first search
};

}  // namespace arxivflow::warehouse
