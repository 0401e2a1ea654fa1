// S3ObjectWriter: streams an object into S3 with all-or-nothing publication.
//
// Contract: bytes are buffered up to `part_size` (>= 5 MiB, S3's minimum
// part size); the first full part starts a multipart upload and every full
// part is uploaded as it fills, so memory stays at one part. Commit() sends a
// small object as a single PUT, or uploads the last part and completes the
// multipart upload. Any failure — and destruction without Commit() — aborts
// the multipart upload, so no partial object is ever published and no parts
// linger. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "remote/object_store.h"
#include "remote/s3_client.h"

namespace arxivflow::remote {

class S3ObjectWriter : public ObjectWriter {
 public:
  static constexpr uint64_t kMinPartSize = 5u << 20;

  S3ObjectWriter(std::shared_ptr<const S3Client> client, std::string bucket, std::string key,
                 uint64_t part_size = 8u << 20);
  ~S3ObjectWriter() override;

  Status Append(std::string_view bytes) override;
  Status Commit() override;
  void Abort() override;
  uint64_t BytesWritten() const override { return written_; }
  const std::string& uri() const override { return uri_; }

  int parts_uploaded() const { return static_cast<int>(etags_.size()); }

 private:
  Status FlushPart();
  Status Fail(Status st);

  std::shared_ptr<const S3Client> client_;
  std::string bucket_, key_, uri_;
  uint64_t part_size_;
  std::string buffer_;
  std::string upload_id_;
  std::vector<std::string> etags_;
  uint64_t written_ = 0;
  bool done_ = false;  // committed or aborted
};

}  // namespace arxivflow::remote
