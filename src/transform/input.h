// Input byte streams: a local file, read plainly or through gzip (zlib) or
// zstd decompression, chosen from the file's magic bytes (never its name).
//
// Contract:
// - ByteSource::Read() fills up to `n` bytes and returns how many; 0 means
//   end of stream. A stream that ends early (a cut .gz/.zst) or is corrupt is
//   a Status::Corruption naming the file and the compressed offset.
// - RawFile hashes (SHA-256, OpenSSL EVP) and counts every byte it reads, so
//   the manifest can record the checksum of what was actually consumed.
// - Not thread-safe; one reader thread owns a source.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace arxivflow::transform {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

// An in-memory source (tests, fuzzing).
class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override;

 private:
  std::string data_;
  size_t pos_ = 0;
};

enum class Compression { kNone, kGzip, kZstd };
const char* CompressionLabel(Compression c);  // "none", "gzip", "zstd"

class RawFile : public ByteSource {
 public:
  static Result<std::unique_ptr<RawFile>> Open(const std::string& path);
  ~RawFile() override;
  Result<size_t> Read(char* buf, size_t n) override;
  // Positions the next Read() at `offset` (only before hashing matters:
  // the digest covers the bytes read from then on).
  Status Seek(uint64_t offset);
  uint64_t size() const { return size_; }
  uint64_t position() const { return position_; }
  uint64_t bytes_read() const { return bytes_read_; }
  const std::string& path() const { return path_; }
  // Hex SHA-256 of every byte returned by Read() so far. Call once, at the end.
  std::string FinishSha256();
  // Peeks the first bytes without consuming them.
  Result<std::string> Peek(size_t n);

 private:
  RawFile() = default;
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t position_ = 0;
  uint64_t bytes_read_ = 0;
  void* md_ctx_ = nullptr;  // EVP_MD_CTX*
};

Compression DetectCompression(std::string_view first_bytes);

// Wraps `raw` (not owned; must outlive the result) in the matching decoder.
std::unique_ptr<ByteSource> MakeDecoder(Compression c, ByteSource* raw, std::string name);

}  // namespace arxivflow::transform
