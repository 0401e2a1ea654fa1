// RunControl: the operator's verbs on DAGs, DAG runs and task instances —
// trigger, pause/unpause, clear, mark a run, mark a task instance, and
// failed-deps — with their rules written once. The CLI and the web server are
// thin adapters over it.
//
// Rules:
// - Trigger creates the run (queued) and its task instances (state none) in
//   one transaction. A DAG's runs have distinct run ids and distinct logical
//   dates: a second trigger of either is kAlreadyExists. An empty run id is
//   "<run_type>__<logical date>"; an empty logical date is now.
// - Clear selects tasks by id or regex, widened to their upstream and/or
//   downstream tasks (each transitively, from the selected tasks); in each
//   selected run it clears the task instances that have a state (only the
//   failed and upstream_failed ones with only_failed) and, with
//   reset_dag_runs, puts a finished run back to queued. All runs in one
//   transaction; dry_run changes nothing and returns the same list.
// - Marking a run success marks every task instance that is not success or
//   skipped success; failed marks the unfinished ones that have a state
//   failed; queued clears every task instance so the run starts over.
// - Marking a task instance (success, failed, skipped) puts its run back to
//   queued when the run had finished, so the scheduler re-evaluates the
//   downstream tasks. A running process notices the mark and stops.
// - Deleting a run removes it with its task instances and their tries; a
//   task process still running for it finds its task instance gone and
//   stops.
// - FailedDeps explains why a task instance is not running, by the same
//   trigger rules the scheduler applies (scheduler_rules.h).
//
// Contract: every verb takes the Actor asking (who, from where) and reports
// the state changes it made to the listener, once per verb, after they were
// committed: the one place where an audit log, notifications or metrics hook
// in. Errors: kNotFound for an unknown DAG, run, task or task instance;
// kAlreadyExists for a duplicate run; kInvalidArgument for a bad value or a
// DAG whose file does not import. A RunControl is as thread-safe as the
// MetadataStore it is given (one per thread); the DagCatalog may be shared.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "orchestrator/dag_catalog.h"
#include "orchestrator/metadata_store.h"
#include "orchestrator/states.h"

namespace arxivflow::orchestrator {

// Who asks for a verb, and from where.
struct Actor {
  std::string user;    // the web user, or the operating-system user of the CLI
  std::string origin;  // "cli", "api 127.0.0.1", ...
};

// One change a verb made (or, in a dry run, would make).
struct StateChange {
  enum class Subject { kDag, kDagRun, kTaskInstance };
  Subject subject = Subject::kTaskInstance;
  std::string dag_id;
  std::string run_id;   // "" for a DAG
  std::string task_id;  // "" for a DAG or a run
  std::string field;    // "is_paused" or "state"
  std::string before;   // "true"/"false", or a state's name
  std::string after;
};

// Called after a verb committed its changes (never for a dry run or a verb
// that changed nothing). `verb` is "trigger", "pause", "unpause", "clear",
// "mark_dag_run", "mark_task_instance" or "delete_dag_run".
using RunControlListener =
    std::function<void(const Actor& actor, const std::string& verb, const std::vector<StateChange>& changes)>;

struct TriggerRequest {
  std::string dag_id;
  std::string run_id;        // empty: <run_type>__<logical date>
  std::string conf_json;     // empty: {}
  std::string logical_date;  // empty: now
  std::string run_type = "manual";
};

struct ClearRequest {
  std::vector<std::string> run_ids;   // empty = every run of the DAG
  std::vector<std::string> task_ids;  // these tasks; empty (and no task_regex) = every task
  std::string task_regex;             // or the tasks whose id matches (search)
  bool include_upstream = false;
  bool include_downstream = false;
  bool only_failed = false;
  bool reset_dag_runs = true;
  bool dry_run = false;
};

class RunControl {
 public:
  RunControl(MetadataStore& store, const DagCatalog& dags, RunControlListener listener = nullptr);

  Result<DagRun> Trigger(const Actor& actor, const TriggerRequest& request);
  Status SetPaused(const Actor& actor, const std::string& dag_id, bool paused);
  // The task instances cleared (or that would be), as they were before.
  Result<std::vector<TaskInstance>> Clear(const Actor& actor, const std::string& dag_id,
                                          const ClearRequest& request);
  // state: success, failed, or queued (start over). Returns the changes.
  Result<std::vector<StateChange>> MarkDagRun(const Actor& actor, const std::string& dag_id,
                                              const std::string& run_id, DagRunState state);
  // state: success, failed or skipped. Returns the changes (made, or with
  // dry_run only listed).
  Result<std::vector<StateChange>> MarkTaskInstance(const Actor& actor, const TiKey& key, TiState state,
                                                    bool dry_run);
  // Deletes the run, its task instances and their tries.
  Status DeleteDagRun(const Actor& actor, const std::string& dag_id, const std::string& run_id);
  // Why the task instance does not run; empty when every dependency is met.
  Result<std::vector<std::string>> FailedDeps(const TiKey& key);

 private:
  Result<TaskInstance> RequireTaskInstance(const TiKey& key);
  Result<DagRun> RequireRun(const std::string& dag_id, const std::string& run_id);
  // The one exit of every verb that changed state.
  void Publish(const Actor& actor, const std::string& verb, const std::vector<StateChange>& changes);

  MetadataStore& store_;
  const DagCatalog& dags_;
  RunControlListener listener_;
};

// The task ids of `dag` matching `task_ids` / `task_regex` (every task when
// both are empty), widened to upstream and/or downstream tasks. kNotFound for
// an unknown id, kInvalidArgument for a bad regex.
Result<std::vector<std::string>> SelectTasks(const DagSpec& dag, const std::vector<std::string>& task_ids,
                                             const std::string& task_regex, bool upstream, bool downstream);

}  // namespace arxivflow::orchestrator
