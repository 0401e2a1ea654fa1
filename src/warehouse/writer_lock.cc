#include "warehouse/writer_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/process.h"
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

namespace fs = std::filesystem;

constexpr auto kMaxYield = std::chrono::minutes(2);
constexpr const char* kWaitingMarker = ".lock.waiting-";

// This waiter's entry in the waiting room; removed on destruction.
class WaitingEntry {
 public:
  WaitingEntry(const std::string& db_path, int64_t work, const std::string& description) {
    static std::atomic<uint64_t> serial{0};
    path_ = db_path + kWaitingMarker + std::to_string(getpid()) + "-" + std::to_string(serial++);
    std::string line = description;
    std::replace_if(line.begin(), line.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }, ' ');
    std::ofstream out(path_, std::ios::trunc);
    out << work << ' ' << "pid " << getpid() << ": " << line << "\n";
    written_ = static_cast<bool>(out);
    work_ = work;
  }
  ~WaitingEntry() {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  WaitingEntry(const WaitingEntry&) = delete;
  WaitingEntry& operator=(const WaitingEntry&) = delete;

  // True when a live waiter has less work than this one (or as much, with a
  // smaller file name); *before = that waiter's line.
  bool ShouldGiveWay(std::string* before) const {
    if (!written_) return false;
    const fs::path self(path_);
    const std::string prefix = self.filename().string().substr(0, self.filename().string().find(kWaitingMarker)) +
                               kWaitingMarker;
    std::error_code ec;
    fs::directory_iterator it(self.parent_path().empty() ? fs::path(".") : self.parent_path(), ec);
    // increment(ec), not ++: a folder that changes or fails is no exception.
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const fs::directory_entry& entry = *it;
      const std::string name = entry.path().filename().string();
      if (name.compare(0, prefix.size(), prefix) != 0 || entry.path() == self) continue;
      long pid = 0;
      const char* digits = name.data() + prefix.size();
      std::from_chars(digits, name.data() + name.size(), pid);
      if (ProcessIsGone(pid)) {
        std::error_code ignored;
        fs::remove(entry.path(), ignored);
        continue;
      }
      std::ifstream in(entry.path());
      int64_t other = 0;
      if (!(in >> other)) continue;  // being written, or just removed
      if (other < work_ || (other == work_ && name < self.filename().string())) {
        char line[256] = {};  // the waiter's description, bounded
        in >> std::ws;
        in.getline(line, sizeof(line));
        *before = line;
        return true;
      }
    }
    return false;
  }

 private:
  std::string path_;
  int64_t work_ = 0;
  bool written_ = false;
};

}  // namespace

std::string WriterLock::LockPathFor(const std::string& db_path) { return db_path + ".lock"; }

Result<std::unique_ptr<WriterLock>> WriterLock::Acquire(const std::string& db_path, const std::string& description,
                                                        const LockWaitCallback& waiting, int64_t work) {
  const std::string path = LockPathFor(db_path);
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(path + ": cannot open the write lock: " + std::strerror(errno));
  WaitingEntry entry(db_path, work, description);
  const auto started = std::chrono::steady_clock::now();
  auto wait = std::chrono::milliseconds(5);
  auto last_report = std::chrono::steady_clock::time_point();
  while (true) {
    const auto now = std::chrono::steady_clock::now();
    std::string before;
    const bool give_way = now - started < kMaxYield && entry.ShouldGiveWay(&before);
    if (!give_way) {
      if (flock(fd, LOCK_EX | LOCK_NB) == 0) break;
      if (errno == EINTR) continue;
      if (errno != EWOULDBLOCK) {
        const int e = errno;
        close(fd);
        return Status::IOError(path + ": cannot take the write lock: " + std::strerror(e));
      }
    }
    if (waiting && now - last_report >= std::chrono::seconds(1)) {
      std::string holder = ReadHolder(fd);
      if (give_way) holder += "; queued behind the smaller " + (before.empty() ? "writer" : before);
      waiting("the write lock on " + db_path, holder);
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
