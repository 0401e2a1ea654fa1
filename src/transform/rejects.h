// RejectLog: `_rejects.jsonl`, one JSON object per rejected record:
//   {"file":..., "line":N, "offset":B, "reason":..., "raw":..., "truncated":bool}
// `raw` is the record text capped at 64 KiB (cut on a UTF-8 boundary);
// when the text is not valid UTF-8 it is given as `raw_base64` instead, so
// the log itself is always valid JSON and loses nothing of what it keeps.
//
// Thread-safe (one mutex; rejects are rare). Close() flushes and fsyncs.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"

namespace arxivflow::transform {

inline constexpr size_t kRejectRawCap = 64 * 1024;

class RejectLog {
 public:
  static Result<std::unique_ptr<RejectLog>> Open(const std::string& path);
  ~RejectLog();
  Status Add(std::string_view file, uint64_t line, uint64_t offset, std::string_view reason,
             std::string_view raw, bool already_truncated = false);
  Status Close();

 private:
  RejectLog() = default;
  std::mutex mu_;
  std::FILE* f_ = nullptr;
  std::string path_;
  std::string line_;
};

// Appends `s` as a JSON string literal (quotes included) to *out. `s` must be
// valid UTF-8.
void AppendJsonString(std::string_view s, std::string* out);
std::string Base64(std::string_view bytes);

}  // namespace arxivflow::transform
