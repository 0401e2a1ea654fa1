#include "orchestrator/local_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>

#include "common/host_name.h"
#include "common/logging.h"
#include "orchestrator/home.h"
#include "orchestrator/operators.h"
#include "orchestrator/spawn_attributes.h"
#include "orchestrator/time_util.h"

extern char** environ;

namespace arxivflow::orchestrator {

namespace {

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

// Appends a line of the executor's own to a try's log.
void AppendToLog(const std::string& path, const std::string& line) {
  if (path.empty()) return;
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, kPrivateFileMode);
  if (fd < 0) return;
  std::string text = "[" + FormatIso(NowEpoch()) + "] {scheduler} " + line + "\n";
  (void)!write(fd, text.data(), text.size());
  close(fd);
}

}  // namespace

LocalExecutor::LocalExecutor(HomePaths home, LocalExecutorOptions options, MetadataStore& store, const DagBag& bag,
                             std::function<bool(const DagRun&)> in_scope)
    : home_(std::move(home)), opt_(std::move(options)), store_(store), bag_(bag), in_scope_(std::move(in_scope)) {}

LocalExecutor::~LocalExecutor() = default;

Status LocalExecutor::Start(const std::string& token_prefix) {
  (void)token_prefix;  // tokens of this scheduler are exactly those of children_
  hostname_ = HostName();
  program_ = opt_.program.empty() ? SelfExecutable() : opt_.program;
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
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  pthread_sigmask(SIG_BLOCK, &chld, nullptr);
  // Started now, not at the first task, so its exec is off the critical path.
  EnsureLauncher(NowEpoch());
  return Status::OK();
}

bool LocalExecutor::TakeWake() {
  bool w = wake_;
  wake_ = false;
  return w;
}

RetryPolicy LocalExecutor::PolicyOf(const TiKey& key) const {
  const DagSpec* dag = bag_.Find(key.dag_id);
  const TaskSpec* task = dag ? dag->FindTask(key.task_id) : nullptr;
  return task ? task->policy : RetryPolicy();
}

bool LocalExecutor::EnsureLauncher(double now) {
  if (!use_launcher_) return false;
  if (launcher_ && launcher_->running()) return true;
  if (now < launcher_retry_at_) return false;
  if (!launcher_) launcher_ = std::make_unique<LauncherClient>(program_, task_env_);
  Status s = launcher_->Start();
  if (!s.ok()) {
    spdlog::error("{}; spawning task processes instead for now", s.message());
    launcher_retry_at_ = now + 5;
    return false;
  }
  return true;
}

Result<pid_t> LocalExecutor::SpawnProcess(const TaskInstance& ti, const DagSpec& dag, const std::string& log_path) {
  std::vector<std::string> args = {program_, "tasks", "run", ti.key.dag_id, ti.key.task_id, ti.key.run_id,
                                   "--job-token", ti.external_executor_id, "--dag-file", dag.fileloc};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : task_env_) envp.push_back(e.data());
  envp.push_back(nullptr);

  SpawnAttributes attr(/*new_process_group=*/true);  // a timeout kills the whole tree
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, kPrivateFileMode);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, program_.c_str(), &fa, attr.get(), argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return Status::IOError("posix_spawn " + program_ + ": " + std::strerror(rc));
  return pid;
}

Status LocalExecutor::Launch(const TaskInstance& ti, const DagSpec& dag, double now) {
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
      AF_ASSIGN_OR_RETURN(bool requeued, store_.RequeueTaskInstance(ti.key, ti.external_executor_id));
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

Status LocalExecutor::OnLauncherGone(double now) {
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
    auto requeued = store_.RequeueTaskInstance(child.key, child.token);
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

Status LocalExecutor::Reap(double now) {
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

Status LocalExecutor::HandleExit(pid_t pid, int status, double now) {
  auto it = children_.find(pid);
  if (it == children_.end()) return Status::OK();
  Child child = it->second;
  children_.erase(it);
  wake_ = true;
  AF_ASSIGN_OR_RETURN(auto ti, store_.GetTaskInstance(child.key));
  if (!ti || !IsExecuting(ti->state) || ti->external_executor_id != child.token) {
    return Status::OK();  // the task recorded its own end, or someone else changed it
  }
  std::string reason = child.timed_out
                           ? "timed out after " + std::to_string(static_cast<int>(child.timeout)) + " s (execution_timeout)"
                           : "task process ended without recording a state (" + ExitText(status) + ")";
  AF_ASSIGN_OR_RETURN(auto state,
                      store_.FinishTaskInstance(child.key, child.token, false, PolicyOf(child.key), now, reason));
  if (!state) return Status::OK();
  AppendToLog(child.log_path, "ERROR - " + reason + "; marked " + StateName(*state));
  spdlog::warn("{}.{} run {} try {}: {}; marked {}", child.key.dag_id, child.key.task_id, child.key.run_id,
               child.try_number, reason, StateName(*state));
  return Status::OK();
}

Status LocalExecutor::Supervise(double now) {
  AF_RETURN_IF_ERROR(MonitorChildren(now));
  if (now - last_orphan_check_ >= 1.0) {
    last_orphan_check_ = now;
    AF_RETURN_IF_ERROR(CheckOrphans(now));
  }
  return Status::OK();
}

Status LocalExecutor::MonitorChildren(double now) {
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
      AF_ASSIGN_OR_RETURN(auto ti, store_.GetTaskInstance(child.key));
      if (!ti || !IsExecuting(ti->state) || ti->external_executor_id != child.token) {
        child.term_sent = now;
        AppendToLog(child.log_path, "WARNING - state changed externally to " +
                                        std::string(ti ? StateName(ti->state) : "?") +
                                        "; sending SIGTERM to the task's process group");
        kill(-pid, SIGTERM);
      }
    }
  }
  return Status::OK();
}

Status LocalExecutor::CheckOrphans(double now) {
  std::set<std::string> mine;
  for (const auto& [pid, child] : children_) mine.insert(child.token);
  AF_ASSIGN_OR_RETURN(auto running, store_.ListTaskInstancesInStates({TiState::kRunning}));
  for (const auto& ti : running) {
    if (mine.count(ti.external_executor_id)) continue;
    AF_ASSIGN_OR_RETURN(auto run, store_.GetDagRun(ti.key.dag_id, ti.key.run_id));
    if (!run || !in_scope_(*run)) continue;
    // A task process of a previous scheduler (or started by hand).
    bool same_host = ti.hostname == hostname_;
    bool pid_alive = ti.pid > 0 && (!same_host || ProcessAlive(static_cast<pid_t>(ti.pid)));
    double heartbeat_age = 0;
    if (ti.heartbeat) {
      if (auto hb = ParseIso(*ti.heartbeat)) heartbeat_age = now - *hb;
    }
    RetryPolicy policy = PolicyOf(ti.key);
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
    AF_ASSIGN_OR_RETURN(auto state, store_.FinishTaskInstance(ti.key, ti.external_executor_id, false, policy, now, reason));
    if (!state) continue;
    AppendToLog(home_.TaskLog(ti.key.dag_id, ti.key.run_id, ti.key.task_id, ti.try_number),
                "ERROR - " + reason + "; marked " + StateName(*state));
    spdlog::warn("{}.{} run {} try {}: {}; marked {}", ti.key.dag_id, ti.key.task_id, ti.key.run_id, ti.try_number,
                 reason, StateName(*state));
    wake_ = true;
  }
  return Status::OK();
}

bool LocalExecutor::WaitForExit(double seconds) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  struct timespec ts;
  ts.tv_sec = static_cast<time_t>(seconds);
  ts.tv_nsec = static_cast<long>((seconds - static_cast<double>(ts.tv_sec)) * 1e9);
  int launcher_fd = launcher_ ? launcher_->fd() : -1;
  if (launcher_fd >= 0) {
    // Task processes are the launcher's children: their ends (and the
    // launcher's) arrive on its socket; SIGCHLD still covers spawned ones.
    struct timespec zero = {0, 0};
    if (sigtimedwait(&chld, nullptr, &zero) > 0) return true;
    struct pollfd p = {launcher_fd, POLLIN, 0};
    return ppoll(&p, 1, &ts, nullptr) > 0;
  }
  return sigtimedwait(&chld, nullptr, &ts) > 0;  // a task process ended
}

void LocalExecutor::TerminateAll() {
  for (const auto& [pid, child] : children_) kill(-pid, SIGTERM);
}

}  // namespace arxivflow::orchestrator
