// The RLE / bit-packed hybrid encoding of Parquet (definition levels,
// dictionary indices, RLE booleans).
//
// RleEncode appends the encoded runs (no length prefix) to *out. RleDecoder
// reads from a caller-owned byte range, never past it, and reports input that
// ends before the requested number of values as Status::Corruption. A final
// bit-packed run whose bytes are cut short is decoded as far as it goes, as
// the reference readers do. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"

namespace arxivflow::parquet {

// Number of bits needed for values up to `max_value` (0 -> 0).
int BitWidth(uint64_t max_value);

void RleEncode(const uint8_t* values, size_t n, int bit_width, std::string* out);
void RleEncode(const uint32_t* values, size_t n, int bit_width, std::string* out);

class RleDecoder {
 public:
  RleDecoder(const uint8_t* data, size_t size, int bit_width)
      : p_(data), end_(data + size), bit_width_(bit_width) {}

  // Decodes exactly `count` values into out[0..count).
  Status Decode(uint8_t* out, size_t count);
  Status Decode(uint32_t* out, size_t count);

  // Bytes consumed so far (meaningful once all runs are decoded).
  const uint8_t* position() const { return p_; }

 private:
  template <typename T>
  Status DecodeImpl(T* out, size_t count);
  Status NextRun();

  const uint8_t* p_;
  const uint8_t* end_;
  int bit_width_;
  uint64_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  uint64_t packed_left_ = 0;
  uint64_t acc_ = 0;
  int acc_bits_ = 0;
};

}  // namespace arxivflow::parquet
