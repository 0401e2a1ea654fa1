// CRC-32 of Parquet pages: the gzip polynomial, bit-reflected, as
// parquet-format defines the page header's `crc` and as zlib's crc32()
// computes it.
//
// Crc32Update(c, bytes) == crc32(c, bytes) of zlib for every c and input, so
// a CRC can be carried over split input. On CPUs with carry-less multiply
// (PCLMULQDQ, checked once at run time) inputs of 64 bytes and more are
// folded 64 bytes at a time; zlib computes the rest. Pure functions,
// thread-safe; no errors.
#pragma once

#include <cstdint>
#include <string_view>

namespace arxivflow::parquet {

uint32_t Crc32Update(uint32_t crc, std::string_view bytes);
inline uint32_t Crc32(std::string_view bytes) { return Crc32Update(0, bytes); }

// The portable path alone (zlib), for tests and for comparison.
uint32_t Crc32UpdatePortable(uint32_t crc, std::string_view bytes);

}  // namespace arxivflow::parquet
