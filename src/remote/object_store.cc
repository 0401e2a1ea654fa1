#include "remote/object_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "remote/s3_client.h"
#include "remote/s3_object_writer.h"
#include "remote/s3_uri.h"

namespace arxivflow::remote {
namespace fs = std::filesystem;

Status ValidateObjectPath(std::string_view path) {
  if (path.empty()) return Status::InvalidArgument("empty object path");
  if (path.front() == '/') return Status::InvalidArgument("object path '" + std::string(path) + "' must be relative");
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view seg = path.substr(start, slash - start);
    if (seg.empty() || seg == "." || seg == "..") {
      return Status::InvalidArgument("object path '" + std::string(path) + "' has an empty, '.' or '..' segment");
    }
    start = slash + 1;
  }
  if (path.find('\0') != std::string_view::npos) return Status::InvalidArgument("object path contains a NUL byte");
  return Status::OK();
}

std::string JoinObjectPath(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  if (out.back() != '/') out.push_back('/');
  out.append(b.front() == '/' ? b.substr(1) : b);
  return out;
}

namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// ---------------------------------------------------------------- local

class LocalObjectWriter : public ObjectWriter {
 public:
  LocalObjectWriter(std::string final_path, std::string temp_path, int fd)
      : final_(std::move(final_path)), temp_(std::move(temp_path)), fd_(fd) {}
  ~LocalObjectWriter() override { Abort(); }

  Status Append(std::string_view bytes) override {
    if (fd_ < 0) return Status::Aborted(final_ + ": write after commit or abort");
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        Status st = Status::IOError(temp_ + ": write failed: " + ErrnoText(errno));
        Abort();
        return st;
      }
      bytes.remove_prefix(static_cast<size_t>(n));
      written_ += static_cast<uint64_t>(n);
    }
    return Status::OK();
  }

  Status Commit() override {
    if (fd_ < 0) return Status::Aborted(final_ + ": commit after commit or abort");
    if (::fsync(fd_) != 0) {
      Status st = Status::IOError(temp_ + ": fsync failed: " + ErrnoText(errno));
      Abort();
      return st;
    }
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
      Status st = Status::IOError(temp_ + ": close failed: " + ErrnoText(errno));
      ::unlink(temp_.c_str());
      return st;
    }
    if (::rename(temp_.c_str(), final_.c_str()) != 0) {
      Status st = Status::IOError("rename " + temp_ + " -> " + final_ + " failed: " + ErrnoText(errno));
      ::unlink(temp_.c_str());
      return st;
    }
    committed_ = true;
    return Status::OK();
  }

  void Abort() override {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (!committed_ && !temp_.empty()) {
      ::unlink(temp_.c_str());
      temp_.clear();
    }
  }

  uint64_t BytesWritten() const override { return written_; }
  const std::string& uri() const override { return final_; }

 private:
  std::string final_, temp_;
  int fd_;
  uint64_t written_ = 0;
  bool committed_ = false;
};

class LocalObjectStore : public ObjectStore {
 public:
  explicit LocalObjectStore(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  }

  Result<std::vector<ObjectEntry>> List(std::string_view prefix) const override {
    std::vector<ObjectEntry> out;
    std::error_code ec;
    if (!fs::exists(root_, ec)) return out;
    for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string rel = fs::relative(it->path(), root_, ec).generic_string();
      if (ec) break;
      if (rel.find(".tmp-") != std::string::npos) continue;  // unpublished writers
      if (rel.compare(0, prefix.size(), prefix) != 0) continue;
      out.push_back({rel, static_cast<uint64_t>(it->file_size(ec))});
    }
    if (ec) return Status::IOError(root_ + ": listing failed: " + ec.message());
    std::sort(out.begin(), out.end(), [](const ObjectEntry& a, const ObjectEntry& b) { return a.path < b.path; });
    return out;
  }

  Result<uint64_t> Size(std::string_view path) const override {
    AF_RETURN_IF_ERROR(ValidateObjectPath(path));
    std::error_code ec;
    std::string full = Uri(path);
    auto size = fs::file_size(full, ec);
    if (ec) {
      if (ec == std::errc::no_such_file_or_directory) return Status::NotFound(full + ": no such file");
      return Status::IOError(full + ": " + ec.message());
    }
    return static_cast<uint64_t>(size);
  }

  Status ReadRange(std::string_view path, uint64_t offset, uint64_t length, std::string* out) const override {
    AF_RETURN_IF_ERROR(ValidateObjectPath(path));
    std::string full = Uri(path);
    int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound(full + ": no such file");
      return Status::IOError(full + ": open failed: " + ErrnoText(errno));
    }
    out->resize(length);
    uint64_t done = 0;
    Status st;
    while (done < length) {
      ssize_t n = ::pread(fd, out->data() + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        st = Status::IOError(full + ": read failed: " + ErrnoText(errno));
        break;
      }
      if (n == 0) {
        st = Status::IOError(full + ": short read: wanted " + std::to_string(length) + " bytes at offset " +
                             std::to_string(offset) + ", file ends after " + std::to_string(done));
        break;
      }
      done += static_cast<uint64_t>(n);
    }
    ::close(fd);
    return st;
  }

  Status Read(std::string_view path, const BodyCallback& on_data) const override {
    AF_RETURN_IF_ERROR(ValidateObjectPath(path));
    std::string full = Uri(path);
    int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Status::NotFound(full + ": no such file");
      return Status::IOError(full + ": open failed: " + ErrnoText(errno));
    }
    std::string buf(1 << 20, '\0');
    Status st;
    for (;;) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        st = Status::IOError(full + ": read failed: " + ErrnoText(errno));
        break;
      }
      if (n == 0) break;
      st = on_data(std::string_view(buf.data(), static_cast<size_t>(n)));
      if (!st.ok()) break;
    }
    ::close(fd);
    return st;
  }

  Result<std::unique_ptr<ObjectWriter>> OpenWriter(std::string_view path) const override {
    AF_RETURN_IF_ERROR(ValidateObjectPath(path));
    std::string full = Uri(path);
    std::error_code ec;
    fs::create_directories(fs::path(full).parent_path(), ec);
    if (ec) return Status::IOError(full + ": cannot create its folder: " + ec.message());
    static std::atomic<uint64_t> counter{0};
    std::string temp = full + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IOError(temp + ": create failed: " + ErrnoText(errno));
    return std::unique_ptr<ObjectWriter>(new LocalObjectWriter(full, temp, fd));
  }

  Status Delete(std::string_view path) const override {
    AF_RETURN_IF_ERROR(ValidateObjectPath(path));
    std::string full = Uri(path);
    if (::unlink(full.c_str()) != 0 && errno != ENOENT) {
      return Status::IOError(full + ": delete failed: " + ErrnoText(errno));
    }
    return Status::OK();
  }

  std::string Uri(std::string_view path) const override { return JoinObjectPath(root_, path); }

 private:
  std::string root_;
};

// ---------------------------------------------------------------- S3

class S3ObjectStore : public ObjectStore {
 public:
  S3ObjectStore(std::shared_ptr<const S3Client> client, std::string bucket, std::string prefix, uint64_t part_size)
      : client_(std::move(client)), bucket_(std::move(bucket)), prefix_(std::move(prefix)), part_size_(part_size) {
    while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  }

  Result<std::vector<ObjectEntry>> List(std::string_view prefix) const override {
    std::string key_prefix = prefix_.empty() ? std::string(prefix) : prefix_ + "/" + std::string(prefix);
    AF_ASSIGN_OR_RETURN(auto objects, client_->ListAll(bucket_, key_prefix));
    std::vector<ObjectEntry> out;
    size_t strip = prefix_.empty() ? 0 : prefix_.size() + 1;
    for (const auto& o : objects) {
      if (o.key.size() <= strip || o.key.back() == '/') continue;  // folder markers
      out.push_back({o.key.substr(strip), o.size});
    }
    std::sort(out.begin(), out.end(), [](const ObjectEntry& a, const ObjectEntry& b) { return a.path < b.path; });
    return out;
  }

  Result<uint64_t> Size(std::string_view path) const override {
    AF_RETURN_IF_ERROR(ValidateObjectPath(path));
    AF_ASSIGN_OR_RETURN(S3ObjectInfo info, client_->HeadObject(bucket_, Key(path)));
    return info.size;
  }

  Status ReadRange(std::string_view path, uint64_t offset, uint64_t length, std::string* out) const override {
    AF_RETURN_IF_ERROR(ValidateObjectPath(path));
    out->clear();
    out->reserve(length);
    return client_->GetObject(bucket_, Key(path), ByteRange{offset, length}, [&](std::string_view chunk) {
      if (out->size() + chunk.size() > length) return Status::IOError(Uri(path) + ": server sent more than the range");
      out->append(chunk);
      return Status::OK();
    });
  }

  Status Read(std::string_view path, const BodyCallback& on_data) const override {
    AF_RETURN_IF_ERROR(ValidateObjectPath(path));
    return client_->GetObject(bucket_, Key(path), std::nullopt, on_data);
  }

  Result<std::unique_ptr<ObjectWriter>> OpenWriter(std::string_view path) const override {
    AF_RETURN_IF_ERROR(ValidateObjectPath(path));
    return std::unique_ptr<ObjectWriter>(new S3ObjectWriter(client_, bucket_, Key(path), part_size_));
  }

  Status Delete(std::string_view path) const override {
    AF_RETURN_IF_ERROR(ValidateObjectPath(path));
    return client_->DeleteObject(bucket_, Key(path));
  }

  std::string Uri(std::string_view path) const override { return "s3://" + bucket_ + "/" + Key(path); }

 private:
  std::string Key(std::string_view path) const { return JoinObjectPath(prefix_, path); }

  std::shared_ptr<const S3Client> client_;
  std::string bucket_, prefix_;
  uint64_t part_size_;
};

}  // namespace

std::unique_ptr<ObjectStore> MakeLocalObjectStore(std::string root) {
  return std::make_unique<LocalObjectStore>(std::move(root));
}

std::unique_ptr<ObjectStore> MakeS3ObjectStore(std::shared_ptr<const S3Client> client, std::string bucket,
                                               std::string prefix, uint64_t part_size) {
  return std::make_unique<S3ObjectStore>(std::move(client), std::move(bucket), std::move(prefix), part_size);
}

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(std::string_view location) {
  if (!IsS3Uri(location)) return MakeLocalObjectStore(std::string(location));
  AF_ASSIGN_OR_RETURN(S3Uri uri, ParseS3Uri(location));
  AF_ASSIGN_OR_RETURN(S3ClientOptions options, S3ClientOptionsFromEnvironment());
  auto client = std::make_shared<const S3Client>(std::move(options));
  return MakeS3ObjectStore(std::move(client), uri.bucket, uri.key);
}

}  // namespace arxivflow::remote
