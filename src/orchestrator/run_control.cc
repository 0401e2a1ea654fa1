#include "orchestrator/run_control.h"

#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "common/json_limits.h"
#include "common/logging.h"
#include "orchestrator/run_id.h"
#include "orchestrator/scheduler_rules.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

namespace {

StateChange TiChange(const TaskInstance& ti, TiState after) {
  return {StateChange::Subject::kTaskInstance, ti.key.dag_id, ti.key.run_id, ti.key.task_id, "state",
          StateName(ti.state), StateName(after)};
}

StateChange RunChange(const DagRun& run, DagRunState after) {
  return {StateChange::Subject::kDagRun, run.dag_id, run.run_id, "", "state", StateName(run.state), StateName(after)};
}

// `seeds` and every task reachable from them along `edges`.
void Widen(const DagSpec& dag, std::set<std::string>& out, const std::set<std::string>& seeds, bool downstream) {
  std::vector<std::string> stack(seeds.begin(), seeds.end());
  while (!stack.empty()) {
    const TaskSpec* t = dag.FindTask(stack.back());
    stack.pop_back();
    if (!t) continue;
    for (const auto& next : downstream ? t->downstream : t->upstream) {
      if (out.insert(next).second) stack.push_back(next);
    }
  }
}

}  // namespace

Result<std::vector<std::string>> SelectTasks(const DagSpec& dag, const std::vector<std::string>& task_ids,
                                             const std::string& task_regex, bool upstream, bool downstream) {
  std::set<std::string> selected;
  for (const auto& id : task_ids) {
    if (!dag.FindTask(id)) return Status::NotFound("task '" + id + "' not found in DAG '" + dag.dag_id + "'");
    selected.insert(id);
  }
  if (!task_regex.empty()) {
    std::regex re;
    try {
      re = std::regex(task_regex);
    } catch (const std::regex_error&) {
      return Status::InvalidArgument("task regex '" + task_regex + "' is not a valid regular expression");
    }
    for (const auto& t : dag.tasks) {
      if (std::regex_search(t.task_id, re)) selected.insert(t.task_id);
    }
  }
  if (task_ids.empty() && task_regex.empty()) {
    for (const auto& t : dag.tasks) selected.insert(t.task_id);
  }
  std::set<std::string> out = selected;
  if (upstream) Widen(dag, out, selected, false);
  if (downstream) Widen(dag, out, selected, true);
  std::vector<std::string> ordered;  // the DAG's topological order
  for (const auto& t : dag.tasks) {
    if (out.count(t.task_id)) ordered.push_back(t.task_id);
  }
  return ordered;
}

RunControl::RunControl(MetadataStore& store, const DagCatalog& dags, RunControlListener listener)
    : store_(store), dags_(dags), listener_(std::move(listener)) {}

void RunControl::Publish(const Actor& actor, const std::string& verb, const std::vector<StateChange>& changes) {
  if (changes.empty()) return;
  spdlog::info("{} by {} ({}): {} change(s)", verb, actor.user.empty() ? "?" : actor.user, actor.origin,
               changes.size());
  if (listener_) listener_(actor, verb, changes);
}

Result<DagRun> RunControl::RequireRun(const std::string& dag_id, const std::string& run_id) {
  AF_ASSIGN_OR_RETURN(auto run, store_.GetDagRun(dag_id, run_id));
  if (!run) return Status::NotFound("DAG run '" + run_id + "' of DAG '" + dag_id + "' not found");
  return *run;
}

Result<TaskInstance> RunControl::RequireTaskInstance(const TiKey& key) {
  AF_ASSIGN_OR_RETURN(auto ti, store_.GetTaskInstance(key));
  if (!ti) {
    return Status::NotFound("task instance '" + key.task_id + "' of run '" + key.run_id + "' of DAG '" + key.dag_id +
                            "' not found");
  }
  return *ti;
}

Result<DagRun> RunControl::Trigger(const Actor& actor, const TriggerRequest& req) {
  AF_ASSIGN_OR_RETURN(DagSpec dag, dags_.Get(req.dag_id));
  std::string conf = req.conf_json.empty() ? "{}" : req.conf_json;
  AF_ASSIGN_OR_RETURN(nlohmann::json parsed, ParseJsonBounded(conf, "conf"));
  if (!parsed.is_object()) {
    return Status::InvalidArgument("conf must be a JSON object, like '{\"key\": \"value\"}'");
  }
  double now = NowEpoch();
  double logical = now;
  if (!req.logical_date.empty()) {
    auto t = ParseIso(req.logical_date);
    if (!t) return Status::InvalidArgument("logical date '" + req.logical_date + "' is not an ISO date");
    logical = *t;
  }
  NewDagRun run;
  run.run_id = req.run_id;
  run.run_type = req.run_type;
  run.logical_date = logical;
  run.conf_json = parsed.dump();
  run.unique_logical_date = true;
  if (!run.run_id.empty()) AF_RETURN_IF_ERROR(ValidateRunId(run.run_id));
  if (run.run_id.empty()) {
    run.run_id = req.run_type + "__" + FormatIso(logical, false);
    AF_ASSIGN_OR_RETURN(auto clash, store_.GetDagRun(req.dag_id, run.run_id));
    if (clash) run.run_id = req.run_type + "__" + FormatIso(logical, true);
  }
  AF_ASSIGN_OR_RETURN(auto created, store_.CreateDagRunWithTasks(dag, run, now));
  Publish(actor, "trigger",
          {{StateChange::Subject::kDagRun, created.dag_id, created.run_id, "", "state", "", StateName(created.state)}});
  return created;
}

Status RunControl::SetPaused(const Actor& actor, const std::string& dag_id, bool paused) {
  AF_ASSIGN_OR_RETURN(auto row, store_.GetDag(dag_id));
  if (!row) return Status::NotFound("DAG '" + dag_id + "' not found");
  AF_RETURN_IF_ERROR(store_.SetPaused(dag_id, paused));
  if (row->is_paused != paused) {
    Publish(actor, paused ? "pause" : "unpause",
            {{StateChange::Subject::kDag, dag_id, "", "", "is_paused", row->is_paused ? "true" : "false",
              paused ? "true" : "false"}});
  }
  return Status::OK();
}

Result<std::vector<TaskInstance>> RunControl::Clear(const Actor& actor, const std::string& dag_id,
                                                    const ClearRequest& req) {
  AF_ASSIGN_OR_RETURN(DagSpec dag, dags_.Get(dag_id));
  AF_ASSIGN_OR_RETURN(auto task_ids, SelectTasks(dag, req.task_ids, req.task_regex, req.include_upstream,
                                                 req.include_downstream));
  std::set<std::string> wanted(task_ids.begin(), task_ids.end());
  std::vector<DagRun> runs;
  if (req.run_ids.empty()) {
    AF_ASSIGN_OR_RETURN(runs, store_.ListDagRuns(dag_id, {}));
  } else {
    for (const auto& run_id : req.run_ids) {
      AF_ASSIGN_OR_RETURN(auto run, RequireRun(dag_id, run_id));
      runs.push_back(std::move(run));
    }
  }
  std::vector<TaskInstance> cleared;
  std::vector<std::pair<std::string, std::vector<std::string>>> plan;  // run id -> task ids
  for (const auto& run : runs) {
    AF_ASSIGN_OR_RETURN(auto tis, store_.ListTaskInstances(dag_id, run.run_id));
    std::vector<std::string> ids;
    for (auto& ti : tis) {
      if (!wanted.count(ti.key.task_id) || ti.state == TiState::kNone) continue;
      if (req.only_failed && !IsFailure(ti.state)) continue;
      ids.push_back(ti.key.task_id);
      cleared.push_back(std::move(ti));
    }
    if (!ids.empty()) plan.emplace_back(run.run_id, std::move(ids));
  }
  if (req.dry_run || plan.empty()) return cleared;
  AF_RETURN_IF_ERROR(store_.Atomically([&]() -> Status {
    for (const auto& [run_id, ids] : plan) {
      AF_RETURN_IF_ERROR(store_.ClearTaskInstances(dag, run_id, ids, req.reset_dag_runs));
    }
    return Status::OK();
  }));
  std::vector<StateChange> changes;
  for (const auto& ti : cleared) changes.push_back(TiChange(ti, TiState::kNone));
  Publish(actor, "clear", changes);
  return cleared;
}

Status RunControl::DeleteDagRun(const Actor& actor, const std::string& dag_id, const std::string& run_id) {
  AF_ASSIGN_OR_RETURN(auto run, RequireRun(dag_id, run_id));
  AF_RETURN_IF_ERROR(store_.DeleteDagRun(dag_id, run_id));
  Publish(actor, "delete_dag_run",
          {{StateChange::Subject::kDagRun, dag_id, run_id, "", "state", StateName(run.state), "deleted"}});
  return Status::OK();
}

Result<std::vector<StateChange>> RunControl::MarkDagRun(const Actor& actor, const std::string& dag_id,
                                                        const std::string& run_id, DagRunState state) {
  AF_ASSIGN_OR_RETURN(auto run, RequireRun(dag_id, run_id));
  if (state == DagRunState::kRunning) {
    return Status::InvalidArgument("a DAG run can be marked success, failed or queued, not running");
  }
  AF_ASSIGN_OR_RETURN(auto tis, store_.ListTaskInstances(dag_id, run_id));
  std::vector<StateChange> changes;
  double now = NowEpoch();
  if (state == DagRunState::kQueued) {
    auto dag = dags_.Get(dag_id);
    if (!dag.ok()) {
      return Status::InvalidArgument("DAG '" + dag_id + "' has no loaded file; cannot rerun (" +
                                     dag.status().message() + ")");
    }
    std::vector<std::string> ids;
    for (const auto& ti : tis) {
      ids.push_back(ti.key.task_id);
      if (ti.state != TiState::kNone) changes.push_back(TiChange(ti, TiState::kNone));
    }
    AF_RETURN_IF_ERROR(store_.Atomically([&]() -> Status {
      AF_RETURN_IF_ERROR(store_.ClearTaskInstances(*dag, run_id, ids));
      return store_.SetDagRunState(dag_id, run_id, DagRunState::kQueued, now);
    }));
  } else {
    // Marking a run done also settles its unfinished task instances (a
    // running process notices and stops), as Airflow does.
    std::vector<std::pair<TiKey, TiState>> marks;
    for (const auto& ti : tis) {
      if (state == DagRunState::kSuccess && ti.state != TiState::kSuccess && ti.state != TiState::kSkipped) {
        marks.emplace_back(ti.key, TiState::kSuccess);
        changes.push_back(TiChange(ti, TiState::kSuccess));
      } else if (state == DagRunState::kFailed && !IsFinished(ti.state) && ti.state != TiState::kNone) {
        marks.emplace_back(ti.key, TiState::kFailed);
        changes.push_back(TiChange(ti, TiState::kFailed));
      }
    }
    AF_RETURN_IF_ERROR(store_.Atomically([&]() -> Status {
      for (const auto& [key, to] : marks) AF_RETURN_IF_ERROR(store_.SetTaskInstanceState(key, to, now));
      return store_.SetDagRunState(dag_id, run_id, state, now);
    }));
  }
  changes.insert(changes.begin(), RunChange(run, state));
  Publish(actor, "mark_dag_run", changes);
  return changes;
}

Result<std::vector<StateChange>> RunControl::MarkTaskInstance(const Actor& actor, const TiKey& key, TiState state,
                                                              bool dry_run) {
  if (state != TiState::kSuccess && state != TiState::kFailed && state != TiState::kSkipped) {
    return Status::InvalidArgument(std::string("a task instance can be marked success, failed or skipped, not ") +
                                   StateName(state));
  }
  AF_ASSIGN_OR_RETURN(auto ti, RequireTaskInstance(key));
  AF_ASSIGN_OR_RETURN(auto run, RequireRun(key.dag_id, key.run_id));
  std::vector<StateChange> changes = {TiChange(ti, state)};
  // A finished run goes back to queued so the scheduler re-evaluates the
  // downstream tasks (only while its DAG file is loaded: else it would fail).
  bool requeue = IsFinished(run.state) && dags_.Find(key.dag_id).has_value();
  if (requeue) changes.push_back(RunChange(run, DagRunState::kQueued));
  if (dry_run) return changes;
  double now = NowEpoch();
  AF_RETURN_IF_ERROR(store_.Atomically([&]() -> Status {
    AF_RETURN_IF_ERROR(store_.SetTaskInstanceState(key, state, now));
    if (requeue) AF_RETURN_IF_ERROR(store_.SetDagRunState(key.dag_id, key.run_id, DagRunState::kQueued, now));
    return Status::OK();
  }));
  Publish(actor, "mark_task_instance", changes);
  return changes;
}

Result<std::vector<std::string>> RunControl::FailedDeps(const TiKey& key) {
  AF_ASSIGN_OR_RETURN(DagSpec dag, dags_.Get(key.dag_id));
  const TaskSpec* task = dag.FindTask(key.task_id);
  if (!task) return Status::NotFound("task '" + key.task_id + "' not found in DAG '" + key.dag_id + "'");
  AF_ASSIGN_OR_RETURN(auto ti, RequireTaskInstance(key));
  AF_ASSIGN_OR_RETURN(auto run, RequireRun(key.dag_id, key.run_id));
  std::vector<std::string> reasons;
  if (run.state != DagRunState::kRunning) reasons.push_back(std::string("DAG run is ") + StateName(run.state));
  AF_ASSIGN_OR_RETURN(auto row, store_.GetDag(key.dag_id));
  if (row && row->is_paused) reasons.push_back("DAG is paused");
  if (ti.state != TiState::kNone && ti.state != TiState::kScheduled) {
    reasons.push_back(std::string("task instance is ") + StateName(ti.state));
  }
  if (ti.state == TiState::kUpForRetry && ti.next_retry_at) reasons.push_back("next retry at " + *ti.next_retry_at);
  if (ti.state == TiState::kNone) {
    AF_ASSIGN_OR_RETURN(auto tis, store_.ListTaskInstances(key.dag_id, key.run_id));
    TaskStates states;
    for (const auto& other : tis) states[other.key.task_id] = other.state;
    for (auto& line : TriggerRuleBlockers(*task, states)) reasons.push_back(std::move(line));
  }
  return reasons;
}

}  // namespace arxivflow::orchestrator
