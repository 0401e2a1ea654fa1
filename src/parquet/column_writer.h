// ColumnWriter: buffers and encodes one column's chunk of the current row
// group (internal to the writer).
//
// Values are encoded as they arrive into reusable page buffers; full pages are
// compressed into the chunk buffer. Dictionary encoding (an open-addressing
// hash table over the PLAIN-encoded dictionary itself) is used until the
// dictionary passes options.dictionary_page_bytes; pages already written keep
// it and later pages of the chunk are PLAIN. FinishChunk() writes the
// dictionary page (if any) and the data pages to the sink and resets the
// writer for the next row group. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "parquet/byte_buffer.h"
#include "parquet/codec.h"
#include "parquet/format.h"
#include "parquet/output_sink.h"
#include "parquet/writer.h"

namespace arxivflow::parquet {

class ColumnWriter {
 public:
  ColumnWriter(const ColumnSchema& schema, const WriterOptions& options);

  void AddNull();
  void AddBytes(std::string_view v);
  void AddInt32(int32_t v);
  void AddInt64(int64_t v);
  // `n` values, NULL where nulls[i] != 0 (nulls may be nullptr).
  void AddBytes(const std::string_view* v, const uint8_t* nulls, size_t n);
  void AddInt32(const int32_t* v, const uint8_t* nulls, size_t n);
  void AddInt64(const int64_t* v, const uint8_t* nulls, size_t n);
  void AddDouble(double v);
  void AddBool(bool v);

  // Bytes of memory held for the chunk so far (encoded pages + open page).
  uint64_t buffered_bytes() const;

  // Writes the chunk at the sink's current position and describes it in *out.
  Status FinishChunk(OutputSink* sink, format::ColumnChunk* out);

 private:
  struct Slot {
    uint32_t index_plus1 = 0;
    uint32_t hash = 0;
  };

  void AddBytesInline(std::string_view v);
  void AddFixed(const void* bytes, size_t width, uint64_t hash);
  uint32_t DictLookupOrInsert(std::string_view key, uint32_t hash, bool* inserted);
  void GrowTable();
  bool KeyEquals(uint32_t index, std::string_view key) const;
  std::string_view DictEntry(uint32_t index) const;
  void AfterValue();
  Status FlushPage();
  void ResetChunk();
  void UpdateStats(std::string_view plain_value);
  void UpdateByteArrayStats(std::string_view v);
  void FillStatistics(format::Statistics* s) const;

  ColumnSchema schema_;
  WriterOptions options_;
  std::unique_ptr<Compressor> compressor_;
  size_t fixed_width_ = 0;  // 4 or 8 for fixed-width types, 0 for BYTE_ARRAY/BOOLEAN

  // Open page. `plain_` starts with kHeadroom spare bytes so that the
  // definition levels can usually be put in front of the values without
  // copying the page.
  static constexpr size_t kHeadroom = 64;
  std::vector<uint8_t> def_levels_;
  ByteBuffer plain_;
  static constexpr size_t kNoOffset = SIZE_MAX;
  size_t last_plain_offset_ = kNoOffset;  // the page's last BYTE_ARRAY value in plain_
  size_t last_plain_size_ = 0;
  std::string levels_;
  std::vector<uint32_t> indices_;
  uint32_t page_values_ = 0;
  uint64_t bool_count_ = 0;

  // Dictionary of the chunk.
  bool dict_active_ = false;
  std::string dict_arena_;               // the PLAIN-encoded dictionary page body
  std::vector<uint32_t> dict_offsets_;   // BYTE_ARRAY: start of each value's bytes
  uint32_t dict_count_ = 0;
  static constexpr uint32_t kNoIndex = UINT32_MAX;
  uint32_t last_index_ = kNoIndex;       // the previous value's entry
  // Entries of the values 0..kSmallValues-1 of an INT32/INT64 column (the
  // hash input of a fixed-width value is the value itself).
  static constexpr uint64_t kSmallValues = 64;
  std::array<uint32_t, kSmallValues> small_index_;
  std::vector<Slot> slots_;
  uint32_t mask_ = 0;

  // Encoded pages of the chunk, in blocks (no reallocation copies as the
  // chunk grows; blocks are reused by the next chunk), and reusable scratch.
  static constexpr size_t kBlockBytes = 4 << 20;
  void AppendToChunk(std::string_view bytes);
  std::vector<std::string> blocks_;
  size_t blocks_used_ = 0;
  uint64_t chunk_bytes_ = 0;
  std::string body_;
  ByteBuffer compressed_;
  std::string header_;
  int64_t chunk_values_ = 0;
  int64_t uncompressed_total_ = 0;
  int64_t compressed_total_ = 0;
  bool used_plain_ = false;
  bool used_dict_ = false;

  // Statistics of the chunk.
  int64_t null_count_ = 0;
  bool has_minmax_ = false;
  int64_t min_i_ = 0, max_i_ = 0;
  double min_d_ = 0, max_d_ = 0;
  std::string min_s_, max_s_;            // unsigned byte order (min_value/max_value)
  std::string min_signed_, max_signed_;  // signed byte order (deprecated min/max)
  uint64_t min_key_ = 0, max_key_ = 0;   // order keys of their first 8 bytes
  uint64_t min_signed_key_ = 0, max_signed_key_ = 0;
  bool signed_differs_ = false;          // a value with bytes >= 0x80 was seen
};

}  // namespace arxivflow::parquet
