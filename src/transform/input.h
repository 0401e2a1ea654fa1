// Input byte streams: a local file or an s3:// object, read plainly or
// through gzip (zlib) or zstd decompression, chosen from the stream's magic
// bytes (never its name).
//
// Contract:
// - ByteSource::Read() fills up to `n` bytes and returns how many; 0 means
//   end of stream. A stream that ends early (a cut .gz/.zst) or is corrupt is
//   a Status::Corruption naming the file and the compressed offset.
// - A RawInput (RawFile, S3Input) counts every byte it reads and feeds it to
//   its InputDigest (CRC-32, and SHA-256 when asked), so the manifest can
//   record the fingerprint of what was actually consumed. OpenRawInput()
//   picks the kind from the location.
// - Not thread-safe; one reader thread owns a source.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "transform/input_digest.h"

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

// The undecoded bytes of an input (a file or an object).
class RawInput : public ByteSource {
 public:
  // Positions the next Read() at `offset` (only before hashing matters:
  // the digest covers the bytes read from then on).
  virtual Status Seek(uint64_t offset) = 0;
  // Tells the input that bytes past `end` will be read only a little (a
  // shard's overrun to its next record boundary), so a remote input fetches
  // up to `end` and then small ranges. Local files ignore it.
  virtual void SetReadEnd(uint64_t end) { (void)end; }
  virtual uint64_t size() const = 0;
  virtual uint64_t position() const = 0;
  virtual uint64_t bytes_read() const = 0;
  virtual const std::string& path() const = 0;
  // Version tag of a remote object (S3 ETag), "" for files.
  virtual std::string etag() const { return ""; }
  // The fingerprints of every byte returned by Read() so far.
  InputDigest& digest() { return digest_; }
  // Peeks the next bytes without consuming them.
  virtual Result<std::string> Peek(size_t n) = 0;

 protected:
  InputDigest digest_;
};

// "s3://bucket/key" -> S3Input (s3_input.h), anything else -> RawFile.
Result<std::unique_ptr<RawInput>> OpenRawInput(const std::string& location);

class RawFile : public RawInput {
 public:
  static Result<std::unique_ptr<RawFile>> Open(const std::string& path);
  ~RawFile() override;
  Result<size_t> Read(char* buf, size_t n) override;
  Status Seek(uint64_t offset) override;
  uint64_t size() const override { return size_; }
  uint64_t position() const override { return position_; }
  uint64_t bytes_read() const override { return bytes_read_; }
  const std::string& path() const override { return path_; }
  Result<std::string> Peek(size_t n) override;

 private:
  RawFile() = default;
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t position_ = 0;
  uint64_t bytes_read_ = 0;
};

Compression DetectCompression(std::string_view first_bytes);

// Wraps `raw` (not owned; must outlive the result) in the matching decoder.
std::unique_ptr<ByteSource> MakeDecoder(Compression c, ByteSource* raw, std::string name);

}  // namespace arxivflow::transform
