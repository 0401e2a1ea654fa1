#include "remote/s3_object_writer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace arxivflow::remote {

S3ObjectWriter::S3ObjectWriter(std::shared_ptr<const S3Client> client, std::string bucket, std::string key,
                               uint64_t part_size)
    : client_(std::move(client)),
      bucket_(std::move(bucket)),
      key_(std::move(key)),
      uri_("s3://" + bucket_ + "/" + key_),
      part_size_(std::max(part_size, kMinPartSize)) {}

S3ObjectWriter::~S3ObjectWriter() {
  if (!done_) Abort();
}

Status S3ObjectWriter::Fail(Status st) {
  Abort();
  return st;
}

Status S3ObjectWriter::FlushPart() {
  if (upload_id_.empty()) {
    auto id = client_->CreateMultipartUpload(bucket_, key_);
    if (!id.ok()) return Fail(id.status());
    upload_id_ = *id;
  }
  auto etag = client_->UploadPart(bucket_, key_, upload_id_, static_cast<int>(etags_.size()) + 1, buffer_);
  if (!etag.ok()) return Fail(etag.status());
  etags_.push_back(*etag);
  buffer_.clear();
  return Status::OK();
}

Status S3ObjectWriter::Append(std::string_view bytes) {
  if (done_) return Status::Aborted(uri_ + ": write after commit or abort");
  written_ += bytes.size();
  while (!bytes.empty()) {
    size_t take = std::min<size_t>(bytes.size(), part_size_ - buffer_.size());
    buffer_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (buffer_.size() == part_size_) AF_RETURN_IF_ERROR(FlushPart());
  }
  return Status::OK();
}

Status S3ObjectWriter::Commit() {
  if (done_) return Status::Aborted(uri_ + ": commit after commit or abort");
  if (upload_id_.empty()) {
    Status st = client_->PutObject(bucket_, key_, buffer_);
    done_ = true;
    buffer_.clear();
    buffer_.shrink_to_fit();
    return st;
  }
  if (!buffer_.empty()) AF_RETURN_IF_ERROR(FlushPart());
  Status st = client_->CompleteMultipartUpload(bucket_, key_, upload_id_, etags_);
  if (!st.ok()) return Fail(st);
  done_ = true;
  buffer_.shrink_to_fit();
  return Status::OK();
}

void S3ObjectWriter::Abort() {
  if (done_) return;
  done_ = true;
  buffer_.clear();
  buffer_.shrink_to_fit();
  if (!upload_id_.empty()) {
    Status st = client_->AbortMultipartUpload(bucket_, key_, upload_id_);
    if (!st.ok()) spdlog::warn("{}: aborting the multipart upload failed: {}", uri_, st.message());
  }
}

}  // namespace arxivflow::remote
