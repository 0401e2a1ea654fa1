// PutVarint: an unsigned LEB128 varint (7 bits per byte, low group first,
// high bit = more bytes follow), as Parquet's RLE headers and the search
// index's doclists write them. Appends to *out; never fails. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace arxivflow {

inline void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace arxivflow
