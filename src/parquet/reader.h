// Reader: reads flat Parquet files written by arxivflow, DuckDB, Arrow, Spark
// and other writers that follow the specification: the physical types
// BOOLEAN, INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY;
// PLAIN, PLAIN_DICTIONARY, RLE_DICTIONARY, RLE booleans, DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT; data page v1
// and v2; UNCOMPRESSED, SNAPPY, GZIP, ZSTD. The schema describes every column
// with its logical type (see types.h and logical_types.h).
//
// Contract:
// - Open() reads and validates the footer; every later call reads one column
//   chunk at a time, so memory is bounded by the largest row group projected.
// - Hostile input never crashes, hangs or allocates without bound: every size
//   and count read from the file is checked against the file size and sane
//   limits first, and failures are Status::Corruption naming the file and what
//   was wrong.
// - No silent wrong value: a page whose header carries a CRC32 is checked
//   against it (unless ReaderOptions::verify_checksums is off), and a column
//   whose type annotation cannot be honoured is refused by ReadColumn() with
//   Status::Unsupported rather than read as its physical type.
// - A Reader is not thread-safe; open one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parquet/types.h"

namespace arxivflow::parquet {

// Random-access bytes: a local file now, an S3 object later.
class InputFile {
 public:
  virtual ~InputFile() = default;
  virtual uint64_t Size() const = 0;
  // Reads exactly `length` bytes at `offset` into *out, or fails.
  virtual Status ReadAt(uint64_t offset, uint64_t length, std::string* out) = 0;
  virtual const std::string& name() const = 0;
};

Result<std::unique_ptr<InputFile>> OpenLocalFile(const std::string& path);
std::unique_ptr<InputFile> MakeStringFile(std::string data, std::string name = "<memory>");

struct ColumnChunkInfo {
  std::string column;
  PhysicalType physical = PhysicalType::kByteArray;
  Compression codec = Compression::kUncompressed;
  std::vector<std::string> encodings;  // e.g. "PLAIN", "RLE_DICTIONARY", "RLE"
  int64_t num_values = 0;
  int64_t compressed_bytes = 0;
  int64_t uncompressed_bytes = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  // Statistics as stored (plain-encoded min/max), when present; the
  // deprecated signed-order min/max stand in only where that order is the
  // column's own (not for byte arrays or unsigned integers).
  std::optional<int64_t> null_count;
  std::optional<std::string> min_value;
  std::optional<std::string> max_value;
};

struct RowGroupInfo {
  int64_t num_rows = 0;
  int64_t total_byte_size = 0;
  std::vector<ColumnChunkInfo> columns;
};

struct FileMetadata {
  int32_t version = 0;
  Schema schema;
  int64_t num_rows = 0;
  std::string created_by;
  std::vector<RowGroupInfo> row_groups;
};

// One column of one row group, decoded. Exactly one of the value vectors is
// used, by the column's physical type (`strings` for BYTE_ARRAY and
// FIXED_LEN_BYTE_ARRAY); `valid[i]` is false for nulls, and the
// value vectors hold a slot for every row (default values where null).
// `strings` point into `arena`: a ColumnVector may be moved but not copied
// (a copy's views would still point into the original's arena).
struct ColumnVector {
  ColumnVector() = default;
  ColumnVector(ColumnVector&&) = default;
  ColumnVector& operator=(ColumnVector&&) = default;
  ColumnVector(const ColumnVector&) = delete;
  ColumnVector& operator=(const ColumnVector&) = delete;

  PhysicalType physical = PhysicalType::kByteArray;
  LogicalType logical = LogicalType::kNone;
  int64_t size = 0;
  std::vector<uint8_t> valid;
  std::vector<std::string_view> strings;  // views into `arena`
  std::vector<int32_t> i32;
  std::vector<int64_t> i64;
  std::vector<double> f64;
  std::vector<float> f32;
  std::vector<uint8_t> booleans;
  std::string arena;

  bool IsNull(int64_t row) const { return !valid[static_cast<size_t>(row)]; }
};

// Limits that protect a reader from hostile files; the defaults admit any file
// arxivflow, DuckDB, Arrow or Spark write in practice.
struct ReaderOptions {
  uint64_t max_footer_bytes = 256ull << 20;
  uint64_t max_page_bytes = 1ull << 30;        // uncompressed size of one page
  uint64_t max_chunk_bytes = 4ull << 30;       // compressed size of one column chunk
  uint64_t max_values_per_chunk = 1ull << 27;  // rows of one column chunk
  // Check the CRC32 of every page that carries one; a mismatch is
  // Status::Corruption naming the row group, column and page.
  bool verify_checksums = true;
};

class Reader {
 public:
  static Result<std::unique_ptr<Reader>> Open(std::unique_ptr<InputFile> file);
  static Result<std::unique_ptr<Reader>> Open(std::unique_ptr<InputFile> file, const ReaderOptions& options);
  virtual ~Reader() = default;

  virtual const FileMetadata& metadata() const = 0;
  // Decodes one column chunk. `column` indexes metadata().schema.columns.
  // Unsupported when the column's logical type is LogicalType::kUnsupported.
  virtual Result<ColumnVector> ReadColumn(int row_group, int column) = 0;
};

}  // namespace arxivflow::parquet
