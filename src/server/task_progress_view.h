// Attaches a running task instance's latest progress (read from the file its
// command writes, orchestrator/task_progress.h) to what the server returns.
//
// Contract: stateless; thread-safe. Only task instances in state "running"
// get progress (others keep null); a file that is missing or malformed leaves
// it null. One small file read per running task instance.
#pragma once

#include "orchestrator/home.h"
#include "server/backend.h"

namespace arxivflow::server {

TaskInstanceInfo WithProgress(const orchestrator::HomePaths& home, TaskInstanceInfo ti);

}  // namespace arxivflow::server
