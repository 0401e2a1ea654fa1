// Progress of a warehouse load, reported to whoever runs it (the CLI logs it;
// the orchestrator can show it on the task).
//
// Contract: a ProgressCallback receives LoadProgress snapshots: at every phase
// change and at most about once a second while rows stream. It is called on the
// thread doing the work (one thread per table load), must return quickly and
// must not throw; callers that share one callback between tables serialise it
// themselves. Snapshots carry counts, names and a lock holder's description,
// never secrets.
//
// ProgressMeter does the bookkeeping for one table (or the search index, or a
// publish): rate-limits Rows(), computes the rate and forwards to the callback.
// Not thread-safe; one meter per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace arxivflow::warehouse {

enum class LoadPhase {
  kWaitingForLock,  // another writer holds the warehouse's write lock
  kLoading,         // rows streaming into the staging table
  kIndexing,        // keys and indexes being built after the rows
  kPublishing,      // the staged set being swapped in
  kDone,
};
const char* LoadPhaseName(LoadPhase phase);  // "waiting_for_lock", "loading", ...

struct LoadProgress {
  LoadPhase phase = LoadPhase::kLoading;
  std::string table;                    // "papers", ..., "search index", or "publish"
  int64_t rows_done = 0;
  std::optional<int64_t> rows_expected;  // from the manifest, when known
  double rows_per_second = 0;           // since the phase began
  double seconds = 0;                   // in this phase so far (kDone: in all)
  // kWaitingForLock: what is waited for ("the write lock on /data/w.db") and
  // who holds it ("pid 4242: staging authors for run manual__2026-01-01", or
  // "another connection" when the holder is not an arxivflow load).
  std::string waiting_for;
  std::string holder;

  // {"phase": "loading", "table": "authors", "rows_done": ..., ...}
  nlohmann::json ToJson() const;
  // "authors: 12,400,000 / 20,457,123 rows (61%), 850,000 rows/s, ETA 9s"
  std::string ToString() const;
};

using ProgressCallback = std::function<void(const LoadProgress&)>;

class ProgressMeter {
 public:
  ProgressMeter(ProgressCallback callback, std::string table, std::optional<int64_t> rows_expected);

  // Enters a phase (reported at once).
  void Phase(LoadPhase phase);
  // Rows done so far in kLoading (reported at most once a second).
  void Rows(int64_t rows_done);
  // kWaitingForLock with the holder's description (reported when it changes,
  // and at most once a second otherwise).
  void Waiting(const std::string& waiting_for, const std::string& holder);
  void Done(int64_t rows);

 private:
  void Emit();
  ProgressCallback callback_;
  LoadProgress progress_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point phase_start_;
  std::chrono::steady_clock::time_point last_emit_;
};

}  // namespace arxivflow::warehouse
