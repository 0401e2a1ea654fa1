#include "server/api_v2_codec.h"

#include "common/secret_names.h"
#include "server/json_codec.h"
#include "server/password.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

json NullIfEmpty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json Tags(const DagInfo& dag) {
  json tags = json::array();
  for (const auto& t : dag.tags) tags.push_back({{"name", t}, {"dag_id", dag.dag_id}, {"dag_display_name", dag.dag_id}});
  return tags;
}

std::string RelativeFileloc(const std::string& fileloc) {
  size_t slash = fileloc.rfind('/');
  return slash == std::string::npos ? fileloc : fileloc.substr(slash + 1);
}

}  // namespace

std::string TaskInstanceUuid(const std::string& dag_id, const std::string& run_id, const std::string& task_id) {
  std::string h = Sha256Hex(dag_id + '\0' + run_id + '\0' + task_id).substr(0, 32);
  h[12] = '5';                                       // version 5 (name-based)
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];  // RFC 4122 variant
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

json DagV2(const DagInfo& dag) {
  bool periodic = !dag.schedule.empty() && dag.schedule != "none";
  return {
      {"dag_id", dag.dag_id},
      {"dag_display_name", dag.dag_id},
      {"is_paused", dag.is_paused},
      {"is_stale", !dag.is_active},
      {"last_parsed_time", nullptr},
      {"last_expired", nullptr},
      {"bundle_name", nullptr},
      {"bundle_version", nullptr},
      {"relative_fileloc", RelativeFileloc(dag.fileloc)},
      {"fileloc", dag.fileloc},
      {"file_token", Sha256Hex("fileloc\n" + dag.fileloc).substr(0, 32)},
      {"description", NullIfEmpty(dag.description)},
      {"timetable_summary", periodic ? json(dag.schedule) : json(nullptr)},
      {"timetable_description", periodic ? dag.schedule : std::string("Never, external triggers only")},
      {"timetable_periodic", periodic},
      {"timetable_partitioned", false},
      {"tags", Tags(dag)},
      {"max_active_tasks", 16},
      {"max_active_runs", dag.max_active_runs},
      {"max_consecutive_failed_dag_runs", 0},
      {"has_task_concurrency_limits", false},
      {"has_import_errors", !dag.is_active},
      {"is_backfillable", false},
      {"next_dagrun_logical_date", nullptr},
      {"next_dagrun_data_interval_start", nullptr},
      {"next_dagrun_data_interval_end", nullptr},
      {"next_dagrun_run_after", nullptr},
      {"owners", json::array({"airflow"})},
  };
}

json DagDetailsV2(const DagInfo& dag) {
  json j = DagV2(dag);
  j["catchup"] = false;
  j["concurrency"] = 16;
  j["render_template_as_native_obj"] = false;
  j["dag_run_timeout"] = nullptr;
  j["start_date"] = nullptr;
  j["end_date"] = nullptr;
  j["is_paused_upon_creation"] = nullptr;
  j["params"] = json::object();
  j["timezone"] = "UTC";
  j["doc_md"] = nullptr;
  j["owner_links"] = nullptr;
  j["template_search_path"] = nullptr;
  j["latest_dag_version"] = nullptr;
  j["default_args"] = json::object();
  return j;
}

json TaskV2(const TaskInfo& task) {
  return {
      {"task_id", task.task_id},
      {"task_display_name", task.task_id},
      {"operator_name", task.operator_name},
      {"class_ref", {{"class_name", task.operator_name}, {"module_path", "arxivflow.operators"}}},
      {"owner", "airflow"},
      {"start_date", nullptr},
      {"end_date", nullptr},
      {"trigger_rule", task.trigger_rule},
      {"depends_on_past", false},
      {"wait_for_downstream", false},
      {"retries", task.retries},
      {"retry_exponential_backoff", 0},
      {"queue", "default"},
      {"pool", "default_pool"},
      {"pool_slots", 1},
      {"priority_weight", 1},
      {"weight_rule", "downstream"},
      {"ui_color", "#fff"},
      {"ui_fgcolor", "#000"},
      {"template_fields", json::array()},
      {"downstream_task_ids", task.downstream},
      {"extra_links", json::array()},
      {"is_mapped", false},
      {"doc_md", nullptr},
      {"params", json::object()},
  };
}

json DagRunV2(const DagRunInfo& run) {
  std::string run_after = !run.logical_date.empty() ? run.logical_date : run.queued_at;
  json duration = nullptr;
  return {
      {"dag_id", run.dag_id},
      {"dag_display_name", run.dag_id},
      {"dag_run_id", run.run_id},
      {"logical_date", NullIfEmpty(run.logical_date)},
      {"queued_at", NullIfEmpty(run.queued_at)},
      {"start_date", NullIfEmpty(run.start_date)},
      {"end_date", NullIfEmpty(run.end_date)},
      {"duration", duration},
      {"data_interval_start", NullIfEmpty(run.logical_date)},
      {"data_interval_end", NullIfEmpty(run.logical_date)},
      {"run_after", run_after.empty() ? json("1970-01-01T00:00:00+00:00") : json(run_after)},
      {"last_scheduling_decision", nullptr},
      {"run_type", run.run_type == "scheduled" ? "scheduled" : "manual"},
      {"state", orchestrator::StateName(run.state)},
      {"triggered_by", run.run_type == "scheduled" ? json("timetable") : json("rest_api")},
      {"conf", run.conf.is_object() ? run.conf : json::object()},
      {"note", nullptr},
      {"dag_versions", json::array()},
      {"bundle_version", nullptr},
  };
}

namespace {
json TiCommon(const TaskInstanceInfo& ti) {
  return {
      {"task_id", ti.task_id},
      {"dag_id", ti.dag_id},
      {"dag_run_id", ti.run_id},
      {"map_index", -1},
      {"task_display_name", ti.task_id},
      {"dag_display_name", ti.dag_id},
      {"hostname", NullIfEmpty(ti.hostname)},
      {"unixname", nullptr},
      {"pool", "default_pool"},
      {"pool_slots", 1},
      {"queue", "default"},
      {"priority_weight", 1},
      {"operator", ti.operator_name.empty() ? json(nullptr) : json(ti.operator_name)},
      {"operator_name", ti.operator_name.empty() ? json(nullptr) : json(ti.operator_name)},
      {"queued_when", nullptr},
      {"scheduled_when", nullptr},
      {"pid", ti.pid ? json(*ti.pid) : json(nullptr)},
      {"executor", "LocalExecutor"},
      {"executor_config", "{}"},
      {"max_tries", ti.max_tries},
      {"dag_version", nullptr},
  };
}
}  // namespace

json TaskInstanceV2(const TaskInstanceInfo& ti, const DagRunInfo& run) {
  json j = TiCommon(ti);
  std::string run_after = !run.logical_date.empty() ? run.logical_date : run.queued_at;
  j["id"] = TaskInstanceUuid(ti.dag_id, ti.run_id, ti.task_id);
  j["logical_date"] = NullIfEmpty(run.logical_date);
  j["run_after"] = run_after.empty() ? std::string("1970-01-01T00:00:00+00:00") : run_after;
  j["start_date"] = NullIfEmpty(ti.start_date);
  j["end_date"] = NullIfEmpty(ti.end_date);
  j["duration"] = ti.duration ? json(*ti.duration) : json(nullptr);
  j["state"] = TiStateToJson(ti.state);
  j["try_number"] = ti.try_number;
  j["note"] = nullptr;
  j["rendered_map_index"] = nullptr;
  j["rendered_fields"] = json::object();
  j["trigger"] = nullptr;
  j["triggerer_job"] = nullptr;
  return j;
}

json TaskTryV2(const TaskInstanceInfo& ti, const TaskTryInfo& attempt) {
  json j = TiCommon(ti);
  j["try_number"] = attempt.try_number;
  j["state"] = TiStateToJson(attempt.state);
  j["start_date"] = NullIfEmpty(attempt.start_date);
  j["end_date"] = NullIfEmpty(attempt.end_date);
  j["hostname"] = NullIfEmpty(attempt.hostname);
  j["pid"] = attempt.pid ? json(*attempt.pid) : json(nullptr);
  j["duration"] = attempt.duration ? json(*attempt.duration) : json(nullptr);
  return j;
}

json ConnectionV2(const ConnectionInfo& c) {
  json v1 = ConnectionToJson(c, true);  // masks secret-looking extras
  return {
      {"connection_id", c.conn_id},
      {"conn_type", c.conn_type},
      {"description", v1["description"]},
      {"host", v1["host"]},
      {"login", v1["login"]},
      {"schema", v1["schema"]},
      {"port", v1["port"]},
      {"password", c.has_password ? json("***") : json(nullptr)},
      {"extra", v1["extra"]},
      {"team_name", nullptr},
  };
}

json VariableV2(const VariableInfo& v) {
  json masked = VariableToJson(v, true);
  return {
      {"key", v.key},
      {"value", masked["value"]},
      {"description", NullIfEmpty(v.description)},
      {"is_encrypted", true},
      {"team_name", nullptr},
  };
}

json ImportErrorV2(const ImportErrorInfo& e) {
  return {
      {"import_error_id", e.import_error_id},
      {"timestamp", e.timestamp.empty() ? std::string("1970-01-01T00:00:00+00:00") : e.timestamp},
      {"filename", e.filename},
      {"bundle_name", nullptr},
      {"stack_trace", e.stack_trace},
  };
}

}  // namespace arxivflow::server
