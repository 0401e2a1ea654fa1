// Page compression codecs: UNCOMPRESSED, SNAPPY, GZIP, ZSTD.
//
// A Compressor / Decompressor keeps its library context and scratch space
// between pages, so one per column writer / reader avoids per-page setup.
// Decompress() requires the output to be exactly the declared size and fails
// with Status::Corruption otherwise (never writes past `uncompressed_size`).
// Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "parquet/byte_buffer.h"
#include "parquet/types.h"

namespace arxivflow::parquet {

class Compressor {
 public:
  virtual ~Compressor() = default;
  // Replaces *out with the compressed form of `input`.
  virtual Status Compress(std::string_view input, ByteBuffer* out) = 0;
  Status Compress(std::string_view input, std::string* out);  // the same, copied into a string
};

class Decompressor {
 public:
  virtual ~Decompressor() = default;
  // Replaces *out with exactly `uncompressed_size` bytes decoded from `input`.
  virtual Status Decompress(std::string_view input, size_t uncompressed_size, std::string* out) = 0;
};

// `level` 0 means the codec's default. Returns nullptr for kUncompressed.
std::unique_ptr<Compressor> MakeCompressor(Compression codec, int level);
std::unique_ptr<Decompressor> MakeDecompressor(Compression codec);

}  // namespace arxivflow::parquet
