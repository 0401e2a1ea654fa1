// S3Input: an s3:// object as a RawInput, streamed with ranged GETs.
//
// Contract:
// - Open() HEADs the object (size, ETag): a missing object or bucket is
//   kNotFound, bad credentials kPermissionDenied, an unreachable endpoint
//   kUnavailable after the client's retries; messages name the s3:// URI.
// - Read() serves the object in chunks of `chunk_bytes` fetched by ranged
//   GETs; the next chunk is fetched on a helper thread while the current one
//   is consumed, so memory is two chunks whatever the object size. A
//   connection dropped mid-chunk is resumed by the client (s3_client.h).
// - SetReadEnd(end): chunks stop at `end`, and past it are small (64 KiB,
//   doubling), so a shard reads its range plus a short overrun.
// - Every byte returned is counted and fed to digest().
// - Not thread-safe (one reader thread), like every ByteSource.
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <string>

#include "remote/s3_client.h"
#include "transform/input.h"

namespace arxivflow::transform {

class S3Input : public RawInput {
 public:
  static constexpr uint64_t kDefaultChunk = 8u << 20;

  // Client options from the environment (aws_config.h).
  static Result<std::unique_ptr<S3Input>> Open(const std::string& uri, uint64_t chunk_bytes = kDefaultChunk);
  static Result<std::unique_ptr<S3Input>> Open(std::shared_ptr<const remote::S3Client> client,
                                               const std::string& uri, uint64_t chunk_bytes = kDefaultChunk);
  ~S3Input() override;

  Result<size_t> Read(char* buf, size_t n) override;
  Status Seek(uint64_t offset) override;
  void SetReadEnd(uint64_t end) override { read_end_ = end; }
  uint64_t size() const override { return size_; }
  uint64_t position() const override { return position_; }
  uint64_t bytes_read() const override { return bytes_read_; }
  const std::string& path() const override { return uri_; }
  std::string etag() const override { return etag_; }
  Result<std::string> Peek(size_t n) override;

 private:
  S3Input() = default;
  // The range of the chunk that starts at `offset` (length 0 at the end).
  uint64_t ChunkLength(uint64_t offset) const;
  void StartPrefetch(uint64_t offset);
  Status NextChunk();
  void DropPrefetch();

  std::shared_ptr<const remote::S3Client> client_;
  std::string uri_, bucket_, key_, etag_;
  uint64_t size_ = 0;
  uint64_t chunk_bytes_ = kDefaultChunk;
  uint64_t read_end_ = UINT64_MAX;
  uint64_t overrun_chunk_ = 64u << 10;  // grows past read_end_

  std::string chunk_;          // bytes of [chunk_offset_, chunk_offset_ + size)
  uint64_t chunk_offset_ = 0;
  size_t chunk_pos_ = 0;       // next byte to return within chunk_
  uint64_t position_ = 0;      // object offset of the next byte returned
  uint64_t bytes_read_ = 0;

  struct Fetched {
    Status status;
    std::string data;
  };
  std::future<Fetched> prefetch_;
  uint64_t prefetch_offset_ = 0;
  uint64_t prefetch_length_ = 0;
};

}  // namespace arxivflow::transform
