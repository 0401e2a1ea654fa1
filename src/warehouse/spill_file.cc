#include "warehouse/spill_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

namespace arxivflow::warehouse {
namespace {

// Offsets, lengths and buffers of direct I/O are multiples of this (the
// page size: enough for every block device's logical block).
constexpr size_t kAlign = 4096;
// A direct read costs a round trip to the device: below this it is slower
// than the page cache.
constexpr size_t kMinDirectBlock = size_t{64} << 10;

size_t AlignUp(size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

void FreeAligned(char* p) { ::operator delete(p, std::align_val_t{kAlign}); }

std::unique_ptr<char, void (*)(char*)> AllocateAligned(size_t bytes) {
  return {static_cast<char*>(::operator new(bytes, std::align_val_t{kAlign})), &FreeAligned};
}

int OpenUnnamed(const std::string& dir, int flags) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC | flags, 0600);
  if (fd >= 0) return fd;
  std::string name = dir + "/.arxivflow-spill-XXXXXX";
  fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return -1;
  ::unlink(name.c_str());
  if (flags != 0) {
    const int now = ::fcntl(fd, F_GETFL);
    if (now < 0 || ::fcntl(fd, F_SETFL, now | flags) != 0) {
      ::close(fd);
      errno = EINVAL;
      return -1;
    }
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<SpillFile>> SpillFile::Create(const std::string& dir, std::string what, Caching caching) {
  bool direct = caching == Caching::kBypassWhereAllowed;
  int fd = direct ? OpenUnnamed(dir, O_DIRECT) : -1;
  if (fd < 0) {
    direct = false;
    fd = OpenUnnamed(dir, 0);
  }
  if (fd < 0) {
    return Status::IOError("cannot create a temporary file for " + what + " in " + dir + ": " + std::strerror(errno));
  }
  return std::unique_ptr<SpillFile>(new SpillFile(fd, direct, std::move(what)));
}

SpillFile::SpillFile(int fd, bool direct, std::string what)
    : fd_(fd), direct_(direct), what_(std::move(what)), buffer_(AllocateAligned(kWriteBuffer)) {}

SpillFile::~SpillFile() { ::close(fd_); }

Status SpillFile::Error(const std::string& doing) const {
  return Status::IOError(doing + " " + what_ + ": " + std::strerror(errno));
}

Status SpillFile::Append(const char* data, size_t size) {
  if (finished_) return Status::Internal("SpillFile::Append after FinishWriting");
  size_ += size;
  while (size > 0) {
    const size_t take = std::min(size, kWriteBuffer - buffered_);
    std::memcpy(buffer_.get() + buffered_, data, take);
    buffered_ += take;
    data += take;
    size -= take;
    if (buffered_ == kWriteBuffer) AF_RETURN_IF_ERROR(WriteBuffer(kWriteBuffer));
  }
  return Status::OK();
}

// Writes the first `bytes` of the buffer at written_: a full buffer, or (the
// last write) the rest, padded with zeros to the alignment when direct.
Status SpillFile::WriteBuffer(size_t bytes) {
  size_t length = bytes;
  if (direct_) {
    length = AlignUp(bytes);
    std::memset(buffer_.get() + bytes, 0, length - bytes);
  }
  size_t done = 0;
  while (done < length) {
    const ssize_t n = ::pwrite(fd_, buffer_.get() + done, length - done, static_cast<off_t>(written_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EINVAL && direct_) {
      // The file system took O_DIRECT at open but not for writing: carry on
      // through the page cache (what is written stays aligned, so readers
      // need not know).
      const int flags = ::fcntl(fd_, F_GETFL);
      if (flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0) return Error("cannot write");
      direct_ = false;
      continue;
    }
    if (n <= 0) return Error("cannot write");
    done += static_cast<size_t>(n);
  }
  written_ += length;
  buffered_ = 0;
  return Status::OK();
}

Status SpillFile::FinishWriting() {
  if (finished_) return Status::OK();
  if (buffered_ > 0) AF_RETURN_IF_ERROR(WriteBuffer(buffered_));
  finished_ = true;
  buffer_.reset();
  return Status::OK();
}

Status SpillFile::ReadBlock(char* dst, size_t size, uint64_t offset, size_t* got) const {
  *got = 0;
  while (*got < size) {
    const ssize_t n = ::pread(fd_, dst + *got, size - *got, static_cast<off_t>(offset + *got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error("cannot read back");
    if (n == 0) break;
    *got += static_cast<size_t>(n);
  }
  return Status::OK();
}

SpillFile::Reader::Reader(const SpillFile* file, uint64_t begin, uint64_t end, size_t block_bytes)
    : file_(file),
      at_(begin),
      end_(end),
      block_bytes_(AlignUp(file->direct() ? std::max(block_bytes, kMinDirectBlock) : std::max<size_t>(block_bytes, 1))),
      block_(AllocateAligned(block_bytes_)) {}

SpillFile::Reader::Reader(Reader&&) noexcept = default;
SpillFile::Reader& SpillFile::Reader::operator=(Reader&&) noexcept = default;
SpillFile::Reader::~Reader() = default;

Result<size_t> SpillFile::Reader::Read(char* dst, size_t size) {
  if (at_ >= end_ || size == 0) return size_t{0};
  if (at_ < block_start_ || at_ >= block_start_ + block_size_) {
    // Direct reads start on the alignment and read whole aligned blocks
    // (the file is padded to one); others read what is asked for.
    const uint64_t start = file_->direct() ? at_ & ~uint64_t{kAlign - 1} : at_;
    const uint64_t want = std::min<uint64_t>(block_bytes_, AlignUp(static_cast<size_t>(end_ - start)));
    size_t got = 0;
    AF_RETURN_IF_ERROR(file_->ReadBlock(block_.get(), static_cast<size_t>(want), start, &got));
    block_start_ = start;
    block_size_ = got;
    if (at_ >= block_start_ + block_size_) {
      return Status::Corruption(file_->what_ + " ends before its bytes (a temporary file was cut short)");
    }
  }
  const size_t take = static_cast<size_t>(
      std::min<uint64_t>({size, block_start_ + block_size_ - at_, end_ - at_}));
  std::memcpy(dst, block_.get() + (at_ - block_start_), take);
  at_ += take;
  return take;
}

}  // namespace arxivflow::warehouse
