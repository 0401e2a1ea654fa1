// Progress reporting for long runs.
//
// On a terminal (or with --progress always) a single status line on stderr
// is redrawn about 4 times a second: bytes done, percent, records/s, ETA.
// Otherwise (or when redirected) an info log line is written every 5 s.
// `never` prints nothing. Called from one thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace arxivflow::transform {

enum class ProgressMode { kAuto, kAlways, kNever };
bool ParseProgressMode(const std::string& text, ProgressMode* out);

class ProgressReporter {
 public:
  ProgressReporter(ProgressMode mode, uint64_t total_bytes);
  // How long the caller should sleep between Update() calls.
  std::chrono::milliseconds interval() const;
  void SetTotal(uint64_t total_bytes) { total_bytes_ = total_bytes; }
  void Update(uint64_t bytes_done, uint64_t records);
  void Finish(uint64_t bytes_done, uint64_t records);

 private:
  std::string Line(uint64_t bytes_done, uint64_t records) const;
  bool bar_ = false;
  bool log_ = false;
  uint64_t total_bytes_;
  std::chrono::steady_clock::time_point start_, last_log_;
};

}  // namespace arxivflow::transform
