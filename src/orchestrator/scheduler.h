// The scheduler (`arxivflow scheduler`, `dags test`): decides what runs when.
//
// Contract: a Scheduler owns the DAG folder scan, the creation of scheduled
// DAG runs, starting queued runs (max_active_runs), moving task instances by
// their trigger rules (scheduler_rules.h), retries, and ending runs. It queues
// at most `parallelism` task instances at once and hands them to its executor
// (executor.h; by default a LocalExecutor, local_executor.h), which runs and
// watches the processes. A paused DAG starts nothing new: its queued runs
// wait, and its running runs start no new task instance (those already
// running finish); `dags test` ignores pausing, as in Airflow. Each pass of
// the loop records the scheduler's heartbeat in the metadata DB (at most every
// `heartbeat_interval`), so a hung loop shows as a stale heartbeat. One
// scheduler per home: Start() takes an exclusive flock on scheduler.lock
// (released by the kernel even on SIGKILL). When the home's config sets
// retention_days, it runs the retention clean a minute after Start() and then
// once a day (retention.h). In test mode (only_run_id set) it
// handles just that DAG run, takes no lock, records no heartbeat, and Loop()
// returns when the run ends. A run past its DAG's dagrun_timeout fails: its
// running and queued task instances fail (their processes notice and stop),
// the unstarted ones are skipped. Hooks notify through RunAlerts, whose
// deliveries happen on their own thread and never hold up the loop; at the
// end queued deliveries get up to kNotificationDrainSeconds.
// Not thread-safe; one owner thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "orchestrator/dag_bag.h"
#include "orchestrator/executor.h"
#include "orchestrator/home.h"
#include "orchestrator/local_executor.h"
#include "orchestrator/metadata_store.h"
#include "metrics/registry.h"
#include "orchestrator/run_alerts.h"

namespace arxivflow::orchestrator {

inline constexpr double kNotificationDrainSeconds = 15;

struct SchedulerOptions {
  int parallelism = 0;               // 0 = 2 x CPU cores
  double idle_poll = 0.005;          // seconds between checks for wake-ups
  double tick = 0.25;                // a full pass at least this often
  double dag_scan_interval = 1.0;    // seconds between DAG folder scans
  double heartbeat_interval = 5.0;   // seconds between heartbeats in the metadata DB
  double retention_delay = 60;       // seconds from the first pass to the first automatic retention clean
  LocalExecutorOptions executor;     // zombie threshold, kill grace, launch mode
  std::string only_dag_id;           // test mode: just this run
  std::string only_run_id;
  // Receives human-readable progress lines (state changes) in test mode.
  std::function<void(const std::string&)> progress;
  const std::atomic<bool>* stop = nullptr;  // set by a signal handler
};

class Scheduler {
 public:
  // `executor` null = a LocalExecutor with options.executor.
  Scheduler(HomePaths home, SchedulerOptions options, std::unique_ptr<Executor> executor = nullptr);
  ~Scheduler();

  Status Start();
  // Runs passes until *options.stop (or, in test mode, until the run ends).
  Status Loop();
  // One scheduling pass.
  Status RunOnce();
  // Test mode: the run's final state once Loop returned ("" while it runs).
  std::string final_run_state() const { return final_run_state_; }
  int parallelism() const { return parallelism_; }

 private:
  bool InScope(const DagRun& run) const;
  Status ScanDags(double now);
  Status CreateScheduledRuns(double now);
  Result<std::map<std::string, bool>> PausedDags();
  Status ProcessRuns(double now, const std::map<std::string, bool>& paused);
  Status EvaluateRun(const DagRun& run, const DagSpec& dag, double now);
  Status LaunchTasks(double now, const std::map<std::string, bool>& paused);
  Status Heartbeat(double now);
  // dagrun_timeout: fails the run and its unfinished task instances.
  Status TimeOutRun(const DagRun& run, const DagSpec& dag, const std::vector<TaskInstance>& tis, double now);
  void RecordPass(double started, double finished);
  // The automatic retention (retention.h), at the end of a pass:
  // retention_delay after the first pass, then every 24 h, when
  // <home>/config.yaml sets retention_days. Not in test mode.
  void MaybeCleanOld(double now);
  void Progress(const std::string& line);

  HomePaths home_;
  SchedulerOptions opt_;
  int parallelism_ = 1;
  std::unique_ptr<MetadataStore> store_;
  DagBag bag_;
  std::unique_ptr<Executor> executor_;
  std::string token_prefix_;
  uint64_t token_counter_ = 0;
  int lock_fd_ = -1;
  int64_t job_id_ = 0;  // this scheduler's row in the job table (0 in test mode)
  double last_heartbeat_ = 0;
  double next_retention_ = 0;  // 0 until Start()
  std::map<std::string, TiState> last_states_;  // test-mode progress
  std::string final_run_state_;
  double last_scan_ = -1e18;
  bool run_done_ = false;
  bool wake_ = true;
  // This process's metrics (loop passes, finished runs and tries,
  // notifications), written to <home>/scheduler_metrics.prom for the web
  // server's /metrics; and the notifications of hooks (run_alerts.h).
  metrics::Registry metrics_{"arxivflow_scheduler_metrics_dropped_total"};
  std::unique_ptr<RunAlerts> alerts_;
  double last_pass_start_ = 0;
  double last_metrics_write_ = 0;
};

}  // namespace arxivflow::orchestrator
