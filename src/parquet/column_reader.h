// Decoding of one column chunk's pages into a ColumnVector (internal to the
// reader).
//
// The chunk bytes are given whole; every page header, size and count inside
// is checked against them and against ReaderOptions before use, and every
// page that carries a CRC32 is checked against it (ReaderOptions::
// verify_checksums). Errors are Status::Corruption (malformed data) or
// Status::Unsupported (valid Parquet outside arxivflow's subset), with
// messages naming `where` and, for a page, its number and file offset.
// Pages may run past `declared_bytes` only by the header of a dictionary
// page that starts the chunk (old parquet-mr and Impala left it out of the
// chunk size); the caller passes up to that many bytes more.
// A ChunkDecoder keeps scratch buffers between calls; not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parquet/codec.h"
#include "parquet/format.h"
#include "parquet/reader.h"

namespace arxivflow::parquet {

struct ChunkSpec {
  std::string where;  // "<file>: row group 0, column 'id'"
  PhysicalType physical = PhysicalType::kByteArray;
  LogicalType logical = LogicalType::kNone;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY
  bool nullable = true;
  Compression codec = Compression::kUncompressed;
  int64_t num_values = 0;
  uint64_t file_offset = 0;     // where the chunk starts in the file (for messages)
  uint64_t declared_bytes = 0;  // the chunk's size as the footer gives it
};

class ChunkDecoder {
 public:
  explicit ChunkDecoder(const ReaderOptions& options) : options_(options) {}

  Status Decode(const ChunkSpec& spec, std::string_view chunk, ColumnVector* out);

 private:
  Status Corrupt(const std::string& what) const;
  Status VerifyChecksum(const format::PageHeader& h, std::string_view page, size_t page_number, size_t header_pos) const;
  size_t ValueWidth() const;  // bytes per PLAIN value of fixed width; 0 for BYTE_ARRAY and BOOLEAN
  void StoreFixed(size_t row, const uint8_t* bytes, ColumnVector* out);
  Status Decompress(std::string_view in, size_t size, std::string* out);
  Status ReadDictionary(std::string_view data, int32_t count);
  Status DecodeLevels(const uint8_t* p, size_t n, size_t count);
  Status DecodeValues(int32_t encoding, std::string_view data, size_t row0, size_t count, ColumnVector* out);
  Status DecodeV2Values(int32_t encoding, std::string_view data, size_t row0, size_t count, size_t non_null, ColumnVector* out);
  Status DecodeDeltaInts(const uint8_t* p, size_t n, size_t expected, const uint8_t** end);

  const ReaderOptions& options_;
  const ChunkSpec* spec_ = nullptr;
  std::unique_ptr<Decompressor> decompressor_;
  Compression decompressor_codec_ = Compression::kUncompressed;
  std::string page_buf_;
  std::vector<uint8_t> levels_;
  std::vector<uint32_t> indices_;
  // Dictionary: entries as (offset into the arena, length) for BYTE_ARRAY
  // and FIXED_LEN_BYTE_ARRAY, or raw fixed-width values.
  bool has_dict_ = false;
  uint32_t dict_count_ = 0;
  std::vector<uint64_t> dict_off_;
  std::vector<uint32_t> dict_len_;
  std::string dict_fixed_;
  // BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY results before the arena stops growing.
  std::vector<uint64_t> str_off_;
  std::vector<uint32_t> str_len_;
  std::string* arena_pending_ = nullptr;  // the output's arena
  std::vector<int64_t> deltas_;
  std::string previous_;  // DELTA_BYTE_ARRAY: the value before
  std::string scratch_;   // BYTE_STREAM_SPLIT: one value being gathered
};

}  // namespace arxivflow::parquet
