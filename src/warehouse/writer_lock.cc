#include "warehouse/writer_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "warehouse/value_format.h"

namespace arxivflow::warehouse {

namespace {

// The holder's line, or a placeholder while it is being (re)written.
std::string ReadHolder(int fd) {
  char buf[512];
  ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
  if (n <= 0) return "another arxivflow process";
  std::string line(buf, static_cast<size_t>(n));
  while (!line.empty() && (line.back() == '\n' || line.back() == '\0')) line.pop_back();
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return line.empty() ? "another arxivflow process" : line;
}

}  // namespace

std::string WriterLock::LockPathFor(const std::string& db_path) { return db_path + ".lock"; }

Result<std::unique_ptr<WriterLock>> WriterLock::Acquire(const std::string& db_path, const std::string& description,
                                                        const LockWaitCallback& waiting) {
  const std::string path = LockPathFor(db_path);
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(path + ": cannot open the write lock: " + std::strerror(errno));
  auto wait = std::chrono::milliseconds(5);
  auto last_report = std::chrono::steady_clock::time_point();
  while (true) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) break;
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) {
      const int e = errno;
      close(fd);
      return Status::IOError(path + ": cannot take the write lock: " + std::strerror(e));
    }
    const auto now = std::chrono::steady_clock::now();
    if (waiting && now - last_report >= std::chrono::seconds(1)) {
      waiting("the write lock on " + db_path, ReadHolder(fd));
      last_report = now;
    }
    // Polling keeps the holder's line fresh in the reports; 100 ms at most
    // adds little to loads that take seconds.
    std::this_thread::sleep_for(wait);
    wait = std::min(wait * 2, std::chrono::milliseconds(100));
  }
  const std::string line = "pid " + std::to_string(getpid()) + ": " + description + ", since " + FormatUtcNow() + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, line.data(), line.size(), 0) != static_cast<ssize_t>(line.size())) {
    // The description is informative only; the lock itself is held.
  }
  return std::unique_ptr<WriterLock>(new WriterLock(fd));
}

WriterLock::~WriterLock() {
  if (fd_ >= 0) {
    if (ftruncate(fd_, 0) != 0) {
      // Informative only.
    }
    flock(fd_, LOCK_UN);
    close(fd_);
  }
}

}  // namespace arxivflow::warehouse
