#include "orchestrator/store_metrics.h"

#include <map>

#include "common/json_limits.h"
#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {

namespace {

using nlohmann::json;

double Number(const json& v) { return v.is_number() ? v.get<double>() : 0; }

// The rows and rejects a task reported: the warehouse load's
// [{"table", "rows_loaded"}, ...], and the transform's {"rows": {table: n},
// "rejected": n}.
void AddResult(const std::string& dag_id, const std::string& task_id, const json& r,
               std::map<std::vector<std::pair<std::string, std::string>>, double>& rows,
               std::map<std::vector<std::pair<std::string, std::string>>, double>& rejected) {
  if (r.is_array()) {
    for (const auto& e : r) {
      if (e.is_object() && e.contains("table") && e["table"].is_string() && e.contains("rows_loaded")) {
        rows[{{"dag_id", dag_id}, {"task_id", task_id}, {"table", e["table"].get<std::string>()}}] +=
            Number(e["rows_loaded"]);
      }
    }
  } else if (r.is_object()) {
    if (r.contains("rows") && r["rows"].is_object()) {
      for (const auto& [table, n] : r["rows"].items()) {
        rows[{{"dag_id", dag_id}, {"task_id", task_id}, {"table", table}}] += Number(n);
      }
    }
    if (r.contains("rejected") && r["rejected"].is_number()) {
      rejected[{{"dag_id", dag_id}, {"task_id", task_id}}] += Number(r["rejected"]);
    }
  }
}

}  // namespace

Status CollectStoreMetrics(MetadataStore& store, double now, metrics::Registry& out) {
  AF_ASSIGN_OR_RETURN(auto tis, store.CountTaskInstancesByDagAndState());
  double waiting = 0;
  for (const auto& c : tis) {
    out.SetGauge("arxivflow_task_instances", "Task instances in the metadata DB by DAG and state.",
                 {{"dag_id", c.dag_id}, {"state", c.state}}, static_cast<double>(c.count));
    if (c.state == "scheduled" || c.state == "queued") waiting += static_cast<double>(c.count);
  }
  out.SetGauge("arxivflow_queued_task_instances",
               "Task instances waiting for a slot or a process (scheduled or queued).", {}, waiting);
  AF_ASSIGN_OR_RETURN(auto runs, store.CountDagRunsByDagAndState());
  for (const auto& c : runs) {
    out.SetGauge("arxivflow_dag_runs", "DAG runs in the metadata DB by DAG and state (outcome).",
                 {{"dag_id", c.dag_id}, {"state", c.state}}, static_cast<double>(c.count));
  }
  AF_ASSIGN_OR_RETURN(auto job, store.LatestSchedulerJob());
  if (job) {
    auto beat = ParseIso(job->latest_heartbeat);
    if (beat) {
      out.SetGauge("arxivflow_scheduler_heartbeat_age_seconds",
                   "Seconds since the latest scheduler's last heartbeat.", {}, now - *beat);
    }
    out.SetGauge("arxivflow_scheduler_running", "1 when the latest scheduler has not stopped.", {},
                 job->state == "running" ? 1 : 0);
  }
  std::map<std::vector<std::pair<std::string, std::string>>, double> rows, rejected;
  AF_RETURN_IF_ERROR(store.ForEachTaskResult(
      [&](const std::string& dag_id, const std::string& task_id, const std::string& text) {
        auto parsed = ParseJsonBounded(text, "task result");
        if (parsed.ok()) AddResult(dag_id, task_id, *parsed, rows, rejected);
      }));
  for (const auto& [labels, n] : rows) {
    out.SetGauge("arxivflow_rows_loaded", "Rows written per table, from the results of the retained successful tasks.",
                 labels, n);
  }
  for (const auto& [labels, n] : rejected) {
    out.SetGauge("arxivflow_records_rejected",
                 "Records rejected, from the results of the retained successful tasks.", labels, n);
  }
  return Status::OK();
}

}  // namespace arxivflow::orchestrator
