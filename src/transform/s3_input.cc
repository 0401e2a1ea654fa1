#include "transform/s3_input.h"

#include <algorithm>
#include <cstring>

#include "remote/s3_uri.h"

namespace arxivflow::transform {

namespace {

constexpr uint64_t kMinChunk = 64u << 10;

// One ranged GET into a string; checks the server sent the whole range.
Status FetchRange(const remote::S3Client& client, const std::string& bucket, const std::string& key,
                  const std::string& uri, uint64_t offset, uint64_t length, std::string* out) {
  out->clear();
  out->reserve(length);
  Status st = client.GetObject(bucket, key, remote::ByteRange{offset, length}, [&](std::string_view chunk) {
    if (out->size() + chunk.size() > length) {
      return Status::IOError(uri + ": the server sent more than the requested range");
    }
    out->append(chunk);
    return Status::OK();
  });
  if (!st.ok()) return st;
  if (out->size() != length) {
    return Status::IOError(uri + ": short read: wanted " + std::to_string(length) + " bytes at offset " +
                           std::to_string(offset) + ", got " + std::to_string(out->size()) +
                           " (was the object replaced while being read?)");
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<S3Input>> S3Input::Open(const std::string& uri, uint64_t chunk_bytes) {
  AF_ASSIGN_OR_RETURN(remote::S3ClientOptions options, remote::S3ClientOptionsFromEnvironment());
  return Open(std::make_shared<const remote::S3Client>(std::move(options)), uri, chunk_bytes);
}

Result<std::unique_ptr<S3Input>> S3Input::Open(std::shared_ptr<const remote::S3Client> client,
                                               const std::string& uri, uint64_t chunk_bytes) {
  AF_ASSIGN_OR_RETURN(remote::S3Uri parsed, remote::ParseS3Uri(uri));
  if (parsed.key.empty() || parsed.key.back() == '/') {
    return Status::InvalidArgument(uri + ": names a bucket or a folder, not an object");
  }
  std::unique_ptr<S3Input> in(new S3Input());
  in->client_ = std::move(client);
  in->uri_ = uri;
  in->bucket_ = parsed.bucket;
  in->key_ = parsed.key;
  in->chunk_bytes_ = std::max(chunk_bytes, kMinChunk);
  AF_ASSIGN_OR_RETURN(remote::S3ObjectInfo info, in->client_->HeadObject(in->bucket_, in->key_));
  in->size_ = info.size;
  in->etag_ = info.etag;
  if (in->etag_.size() >= 2 && in->etag_.front() == '"' && in->etag_.back() == '"') {
    in->etag_ = in->etag_.substr(1, in->etag_.size() - 2);
  }
  return in;
}

S3Input::~S3Input() { DropPrefetch(); }

uint64_t S3Input::ChunkLength(uint64_t offset) const {
  if (offset >= size_) return 0;
  const uint64_t left = size_ - offset;
  if (offset < read_end_) return std::min({chunk_bytes_, read_end_ - offset, left});
  return std::min(overrun_chunk_, left);
}

void S3Input::DropPrefetch() {
  if (prefetch_.valid()) prefetch_.wait();
  prefetch_ = {};
}

void S3Input::StartPrefetch(uint64_t offset) {
  // Only inside the planned range: past it, reads are short and rare.
  if (offset >= size_ || offset >= read_end_) return;
  const uint64_t length = ChunkLength(offset);
  prefetch_offset_ = offset;
  prefetch_length_ = length;
  prefetch_ = std::async(std::launch::async, [client = client_, bucket = bucket_, key = key_, uri = uri_, offset,
                                              length] {
    Fetched f;
    f.status = FetchRange(*client, bucket, key, uri, offset, length, &f.data);
    return f;
  });
}

Status S3Input::NextChunk() {
  const uint64_t offset = chunk_offset_ + chunk_.size();
  chunk_.clear();
  chunk_pos_ = 0;
  chunk_offset_ = offset;
  const uint64_t length = ChunkLength(offset);
  if (length == 0) return Status::OK();
  if (prefetch_.valid() && prefetch_offset_ == offset && prefetch_length_ == length) {
    Fetched f = prefetch_.get();
    prefetch_ = {};
    if (!f.status.ok()) return f.status;
    chunk_ = std::move(f.data);
  } else {
    DropPrefetch();
    AF_RETURN_IF_ERROR(FetchRange(*client_, bucket_, key_, uri_, offset, length, &chunk_));
  }
  if (offset >= read_end_) overrun_chunk_ = std::min(overrun_chunk_ * 2, chunk_bytes_);
  StartPrefetch(offset + chunk_.size());
  return Status::OK();
}

Result<size_t> S3Input::Read(char* buf, size_t n) {
  if (n == 0) return size_t{0};
  if (chunk_pos_ == chunk_.size()) {
    AF_RETURN_IF_ERROR(NextChunk());
    if (chunk_.empty()) return size_t{0};
  }
  const size_t k = std::min(n, chunk_.size() - chunk_pos_);
  std::memcpy(buf, chunk_.data() + chunk_pos_, k);
  chunk_pos_ += k;
  digest_.Update(buf, k);
  position_ += k;
  bytes_read_ += k;
  return k;
}

Status S3Input::Seek(uint64_t offset) {
  if (offset > size_) {
    return Status::InvalidArgument(uri_ + ": seek to " + std::to_string(offset) + " past the end (" +
                                   std::to_string(size_) + " bytes)");
  }
  DropPrefetch();
  chunk_.clear();
  chunk_pos_ = 0;
  chunk_offset_ = offset;
  position_ = offset;
  return Status::OK();
}

Result<std::string> S3Input::Peek(size_t n) {
  if (chunk_.size() - chunk_pos_ >= n) return chunk_.substr(chunk_pos_, n);
  const uint64_t length = std::min<uint64_t>(n, size_ - std::min(size_, position_));
  std::string out;
  if (length == 0) return out;
  AF_RETURN_IF_ERROR(FetchRange(*client_, bucket_, key_, uri_, position_, length, &out));
  return out;
}

}  // namespace arxivflow::transform
