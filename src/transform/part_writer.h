// PartWriter: one table's rows from one thread, written as a sequence of
// Parquet part files `<table>/part-NNNNN.parquet` under the output folder.
//
// Contract:
// - Implements RowWriter. The first row opens a part; a part is closed once
//   it holds `max_rows_per_part` rows and the next row opens a new one.
//   Opening errors are remembered and returned by the next EndRow()/Close().
// - Part numbers come from a PartNamer shared by all threads (thread-safe):
//   number = local_index * shard_count + shard_index, so the parts of the N
//   shards of one input never collide and their union is one data set.
// - Close() finishes the open part (footer + fsync by the sink). Part files
//   are listed by parts() with their row counts and sizes.
// - Not thread-safe (one per thread per table), except PartNamer.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "parquet/writer.h"
#include "schema/star_schema.h"
#include "transform/rows.h"

namespace arxivflow::transform {

struct PartFile {
  std::string table;
  std::string path;  // relative to the output folder: "papers/part-00000.parquet"
  uint64_t rows = 0;
  uint64_t bytes = 0;
};

class PartNamer {
 public:
  PartNamer(uint64_t shard_index, uint64_t shard_count)
      : shard_index_(shard_index), shard_count_(shard_count) {}
  std::string Next(schema::TableId table);

 private:
  uint64_t shard_index_, shard_count_;
  std::atomic<uint64_t> next_[schema::kTableCount] = {};
};

class PartWriter : public RowWriter {
 public:
  PartWriter(std::string out_dir, schema::TableId table, PartNamer* namer,
             parquet::WriterOptions options, uint64_t max_rows_per_part);
  ~PartWriter() override;

  void AppendNull(int column) override;
  void AppendString(int column, std::string_view value) override;
  void AppendInt32(int column, int32_t value) override;
  void AppendInt64(int column, int64_t value) override;
  Status EndRow() override;

  Status Close();
  // Writes a part with no rows (so readers see the schema of an empty table).
  Status WriteEmptyPart();
  const std::vector<PartFile>& parts() const { return parts_; }

 private:
  bool EnsureOpen();
  Status ClosePart();

  std::string out_dir_;
  const schema::TableDef& table_;
  PartNamer* namer_;
  parquet::WriterOptions options_;
  uint64_t max_rows_per_part_;
  std::unique_ptr<parquet::Writer> writer_;
  Status status_;
  std::vector<PartFile> parts_;
};

}  // namespace arxivflow::transform
