// The latest progress of a running task instance, as one shape whatever the
// command reports.
//
// The task runner gives each try a progress file beside its log
// (TaskProgressPath: ".../attempt=N.progress.json") and passes it to the
// commands it starts as ARXIVFLOW_TASK_PROGRESS_FILE (common/task_result.h).
// `arxivflow transform` writes its snapshot there (transform/progress.h:
// bytes, records, rates); `arxivflow warehouse load|index|publish` writes
// {"tables": {name: LoadProgress JSON}} (warehouse/progress.h). Readers (the
// server) call ReadTaskProgress, which returns SummariseTaskProgress of the
// file:
//
//   {"unit": "records"|"rows", "done": N, "total": N|null,
//    "percent": 0..100|null, "rate": per second, "eta_seconds": s|null,
//    "phase": "transforming"|"loading"|"indexing"|"publishing"|
//             "waiting_for_lock"|"done",
//    "waiting_for": "the write lock on ..." (only while waiting),
//    "holder": who holds it (only while waiting),
//    "detail": [{"table", "phase", "done", "total"}] (loads only)}
//
// Contract: pure functions, thread-safe. A missing, partial or malformed file
// (the task has not reported yet, a foreign writer) gives null, never an
// error: progress is advisory. The file is small (read up to 64 KiB).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "orchestrator/home.h"

namespace arxivflow::orchestrator {

// ".../logs/dag_id=D/run_id=R/task_id=T/attempt=N.progress.json".
std::string TaskProgressPath(const HomePaths& home, const std::string& dag_id, const std::string& run_id,
                             const std::string& task_id, int try_number);

// The summary above of a progress file's JSON; null when it is not one.
nlohmann::json SummariseTaskProgress(const nlohmann::json& raw);

// SummariseTaskProgress of the file at `path`; null when absent or unreadable.
nlohmann::json ReadTaskProgress(const std::string& path);

}  // namespace arxivflow::orchestrator
