// LocalExecutor: runs every task instance as its own process on this host.
//
// Contract: each task process runs in a new process group, with stdout and
// stderr on the try's log file. It is forked by the task launcher
// (task_launcher.h), a helper process started once and restarted when it
// dies, or, with task_launch "spawn" (or while the launcher cannot start),
// spawned as `<program> tasks run ...`. This process itself never forks.
// A process group is killed (SIGTERM, then SIGKILL after `kill_grace`) when
// its task exceeds execution_timeout or its state was changed from outside
// (marked failed, cleared). Running task instances of earlier schedulers
// (another token prefix) are adopted: they keep running and heartbeating;
// those whose process is gone (pid dead on this host, or no heartbeat for
// `zombie_threshold`) are failed or retried by their retry policy. Which runs
// the executor watches is decided by `in_scope`. SIGCHLD is blocked on the
// calling thread by Start(); call everything from that one thread.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "orchestrator/dag_bag.h"
#include "orchestrator/executor.h"
#include "orchestrator/home.h"
#include "orchestrator/launcher_client.h"
#include "orchestrator/metadata_store.h"

namespace arxivflow::orchestrator {

struct LocalExecutorOptions {
  double zombie_threshold = 30;  // seconds without heartbeat before a task counts as dead
  double kill_grace = 5;         // seconds between SIGTERM and SIGKILL
  // "fork" (the task launcher) or "spawn"; empty = $ARXIVFLOW_TASK_LAUNCH, else fork.
  std::string task_launch;
  // The arxivflow binary to run tasks with; empty = this executable.
  std::string program;
};

class LocalExecutor : public Executor {
 public:
  // `store` and `bag` are the scheduler's and outlive the executor.
  // `in_scope` says whether a run's task instances are this executor's concern.
  LocalExecutor(HomePaths home, LocalExecutorOptions options, MetadataStore& store, const DagBag& bag,
                std::function<bool(const DagRun&)> in_scope);
  ~LocalExecutor() override;

  Status Start(const std::string& token_prefix) override;
  Status Launch(const TaskInstance& ti, const DagSpec& dag, double now) override;
  Status Reap(double now) override;
  Status Supervise(double now) override;
  bool WaitForExit(double seconds) override;
  bool TakeWake() override;
  size_t running() const override { return children_.size(); }
  void TerminateAll() override;

  bool uses_launcher() const { return use_launcher_; }

 private:
  struct Child {
    TiKey key;
    std::string token;
    int try_number = 0;
    double started = 0;
    double timeout = 0;
    double term_sent = 0;
    bool timed_out = false;
    bool via_launcher = false;  // a child of the task launcher, not ours
    std::string log_path;
  };

  Result<pid_t> SpawnProcess(const TaskInstance& ti, const DagSpec& dag, const std::string& log_path);
  bool EnsureLauncher(double now);
  Status OnLauncherGone(double now);
  Status HandleExit(pid_t pid, int status, double now);
  Status MonitorChildren(double now);
  Status CheckOrphans(double now);
  RetryPolicy PolicyOf(const TiKey& key) const;

  HomePaths home_;
  LocalExecutorOptions opt_;
  MetadataStore& store_;
  const DagBag& bag_;
  std::function<bool(const DagRun&)> in_scope_;
  std::string hostname_;
  std::string program_;
  std::vector<std::string> task_env_;  // the environment of task processes
  bool use_launcher_ = true;
  std::unique_ptr<LauncherClient> launcher_;
  double launcher_retry_at_ = 0;  // after a failed start: spawn until then
  std::map<pid_t, Child> children_;
  std::map<std::string, double> orphan_term_sent_;  // token -> time SIGTERM was sent
  double last_monitor_ = 0;
  double last_orphan_check_ = 0;
  bool wake_ = false;
};

}  // namespace arxivflow::orchestrator
