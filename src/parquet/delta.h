// Decoders for Parquet's DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and
// DELTA_BYTE_ARRAY encodings (written by DuckDB and Arrow with format v2).
//
// DeltaBinaryPackedDecoder reads from a caller-owned byte range and never
// past it; every header field is checked, and malformed input is reported as
// Status::Corruption. Values wrap modulo 2^64 as the specification says.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.h"

namespace arxivflow::parquet {

class DeltaBinaryPackedDecoder {
 public:
  DeltaBinaryPackedDecoder(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}

  // Reads the header; `total_values()` is then known.
  Status Init();
  uint64_t total_values() const { return total_; }
  // Decodes the next `count` values (count <= values left).
  Status Decode(int64_t* out, size_t count);
  // Where the encoded stream ends; valid once every value has been decoded.
  const uint8_t* position() const { return p_; }

 private:
  Status ReadUvarint(uint64_t* v);
  Status StartBlock();
  Status StartMiniblock();

  const uint8_t* p_;
  const uint8_t* end_;
  uint64_t block_size_ = 0;
  uint64_t miniblocks_ = 0;
  uint64_t per_miniblock_ = 0;
  uint64_t total_ = 0;
  uint64_t emitted_ = 0;
  uint64_t last_ = 0;
  uint64_t min_delta_ = 0;
  std::vector<uint8_t> widths_;
  uint64_t miniblock_index_ = 0;
  uint64_t miniblock_left_ = 0;  // values left in the current miniblock
  const uint8_t* mini_ = nullptr;
  const uint8_t* mini_end_ = nullptr;
  int width_ = 0;
  uint64_t acc_ = 0;
  int acc_bits_ = 0;
};

}  // namespace arxivflow::parquet
