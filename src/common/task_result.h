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

// "scheme://user:secret@host/x?password=p" -> "scheme://user:***@host/x?password=***";
// other text is returned unchanged.
std::string MaskUriCredentials(const std::string& uri);

}  // namespace arxivflow
