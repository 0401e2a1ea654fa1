#include "parquet/output_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/disk_writeback.h"

namespace arxivflow::parquet {

namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(path + ": " + what + ": " + std::strerror(errno));
}

// Buffers appends into large writes; Close() flushes, fsyncs and closes.
class FileSink final : public OutputSink {
 public:
  static constexpr size_t kBufferBytes = 1 << 20;

  FileSink(int fd, std::string path) : fd_(fd), path_(std::move(path)) { buffer_.reserve(kBufferBytes); }
  ~FileSink() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view bytes) override {
    if (fd_ < 0) return Status::IOError(path_ + ": append after close");
    written_ += bytes.size();
    if (buffer_.size() + bytes.size() <= kBufferBytes) {
      buffer_.append(bytes);
      return Status::OK();
    }
    AF_RETURN_IF_ERROR(Flush());
    if (bytes.size() >= kBufferBytes) {
      AF_RETURN_IF_ERROR(WriteAll(bytes));
    } else {
      buffer_.append(bytes);
    }
    StartWritebackOfWritten();
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Status::IOError(path_ + ": closed twice");
    Status st = Flush();
    if (st.ok() && ::fsync(fd_) != 0) st = Errno("fsync", path_);
    if (::close(fd_) != 0 && st.ok()) st = Errno("close", path_);
    fd_ = -1;
    return st;
  }

  uint64_t BytesWritten() const override { return written_; }
  const std::string& name() const override { return path_; }

 private:
  Status Flush() {
    Status st = WriteAll(buffer_);
    buffer_.clear();
    return st;
  }

  // Every kWritebackBytes written, starts their disk writes without waiting
  // (disk_writeback.h), so the fsync in Close() finds little left to write
  // instead of the whole file. Advice: a refusal changes nothing.
  void StartWritebackOfWritten() {
    const uint64_t in_file = written_ - buffer_.size();
    if (in_file - writeback_from_ < kWritebackBytes) return;
    (void)StartWriteback(fd_, writeback_from_, in_file - writeback_from_);
    writeback_from_ = in_file;
  }

  Status WriteAll(std::string_view bytes) {
    const char* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("write", path_);
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    return Status::OK();
  }

  int fd_;
  std::string path_;
  std::string buffer_;
  uint64_t written_ = 0;
  uint64_t writeback_from_ = 0;  // bytes before this offset were handed to the disk
  static constexpr uint64_t kWritebackBytes = uint64_t{8} << 20;
};

class StringSink final : public OutputSink {
 public:
  StringSink(std::string* out, std::string name) : out_(out), name_(std::move(name)) {}
  Status Append(std::string_view bytes) override {
    if (closed_) return Status::IOError(name_ + ": append after close");
    out_->append(bytes);
    return Status::OK();
  }
  Status Close() override {
    if (closed_) return Status::IOError(name_ + ": closed twice");
    closed_ = true;
    return Status::OK();
  }
  uint64_t BytesWritten() const override { return out_->size(); }
  const std::string& name() const override { return name_; }

 private:
  std::string* out_;
  std::string name_;
  bool closed_ = false;
};

}  // namespace

Result<std::unique_ptr<OutputSink>> OpenFileSink(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create", path);
  return std::unique_ptr<OutputSink>(new FileSink(fd, path));
}

std::unique_ptr<OutputSink> MakeStringSink(std::string* out, std::string name) {
  return std::make_unique<StringSink>(out, std::move(name));
}

}  // namespace arxivflow::parquet
