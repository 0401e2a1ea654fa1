// Writer: streams rows into one Parquet file. It writes the column kinds of
// types.h's convenience constructors (no FLOAT, FIXED_LEN_BYTE_ARRAY or
// reader-only logical types: Open() refuses those as kInvalidArgument).
//
// Usage:
//   AF_ASSIGN_OR_RETURN(auto sink, OpenFileSink(path));
//   AF_ASSIGN_OR_RETURN(auto w, Writer::Open(std::move(sink), schema, options));
//   for each row: w->AppendString(0, id); w->AppendNull(1); ...; AF_RETURN_IF_ERROR(w->EndRow());
//   or per batch of rows: w->AppendStringColumn(0, ids, nullptr, n); ...; w->EndRows(n);
//   AF_RETURN_IF_ERROR(w->Close());
//
// Contract:
// - Between two EndRow() calls every column receives exactly one Append*()
//   call of its type (AppendNull only on nullable columns); violations are
//   programming errors reported by EndRow() as kInvalidArgument.
// - Memory is bounded by one row group (options.row_group_bytes of encoded
//   data) plus one page per column; a row group is flushed to the sink when
//   full, so the writer streams.
// - Every page header carries the CRC32 of the page's stored bytes unless
//   options.page_checksums is off, so that readers catch damaged pages.
// - Dictionary encoding is tried per column chunk and abandoned for PLAIN when
//   the dictionary passes options.dictionary_page_bytes, as the reference
//   writers do.
// - Close() writes the footer and closes the sink; after it (or after any
//   error) the writer must not be used again. Destroying an unclosed writer
//   leaves an incomplete file behind.
// - Not thread-safe: one writer per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parquet/output_sink.h"
#include "parquet/types.h"

namespace arxivflow::parquet {

struct WriterOptions {
  Compression compression = Compression::kSnappy;
  int compression_level = 0;                   // 0 = codec default
  uint64_t row_group_bytes = 128ull << 20;     // uncompressed bytes per row group
  uint64_t page_bytes = 1ull << 20;            // target data page size
  bool dictionary = true;                      // try dictionary encoding
  // Per column, in schema order: false writes that column PLAIN only (for
  // mostly unique values, where a dictionary costs a hash per value and
  // saves nothing). Empty = `dictionary` for every column.
  std::vector<bool> column_dictionary;
  // Per column, in schema order: false stores that column's pages
  // uncompressed whatever `compression` says (text that a codec shrinks
  // little costs more CPU to compress and read back than it saves). Empty =
  // `compression` for every column.
  std::vector<bool> column_compressed;
  uint64_t dictionary_page_bytes = 1ull << 20; // fall back to PLAIN past this
  bool statistics = true;
  bool page_checksums = true;                  // a CRC32 in every page header
  std::string created_by;                      // default: "arxivflow version X"
};

class Writer {
 public:
  static Result<std::unique_ptr<Writer>> Open(std::unique_ptr<OutputSink> sink, Schema schema,
                                              WriterOptions options = {});
  virtual ~Writer() = default;

  virtual void AppendNull(int column) = 0;
  virtual void AppendString(int column, std::string_view value) = 0;  // BYTE_ARRAY
  virtual void AppendInt32(int column, int32_t value) = 0;            // INT32, DATE, INT16
  virtual void AppendInt64(int column, int64_t value) = 0;            // INT64, TIMESTAMP
  virtual void AppendDouble(int column, double value) = 0;
  virtual void AppendBool(int column, bool value) = 0;
  virtual Status EndRow() = 0;

  // Column-major form of Append*/EndRow for `rows` rows at once: every
  // column receives exactly one Append*Column call with `rows` values, then
  // EndRows(rows) checks and counts them as EndRow() does. `nulls` (nullptr
  // = none) flags the NULL rows (1 = NULL; their `values` are ignored); a
  // NULL in a required column is an error reported by EndRows(). A batch and
  // row-wise appends must not interleave within the same rows. A row group
  // is closed at the first EndRow/EndRows past row_group_bytes, so callers
  // keep batches small (a few thousand rows) to keep row groups near it.
  virtual void AppendStringColumn(int column, const std::string_view* values, const uint8_t* nulls,
                                  size_t rows) = 0;
  virtual void AppendInt32Column(int column, const int32_t* values, const uint8_t* nulls, size_t rows) = 0;
  virtual void AppendInt64Column(int column, const int64_t* values, const uint8_t* nulls, size_t rows) = 0;
  virtual Status EndRows(size_t rows) = 0;

  virtual Status Close() = 0;

  virtual uint64_t rows_written() const = 0;
  virtual const Schema& schema() const = 0;
};

}  // namespace arxivflow::parquet
