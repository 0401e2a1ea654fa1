// PutVarint: an unsigned LEB128 varint (7 bits per byte, low group first,
// high bit = more bytes follow), as Parquet's RLE headers and the search
// index's doclists write them. Appends to *out (or writes at `out`, which has
// room for kMaxVarintBytes, and returns the end); never fails. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace arxivflow {

inline constexpr size_t kMaxVarintBytes = 10;

inline char* PutVarint(uint64_t v, char* out) {
  while (v >= 0x80) {
    *out++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<char>(v);
  return out;
}

inline void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace arxivflow
