// Reading task logs for the API: a chunk of one try's log from an offset.
//
// Contract: ReadTaskLog reads at most `max_bytes` from `offset` of
// <home>/logs/dag_id=.../attempt=N.log without following the writer; a chunk
// that stops inside the file never ends inside a UTF-8 sequence. Ids that
// could leave the log folder ("..", "/") are kInvalidArgument; a missing file
// is an empty chunk with exists=false. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "orchestrator/home.h"
#include "server/backend.h"

namespace arxivflow::server {

Result<LogChunk> ReadTaskLog(const orchestrator::HomePaths& home, const std::string& dag_id,
                             const std::string& run_id, const std::string& task_id, int try_number, int64_t offset,
                             int64_t max_bytes);

// How much of a log one API read returns: by default, and at most.
inline constexpr int64_t kDefaultLogChunk = 256 * 1024;
inline constexpr int64_t kMaxLogChunk = 16 * 1024 * 1024;

// Whether try `try_number` of `ti` is over, so its log will not grow: a later
// try exists, or nothing is running the task instance.
bool TryFinished(const TaskInstanceInfo& ti, int try_number);

// The length of `text` without a trailing incomplete UTF-8 sequence.
size_t Utf8SafeLength(const std::string& text);

}  // namespace arxivflow::server
