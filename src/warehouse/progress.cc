#include "warehouse/progress.h"

#include <cmath>
#include <cstdio>

namespace arxivflow::warehouse {

namespace {

std::string Grouped(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::string Duration(double seconds) {
  const int64_t s = static_cast<int64_t>(std::llround(seconds));
  if (s < 60) return std::to_string(s) + "s";
  return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
}

}  // namespace

const char* LoadPhaseName(LoadPhase phase) {
  switch (phase) {
    case LoadPhase::kWaitingForLock: return "waiting_for_lock";
    case LoadPhase::kLoading: return "loading";
    case LoadPhase::kIndexing: return "indexing";
    case LoadPhase::kPublishing: return "publishing";
    case LoadPhase::kDone: return "done";
  }
  return "?";
}

nlohmann::json LoadProgress::ToJson() const {
  nlohmann::json j = {{"phase", LoadPhaseName(phase)}, {"table", table},       {"rows_done", rows_done},
                      {"rows_per_second", std::round(rows_per_second)}, {"seconds", std::round(seconds * 10) / 10}};
  j["rows_expected"] = rows_expected ? nlohmann::json(*rows_expected) : nlohmann::json();
  if (phase == LoadPhase::kWaitingForLock) {
    j["waiting_for"] = waiting_for;
    j["holder"] = holder;
  }
  return j;
}

std::string LoadProgress::ToString() const {
  switch (phase) {
    case LoadPhase::kWaitingForLock:
      return table + ": waiting for " + waiting_for + " held by " + holder + " (" + Duration(seconds) + " so far)";
    case LoadPhase::kIndexing:
      return table + ": " + Grouped(rows_done) + " rows in, building keys and indexes";
    case LoadPhase::kPublishing:
      return table + ": publishing";
    case LoadPhase::kDone:
      return table + ": " + Grouped(rows_done) + " rows in " + Duration(seconds);
    case LoadPhase::kLoading:
      break;
  }
  std::string line = table + ": " + Grouped(rows_done);
  if (rows_expected && *rows_expected > 0) {
    char pct[16];
    std::snprintf(pct, sizeof(pct), "%.0f%%", 100.0 * static_cast<double>(rows_done) / static_cast<double>(*rows_expected));
    line += " / " + Grouped(*rows_expected) + " rows (" + pct + ")";
  } else {
    line += " rows";
  }
  line += ", " + Grouped(static_cast<int64_t>(rows_per_second)) + " rows/s";
  if (rows_expected && rows_per_second > 0 && *rows_expected > rows_done) {
    line += ", ETA " + Duration(static_cast<double>(*rows_expected - rows_done) / rows_per_second);
  }
  return line;
}

ProgressMeter::ProgressMeter(ProgressCallback callback, std::string table, std::optional<int64_t> rows_expected)
    : callback_(std::move(callback)),
      start_(std::chrono::steady_clock::now()),
      phase_start_(start_),
      last_emit_(start_) {
  progress_.table = std::move(table);
  progress_.rows_expected = rows_expected;
}

void ProgressMeter::Phase(LoadPhase phase) {
  if (phase != progress_.phase || phase == LoadPhase::kLoading) {
    // Rates and durations are per phase; the row count carries over.
    if (phase != progress_.phase) phase_start_ = std::chrono::steady_clock::now();
    progress_.phase = phase;
  }
  Emit();
}

void ProgressMeter::Rows(int64_t rows_done) {
  progress_.rows_done = rows_done;
  if (std::chrono::steady_clock::now() - last_emit_ >= std::chrono::seconds(1)) Emit();
}

void ProgressMeter::Waiting(const std::string& waiting_for, const std::string& holder) {
  const bool changed = progress_.phase != LoadPhase::kWaitingForLock || holder != progress_.holder ||
                       waiting_for != progress_.waiting_for;
  if (progress_.phase != LoadPhase::kWaitingForLock) phase_start_ = std::chrono::steady_clock::now();
  progress_.phase = LoadPhase::kWaitingForLock;
  progress_.waiting_for = waiting_for;
  progress_.holder = holder;
  if (changed || std::chrono::steady_clock::now() - last_emit_ >= std::chrono::seconds(1)) Emit();
}

void ProgressMeter::Done(int64_t rows) {
  progress_.rows_done = rows;
  progress_.phase = LoadPhase::kDone;
  Emit();
}

void ProgressMeter::Emit() {
  const auto now = std::chrono::steady_clock::now();
  last_emit_ = now;
  progress_.seconds =
      std::chrono::duration<double>(now - (progress_.phase == LoadPhase::kDone ? start_ : phase_start_)).count();
  if (progress_.phase == LoadPhase::kLoading) {
    progress_.rows_per_second =
        progress_.seconds > 0 ? static_cast<double>(progress_.rows_done) / progress_.seconds : 0;
  }
  if (callback_) callback_(progress_);
}

}  // namespace arxivflow::warehouse
