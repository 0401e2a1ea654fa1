// A table's Parquet files read in its key's order, for a table stored by its
// key (ddl.h: SqliteStoredByKey), so that its rows go straight into its
// B-tree instead of through a sort.
//
// The transform's files of a table are one key-ordered stream per worker:
// each worker writes the blocks of the snapshot it took in the snapshot's
// order, and starts a new file where its previous one ended. The streams
// interleave (the workers take blocks in turn), so the files are merged: a
// file is opened once the merge reaches its first key (from its footer's
// statistics), and the rows go out in runs, each as long as it precedes the
// other open files' current rows.
//
// KeyOrderedFiles(): the files in the order of their first key, when the
// key's first column is text, every file's footer has its minimum and
// maximum, and at most `max_open` files' ranges overlap; nullopt otherwise
// (the caller sorts the rows instead). Errors: a file that cannot be read.
//
// KeyMerger: Next() gives the next run, rows [begin, end) of a batch that
// stays valid until the next call. Keys are the sort keys of the key's
// columns (index_sorter.h). A file whose rows are not in key order ends the
// merge with kAborted and kRowsOutOfKeyOrder (sqlite_stage_file.h); equal keys
// in two files are passed on (the writer refuses the duplicate). So does a
// file that would be the (max_open + 1)th open at once (its footer's
// statistics were wrong). Memory: at most `max_open` files' batches, each
// file read ahead `read_ahead` batches on a thread of its own (0: read by
// the caller, one batch per file). Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "schema/star_schema.h"
#include "warehouse/batch_source.h"
#include "warehouse/batch_value.h"

namespace arxivflow::warehouse {

struct KeyOrderedFile {
  std::string path;
  std::string first_key;  // the sort key of its smallest first key column
};

Result<std::optional<std::vector<KeyOrderedFile>>> KeyOrderedFiles(const schema::TableDef& table,
                                                                    const std::vector<std::string>& files,
                                                                    size_t max_open);

class KeyMerger {
 public:
  KeyMerger(const schema::TableDef& table, std::vector<KeyOrderedFile> files, int read_ahead, size_t max_open);
  ~KeyMerger();
  KeyMerger(const KeyMerger&) = delete;
  KeyMerger& operator=(const KeyMerger&) = delete;

  Result<bool> Next(const Batch** batch, int64_t* begin, int64_t* end);

 private:
  struct Stream;
  Status Open(const KeyOrderedFile& file);
  // Moves `stream` to its row `row` (its next batch past the end); false when
  // the file has no more rows.
  Result<bool> MoveTo(Stream& stream, int64_t row);
  void KeyOf(const Batch& batch, int64_t row, std::string* key);

  const schema::TableDef& table_;
  std::vector<size_t> key_columns_;
  std::vector<KeyOrderedFile> files_;
  size_t next_file_ = 0;
  int read_ahead_;
  size_t max_open_;
  std::vector<std::unique_ptr<Stream>> open_;
  Stream* handed_out_ = nullptr;  // the stream of the last run, moved on at the next call
  int64_t handed_end_ = 0;
  std::vector<BatchValueText> texts_;
  std::string key_;
};

}  // namespace arxivflow::warehouse
