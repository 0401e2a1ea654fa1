// PartWriter: one table's rows from one thread, written as a sequence of
// Parquet part files `<table>/part-NNNNN.parquet` under the output folder
// (or `<table>/part-NNNNN-<run id>.parquet` when the namer has a suffix, as
// on S3, where a run must not overwrite the parts the live manifest lists).
//
// Contract:
// - Implements RowWriter, and AppendColumns() for column-major batches. The
//   first row opens a part; a part is closed once it holds
//   `max_rows_per_part` rows and the next row opens a new one.
//   Opening errors are remembered and returned by the next EndRow()/Close().
// - Part numbers come from a PartNamer shared by all threads, and depend on
//   nothing that timing decides: the k-th part of writer slot w (each thread
//   of a shard has its own slot) is local index k * slots + w, and
//   number = local_index * shard_count + shard_index, so the parts of the N
//   shards of one input never collide and their union is one data set. In
//   name order, every table's parts then come writer by writer in the same
//   sequence, which keeps `abstracts` in the order of `titles` (the search
//   index reads the two side by side) when the two roll over together
//   (max_rows_per_part 0 = never on its own; see ClosePart()).
// - Parts are opened through a PartSinkOpener: a local file (OpenFileSink)
//   or an object store writer. Close() finishes the open part (footer +
//   fsync or upload commit by the sink). Part files are listed by parts()
//   with their row counts and sizes.
// - Not thread-safe (one per thread per table), except PartNamer.
#pragma once

#include <cstdint>
#include <functional>
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
  // `slots`: writers per shard (1 or more). Thread-safe (immutable).
  PartNamer(uint64_t shard_index, uint64_t shard_count, std::string suffix = "", uint64_t slots = 1)
      : shard_index_(shard_index), shard_count_(shard_count), slots_(slots == 0 ? 1 : slots),
        suffix_(std::move(suffix)) {}
  // The path of the `index`-th part (from 0) that writer `slot` writes of `table`.
  std::string Name(schema::TableId table, uint64_t slot, uint64_t index) const;
  uint64_t slots() const { return slots_; }

 private:
  uint64_t shard_index_, shard_count_, slots_;
  std::string suffix_;
};

// Opens the sink of a part, given its path relative to the output.
using PartSinkOpener =
    std::function<Result<std::unique_ptr<parquet::OutputSink>>(const std::string& relative_path)>;

// Parts as files under the local folder `out_dir`.
PartSinkOpener LocalPartSinks(std::string out_dir);

class PartWriter : public RowWriter {
 public:
  // `slot` < namer->slots(); max_rows_per_part 0 = no rollover of its own.
  PartWriter(PartSinkOpener opener, schema::TableId table, const PartNamer* namer, uint64_t slot,
             parquet::WriterOptions options, uint64_t max_rows_per_part);
  ~PartWriter() override;

  // The part is open except before the first row and after a rollover.
  void AppendNull(int column) override {
    if (writer_ || EnsureOpen()) writer_->AppendNull(column);
  }
  void AppendString(int column, std::string_view value) override {
    if (writer_ || EnsureOpen()) writer_->AppendString(column, value);
  }
  void AppendInt32(int column, int32_t value) override {
    if (writer_ || EnsureOpen()) writer_->AppendInt32(column, value);
  }
  void AppendInt64(int column, int64_t value) override {
    if (writer_ || EnsureOpen()) writer_->AppendInt64(column, value);
  }
  Status EndRow() override;

  // Writes the rows of `t` (this writer's table) through the Parquet
  // writer's bulk path, in slices of at most kSliceRows rows (a row group
  // passes its byte target by one slice at most), rolling parts over at
  // max_rows_per_part rows exactly, as row-wise writes do.
  static constexpr size_t kSliceRows = 4096;
  Status AppendColumns(const TableColumns& t);

  Status Close();
  // Finishes the open part (if any); the next row opens the next one.
  Status ClosePart();
  // Rows in the open part (0 when none is open).
  uint64_t open_part_rows() const { return writer_ ? writer_->rows_written() : 0; }
  // Writes a part with no rows (so readers see the schema of an empty table).
  Status WriteEmptyPart();
  const std::vector<PartFile>& parts() const { return parts_; }

 private:
  bool EnsureOpen();
  // Rows the open part still takes (max_rows_per_part 0: no limit).
  uint64_t Room() const {
    return max_rows_per_part_ == 0 ? UINT64_MAX : max_rows_per_part_ - writer_->rows_written();
  }

  PartSinkOpener opener_;
  const schema::TableDef& table_;
  std::shared_ptr<uint64_t> part_bytes_;  // bytes written to the open part
  const PartNamer* namer_;
  uint64_t slot_;
  parquet::WriterOptions options_;
  uint64_t max_rows_per_part_;
  std::unique_ptr<parquet::Writer> writer_;
  Status status_;
  std::vector<PartFile> parts_;
};

}  // namespace arxivflow::transform
