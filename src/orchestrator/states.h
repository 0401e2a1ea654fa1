// Task-instance and DAG-run states (Airflow's), and the one mapping between
// them and text.
//
// Contract: every module holds states as these enums; text appears only at the
// edges, through StateName()/Parse*State() here. TiState::kNone ("no state
// yet") is written "none" by the CLI, NULL in the metadata DB and null in the
// REST API; those two conversions live with the store (metadata_store.cc) and
// the API's JSON codec (server/json_codec.cc) and go through these functions.
// All pure and thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace arxivflow::orchestrator {

enum class TiState {
  kNone,  // created, not yet considered by the scheduler (or cleared)
  kScheduled,
  kQueued,
  kRunning,
  kSuccess,
  kFailed,
  kUpForRetry,
  kUpstreamFailed,
  kSkipped,
  kRemoved,
};

enum class DagRunState { kQueued, kRunning, kSuccess, kFailed };

// "none", "scheduled", "queued", "running", "success", "failed",
// "up_for_retry", "upstream_failed", "skipped", "removed".
const char* StateName(TiState state);
// "queued", "running", "success", "failed".
const char* StateName(DagRunState state);

// The inverse of StateName; nullopt for any other text.
std::optional<TiState> ParseTiState(std::string_view text);
std::optional<DagRunState> ParseDagRunState(std::string_view text);

// Nothing will run it again unless it is cleared: success, failed, skipped,
// upstream_failed.
bool IsFinished(TiState state);
// failed or upstream_failed.
bool IsFailure(TiState state);
// A process owns it (or is about to): queued or running.
bool IsExecuting(TiState state);
// success or failed.
bool IsFinished(DagRunState state);

}  // namespace arxivflow::orchestrator
