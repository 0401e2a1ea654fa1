#include "transform/progress.h"

#include <unistd.h>

#include <cstdio>

#include "common/logging.h"

namespace arxivflow::transform {

bool ParseProgressMode(const std::string& text, ProgressMode* out) {
  if (text == "auto") *out = ProgressMode::kAuto;
  else if (text == "always") *out = ProgressMode::kAlways;
  else if (text == "never") *out = ProgressMode::kNever;
  else return false;
  return true;
}

ProgressReporter::ProgressReporter(ProgressMode mode, uint64_t total_bytes)
    : total_bytes_(total_bytes), start_(std::chrono::steady_clock::now()), last_log_(start_) {
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  bar_ = mode == ProgressMode::kAlways || (mode == ProgressMode::kAuto && tty);
  log_ = mode == ProgressMode::kAuto && !tty;
}

std::chrono::milliseconds ProgressReporter::interval() const {
  return std::chrono::milliseconds(250);
}

std::string ProgressReporter::Line(uint64_t bytes, uint64_t records) const {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double mb = bytes / 1e6;
  const double pct = total_bytes_ > 0 ? 100.0 * bytes / total_bytes_ : 0.0;
  const double rate = secs > 0 ? records / secs : 0;
  const double mbps = secs > 0 ? mb / secs : 0;
  char eta[32] = "--";
  if (bytes > 0 && total_bytes_ > bytes && secs > 0.5) {
    const double left = secs * (total_bytes_ - bytes) / bytes;
    std::snprintf(eta, sizeof(eta), "%dm%02ds", static_cast<int>(left) / 60,
                  static_cast<int>(left) % 60);
  }
  char buf[200];
  std::snprintf(buf, sizeof(buf), "%.1f/%.1f MB (%.1f%%)  %.0f records/s  %.1f MB/s  ETA %s", mb,
                total_bytes_ / 1e6, pct, rate, mbps, eta);
  return buf;
}

void ProgressReporter::Update(uint64_t bytes, uint64_t records) {
  if (bar_) {
    const int width = 24;
    const int filled = total_bytes_ > 0 ? static_cast<int>(width * bytes / total_bytes_) : 0;
    std::string bar(static_cast<size_t>(std::min(filled, width)), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r[%s] %s\x1b[K", bar.c_str(), Line(bytes, records).c_str());
    std::fflush(stderr);
  } else if (log_) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_log_ >= std::chrono::seconds(5)) {
      last_log_ = now;
      spdlog::info("transform: {}", Line(bytes, records));
    }
  }
}

void ProgressReporter::Finish(uint64_t bytes, uint64_t records) {
  if (bar_) {
    Update(bytes, records);
    std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }
}

}  // namespace arxivflow::transform
