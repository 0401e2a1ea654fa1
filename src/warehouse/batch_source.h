// BatchSource: a table's rows as a stream of column batches (one Parquet row
// group at a time), the common input of every loader.
//
// Contract: Next() fills *batch with the next batch and returns true, or
// returns false at the end; batch->columns follow the TableDef's column order
// and stay valid until the next call. Memory is bounded by one row group.
// ParquetBatchSource checks every file's schema against the table (by column
// name and type) before reading it; errors name the file and the column.
// Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "parquet/reader.h"
#include "schema/star_schema.h"

namespace arxivflow::warehouse {

struct Batch {
  int64_t rows = 0;
  std::vector<parquet::ColumnVector> columns;
  std::string origin;  // "file.parquet row group 3", for error messages
};

class BatchSource {
 public:
  virtual ~BatchSource() = default;
  virtual Result<bool> Next(Batch* batch) = 0;
};

// A local Parquet file, or an s3:// object read with ranged GETs (client
// settings from the environment, see remote/aws_config.h).
Result<std::unique_ptr<parquet::InputFile>> OpenParquetInput(const std::string& path);

// Streams the row groups of `files` (local paths or s3:// URIs) in order.
std::unique_ptr<BatchSource> MakeParquetBatchSource(const schema::TableDef& table, std::vector<std::string> files);

// Reads the first batch of `source` (not owned; it must outlive this one) on
// Peek(), so that a loader can look at it before it chooses how to load;
// Next() hands that batch out first, then the rest of `source`. Peek()
// returns nullptr for an empty source, and the same batch when called again.
class PeekedBatchSource : public BatchSource {
 public:
  explicit PeekedBatchSource(BatchSource* source) : source_(source) {}
  Result<const Batch*> Peek();
  Result<bool> Next(Batch* batch) override;

 private:
  BatchSource* source_;
  Batch first_;
  bool peeked_ = false, has_first_ = false;
};

// The average bytes of a row's values in `batch`: text and binary by their
// length, every other value 8 (0 for an empty batch).
double BatchBytesPerRow(const Batch& batch);

// Hands out prepared batches (tests, small in-memory inputs).
std::unique_ptr<BatchSource> MakeMemoryBatchSource(std::vector<Batch> batches);

// Reads `source` up to `depth` batches ahead on a thread of its own, so that
// decoding overlaps the consumer's writes. `source` (not owned) must outlive
// the returned source and is only called from that thread; its error ends the
// stream and is returned by the Next() that reaches it. Memory: depth + 2
// batches (queued, being decoded, held by the caller). Destroying the returned source stops and joins the thread.
std::unique_ptr<BatchSource> MakePrefetchingBatchSource(BatchSource* source, int depth = 2);

// The depth of a stage's read-ahead: 2 batches alone in its process, 1 when
// it shares the process with other stages (a memory share, warehouse.h).
inline int ReadAheadBatches(size_t memory_share_bytes) { return memory_share_bytes > 0 ? 1 : 2; }

}  // namespace arxivflow::warehouse
