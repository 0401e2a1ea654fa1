#include "gen/output_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace arxivflow::gen {

Result<std::unique_ptr<OutputFile>> OutputFile::Open(const std::string& path) {
  if (path.empty()) return Status::InvalidArgument("output path is empty");
  if (path == "-") return std::unique_ptr<OutputFile>(new OutputFile("<stdout>", STDOUT_FILENO, false));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(path + ": cannot open for writing: " + std::strerror(errno));
  return std::unique_ptr<OutputFile>(new OutputFile(path, fd, true));
}

OutputFile::~OutputFile() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

Status OutputFile::Write(std::string_view bytes) {
  if (fd_ < 0) return Status::Internal(path_ + ": write after close");
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(path_ + ": write failed after " + std::to_string(bytes_) +
                             " bytes: " + std::strerror(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
    bytes_ += static_cast<uint64_t>(n);
  }
  return Status::OK();
}

Status OutputFile::Close() {
  if (!owned_ || fd_ < 0) return Status::OK();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return Status::IOError(path_ + ": close failed: " + std::strerror(errno));
  return Status::OK();
}

}  // namespace arxivflow::gen
