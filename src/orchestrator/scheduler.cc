#include "orchestrator/scheduler.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <cerrno>
#include <cstring>
#include <thread>

#include "common/host_name.h"
#include "common/logging.h"
#include "common/random.h"
#include "metrics/text_file.h"
#include "orchestrator/retention.h"
#include "orchestrator/scheduler_rules.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

Scheduler::Scheduler(HomePaths home, SchedulerOptions options, std::unique_ptr<Executor> executor)
    : home_(std::move(home)), opt_(std::move(options)), bag_(home_.dags()), executor_(std::move(executor)) {
  parallelism_ = opt_.parallelism > 0 ? opt_.parallelism
                                      : std::max(2, 2 * static_cast<int>(std::thread::hardware_concurrency()));
}

Scheduler::~Scheduler() {
  if (alerts_) alerts_->Drain(kNotificationDrainSeconds);
  if (job_id_ && store_) (void)store_->EndSchedulerJob(job_id_, NowEpoch());
  executor_.reset();  // before the store it refers to
  if (lock_fd_ >= 0) close(lock_fd_);
}

bool Scheduler::InScope(const DagRun& run) const {
  if (!opt_.only_run_id.empty()) return run.dag_id == opt_.only_dag_id && run.run_id == opt_.only_run_id;
  return run.run_type != "test";  // `dags test` runs belong to their own process
}

Status Scheduler::Start() {
  token_prefix_ = (opt_.only_run_id.empty() ? "sched-" : "test-") + RandomHex(6) + "-";
  AF_ASSIGN_OR_RETURN(store_, MetadataStore::Open(home_, false));
  if (opt_.only_run_id.empty()) {
    lock_fd_ = open(home_.scheduler_lock().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) return Status::IOError(home_.scheduler_lock() + ": " + std::strerror(errno));
    if (flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      char buf[32] = {0};
      (void)!pread(lock_fd_, buf, sizeof buf - 1, 0);
      return Status::Aborted("another scheduler is already running on " + home_.root + " (pid " +
                             std::string(buf[0] ? buf : "?") + "); only one may run per home");
    }
    (void)!ftruncate(lock_fd_, 0);
    std::string pid = std::to_string(getpid()) + "\n";
    (void)!pwrite(lock_fd_, pid.data(), pid.size(), 0);
    // Queued instances of a previous scheduler never got a process from it
    // (or their process will fail its claim): queue them again.
    AF_ASSIGN_OR_RETURN(int reset, store_->ResetQueuedNotOwnedBy(token_prefix_));
    if (reset) spdlog::info("re-queued {} task instance(s) left queued by a previous scheduler", reset);
    double now = NowEpoch();
    AF_ASSIGN_OR_RETURN(job_id_, store_->StartSchedulerJob(HostName(), getpid(), now));
    last_heartbeat_ = now;
  }
  alerts_ = std::make_unique<RunAlerts>(home_, &metrics_, NowEpoch());
  AF_RETURN_IF_ERROR(ScanDags(NowEpoch()));
  if (!executor_) {
    executor_ = std::make_unique<LocalExecutor>(home_, opt_.executor, *store_, bag_,
                                                [this](const DagRun& run) { return InScope(run); });
  }
  AF_RETURN_IF_ERROR(executor_->Start(token_prefix_));
  auto* local = dynamic_cast<LocalExecutor*>(executor_.get());
  spdlog::info("scheduler started on {} (parallelism {}, tasks {})", home_.root, parallelism_,
               local && !local->uses_launcher() ? "spawned" : "forked by the task launcher");
  return Status::OK();
}

void Scheduler::Progress(const std::string& line) {
  if (opt_.progress) opt_.progress(line);
}

Status Scheduler::ScanDags(double now) {
  last_scan_ = now;
  if (bag_.Refresh(store_.get())) AF_RETURN_IF_ERROR(bag_.SyncToStore(*store_, now));
  return Status::OK();
}

Result<std::map<std::string, bool>> Scheduler::PausedDags() {
  std::map<std::string, bool> paused;
  if (!opt_.only_run_id.empty()) return paused;  // `dags test` ignores pausing
  AF_ASSIGN_OR_RETURN(auto rows, store_->ListDags(true));
  for (const auto& r : rows) paused[r.dag_id] = r.is_paused;
  return paused;
}

Status Scheduler::CreateScheduledRuns(double now) {
  AF_ASSIGN_OR_RETURN(auto paused, PausedDags());
  for (const DagSpec* dag : bag_.dags()) {
    if (dag->schedule.kind() == Schedule::Kind::kNone || paused[dag->dag_id]) continue;
    AF_ASSIGN_OR_RETURN(auto last, store_->LastLogicalDate(dag->dag_id, "scheduled"));
    std::optional<double> logical = DueLogicalDate(*dag, last, now);
    if (!logical) continue;
    std::string run_id = "scheduled__" + FormatIso(*logical, false);
    auto created = store_->CreateDagRun(dag->dag_id, run_id, "scheduled", *logical, "{}", now);
    if (created.ok()) {
      spdlog::info("created DAG run {} of {}", run_id, dag->dag_id);
    } else if (created.status().code() != Status::Code::kAlreadyExists) {
      return created.status();
    }
  }
  return Status::OK();
}

Status Scheduler::RunOnce() {
  double now = NowEpoch();
  AF_RETURN_IF_ERROR(executor_->Reap(now));
  if (opt_.only_run_id.empty() && now - last_scan_ >= opt_.dag_scan_interval) {
    AF_RETURN_IF_ERROR(ScanDags(now));
    AF_RETURN_IF_ERROR(CreateScheduledRuns(now));
  }
  AF_ASSIGN_OR_RETURN(auto paused, PausedDags());
  AF_RETURN_IF_ERROR(ProcessRuns(now, paused));
  AF_RETURN_IF_ERROR(LaunchTasks(now, paused));
  AF_RETURN_IF_ERROR(executor_->Supervise(now));
  if (executor_->TakeWake()) wake_ = true;
  MaybeCleanOld(now);
  return Status::OK();
}

Status Scheduler::ProcessRuns(double now, const std::map<std::string, bool>& paused) {
  AF_ASSIGN_OR_RETURN(auto runs, store_->ListDagRuns("", {DagRunState::kQueued, DagRunState::kRunning}));
  std::reverse(runs.begin(), runs.end());  // oldest logical date first
  std::map<std::string, int> running_per_dag;
  for (const auto& run : runs) if (run.state == DagRunState::kRunning) ++running_per_dag[run.dag_id];
  bool any_in_scope = false;
  std::set<std::pair<std::string, std::string>> active;
  for (const auto& run : runs) {
    if (!InScope(run)) continue;
    any_in_scope = true;
    active.emplace(run.dag_id, run.run_id);
    // A paused DAG's runs wait as they are (Airflow does not examine them).
    if (auto p = paused.find(run.dag_id); p != paused.end() && p->second) continue;
    const DagSpec* dag = bag_.Find(run.dag_id);
    if (!dag) {
      std::string msg = "DAG '" + run.dag_id + "' is not in the DAG folder (removed or broken); failing run " + run.run_id;
      spdlog::error("{}", msg);
      AF_RETURN_IF_ERROR(store_->SetDagRunState(run.dag_id, run.run_id, DagRunState::kFailed, now));
      continue;
    }
    if (run.state == DagRunState::kQueued) {
      if (running_per_dag[run.dag_id] >= dag->max_active_runs) continue;
      AF_RETURN_IF_ERROR(store_->CreateTaskInstances(*dag, run.run_id));
      AF_RETURN_IF_ERROR(store_->SetDagRunState(run.dag_id, run.run_id, DagRunState::kRunning, now));
      ++running_per_dag[run.dag_id];
      spdlog::info("DAG run {} of {} is running", run.run_id, run.dag_id);
      Progress("DAG run " + run.run_id + " of " + run.dag_id + ": running");
    }
    AF_RETURN_IF_ERROR(EvaluateRun(run, *dag, now));
  }
  alerts_->Retain(active);
  if (!opt_.only_run_id.empty() && !any_in_scope) {
    AF_ASSIGN_OR_RETURN(auto run, store_->GetDagRun(opt_.only_dag_id, opt_.only_run_id));
    final_run_state_ = run ? StateName(run->state) : "missing";
    run_done_ = executor_->running() == 0;
  }
  return Status::OK();
}

Status Scheduler::EvaluateRun(const DagRun& run, const DagSpec& dag, double now) {
  AF_ASSIGN_OR_RETURN(auto tis, store_->ListTaskInstances(run.dag_id, run.run_id));
  if (tis.size() < dag.tasks.size()) {  // the DAG gained tasks since the run began
    AF_RETURN_IF_ERROR(store_->CreateTaskInstances(dag, run.run_id));
    AF_ASSIGN_OR_RETURN(tis, store_->ListTaskInstances(run.dag_id, run.run_id));
  }
  alerts_->ObserveTasks(*store_, dag, run, tis, now);
  if (dag.dagrun_timeout > 0 && run.start_date) {
    std::optional<double> started = ParseIso(*run.start_date);
    if (started && now - *started > dag.dagrun_timeout) return TimeOutRun(run, dag, tis, now);
  }
  TaskStates states;
  std::map<std::string, const TaskInstance*> by_id;
  for (const auto& ti : tis) {
    states[ti.key.task_id] = ti.state;
    by_id[ti.key.task_id] = &ti;
  }
  if (opt_.progress) {
    for (const auto& ti : tis) {
      auto [last, fresh] = last_states_.try_emplace(ti.key.task_id, TiState::kNone);
      if (last->second == ti.state && !fresh) continue;
      last->second = ti.state;
      if (ti.state == TiState::kNone) continue;
      Progress(ti.key.task_id + ": " + StateName(ti.state) +
               (ti.try_number ? " (try " + std::to_string(ti.try_number) + ")" : "") +
               (ti.note.empty() || ti.state == TiState::kSuccess ? "" : " - " + ti.note));
    }
  }
  std::string now_iso = FormatIso(now);
  for (const auto& task : dag.tasks) {  // topological order: decisions cascade in one pass
    auto it = by_id.find(task.task_id);
    if (it == by_id.end()) continue;
    const TaskInstance& ti = *it->second;
    TiState& state = states[task.task_id];
    if (state == TiState::kNone) {
      std::optional<TiState> decision = TriggerDecision(task, states);
      if (!decision) continue;
      std::string note =
          *decision == TiState::kScheduled ? "" : "trigger rule " + std::string(TriggerRuleName(task.trigger_rule));
      AF_ASSIGN_OR_RETURN(bool moved, store_->TransitionTaskInstance(ti.key, TiState::kNone, *decision, now, note));
      if (moved) {
        state = *decision;
        wake_ = true;
        if (*decision != TiState::kScheduled) Progress(task.task_id + ": " + StateName(*decision));
      }
    } else if (state == TiState::kUpForRetry && (!ti.next_retry_at || *ti.next_retry_at <= now_iso)) {
      AF_ASSIGN_OR_RETURN(bool moved,
                          store_->TransitionTaskInstance(ti.key, TiState::kUpForRetry, TiState::kScheduled, now));
      if (moved) state = TiState::kScheduled;
    }
  }
  std::optional<DagRunState> outcome = RunOutcome(dag, states);
  if (!outcome) return Status::OK();
  // The verdict is taken again on a fresh read under the write lock: a clear
  // or mark that another process committed since the read above must not be
  // overwritten by a stale one (the cleared task would never run).
  AF_RETURN_IF_ERROR(store_->Atomically([&]() -> Status {
    AF_ASSIGN_OR_RETURN(auto fresh, store_->ListTaskInstances(run.dag_id, run.run_id));
    TaskStates fresh_states;
    for (const auto& ti : fresh) fresh_states[ti.key.task_id] = ti.state;
    outcome = RunOutcome(dag, fresh_states);
    if (!outcome) return Status::OK();
    states = std::move(fresh_states);
    return store_->SetDagRunState(run.dag_id, run.run_id, *outcome, now);
  }));
  if (!outcome) return Status::OK();
  spdlog::info("DAG run {} of {} finished: {}", run.run_id, run.dag_id, StateName(*outcome));
  Progress("DAG run " + run.run_id + " of " + run.dag_id + ": " + StateName(*outcome));
  std::string reason;
  if (*outcome == DagRunState::kFailed) {
    for (const auto& [task_id, state] : states) {
      if (state == TiState::kFailed) reason += (reason.empty() ? "failed task(s): " : ", ") + task_id;
    }
  }
  alerts_->RunFinished(*store_, dag, run, *outcome, reason, now);
  return Status::OK();
}

Status Scheduler::TimeOutRun(const DagRun& run, const DagSpec& dag, const std::vector<TaskInstance>& tis, double now) {
  char why[96];
  std::snprintf(why, sizeof why, "dagrun_timeout of %g s exceeded", dag.dagrun_timeout);
  AF_RETURN_IF_ERROR(store_->Atomically([&]() -> Status {
    for (const auto& ti : tis) {
      if (IsFinished(ti.state) || ti.state == TiState::kRemoved) continue;
      // A running process notices its instance is no longer running and stops.
      TiState to = IsExecuting(ti.state) ? TiState::kFailed : TiState::kSkipped;
      AF_ASSIGN_OR_RETURN(bool moved, store_->TransitionTaskInstance(ti.key, ti.state, to, now, why));
      if (moved) Progress(ti.key.task_id + ": " + StateName(to) + " - " + why);
    }
    return store_->SetDagRunState(run.dag_id, run.run_id, DagRunState::kFailed, now);
  }));
  wake_ = true;
  spdlog::warn("DAG run {} of {} failed: {}", run.run_id, run.dag_id, why);
  Progress("DAG run " + run.run_id + " of " + run.dag_id + ": failed - " + why);
  alerts_->RunFinished(*store_, dag, run, DagRunState::kFailed, why, now);
  return Status::OK();
}

void Scheduler::RecordPass(double started, double finished) {
  metrics_.Observe("arxivflow_scheduler_loop_duration_seconds", "Duration of one scheduler pass.",
                   metrics::LatencyBuckets(), {}, finished - started);
  // How late this pass began against its tick (a pass that overruns, or a
  // busy DB, shows here); 0 when passes keep their pace.
  double lag = last_pass_start_ > 0 ? std::max(0.0, started - (last_pass_start_ + opt_.tick)) : 0;
  metrics_.SetGauge("arxivflow_scheduler_loop_lag_seconds",
                    "How late the latest scheduler pass started against its tick.", {}, lag);
  metrics_.SetGauge("arxivflow_scheduler_running_task_processes", "Task processes this scheduler watches.", {},
                    executor_->running());
  last_pass_start_ = started;
  if (!opt_.only_run_id.empty() || finished - last_metrics_write_ < 1.0) return;
  last_metrics_write_ = finished;
  metrics_.SetGauge("arxivflow_scheduler_metrics_written_timestamp_seconds",
                    "When the scheduler last wrote these metrics (Unix time).", {}, finished);
  Status s = metrics::WriteTextFileAtomically(home_.scheduler_metrics(), metrics_.Render());
  if (!s.ok()) spdlog::warn("cannot write the scheduler metrics: {}", s.message());
}

Status Scheduler::LaunchTasks(double now, const std::map<std::string, bool>& paused) {
  AF_ASSIGN_OR_RETURN(auto active,
                      store_->ListTaskInstancesInStates({TiState::kQueued, TiState::kRunning, TiState::kScheduled}));
  if (active.empty()) return Status::OK();
  std::map<std::pair<std::string, std::string>, bool> scope;
  auto in_scope = [&](const TiKey& key) -> Result<bool> {
    auto k = std::make_pair(key.dag_id, key.run_id);
    auto it = scope.find(k);
    if (it != scope.end()) return it->second;
    AF_ASSIGN_OR_RETURN(auto run, store_->GetDagRun(key.dag_id, key.run_id));
    bool ok = run && run->state == DagRunState::kRunning && InScope(*run);
    scope[k] = ok;
    return ok;
  };
  int used = 0;
  std::vector<const TaskInstance*> ready;
  for (const auto& ti : active) {
    AF_ASSIGN_OR_RETURN(bool mine, in_scope(ti.key));
    if (!mine) continue;
    if (ti.state != TiState::kScheduled) {
      ++used;
    } else if (auto p = paused.find(ti.key.dag_id); p == paused.end() || !p->second) {
      ready.push_back(&ti);  // a paused DAG starts no new task instance
    }
  }
  for (const TaskInstance* ti : ready) {
    if (used >= parallelism_) break;
    const DagSpec* dag = bag_.Find(ti->key.dag_id);
    if (!dag) continue;
    std::string token = token_prefix_ + std::to_string(++token_counter_);
    AF_ASSIGN_OR_RETURN(bool queued, store_->QueueTaskInstance(ti->key, token, now));
    if (!queued) continue;
    TaskInstance q = *ti;
    q.state = TiState::kQueued;
    q.try_number += 1;
    q.external_executor_id = token;
    Status s = executor_->Launch(q, *dag, now);
    if (!s.ok()) {
      spdlog::error("cannot start task {}.{}: {}", ti->key.dag_id, ti->key.task_id, s.message());
      const TaskSpec* task = dag->FindTask(ti->key.task_id);
      (void)store_->FinishTaskInstance(ti->key, token, false, task ? task->policy : RetryPolicy(), now, s.message());
      continue;
    }
    ++used;
  }
  return Status::OK();
}

Status Scheduler::Heartbeat(double now) {
  if (!job_id_ || now - last_heartbeat_ < opt_.heartbeat_interval) return Status::OK();
  last_heartbeat_ = now;
  return store_->HeartbeatSchedulerJob(job_id_, now);
}

void Scheduler::MaybeCleanOld(double now) {
  if (!job_id_) return;  // test mode
  if (next_retention_ == 0) next_retention_ = now + opt_.retention_delay;
  if (now < next_retention_) return;
  next_retention_ = now + 86400;
  auto days = ReadRetentionDays(home_);
  if (!days.ok()) {
    spdlog::error("automatic retention skipped: {}", days.status().message());
    return;
  }
  if (*days <= 0) return;
  auto report = CleanOlderThan(*store_, home_, *days, /*dry_run=*/false, now);
  if (!report.ok()) {
    spdlog::error("automatic retention failed: {}", report.status().message());
    return;
  }
  spdlog::info("automatic retention (older than {} days, before {}): removed {}", *days, report->cut,
               DescribeRetention(*report));
}

Status Scheduler::Loop() {
  int64_t version = store_->DataVersion();
  auto stopping = [&] { return opt_.stop && opt_.stop->load(); };
  while (!stopping()) {
    wake_ = false;
    double pass_start = NowEpoch();
    Status s = RunOnce();
    RecordPass(pass_start, NowEpoch());
    if (s.ok()) s = Heartbeat(NowEpoch());  // only a pass that worked counts as a beat
    if (!s.ok()) {
      // A busy or briefly unavailable DB must not end the scheduler.
      spdlog::error("scheduler pass failed: {}", s.message());
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (run_done_) break;
    if (wake_) continue;
    double pass_at = NowEpoch();
    while (!stopping()) {
      if (executor_->WaitForExit(opt_.idle_poll)) break;  // a task process ended
      int64_t v = store_->DataVersion();
      if (v != version) {  // another process committed (trigger, task end, ...)
        version = v;
        break;
      }
      if (NowEpoch() - pass_at >= opt_.tick) break;
    }
  }
  if (!opt_.only_run_id.empty() && executor_->running() > 0) {
    executor_->TerminateAll();  // `dags test` interrupted: its task processes go with it
  }
  if (job_id_) {
    (void)store_->EndSchedulerJob(job_id_, NowEpoch());
    job_id_ = 0;
  }
  return Status::OK();
}

}  // namespace arxivflow::orchestrator
