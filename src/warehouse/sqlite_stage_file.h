// A table's rows staged into a SQLite file of their own, written directly
// (sqlite_file_writer.h) instead of through SQLite's INSERT: the rows go
// into the file's pages as they come, with no VDBE, no B-tree search and no
// page balancing.
//
// The file holds the table under its own name, with rowids 1..N in the
// order of the rows (the numbers the search index refers to titles by) — or,
// for a table stored by its key (ddl.h: SqliteStoredByKey), in key order,
// sorted as an index's entries are unless they come in key order —
// and its values as SQLite would store them from the batch: STRING as text,
// DATE and TIMESTAMP as ISO-8601 text (value_format.h), integers as integers.
// The file also holds the table's key and secondary indexes (ddl.h's
// SqliteIndexes(), under the table's own index names), sorted by
// index_sorter.h as the rows arrive and written when they end: a copy into
// the warehouse then brings them along and SQLite sorts nothing. A REAL in
// an indexed column (which no star-schema index has) leaves the indexes out
// for SQLite to build after the copy.
//
// Contract: Create() truncates `path` (sort runs go to unnamed files in its
// folder); Append() each batch, then Finish(). Errors: a NULL in a NOT NULL
// column, or a duplicate key, fails as SQLite would ("NOT NULL constraint
// failed: table.column", "UNIQUE constraint failed: table.column"); I/O
// errors name the file. After an error the file is unusable. Memory: sort
// runs of 64 MiB per index (or `sort_memory_bytes` shared among the indexes,
// 4 to 64 MiB each; 0 = the default), a row, and one small entry per page
// written. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "schema/star_schema.h"
#include "warehouse/batch_source.h"
#include "warehouse/batch_value.h"

namespace arxivflow::warehouse {

inline constexpr const char* kRowsOutOfKeyOrder = "rows out of key order";

// Appends the value's sort key (index_sorter.h); false for a REAL, which
// this writer does not order (SQLite compares integers and reals by value).
bool AppendSortKey(const BatchValue& value, std::string* key);

struct StagedFile {
  int64_t rows = 0;
  bool has_indexes = false;  // the file holds the key and every secondary index
};

class StageFileWriter {
 public:
  // `rows_in_key_order`: for a table stored by its key (ddl.h), the rows
  // will come in key order and go straight into its B-tree; one that does not
  // fails with kAborted and kRowsOutOfKeyOrder (the file is then unusable).
  static Result<std::unique_ptr<StageFileWriter>> Create(const std::string& path, const schema::TableDef& table,
                                                         uint32_t page_size, size_t sort_memory_bytes = 0,
                                                         bool rows_in_key_order = false);
  ~StageFileWriter();
  StageFileWriter(const StageFileWriter&) = delete;
  StageFileWriter& operator=(const StageFileWriter&) = delete;

  Status Append(const Batch& batch);
  // Rows [begin, end) of `batch`.
  Status AppendRows(const Batch& batch, int64_t begin, int64_t end);
  Result<StagedFile> Finish();

 private:
  class Impl;
  explicit StageFileWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace arxivflow::warehouse
