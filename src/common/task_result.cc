#include "common/task_result.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace arxivflow {

namespace {

Status WriteJsonFileAtomically(const char* env, const nlohmann::json& result) {
  const char* path = std::getenv(env);
  if (!path || !*path) return Status::OK();
  std::string target(path);
  std::string tmp = target + ".tmp" + std::to_string(getpid());
  std::string text = result.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);  // private, like the task's log
  if (fd < 0) return Status::IOError(tmp + ": cannot write the task result: " + std::strerror(errno));
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      close(fd);
      unlink(tmp.c_str());
      return Status::IOError(tmp + ": cannot write the task result: " + std::strerror(e));
    }
    off += static_cast<size_t>(n);
  }
  close(fd);
  if (rename(tmp.c_str(), target.c_str()) != 0) {
    int e = errno;
    unlink(tmp.c_str());
    return Status::IOError(target + ": cannot write the task result: " + std::strerror(e));
  }
  return Status::OK();
}

}  // namespace

Status WriteTaskResult(const nlohmann::json& result) { return WriteJsonFileAtomically(kTaskResultFileEnv, result); }

Status WriteTaskProgress(const nlohmann::json& progress) {
  return WriteJsonFileAtomically(kTaskProgressFileEnv, progress);
}

std::string MaskUriCredentials(const std::string& uri) {
  std::string out = uri;
  auto scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  size_t authority = scheme + 3;
  size_t end = out.find_first_of("/?#", authority);
  size_t at = out.rfind('@', end == std::string::npos ? std::string::npos : end);
  if (at != std::string::npos && at >= authority) {
    size_t colon = out.find(':', authority);
    if (colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // Query parameters that carry credentials (e.g. ?password=..., ?secret_key=...).
  size_t q = out.find('?');
  while (q != std::string::npos) {
    size_t key_start = q + 1;
    size_t eq = out.find('=', key_start);
    size_t amp = out.find('&', key_start);
    if (eq == std::string::npos || (amp != std::string::npos && amp < eq)) {
      q = amp;
      continue;
    }
    std::string key = out.substr(key_start, eq - key_start);
    std::transform(key.begin(), key.end(), key.begin(), ::tolower);
    size_t value_end = amp == std::string::npos ? out.size() : amp;
    bool secret = false;
    for (const char* word : {"password", "passwd", "secret", "token", "key", "credential", "auth"}) {
      secret = secret || key.find(word) != std::string::npos;
    }
    if (secret && value_end > eq + 1) {
      out.replace(eq + 1, value_end - eq - 1, "***");
      value_end = eq + 4;
    }
    q = value_end < out.size() ? value_end : std::string::npos;
  }
  return out;
}

}  // namespace arxivflow
