#include "cli/secret_input.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace arxivflow::cli {

Result<std::string> ReadSecretInput(const std::string& source, const std::string& what) {
  bool from_stdin = source == "-";
  int fd = from_stdin ? 0 : open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(what + ": cannot open " + source + ": " + std::strerror(errno));
  std::string text;
  char buf[8192];
  Status status;
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = Status::IOError(what + ": cannot read " + (from_stdin ? std::string("stdin") : source) + ": " +
                               std::strerror(errno));
      break;
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxSecretInputBytes) {
      status = Status::InvalidArgument(what + ": more than " + std::to_string(kMaxSecretInputBytes) + " bytes");
      break;
    }
  }
  if (!from_stdin) close(fd);
  if (!status.ok()) return status;
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

}  // namespace arxivflow::cli
