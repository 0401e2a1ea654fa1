// Disk use of the task logs: how many files and bytes are under the home's
// logs/ folder (task logs, progress and result files). The health endpoint
// and metrics report it.
//
// Contract: MeasureLogDiskUsage walks <home>/logs (not following symlinks);
// a missing folder is zero files; entries that vanish or cannot be read
// during the walk are skipped. It touches every file: callers that answer
// often (health checks) cache the result. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>

#include "orchestrator/home.h"

namespace arxivflow::orchestrator {

struct DiskUsage {
  int64_t files = 0;
  int64_t bytes = 0;
};

// Files and bytes under `folder`, recursively.
DiskUsage MeasureDiskUsage(const std::string& folder);

inline DiskUsage MeasureLogDiskUsage(const HomePaths& home) { return MeasureDiskUsage(home.logs()); }

}  // namespace arxivflow::orchestrator
