#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "parquet/reader.h"

namespace arxivflow::parquet {

namespace {

class LocalFile final : public InputFile {
 public:
  LocalFile(int fd, uint64_t size, std::string path) : fd_(fd), size_(size), path_(std::move(path)) {}
  ~LocalFile() override { ::close(fd_); }

  uint64_t Size() const override { return size_; }
  const std::string& name() const override { return path_; }

  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) override {
    if (offset > size_ || length > size_ - offset) {
      return Status::Corruption(path_ + ": read of " + std::to_string(length) + " bytes at offset " + std::to_string(offset) + " is past the end of the file (" + std::to_string(size_) + " bytes)");
    }
    out->resize(length);
    uint64_t done = 0;
    while (done < length) {
      ssize_t n = ::pread(fd_, out->data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IOError(path_ + ": read: " + std::strerror(errno));
      }
      if (n == 0) return Status::IOError(path_ + ": file shrank while reading");
      done += static_cast<uint64_t>(n);
    }
    return Status::OK();
  }

 private:
  int fd_;
  uint64_t size_;
  std::string path_;
};

class StringFile final : public InputFile {
 public:
  StringFile(std::string data, std::string name) : data_(std::move(data)), name_(std::move(name)) {}
  uint64_t Size() const override { return data_.size(); }
  const std::string& name() const override { return name_; }
  Status ReadAt(uint64_t offset, uint64_t length, std::string* out) override {
    if (offset > data_.size() || length > data_.size() - offset) {
      return Status::Corruption(name_ + ": read of " + std::to_string(length) + " bytes at offset " + std::to_string(offset) + " is past the end of the data (" + std::to_string(data_.size()) + " bytes)");
    }
    out->assign(data_, offset, length);
    return Status::OK();
  }

 private:
  std::string data_;
  std::string name_;
};

}  // namespace

Result<std::unique_ptr<InputFile>> OpenLocalFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": cannot open: " + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return Status::IOError(path + ": stat: " + std::strerror(e));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(path + ": not a regular file");
  }
  return std::unique_ptr<InputFile>(new LocalFile(fd, static_cast<uint64_t>(st.st_size), path));
}

std::unique_ptr<InputFile> MakeStringFile(std::string data, std::string name) {
  return std::make_unique<StringFile>(std::move(data), std::move(name));
}

}  // namespace arxivflow::parquet
