#include "orchestrator/scheduler.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "common/logging.h"
#include "orchestrator/operators.h"
#include "orchestrator/secrets.h"
#include "orchestrator/time_util.h"

extern char** environ;

namespace arxivflow::orchestrator {

namespace {

std::string Hostname() {
  char buf[256] = {0};
  gethostname(buf, sizeof buf - 1);
  return buf;
}

// What a task with this trigger rule should become given its upstream states:
// "scheduled", "skipped", "upstream_failed", or "" to keep waiting.
std::string TriggerDecision(const TaskSpec& task, const std::map<std::string, std::string>& states) {
  if (task.upstream.empty()) return "scheduled";
  int success = 0, skipped = 0, failed = 0, done = 0;
  for (const auto& up : task.upstream) {
    auto it = states.find(up);
    const std::string& s = it == states.end() ? std::string("none") : it->second;
    if (s == "success") ++success;
    else if (s == "skipped") ++skipped;
    else if (s == "failed" || s == "upstream_failed") ++failed;
    if (IsTerminalTiState(s)) ++done;
  }
  const int n = static_cast<int>(task.upstream.size());
  switch (task.trigger_rule) {
    case TriggerRule::kAllSuccess:
      if (failed) return "upstream_failed";
      if (skipped) return "skipped";
      return success == n ? "scheduled" : "";
    case TriggerRule::kAllFailed:
      if (success || skipped) return "skipped";
      return failed == n ? "scheduled" : "";
    case TriggerRule::kAllDone:
      return done == n ? "scheduled" : "";
    case TriggerRule::kOneFailed:
      if (failed) return "scheduled";
      return done == n ? "skipped" : "";
    case TriggerRule::kOneSuccess:
      if (success) return "scheduled";
      if (done == n) return failed ? "upstream_failed" : "skipped";
      return "";
    case TriggerRule::kNoneFailed:
      if (failed) return "upstream_failed";
      return done == n ? "scheduled" : "";
    case TriggerRule::kAlways:
      return "scheduled";
  }
  return "";
}

// True if `pid` runs on this host and is not a zombie (an exited process
// whose parent, after a scheduler crash, may be a non-reaping init).
bool ProcessAlive(pid_t pid) {
  if (kill(pid, 0) != 0 && errno != EPERM) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() || text[paren + 2] != 'Z';
}

std::string ExitText(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  }
  return "status " + std::to_string(status);
}

}  // namespace

Scheduler::Scheduler(HomePaths home, SchedulerOptions options)
    : home_(std::move(home)), opt_(std::move(options)), bag_(home_.dags()) {
  parallelism_ = opt_.parallelism > 0 ? opt_.parallelism
                                      : std::max(2, 2 * static_cast<int>(std::thread::hardware_concurrency()));
}

Scheduler::~Scheduler() {
  if (lock_fd_ >= 0) close(lock_fd_);
}

bool Scheduler::InScope(const DagRun& run) const {
  if (!opt_.only_run_id.empty()) return run.dag_id == opt_.only_dag_id && run.run_id == opt_.only_run_id;
  return run.run_type != "test";  // `dags test` runs belong to their own process
}

Status Scheduler::Start() {
  hostname_ = Hostname();
  self_exe_ = SelfExecutable();
  task_env_.clear();
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "ARXIVFLOW_HOME=", 15) != 0) task_env_.emplace_back(*e);
  }
  task_env_.push_back("ARXIVFLOW_HOME=" + home_.root);
  std::string launch = opt_.task_launch;
  if (launch.empty()) {
    const char* env = std::getenv("ARXIVFLOW_TASK_LAUNCH");
    launch = env && *env ? env : "fork";
  }
  if (launch != "fork" && launch != "spawn") {
    return Status::InvalidArgument("task launch mode '" + launch + "' is unknown (ARXIVFLOW_TASK_LAUNCH: fork or spawn)");
  }
  use_launcher_ = launch == "fork";
  token_prefix_ = (opt_.only_run_id.empty() ? "sched-" : "test-") + RandomToken(6) + "-";
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
  }
  AF_RETURN_IF_ERROR(ScanDags(NowEpoch()));
  // Started now, not at the first task, so its exec is off the critical path.
  EnsureLauncher(NowEpoch());
  spdlog::info("scheduler started on {} (parallelism {}, tasks {})", home_.root, parallelism_,
               use_launcher_ ? "forked by the task launcher" : "spawned");
  return Status::OK();
}

void Scheduler::Progress(const std::string& line) {
  if (opt_.progress) opt_.progress(line);
}

void Scheduler::AppendToLog(const std::string& path, const std::string& line) {
  if (path.empty()) return;
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, kPrivateFileMode);
  if (fd < 0) return;
  std::string text = "[" + FormatIso(NowEpoch()) + "] {scheduler} " + line + "\n";
  (void)!write(fd, text.data(), text.size());
  close(fd);
}

Status Scheduler::ScanDags(double now) {
  last_scan_ = now;
  if (bag_.Refresh(store_.get())) AF_RETURN_IF_ERROR(bag_.SyncToStore(*store_, now));
  return Status::OK();
}

Status Scheduler::CreateScheduledRuns(double now) {
  AF_ASSIGN_OR_RETURN(auto rows, store_->ListDags(false));
  std::map<std::string, bool> paused;
  for (const auto& r : rows) paused[r.dag_id] = r.is_paused;
  for (const DagSpec* dag : bag_.dags()) {
    if (dag->schedule.kind() == Schedule::Kind::kNone || paused[dag->dag_id]) continue;
    if (now < dag->start_date) continue;
    AF_ASSIGN_OR_RETURN(auto last, store_->LastLogicalDate(dag->dag_id, "scheduled"));
    std::optional<double> logical;
    if (dag->schedule.kind() == Schedule::Kind::kOnce) {
      if (!last) logical = dag->start_date;
    } else {
      std::optional<double> candidate = last ? dag->schedule.Next(*last) : dag->schedule.Next(dag->start_date - 1e-3);
      if (!dag->catchup && candidate) {
        // Without catchup only the latest complete interval runs: search
        // growing windows back from now for the last tick whose interval ended.
        for (double window : {86400.0, 32 * 86400.0, 400 * 86400.0, 5 * 366 * 86400.0}) {
          std::optional<double> c = dag->schedule.Next(now - window);
          if (!c || *c < *candidate) c = candidate;
          auto end = dag->schedule.Next(*c);
          if (!end || *end > now) continue;
          while (true) {
            auto next = dag->schedule.Next(*c);
            auto next_end = next ? dag->schedule.Next(*next) : std::nullopt;
            if (!next_end || *next_end > now) break;
            c = next;
          }
          candidate = c;
          break;
        }
      }
      if (candidate) {
        auto end = dag->schedule.Next(*candidate);
        if (end && *end <= now) logical = candidate;
      }
    }
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
  AF_RETURN_IF_ERROR(ReapChildren(now));
  if (opt_.only_run_id.empty() && now - last_scan_ >= opt_.dag_scan_interval) {
    AF_RETURN_IF_ERROR(ScanDags(now));
    AF_RETURN_IF_ERROR(CreateScheduledRuns(now));
  }
  AF_RETURN_IF_ERROR(ProcessRuns(now));
  AF_RETURN_IF_ERROR(LaunchTasks(now));
  AF_RETURN_IF_ERROR(MonitorChildren(now));
  if (now - last_orphan_check_ >= 1.0) {
    last_orphan_check_ = now;
    AF_RETURN_IF_ERROR(CheckOrphans(now));
  }
  return Status::OK();
}

Status Scheduler::ProcessRuns(double now) {
  AF_ASSIGN_OR_RETURN(auto runs, store_->ListDagRuns("", {"queued", "running"}));
  std::reverse(runs.begin(), runs.end());  // oldest logical date first
  std::map<std::string, int> running_per_dag;
  for (const auto& run : runs) if (run.state == "running") ++running_per_dag[run.dag_id];
  std::map<std::string, bool> paused;
  if (opt_.only_run_id.empty()) {
    AF_ASSIGN_OR_RETURN(auto rows, store_->ListDags(true));
    for (const auto& r : rows) paused[r.dag_id] = r.is_paused;
  }
  bool any_in_scope = false;
  for (const auto& run : runs) {
    if (!InScope(run)) continue;
    any_in_scope = true;
    const DagSpec* dag = bag_.Find(run.dag_id);
    if (!dag) {
      std::string msg = "DAG '" + run.dag_id + "' is not in the DAG folder (removed or broken); failing run " + run.run_id;
      spdlog::error("{}", msg);
      AF_RETURN_IF_ERROR(store_->SetDagRunState(run.dag_id, run.run_id, "failed", now));
      continue;
    }
    if (run.state == "queued") {
      if (paused[run.dag_id]) continue;
      if (running_per_dag[run.dag_id] >= dag->max_active_runs) continue;
      AF_RETURN_IF_ERROR(store_->CreateTaskInstances(*dag, run.run_id));
      AF_RETURN_IF_ERROR(store_->SetDagRunState(run.dag_id, run.run_id, "running", now));
      ++running_per_dag[run.dag_id];
      spdlog::info("DAG run {} of {} is running", run.run_id, run.dag_id);
      Progress("DAG run " + run.run_id + " of " + run.dag_id + ": running");
    }
    AF_RETURN_IF_ERROR(EvaluateRun(run, *dag, now));
  }
  if (!opt_.only_run_id.empty()) {
    if (!any_in_scope) {
      AF_ASSIGN_OR_RETURN(auto run, store_->GetDagRun(opt_.only_dag_id, opt_.only_run_id));
      final_run_state_ = run ? run->state : "missing";
      run_done_ = children_.empty();
    }
  }
  return Status::OK();
}

Status Scheduler::EvaluateRun(const DagRun& run, const DagSpec& dag, double now) {
  AF_ASSIGN_OR_RETURN(auto tis, store_->ListTaskInstances(run.dag_id, run.run_id));
  if (tis.size() < dag.tasks.size()) {  // the DAG gained tasks since the run began
    AF_RETURN_IF_ERROR(store_->CreateTaskInstances(dag, run.run_id));
    AF_ASSIGN_OR_RETURN(tis, store_->ListTaskInstances(run.dag_id, run.run_id));
  }
  std::map<std::string, std::string> states;
  std::map<std::string, const TaskInstance*> by_id;
  for (const auto& ti : tis) {
    states[ti.key.task_id] = ti.state;
    by_id[ti.key.task_id] = &ti;
  }
  if (opt_.progress) {
    for (const auto& ti : tis) {
      auto& last = last_states_[ti.key.task_id];
      if (last != ti.state) {
        last = ti.state;
        if (ti.state != "none") {
          Progress(ti.key.task_id + ": " + ti.state + (ti.try_number ? " (try " + std::to_string(ti.try_number) + ")" : "") +
                   (ti.note.empty() || ti.state == "success" ? "" : " - " + ti.note));
        }
      }
    }
  }
  std::string now_iso = FormatIso(now);
  for (const auto& task : dag.tasks) {  // topological order: decisions cascade in one pass
    auto it = by_id.find(task.task_id);
    if (it == by_id.end()) continue;
    const TaskInstance& ti = *it->second;
    std::string& state = states[task.task_id];
    if (state == "none") {
      std::string decision = TriggerDecision(task, states);
      if (decision.empty()) continue;
      std::string note = decision == "scheduled" ? "" : "trigger rule " + std::string(TriggerRuleName(task.trigger_rule));
      AF_ASSIGN_OR_RETURN(bool moved, store_->TransitionTaskInstance(ti.key, "none", decision, now, note));
      if (moved) {
        state = decision;
        wake_ = true;
        if (decision != "scheduled") Progress(task.task_id + ": " + decision);
      }
    } else if (state == "up_for_retry" && (!ti.next_retry_at || *ti.next_retry_at <= now_iso)) {
      AF_ASSIGN_OR_RETURN(bool moved, store_->TransitionTaskInstance(ti.key, "up_for_retry", "scheduled", now));
      if (moved) state = "scheduled";
    }
  }
  bool all_done = true;
  for (const auto& task : dag.tasks) {
    if (!IsTerminalTiState(states[task.task_id])) all_done = false;
  }
  if (!all_done) return Status::OK();
  bool failed = false;
  for (const auto& task : dag.tasks) {
    const std::string& s = states[task.task_id];
    if (task.downstream.empty() && (s == "failed" || s == "upstream_failed")) failed = true;
  }
  std::string final_state = failed ? "failed" : "success";
  AF_RETURN_IF_ERROR(store_->SetDagRunState(run.dag_id, run.run_id, final_state, now));
  spdlog::info("DAG run {} of {} finished: {}", run.run_id, run.dag_id, final_state);
  Progress("DAG run " + run.run_id + " of " + run.dag_id + ": " + final_state);
  return Status::OK();
}

Status Scheduler::LaunchTasks(double now) {
  AF_ASSIGN_OR_RETURN(auto active, store_->ListTaskInstancesInStates({"queued", "running", "scheduled"}));
  if (active.empty()) return Status::OK();
  std::map<std::pair<std::string, std::string>, bool> scope;
  auto in_scope = [&](const TiKey& key) -> Result<bool> {
    auto k = std::make_pair(key.dag_id, key.run_id);
    auto it = scope.find(k);
    if (it != scope.end()) return it->second;
    AF_ASSIGN_OR_RETURN(auto run, store_->GetDagRun(key.dag_id, key.run_id));
    bool ok = run && run->state == "running" && InScope(*run);
    scope[k] = ok;
    return ok;
  };
  int used = 0;
  std::vector<const TaskInstance*> ready;
  for (const auto& ti : active) {
    AF_ASSIGN_OR_RETURN(bool mine, in_scope(ti.key));
    if (!mine) continue;
    if (ti.state == "scheduled") ready.push_back(&ti);
    else ++used;
  }
  for (const TaskInstance* ti : ready) {
    if (used >= parallelism_) break;
    const DagSpec* dag = bag_.Find(ti->key.dag_id);
    if (!dag) continue;
    std::string token = token_prefix_ + std::to_string(++token_counter_);
    AF_ASSIGN_OR_RETURN(bool queued, store_->QueueTaskInstance(ti->key, token, now));
    if (!queued) continue;
    TaskInstance q = *ti;
    q.try_number += 1;
    q.external_executor_id = token;
    Status s = Spawn(q, *dag, now);
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

bool Scheduler::EnsureLauncher(double now) {
  if (!use_launcher_) return false;
  if (launcher_ && launcher_->running()) return true;
  if (now < launcher_retry_at_) return false;
  if (!launcher_) launcher_ = std::make_unique<LauncherClient>(self_exe_, task_env_);
  Status s = launcher_->Start();
  if (!s.ok()) {
    spdlog::error("{}; spawning task processes instead for now", s.message());
    launcher_retry_at_ = now + 5;
    return false;
  }
  return true;
}

Result<pid_t> Scheduler::SpawnProcess(const TaskInstance& ti, const DagSpec& dag, const std::string& log_path) {
  std::vector<std::string> args = {self_exe_, "tasks", "run", ti.key.dag_id, ti.key.task_id, ti.key.run_id,
                                   "--job-token", ti.external_executor_id, "--dag-file", dag.fileloc};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : task_env_) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);  // own process group: a timeout kills the whole tree
  sigset_t empty, defaults;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  sigemptyset(&defaults);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, kPrivateFileMode);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, self_exe_.c_str(), &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Status::IOError("posix_spawn " + self_exe_ + ": " + std::strerror(rc));
  return pid;
}

Status Scheduler::Spawn(const TaskInstance& ti, const DagSpec& dag, double now) {
  std::string log_path = home_.TaskLog(ti.key.dag_id, ti.key.run_id, ti.key.task_id, ti.try_number);
  std::string dir = log_path.substr(0, log_path.rfind('/'));
  if (!MakeDirs(dir)) return Status::IOError(dir + ": cannot create log folder: " + std::strerror(errno));
  pid_t pid = 0;
  bool via_launcher = false;
  if (EnsureLauncher(now)) {
    nlohmann::json request = {{"home", home_.root},       {"dag_id", ti.key.dag_id},
                              {"task_id", ti.key.task_id}, {"run_id", ti.key.run_id},
                              {"token", ti.external_executor_id}, {"dag_file", dag.fileloc},
                              {"log", log_path}};
    bool maybe_started = false;
    auto launched = launcher_->Launch(std::move(request), 30, &maybe_started);
    if (launched.ok()) {
      pid = *launched;
      via_launcher = true;
    } else if (maybe_started) {
      // The launcher broke mid-request: a task process may exist that we
      // cannot see. Take the instance back so it can never claim it.
      spdlog::error("{}", launched.status().message());
      AF_ASSIGN_OR_RETURN(bool requeued, store_->RequeueTaskInstance(ti.key, ti.external_executor_id));
      if (!requeued) {
        spdlog::warn("{}.{} run {} try {}: its process started and is watched through its heartbeat",
                     ti.key.dag_id, ti.key.task_id, ti.key.run_id, ti.try_number);
      }
      return OnLauncherGone(now);
    } else {
      return launched.status();
    }
  } else {
    AF_ASSIGN_OR_RETURN(pid, SpawnProcess(ti, dag, log_path));
  }
  Child child;
  child.key = ti.key;
  child.token = ti.external_executor_id;
  child.try_number = ti.try_number;
  child.started = now;
  const TaskSpec* task = dag.FindTask(ti.key.task_id);
  child.timeout = task ? task->policy.execution_timeout : 0;
  child.log_path = log_path;
  child.via_launcher = via_launcher;
  children_[pid] = child;
  spdlog::debug("started {}.{} run {} try {} as pid {}{}", ti.key.dag_id, ti.key.task_id, ti.key.run_id,
                ti.try_number, pid, via_launcher ? " (forked by the task launcher)" : "");
  return Status::OK();
}

Status Scheduler::OnLauncherGone(double now) {
  if (!launcher_) return Status::OK();
  spdlog::warn("the task launcher (pid {}) is gone; tasks it started go on and are watched through their heartbeats",
               launcher_->pid());
  Status first = Status::OK();
  for (const auto& [pid, status] : launcher_->TakeExits()) {  // what it reported before it went
    Status s = HandleExit(pid, status, now);
    if (!s.ok() && first.ok()) first = s;
  }
  for (auto it = children_.begin(); it != children_.end();) {
    if (!it->second.via_launcher) {
      ++it;
      continue;
    }
    Child child = it->second;
    it = children_.erase(it);
    // Not yet claimed: take it back (the process then never runs it). Else it
    // runs on as an orphan: heartbeat, pid and timeout checks (CheckOrphans).
    auto requeued = store_->RequeueTaskInstance(child.key, child.token);
    if (!requeued.ok()) {
      if (first.ok()) first = requeued.status();
      continue;
    }
    AppendToLog(child.log_path, *requeued ? "WARNING - the task launcher ended before this try began; queued again"
                                          : "WARNING - the task launcher ended; the task goes on, watched through "
                                            "its heartbeat");
  }
  // One that never answered and ended at once probably cannot run at all:
  // spawn task processes for a while before trying again.
  bool never_worked = launcher_->replies() == 0 && NowEpoch() - launcher_->started_at() < 2;
  launcher_->Stop(true);
  launcher_retry_at_ = never_worked ? now + 5 : 0;
  wake_ = true;
  return first;
}

Status Scheduler::ReapChildren(double now) {
  Status first = Status::OK();
  auto handle = [&](pid_t pid, int status) {
    Status s = HandleExit(pid, status, now);
    if (!s.ok() && first.ok()) first = s;
  };
  // Our own children: the launcher, and task processes started by posix_spawn.
  while (true) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) break;
    if (launcher_ && pid == launcher_->pid()) {
      launcher_->OnReaped(status);
      continue;
    }
    handle(pid, status);
  }
  if (launcher_) {
    for (const auto& [pid, status] : launcher_->TakeExits()) handle(pid, status);
    if (launcher_->broken()) {
      Status s = OnLauncherGone(now);
      if (!s.ok() && first.ok()) first = s;
    }
  }
  return first;
}

Status Scheduler::HandleExit(pid_t pid, int status, double now) {
  auto it = children_.find(pid);
  if (it == children_.end()) return Status::OK();
  Child child = it->second;
  children_.erase(it);
  wake_ = true;
  AF_ASSIGN_OR_RETURN(auto ti, store_->GetTaskInstance(child.key));
  if (!ti || (ti->state != "running" && ti->state != "queued") || ti->external_executor_id != child.token) {
    return Status::OK();  // the task recorded its own end, or someone else changed it
  }
  std::string reason = child.timed_out
                           ? "timed out after " + std::to_string(static_cast<int>(child.timeout)) + " s (execution_timeout)"
                           : "task process ended without recording a state (" + ExitText(status) + ")";
  const DagSpec* dag = bag_.Find(child.key.dag_id);
  const TaskSpec* task = dag ? dag->FindTask(child.key.task_id) : nullptr;
  AF_ASSIGN_OR_RETURN(auto state, store_->FinishTaskInstance(child.key, child.token, false,
                                                             task ? task->policy : RetryPolicy(), now, reason));
  AppendToLog(child.log_path, "ERROR - " + reason + "; marked " + state);
  spdlog::warn("{}.{} run {} try {}: {}; marked {}", child.key.dag_id, child.key.task_id, child.key.run_id,
               child.try_number, reason, state);
  return Status::OK();
}

Status Scheduler::MonitorChildren(double now) {
  bool check_states = now - last_monitor_ >= 0.2;
  if (check_states) last_monitor_ = now;
  for (auto& [pid, child] : children_) {
    if (child.term_sent > 0) {
      if (now - child.term_sent >= opt_.kill_grace) {
        kill(-pid, SIGKILL);
        child.term_sent = now;  // repeat at most once per grace period
      }
      continue;
    }
    if (child.timeout > 0 && now - child.started > child.timeout) {
      child.timed_out = true;
      child.term_sent = now;
      AppendToLog(child.log_path, "ERROR - execution_timeout of " + std::to_string(child.timeout) +
                                      " s exceeded; sending SIGTERM to the task's process group");
      kill(-pid, SIGTERM);
      continue;
    }
    if (check_states) {
      AF_ASSIGN_OR_RETURN(auto ti, store_->GetTaskInstance(child.key));
      if (!ti || (ti->state != "running" && ti->state != "queued") || ti->external_executor_id != child.token) {
        child.externally_changed = true;
        child.term_sent = now;
        AppendToLog(child.log_path, "WARNING - state changed externally to " + (ti ? ti->state : std::string("?")) +
                                        "; sending SIGTERM to the task's process group");
        kill(-pid, SIGTERM);
      }
    }
  }
  return Status::OK();
}

Status Scheduler::CheckOrphans(double now) {
  std::set<std::string> mine;
  for (const auto& [pid, child] : children_) mine.insert(child.token);
  AF_ASSIGN_OR_RETURN(auto running, store_->ListTaskInstancesInStates({"running"}));
  for (const auto& ti : running) {
    if (mine.count(ti.external_executor_id)) continue;
    AF_ASSIGN_OR_RETURN(auto run, store_->GetDagRun(ti.key.dag_id, ti.key.run_id));
    if (!run || !InScope(*run)) continue;
    // A task process of a previous scheduler (or started by hand).
    bool same_host = ti.hostname == hostname_;
    bool pid_alive = ti.pid > 0 && (!same_host || ProcessAlive(static_cast<pid_t>(ti.pid)));
    double heartbeat_age = 0;
    if (ti.heartbeat) {
      if (auto hb = ParseIso(*ti.heartbeat)) heartbeat_age = now - *hb;
    }
    const DagSpec* dag = bag_.Find(ti.key.dag_id);
    const TaskSpec* task = dag ? dag->FindTask(ti.key.task_id) : nullptr;
    RetryPolicy policy = task ? task->policy : RetryPolicy();
    std::string reason;
    if (!pid_alive) {
      reason = "task process " + std::to_string(ti.pid) + " is gone (zombie task)";
    } else if (heartbeat_age > opt_.zombie_threshold) {
      reason = "no heartbeat for " + std::to_string(static_cast<int>(heartbeat_age)) + " s (zombie task)";
    } else if (policy.execution_timeout > 0 && ti.start_date) {
      auto start = ParseIso(*ti.start_date);
      if (start && now - *start > policy.execution_timeout && same_host) {
        auto& sent = orphan_term_sent_[ti.external_executor_id];
        if (sent == 0) {
          sent = now;
          kill(-static_cast<pid_t>(ti.pid), SIGTERM);
        } else if (now - sent >= opt_.kill_grace) {
          kill(-static_cast<pid_t>(ti.pid), SIGKILL);
          reason = "timed out after " + std::to_string(static_cast<int>(policy.execution_timeout)) +
                   " s (execution_timeout)";
        }
      }
    }
    if (reason.empty()) continue;
    if (pid_alive && same_host) kill(-static_cast<pid_t>(ti.pid), SIGKILL);
    AF_ASSIGN_OR_RETURN(auto state, store_->FinishTaskInstance(ti.key, ti.external_executor_id, false, policy, now, reason));
    if (state.empty()) continue;
    AppendToLog(home_.TaskLog(ti.key.dag_id, ti.key.run_id, ti.key.task_id, ti.try_number),
                "ERROR - " + reason + "; marked " + state);
    spdlog::warn("{}.{} run {} try {}: {}; marked {}", ti.key.dag_id, ti.key.task_id, ti.key.run_id, ti.try_number,
                 reason, state);
    wake_ = true;
  }
  return Status::OK();
}

Status Scheduler::Loop() {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  pthread_sigmask(SIG_BLOCK, &chld, nullptr);
  int64_t version = store_->db().DataVersion();
  auto stopping = [&] { return opt_.stop && opt_.stop->load(); };
  while (!stopping()) {
    wake_ = false;
    Status s = RunOnce();
    if (!s.ok()) {
      // A busy or briefly unavailable DB must not end the scheduler.
      spdlog::error("scheduler pass failed: {}", s.message());
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (run_done_) break;
    if (wake_) continue;
    double pass_at = NowEpoch();
    while (!stopping()) {
      struct timespec ts;
      ts.tv_sec = 0;
      ts.tv_nsec = static_cast<long>(opt_.idle_poll * 1e9);
      int launcher_fd = launcher_ ? launcher_->fd() : -1;
      if (launcher_fd >= 0) {
        // Task processes are the launcher's children: their ends (and the
        // launcher's) arrive on its socket; SIGCHLD still covers spawned ones.
        struct timespec zero = {0, 0};
        if (sigtimedwait(&chld, nullptr, &zero) > 0) break;
        struct pollfd p = {launcher_fd, POLLIN, 0};
        if (ppoll(&p, 1, &ts, nullptr) > 0) break;
      } else if (sigtimedwait(&chld, nullptr, &ts) > 0) {
        break;  // a task process ended
      }
      int64_t v = store_->db().DataVersion();
      if (v != version) {  // another process committed (trigger, task end, ...)
        version = v;
        break;
      }
      if (NowEpoch() - pass_at >= opt_.tick) break;
    }
  }
  if (!opt_.only_run_id.empty() && !children_.empty()) {
    // `dags test` interrupted: its task processes go with it.
    for (const auto& [pid, child] : children_) kill(-pid, SIGTERM);
  }
  return Status::OK();
}

}  // namespace arxivflow::orchestrator
