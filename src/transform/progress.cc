#include "transform/progress.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/logging.h"

namespace arxivflow::transform {

double TransformProgress::fraction() const {
  if (bytes_total == 0) return 0;
  return std::min(1.0, static_cast<double>(bytes_done) / static_cast<double>(bytes_total));
}

double TransformProgress::bytes_per_second() const {
  return elapsed_seconds > 0 ? static_cast<double>(bytes_done) / elapsed_seconds : 0;
}

double TransformProgress::records_per_second() const {
  return elapsed_seconds > 0 ? static_cast<double>(records_done) / elapsed_seconds : 0;
}

std::optional<double> TransformProgress::eta_seconds() const {
  if (finished || bytes_total == 0 || bytes_done == 0 || elapsed_seconds < 0.5) return std::nullopt;
  if (bytes_done >= bytes_total) return 0.0;
  return elapsed_seconds * static_cast<double>(bytes_total - bytes_done) / static_cast<double>(bytes_done);
}

nlohmann::json TransformProgress::ToJson() const {
  const std::optional<double> eta = eta_seconds();
  return {{"bytes_done", bytes_done},
          {"bytes_total", bytes_total},
          {"percent", 100.0 * fraction()},
          {"records_done", records_done},
          {"records_rejected", records_rejected},
          {"records_per_second", records_per_second()},
          {"bytes_per_second", bytes_per_second()},
          {"elapsed_seconds", elapsed_seconds},
          {"eta_seconds", eta ? nlohmann::json(*eta) : nlohmann::json(nullptr)},
          {"finished", finished}};
}

Status WriteProgressFile(const std::string& path, const TransformProgress& progress) {
  const std::string text = progress.ToJson().dump() + "\n";
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(tmp + ": " + std::strerror(errno));
  const ssize_t n = ::write(fd, text.data(), text.size());
  const int write_errno = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    ::unlink(tmp.c_str());
    return Status::IOError(tmp + ": write failed: " + std::strerror(n < 0 ? write_errno : ENOSPC));
  }
  // No fsync: a snapshot lost in a crash is replaced by the next one.
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return Status::IOError(path + ": " + std::strerror(e));
  }
  return Status::OK();
}

bool ParseProgressMode(const std::string& text, ProgressMode* out) {
  if (text == "auto") *out = ProgressMode::kAuto;
  else if (text == "always") *out = ProgressMode::kAlways;
  else if (text == "never") *out = ProgressMode::kNever;
  else return false;
  return true;
}

ProgressReporter::ProgressReporter(ProgressMode mode) : last_log_(std::chrono::steady_clock::now()) {
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  bar_ = mode == ProgressMode::kAlways || (mode == ProgressMode::kAuto && tty);
  log_ = mode == ProgressMode::kAuto && !tty;
}

std::chrono::milliseconds ProgressReporter::interval() const {
  return std::chrono::milliseconds(250);
}

std::string ProgressReporter::Line(const TransformProgress& p) {
  char eta[32] = "--";
  if (const std::optional<double> left = p.eta_seconds()) {
    std::snprintf(eta, sizeof(eta), "%dm%02ds", static_cast<int>(*left) / 60,
                  static_cast<int>(*left) % 60);
  }
  char buf[200];
  std::snprintf(buf, sizeof(buf), "%.1f/%.1f MB (%.1f%%)  %.0f records/s  %.1f MB/s  ETA %s",
                p.bytes_done / 1e6, p.bytes_total / 1e6, 100.0 * p.fraction(), p.records_per_second(),
                p.bytes_per_second() / 1e6, eta);
  return buf;
}

void ProgressReporter::Update(const TransformProgress& p) {
  if (bar_) {
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(kWidth * p.fraction());
    std::string bar(static_cast<size_t>(std::min(filled, kWidth)), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r[%s] %s\x1b[K", bar.c_str(), Line(p).c_str());
    std::fflush(stderr);
  } else if (log_) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_log_ >= std::chrono::seconds(5)) {
      last_log_ = now;
      spdlog::info("transform: {}", Line(p));
    }
  }
}

void ProgressReporter::Finish(const TransformProgress& p) {
  if (bar_) {
    Update(p);
    std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }
}

}  // namespace arxivflow::transform
