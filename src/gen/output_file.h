// OutputFile: a write-only byte sink on a path, or on stdout for "-".
//
// Contract: Open() truncates/creates the file (mode 0644). Write() writes all
// bytes (retrying short writes and EINTR) or returns IOError naming the path.
// Close() flushes and reports close errors; the destructor closes silently if
// Close() was not called. Stdout is never closed. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace arxivflow::gen {

class OutputFile {
 public:
  static Result<std::unique_ptr<OutputFile>> Open(const std::string& path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  Status Write(std::string_view bytes);
  Status Close();
  const std::string& path() const { return path_; }
  uint64_t bytes_written() const { return bytes_; }

 private:
  OutputFile(std::string path, int fd, bool owned) : path_(std::move(path)), fd_(fd), owned_(owned) {}
  std::string path_;
  int fd_;
  bool owned_;
  uint64_t bytes_ = 0;
};

}  // namespace arxivflow::gen
