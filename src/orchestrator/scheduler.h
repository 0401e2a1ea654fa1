// The scheduler and its local executor (`arxivflow scheduler`, `dags test`).
//
// Contract: a Scheduler owns the DAG folder scan, DAG run creation for cron
// schedules, task-instance state changes by trigger rules, and the executor:
// every task instance runs as its own process (in a new process group,
// stdout+stderr to the try's log file), at most `parallelism` at once. The
// process is forked by the task launcher (task_launcher.h), a helper process
// the scheduler starts once and restarts when it dies, or, with task_launch
// "spawn" (or while the launcher cannot start), spawned as
// `arxivflow tasks run ...`. The scheduler itself never forks. It kills a process group (SIGTERM, then SIGKILL after
// `kill_grace`) when the task exceeds its execution_timeout or its state was
// changed from outside (marked failed, cleared). It adopts task processes left
// by a previous scheduler (they keep running and heartbeating) and fails or
// retries those that died (pid gone, or no heartbeat for
// `zombie_threshold`). One scheduler per home: Start() takes an exclusive
// flock on scheduler.lock (released by the kernel even on SIGKILL).
// In test mode (only_run_id set) it handles just that DAG run, takes no lock,
// and Loop() returns when the run ends. Not thread-safe; one owner thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "orchestrator/dag_bag.h"
#include "orchestrator/home.h"
#include "orchestrator/launcher_client.h"
#include "orchestrator/metadata_store.h"

namespace arxivflow::orchestrator {

struct SchedulerOptions {
  int parallelism = 0;            // 0 = 2 x CPU cores
  double idle_poll = 0.005;       // seconds between checks for wake-ups
  double tick = 0.25;             // a full pass at least this often
  double dag_scan_interval = 1.0; // seconds between DAG folder scans
  double zombie_threshold = 30;   // seconds without heartbeat before a task counts as dead
  double kill_grace = 5;          // seconds between SIGTERM and SIGKILL
  std::string only_dag_id;        // test mode: just this run
  std::string only_run_id;
  // "fork" (the task launcher) or "spawn" (posix_spawn of `tasks run` per
  // task); empty = $ARXIVFLOW_TASK_LAUNCH, else fork.
  std::string task_launch;
  // Receives human-readable progress lines (state changes) in test mode.
  std::function<void(const std::string&)> progress;
  const std::atomic<bool>* stop = nullptr;  // set by a signal handler
};

class Scheduler {
 public:
  Scheduler(HomePaths home, SchedulerOptions options);
  ~Scheduler();

  Status Start();
  // Runs passes until *options.stop (or, in test mode, until the run ends).
  Status Loop();
  // One scheduling pass.
  Status RunOnce();
  // Test mode: the run's final state once Loop returned.
  std::string final_run_state() const { return final_run_state_; }
  int parallelism() const { return parallelism_; }

 private:
  struct Child {
    TiKey key;
    std::string token;
    int try_number = 0;
    double started = 0;
    double timeout = 0;
    double term_sent = 0;
    bool timed_out = false;
    bool externally_changed = false;
    bool via_launcher = false;  // a child of the task launcher, not ours
    std::string log_path;
  };

  bool InScope(const DagRun& run) const;
  Status ScanDags(double now);
  Status CreateScheduledRuns(double now);
  Status ProcessRuns(double now);
  Status EvaluateRun(const DagRun& run, const DagSpec& dag, double now);
  Status LaunchTasks(double now);
  Status Spawn(const TaskInstance& ti, const DagSpec& dag, double now);
  Result<pid_t> SpawnProcess(const TaskInstance& ti, const DagSpec& dag, const std::string& log_path);
  bool EnsureLauncher(double now);
  Status OnLauncherGone(double now);
  Status ReapChildren(double now);
  Status HandleExit(pid_t pid, int status, double now);
  Status MonitorChildren(double now);
  Status CheckOrphans(double now);
  void AppendToLog(const std::string& path, const std::string& line);
  void Progress(const std::string& line);

  HomePaths home_;
  SchedulerOptions opt_;
  int parallelism_ = 1;
  std::unique_ptr<MetadataStore> store_;
  DagBag bag_;
  std::string token_prefix_;
  uint64_t token_counter_ = 0;
  int lock_fd_ = -1;
  std::string hostname_;
  std::string self_exe_;
  std::vector<std::string> task_env_;  // the environment of task processes
  bool use_launcher_ = true;
  std::unique_ptr<LauncherClient> launcher_;
  double launcher_retry_at_ = 0;       // after a failed start: spawn until then
  std::map<pid_t, Child> children_;
  std::map<std::string, double> orphan_term_sent_;  // token -> time SIGTERM was sent
  std::map<std::string, std::string> last_states_;  // test-mode progress
  std::string final_run_state_;
  double last_scan_ = -1e18;
  double last_monitor_ = 0;
  double last_orphan_check_ = 0;
  bool run_done_ = false;
  bool wake_ = true;
};

}  // namespace arxivflow::orchestrator
