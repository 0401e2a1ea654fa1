// Executor: where the scheduler's queued task instances run. The scheduler
// (scheduler.h) decides what runs; an executor runs it and watches it.
//
// Contract: the scheduler queues a task instance in the metadata DB
// (QueueTaskInstance: a fresh token, try_number + 1) and then calls Launch()
// with it; from then on the executor owns the process side: it reports
// processes that end without recording a state (Reap), and stops those that
// time out or whose state was changed from outside (Supervise). An executor
// never makes scheduling decisions. Every call comes from the scheduler's one
// thread.
#pragma once

#include <cstddef>
#include <string>

#include "common/status.h"
#include "orchestrator/dag.h"
#include "orchestrator/metadata_store.h"

namespace arxivflow::orchestrator {

class Executor {
 public:
  virtual ~Executor() = default;

  // `token_prefix` starts every token the scheduler hands out; tokens with
  // another prefix belong to earlier schedulers (adoption).
  virtual Status Start(const std::string& token_prefix) = 0;
  // Starts a process for `ti`, queued under ti.external_executor_id.
  virtual Status Launch(const TaskInstance& ti, const DagSpec& dag, double now) = 0;
  // Collects ended task processes; records a failure (or retry) for those
  // that ended without recording their state.
  virtual Status Reap(double now) = 0;
  // Timeouts, externally changed states, and task processes of earlier
  // schedulers (adopted while alive, failed or retried when gone).
  virtual Status Supervise(double now) = 0;
  // Waits at most `seconds` for a task process to end; true when one did.
  virtual bool WaitForExit(double seconds) = 0;
  // True once after anything happened that makes another scheduling pass
  // useful right away (a task ended, a launcher died).
  virtual bool TakeWake() = 0;
  // Task processes started by this executor that have not ended yet.
  virtual size_t running() const = 0;
  // Stops every task process it started (an interrupted `dags test`).
  virtual void TerminateAll() = 0;
};

}  // namespace arxivflow::orchestrator
