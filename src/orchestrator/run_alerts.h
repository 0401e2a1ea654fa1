// RunAlerts: the scheduler's notifications — it watches the task instances
// and runs the scheduler evaluates and hands each hook's notifiers
// (dag.h: on_failure, on_retry, on_success, on_sla_miss) to a Dispatcher
// (notify/dispatcher.h), whose worker thread delivers them.
//
// Rules:
// - A task instance that turns failed, up_for_retry or success notifies its
//   task's on_failure, on_retry or on_success once per try. A run that ends
//   notifies the DAG's on_failure or on_success once.
// - A task with `sla` that has not succeeded `sla` seconds after its run
//   started notifies its on_sla_miss (else the DAG's) once per run.
// - What this process saw is remembered in memory only: a run already in
//   progress when the scheduler started is taken as it is found (its earlier
//   changes are not notified again, nor the ones missed while no scheduler
//   ran).
// - Targets are resolved here, on the scheduler's thread (connections:
//   ARXIVFLOW_CONN_<ID>, then the metadata DB); a connection that cannot be
//   resolved, a full queue or a delivery that fails after its retries is
//   logged in the scheduler log and appended to the run's notification log
//   (logs/dag_id=X/run_id=Y/notifications.log), never failing the run.
//   Every such message goes through a SecretMasker holding the connection's
//   secrets. Counts go to the metrics registry
//   (arxivflow_notifications_total{notifier,event,outcome}).
// - Log URLs point at ARXIVFLOW_BASE_URL (default http://127.0.0.1:8080).
//
// Contract: called from the scheduler's thread only (one store per thread);
// the delivery outcomes arrive on the dispatcher's thread and touch only
// thread-safe things (spdlog, the registry, an append to a file).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "metrics/registry.h"
#include "notify/dispatcher.h"
#include "orchestrator/dag.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"

namespace arxivflow::orchestrator {

class RunAlerts {
 public:
  // `metrics` may be null; it must outlive this object.
  RunAlerts(HomePaths home, metrics::Registry* metrics, double started_at);
  ~RunAlerts();

  // The task instances of `run` as the scheduler just read them.
  void ObserveTasks(MetadataStore& store, const DagSpec& dag, const DagRun& run, const std::vector<TaskInstance>& tis,
                    double now);
  // `run` ended with `outcome`; `reason` is the error summary ("" = none).
  void RunFinished(MetadataStore& store, const DagSpec& dag, const DagRun& run, DagRunState outcome,
                   const std::string& reason, double now);
  // Forgets the runs not in `active` (dag_id, run_id).
  void Retain(const std::set<std::pair<std::string, std::string>>& active);
  // Lets queued deliveries finish for at most `seconds`, then stops.
  void Drain(double seconds);

  // The path of a run's notification log.
  static std::string RunLogPath(const HomePaths& home, const std::string& dag_id, const std::string& run_id);

 private:
  void Send(MetadataStore& store, const std::vector<notify::NotifierSpec>& notifiers,
            const notify::Notification& notification);
  void Report(const notify::Delivery& delivery, const Status& status, int attempts);
  std::string LogUrl(const TaskInstance& ti) const;

  HomePaths home_;
  metrics::Registry* metrics_;
  double started_at_;
  std::string base_url_;
  // (dag, run) -> task -> "try/state" last seen
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> seen_;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> sla_missed_;
  std::unique_ptr<notify::Dispatcher> dispatcher_;
};

}  // namespace arxivflow::orchestrator
