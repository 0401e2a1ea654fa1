#include "transform/input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "remote/s3_uri.h"
#include "transform/s3_input.h"

namespace arxivflow::transform {

Result<std::unique_ptr<RawInput>> OpenRawInput(const std::string& location) {
  if (remote::IsS3Uri(location)) {
    AF_ASSIGN_OR_RETURN(auto s3, S3Input::Open(location));
    return std::unique_ptr<RawInput>(std::move(s3));
  }
  AF_ASSIGN_OR_RETURN(auto file, RawFile::Open(location));
  return std::unique_ptr<RawInput>(std::move(file));
}

Result<size_t> StringSource::Read(char* buf, size_t n) {
  const size_t k = std::min(n, data_.size() - pos_);
  std::memcpy(buf, data_.data() + pos_, k);
  pos_ += k;
  return k;
}

const char* CompressionLabel(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kZstd: return "zstd";
  }
  return "none";
}

Result<std::unique_ptr<RawFile>> RawFile::Open(const std::string& path) {
  std::unique_ptr<RawFile> f(new RawFile());
  f->path_ = path;
  f->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f->fd_ < 0) return Status::IOError(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (::fstat(f->fd_, &st) != 0) return Status::IOError(path + ": stat: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return Status::InvalidArgument(path + ": is a directory");
  f->size_ = static_cast<uint64_t>(st.st_size);
  ::posix_fadvise(f->fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  return f;
}

RawFile::~RawFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<size_t> RawFile::Read(char* buf, size_t n) {
  for (;;) {
    const ssize_t k = ::read(fd_, buf, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(path_ + ": read at byte " + std::to_string(position_) + ": " +
                             std::strerror(errno));
    }
    digest_.Update(buf, static_cast<size_t>(k));
    position_ += static_cast<uint64_t>(k);
    bytes_read_ += static_cast<uint64_t>(k);
    return static_cast<size_t>(k);
  }
}

Status RawFile::Seek(uint64_t offset) {
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
    return Status::IOError(path_ + ": seek: " + std::strerror(errno));
  }
  position_ = offset;
  return Status::OK();
}

Result<std::string> RawFile::Peek(size_t n) {
  std::string out(n, '\0');
  const ssize_t k = ::pread(fd_, out.data(), n, static_cast<off_t>(position_));
  if (k < 0) return Status::IOError(path_ + ": read: " + std::strerror(errno));
  out.resize(static_cast<size_t>(k));
  return out;
}


Compression DetectCompression(std::string_view b) {
  if (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0x1f &&
      static_cast<unsigned char>(b[1]) == 0x8b) {
    return Compression::kGzip;
  }
  if (b.size() >= 4 && static_cast<unsigned char>(b[0]) == 0x28 &&
      static_cast<unsigned char>(b[1]) == 0xb5 && static_cast<unsigned char>(b[2]) == 0x2f &&
      static_cast<unsigned char>(b[3]) == 0xfd) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

namespace {

constexpr size_t kInputChunk = 1 << 20;

// gzip, including multi-member files (as written by pigz or `cat a.gz b.gz`).
class GzipSource : public ByteSource {
 public:
  GzipSource(ByteSource* raw, std::string name) : raw_(raw), name_(std::move(name)), in_(kInputChunk) {
    std::memset(&zs_, 0, sizeof(zs_));
    ok_ = inflateInit2(&zs_, 15 + 32) == Z_OK;
  }
  ~GzipSource() override { inflateEnd(&zs_); }

  Result<size_t> Read(char* buf, size_t n) override {
    if (!ok_) return Status::Internal(name_ + ": zlib initialisation failed");
    if (done_) return size_t{0};
    zs_.next_out = reinterpret_cast<Bytef*>(buf);
    zs_.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    while (zs_.avail_out > 0) {
      if (zs_.avail_in == 0) {
        AF_ASSIGN_OR_RETURN(size_t k, raw_->Read(in_.data(), in_.size()));
        consumed_ += k;
        if (k == 0) {
          if (in_member_) {
            return Status::Corruption(name_ + ": gzip stream ends early (truncated file) after " +
                                      std::to_string(consumed_) + " compressed bytes");
          }
          done_ = true;
          break;
        }
        zs_.next_in = reinterpret_cast<Bytef*>(in_.data());
        zs_.avail_in = static_cast<uInt>(k);
      }
      in_member_ = true;
      const int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
        inflateReset(&zs_);
        continue;
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::Corruption(name_ + ": corrupt gzip data near compressed byte " +
                                  std::to_string(consumed_ - zs_.avail_in) + ": " +
                                  (zs_.msg ? zs_.msg : "inflate error"));
      }
    }
    return n - zs_.avail_out;
  }

 private:
  ByteSource* raw_;
  std::string name_;
  std::vector<char> in_;
  z_stream zs_;
  bool ok_ = false;
  bool done_ = false;
  bool in_member_ = false;
  uint64_t consumed_ = 0;
};

class ZstdSource : public ByteSource {
 public:
  ZstdSource(ByteSource* raw, std::string name)
      : raw_(raw), name_(std::move(name)), in_(ZSTD_DStreamInSize()), ds_(ZSTD_createDStream()) {
    ZSTD_initDStream(ds_);
  }
  ~ZstdSource() override { ZSTD_freeDStream(ds_); }

  Result<size_t> Read(char* buf, size_t n) override {
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos < out.size && !done_) {
      if (input_.pos == input_.size) {
        AF_ASSIGN_OR_RETURN(size_t k, raw_->Read(in_.data(), in_.size()));
        consumed_ += k;
        if (k == 0) {
          if (last_ret_ != 0) {
            return Status::Corruption(name_ + ": zstd stream ends early (truncated file) after " +
                                      std::to_string(consumed_) + " compressed bytes");
          }
          done_ = true;
          break;
        }
        input_ = ZSTD_inBuffer{in_.data(), k, 0};
      }
      const size_t ret = ZSTD_decompressStream(ds_, &out, &input_);
      if (ZSTD_isError(ret)) {
        return Status::Corruption(name_ + ": corrupt zstd data near compressed byte " +
                                  std::to_string(consumed_ - (input_.size - input_.pos)) + ": " +
                                  ZSTD_getErrorName(ret));
      }
      last_ret_ = ret;
    }
    return out.pos;
  }

 private:
  ByteSource* raw_;
  std::string name_;
  std::vector<char> in_;
  ZSTD_DStream* ds_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  size_t last_ret_ = 0;
  bool done_ = false;
  uint64_t consumed_ = 0;
};

class PassThrough : public ByteSource {
 public:
  explicit PassThrough(ByteSource* raw) : raw_(raw) {}
  Result<size_t> Read(char* buf, size_t n) override { return raw_->Read(buf, n); }

 private:
  ByteSource* raw_;
};

}  // namespace

std::unique_ptr<ByteSource> MakeDecoder(Compression c, ByteSource* raw, std::string name) {
  switch (c) {
    case Compression::kGzip: return std::make_unique<GzipSource>(raw, std::move(name));
    case Compression::kZstd: return std::make_unique<ZstdSource>(raw, std::move(name));
    case Compression::kNone: break;
  }
  return std::make_unique<PassThrough>(raw);
}

}  // namespace arxivflow::transform
