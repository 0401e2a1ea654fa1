// A small JSON result of a CLI command run as an orchestrator task (rows
// loaded, check outcomes), handed to the task runner through a file.
//
// Contract: the task runner sets ARXIVFLOW_TASK_RESULT_FILE=<path> for the
// commands it starts; WriteTaskResult writes `result` there atomically
// (temporary file + rename), replacing an earlier result of the same process.
// Without the variable it does nothing and returns OK. Callers pass counts,
// names and outcomes only, never secrets: a location that may carry
// credentials goes through MaskUriCredentials first. Thread-compatible.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace arxivflow {

inline constexpr const char* kTaskResultFileEnv = "ARXIVFLOW_TASK_RESULT_FILE";

Status WriteTaskResult(const nlohmann::json& result);

// The same for a running command's latest progress (rows done, rate, what it
// waits for), at ARXIVFLOW_TASK_PROGRESS_FILE=<path> when set: a reader sees
// the previous snapshot or the next one, never half of one.
inline constexpr const char* kTaskProgressFileEnv = "ARXIVFLOW_TASK_PROGRESS_FILE";

Status WriteTaskProgress(const nlohmann::json& progress);

// "scheme://user:secret@host/x?password=p" -> "scheme://user:***@host/x?password=***";
// other text is returned unchanged.
std::string MaskUriCredentials(const std::string& uri);

}  // namespace arxivflow
