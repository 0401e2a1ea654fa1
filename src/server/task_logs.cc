#include "server/task_logs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace arxivflow::server {

namespace {

bool SafeIdForPath(const std::string& id) {
  return !id.empty() && id != "." && id != ".." && id.find('/') == std::string::npos &&
         id.find('\0') == std::string::npos;
}

}  // namespace

size_t Utf8SafeLength(const std::string& text) {
  size_t n = text.size();
  size_t i = n;
  int back = 0;
  while (i > 0 && back < 4) {
    unsigned char c = static_cast<unsigned char>(text[i - 1]);
    if ((c & 0xC0) != 0x80) {  // a lead byte (or ASCII)
      size_t need = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
      return (n - (i - 1) >= need) ? n : i - 1;
    }
    --i;
    ++back;
  }
  return n;
}

Result<LogChunk> ReadTaskLog(const orchestrator::HomePaths& home, const std::string& dag_id,
                             const std::string& run_id, const std::string& task_id, int try_number, int64_t offset,
                             int64_t max_bytes) {
  LogChunk chunk;
  chunk.offset = offset;
  chunk.next_offset = offset;
  if (!SafeIdForPath(dag_id) || !SafeIdForPath(task_id) || run_id.empty() || run_id == "." || run_id == "..") {
    return Status::InvalidArgument("invalid id in log path");
  }
  std::string path = home.TaskLog(dag_id, run_id, task_id, try_number);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return chunk;
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  chunk.exists = true;
  struct stat sb;
  if (fstat(fd, &sb) != 0) {
    close(fd);
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  int64_t size = sb.st_size;
  if (offset >= size) {
    close(fd);
    return chunk;
  }
  int64_t want = std::min<int64_t>(max_bytes, size - offset);
  std::string buf(static_cast<size_t>(want), '\0');
  ssize_t n = pread(fd, buf.data(), buf.size(), offset);
  close(fd);
  if (n < 0) return Status::IOError(path + ": " + std::strerror(errno));
  buf.resize(static_cast<size_t>(n));
  if (offset + n < size || n == max_bytes) buf.resize(Utf8SafeLength(buf));
  chunk.content = std::move(buf);
  chunk.next_offset = offset + static_cast<int64_t>(chunk.content.size());
  return chunk;
}

bool TryFinished(const TaskInstanceInfo& ti, int try_number) {
  if (try_number < ti.try_number) return true;
  return orchestrator::IsFinished(ti.state) || ti.state == TiState::kUpForRetry || ti.state == TiState::kRemoved;
}

}  // namespace arxivflow::server
