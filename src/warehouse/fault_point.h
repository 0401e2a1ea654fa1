// FaultPoint: named points in a load where a test can kill the process, to
// prove that a load killed there leaves the warehouse as it was.
//
// FaultPoint("publish.swapped:papers") sends SIGKILL to the calling process
// when the environment variable ARXIVFLOW_FAULT_POINT equals that name (read
// once per process); otherwise it does nothing. Called between batches and
// statements, never per row. Thread-safe.
#pragma once

#include <string>

namespace arxivflow::warehouse {

inline constexpr const char* kFaultPointEnv = "ARXIVFLOW_FAULT_POINT";

void FaultPoint(const std::string& name);

}  // namespace arxivflow::warehouse
