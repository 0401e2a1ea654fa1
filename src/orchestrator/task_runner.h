// Running one task instance: the body of `arxivflow tasks run` and `tasks test`.
//
// Contract: RunTaskInstance claims the task instance (queued -> running, only
// if its executor token matches, so a task never runs twice at once), starts
// a heartbeat thread, renders and executes the operator, and records the end
// state (success, up_for_retry or failed) unless someone else changed the
// state meanwhile (marked failed, cleared): then the heartbeat stops the
// operator's process and nothing is recorded. Log lines go to stdout (the
// scheduler points stdout at the try's log file) with secrets masked.
// Returns the process exit code (0 = success or not claimed).
// With test=true (tasks test) nothing is read from or written to the task
// instance table; the task simply runs, logging to stdout.
#pragma once

#include <string>

#include "common/status.h"
#include "orchestrator/dag.h"

namespace arxivflow::orchestrator {

struct TaskRunRequest {
  std::string dag_id;
  std::string task_id;
  std::string run_id;
  std::string job_token;     // given by the scheduler; empty = started by hand
  bool test = false;         // tasks test: run without recording state
  std::string logical_date;  // tasks test only; default now
  std::string conf_json;     // tasks test only: params override
  // Where the scheduler found the DAG: parsed first, skipping the metadata
  // DB lookup of its fileloc. Empty = look it up.
  std::string dag_file;
  // Already parsed by the task launcher (task_launcher.h); must outlive the
  // call. nullptr = load it (dag_file, else the DB's fileloc, else a scan).
  const DagSpec* dag = nullptr;
};

int RunTaskInstance(const TaskRunRequest& request);

// Loads the DAG `dag_id` from `dag_file` when given and it defines it, else
// from the metadata DB's fileloc (or a scan of the DAG folder when unknown).
Result<DagSpec> LoadDag(const std::string& dag_id, const std::string& dag_file = "");

}  // namespace arxivflow::orchestrator
