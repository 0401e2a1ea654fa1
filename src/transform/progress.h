// Progress of a running transform: one snapshot type, and the consumers the
// transform feeds it to.
//
// The engine takes a TransformProgress snapshot about every 25 ms on its
// monitoring thread and hands it to:
// - the terminal reporter (ProgressReporter): on a terminal (or with
//   --progress always) one status line on stderr redrawn about 4 times a
//   second (bytes, percent, records/s, MB/s, ETA); otherwise (or when
//   redirected) an info log line every 5 s; `never` prints nothing;
// - TransformOptions::progress_callback, at most once per
//   progress_interval and once more at the end with `finished` set: the hook
//   for a caller that shows progress elsewhere (a UI, a metric);
// - TransformOptions::progress_file: the snapshot as JSON (ToJson()),
//   rewritten atomically (temporary file + rename) at the same pace, for a
//   process that runs `arxivflow transform --progress-file PATH` and polls it.
//
// Contract: snapshots are plain values; callbacks are called from one thread,
// never concurrently, and must return quickly (they delay the next
// snapshot, not the workers). Reporters are not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace arxivflow::transform {

struct TransformProgress {
  // Snapshot bytes done: the input consumed up to the furthest block the
  // workers have finished, counted as stored (compressed bytes for a
  // .gz/.zst input) and within this shard's byte range when sharded.
  uint64_t bytes_done = 0;
  uint64_t bytes_total = 0;  // the snapshot's size (or the shard's range); 0 = unknown
  // Records processed by the workers (accepted + rejected, NIPS rows
  // included), so far.
  uint64_t records_done = 0;
  uint64_t records_rejected = 0;
  double elapsed_seconds = 0;
  bool finished = false;  // the last snapshot of the run (success or not)

  // bytes_done / bytes_total in [0, 1]; 0 when the total is unknown.
  double fraction() const;
  double bytes_per_second() const;
  double records_per_second() const;
  // Time left at the average byte rate so far; none before half a second
  // of data, when the total is unknown, or once finished.
  std::optional<double> eta_seconds() const;
  // {"bytes_done", "bytes_total", "percent", "records_done",
  //  "records_rejected", "records_per_second", "bytes_per_second",
  //  "elapsed_seconds", "eta_seconds" (null when unknown), "finished"}
  nlohmann::json ToJson() const;
};

using ProgressCallback = std::function<void(const TransformProgress&)>;

// Writes progress.ToJson() to `path` atomically (a reader sees the previous
// snapshot or this one, whole).
Status WriteProgressFile(const std::string& path, const TransformProgress& progress);

enum class ProgressMode { kAuto, kAlways, kNever };
bool ParseProgressMode(const std::string& text, ProgressMode* out);

// The terminal bar / periodic log line.
class ProgressReporter {
 public:
  explicit ProgressReporter(ProgressMode mode);
  // How often Update() wants to be called.
  std::chrono::milliseconds interval() const;
  void Update(const TransformProgress& p);
  void Finish(const TransformProgress& p);

 private:
  static std::string Line(const TransformProgress& p);
  bool bar_ = false;
  bool log_ = false;
  std::chrono::steady_clock::time_point last_log_;
};

}  // namespace arxivflow::transform
