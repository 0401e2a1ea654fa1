#include "transform/object_publish.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "common/logging.h"
#include "common/random.h"
#include "schema/star_schema.h"

namespace arxivflow::transform {

std::string NewRunId() {
  const std::time_t t = std::time(nullptr);
  std::tm tm;
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
  return std::string(stamp) + "-" + RandomHex(4);
}

Status UploadFile(const remote::ObjectStore& store, const std::string& local, const std::string& path) {
  const int fd = ::open(local.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(local + ": cannot open: " + std::strerror(errno));
  AF_ASSIGN_OR_RETURN(auto writer, store.OpenWriter(path));
  std::string buf(1 << 20, '\0');
  Status st;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = Status::IOError(local + ": read failed: " + std::strerror(errno));
      break;
    }
    if (n == 0) break;
    st = writer->Append(std::string_view(buf.data(), static_cast<size_t>(n)));
    if (!st.ok()) break;
  }
  ::close(fd);
  if (!st.ok()) {
    writer->Abort();
    return st;
  }
  return writer->Commit();
}

Status PutText(const remote::ObjectStore& store, const std::string& path, const std::string& text) {
  AF_ASSIGN_OR_RETURN(auto writer, store.OpenWriter(path));
  Status st = writer->Append(text);
  if (!st.ok()) {
    writer->Abort();
    return st;
  }
  return writer->Commit();
}

bool IsRunObject(const std::string& path) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (path.rfind("_rejects", 0) == 0 && ends_with(".jsonl") && path.find('/') == std::string::npos) return true;
  const size_t slash = path.find('/');
  if (slash == std::string::npos || path.find('/', slash + 1) != std::string::npos) return false;
  if (schema::FindTable(path.substr(0, slash)) == nullptr) return false;
  return path.compare(slash + 1, 5, "part-") == 0 && ends_with(".parquet");
}

Status RemoveUnlisted(const remote::ObjectStore& store, const std::set<std::string>& keep, size_t* removed) {
  *removed = 0;
  AF_ASSIGN_OR_RETURN(auto entries, store.List(""));
  Status first;
  for (const auto& e : entries) {
    if (!IsRunObject(e.path) || keep.count(e.path)) continue;
    Status st = store.Delete(e.path);
    if (st.ok()) {
      ++*removed;
    } else if (first.ok()) {
      first = st;
    }
  }
  return first;
}

void DiscardRun(const remote::ObjectStore& store, const std::string& run_id) {
  auto entries = store.List("");
  if (!entries.ok()) {
    spdlog::warn("could not list {} to remove the failed run's objects: {}", store.Uri(""),
                 entries.status().message());
    return;
  }
  for (const auto& e : *entries) {
    if (e.path.find(run_id) == std::string::npos || !IsRunObject(e.path)) continue;
    Status st = store.Delete(e.path);
    if (!st.ok()) spdlog::warn("could not remove {}: {}", store.Uri(e.path), st.message());
  }
}

}  // namespace arxivflow::transform
