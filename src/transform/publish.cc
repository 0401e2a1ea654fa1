#include "transform/publish.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/process.h"

namespace arxivflow::transform {

namespace fs = std::filesystem;

namespace {

struct SplitPath {
  std::string parent;
  std::string name;
};

SplitPath Split(const std::string& target) {
  fs::path p = fs::path(target).lexically_normal();
  if (p.has_filename() == false) p = p.parent_path();
  SplitPath s;
  s.parent = p.parent_path().empty() ? "." : p.parent_path().string();
  s.name = p.filename().string();
  return s;
}

}  // namespace

Status SyncPath(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError(path + ": open for fsync: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::IOError(path + ": fsync: " + std::strerror(err));
  return Status::OK();
}

Result<std::string> PrepareStaging(const std::string& target) {
  const SplitPath sp = Split(target);
  if (sp.name.empty() || sp.name == "." || sp.name == "..") {
    return Status::InvalidArgument("output folder '" + target + "' has no usable name");
  }
  std::error_code ec;
  fs::create_directories(sp.parent, ec);
  if (ec) return Status::IOError(sp.parent + ": cannot create: " + ec.message());
  // Remove staging folders left by runs that were killed.
  const std::string prefix = "." + sp.name + ".tmp-";
  for (const auto& entry : fs::directory_iterator(sp.parent, ec)) {
    const std::string n = entry.path().filename().string();
    if (!n.starts_with(prefix)) continue;
    const std::string pid_text = n.substr(prefix.size());
    char* end = nullptr;
    const long pid = std::strtol(pid_text.c_str(), &end, 10);
    if (end == pid_text.c_str() || *end != '\0' || pid <= 0) continue;
    if (pid == ::getpid() || !ProcessIsGone(pid)) continue;
    fs::remove_all(entry.path(), ec);
  }
  const std::string staging = sp.parent + "/" + prefix + std::to_string(::getpid());
  fs::remove_all(staging, ec);
  if (!fs::create_directory(staging, ec) || ec) {
    return Status::IOError(staging + ": cannot create: " + ec.message());
  }
  return staging;
}

Status Publish(const std::string& staging, const std::string& target) {
  // Make every byte durable before the folder becomes visible.
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(staging, ec)) {
    AF_RETURN_IF_ERROR(SyncPath(entry.path().string()));
  }
  if (ec) return Status::IOError(staging + ": " + ec.message());
  AF_RETURN_IF_ERROR(SyncPath(staging));
  const SplitPath sp = Split(target);
  const std::string clean_target = sp.parent + "/" + sp.name;
  if (fs::exists(clean_target, ec)) {
    if (!fs::is_directory(clean_target, ec)) {
      return Status::InvalidArgument(target + ": exists and is not a folder");
    }
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, clean_target.c_str(),
                    RENAME_EXCHANGE) != 0) {
      return Status::IOError("cannot swap " + staging + " into " + target + ": " +
                             std::strerror(errno));
    }
    AF_RETURN_IF_ERROR(SyncPath(sp.parent));
    fs::remove_all(staging, ec);  // the previous output, now under the staging name
  } else {
    if (::rename(staging.c_str(), clean_target.c_str()) != 0) {
      return Status::IOError("cannot rename " + staging + " to " + target + ": " +
                             std::strerror(errno));
    }
  }
  return SyncPath(sp.parent);
}

void DiscardStaging(const std::string& staging) {
  std::error_code ec;
  fs::remove_all(staging, ec);
}

}  // namespace arxivflow::transform
