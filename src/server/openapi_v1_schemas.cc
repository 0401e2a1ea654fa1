// The request and response schemas of API v1's operations (the shapes of
// json_codec.h and the v1 handlers), for the OpenAPI document of openapi.h.
#include "server/openapi_v1_schemas.h"

#include <map>
#include <utility>

namespace arxivflow::server {

using nlohmann::json;

namespace {

json Str() { return {{"type", "string"}}; }
json Int() { return {{"type", "integer"}}; }
json Num() { return {{"type", "number"}}; }
json Bool() { return {{"type", "boolean"}}; }
json Any() { return json::object(); }  // any JSON value, null included
json Arr(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
json Nullable(json s) {
  s["nullable"] = true;
  return s;
}
json Ref(const char* name) { return {{"$ref", std::string("#/components/schemas/") + name}}; }
json Obj(json properties, std::initializer_list<const char*> required = {}) {
  json o = {{"type", "object"}, {"properties", std::move(properties)}};
  if (required.size()) o["required"] = required;
  return o;
}
json Collection(const char* key, const char* item) {
  return Obj({{key, Arr(Ref(item))}, {"total_entries", Int()}}, {key, "total_entries"});
}
json Enum(std::initializer_list<const char*> values) { return {{"type", "string"}, {"enum", values}}; }

}  // namespace

json V1ComponentSchemas() {
  json s = json::object();
  s["DagRun"] = Obj({{"dag_id", Str()}, {"dag_run_id", Str()}, {"state", Str()}, {"run_type", Str()},
                     {"logical_date", Nullable(Str())}, {"execution_date", Nullable(Str())},
                     {"queued_at", Nullable(Str())}, {"start_date", Nullable(Str())}, {"end_date", Nullable(Str())},
                     {"conf", {{"type", "object"}}}, {"external_trigger", Bool()}},
                    {"dag_id", "dag_run_id", "state", "run_type", "conf"});
  s["Dag"] = Obj({{"dag_id", Str()}, {"description", Nullable(Str())}, {"fileloc", Str()}, {"is_paused", Bool()},
                  {"is_active", Bool()}, {"schedule_interval", Nullable({{"type", "object"}})},
                  {"timetable_description", Str()}, {"tags", Arr(Obj({{"name", Str()}}, {"name"}))},
                  {"owners", Arr(Str())}, {"max_active_runs", Int()}, {"task_count", Int()},
                  {"recent_runs", Arr(Ref("DagRun"))}},
                 {"dag_id", "is_paused", "is_active", "tags"});
  s["DagCollection"] = Collection("dags", "Dag");
  s["Task"] = Obj({{"task_id", Str()}, {"operator_name", Str()}, {"class_ref", {{"type", "object"}}},
                   {"upstream_task_ids", Arr(Str())}, {"downstream_task_ids", Arr(Str())}, {"trigger_rule", Str()},
                   {"retries", Int()}},
                  {"task_id", "upstream_task_ids", "downstream_task_ids"});
  s["TaskCollection"] = Collection("tasks", "Task");
  json details = s["Dag"];
  details["properties"]["tasks"] = Arr(Ref("Task"));
  s["DagDetail"] = details;
  json grid_run = s["DagRun"];
  grid_run["properties"]["task_instances"] = {{"type", "object"}};
  s["Grid"] = Obj({{"dag", Ref("Dag")}, {"tasks", Arr(Ref("Task"))}, {"dag_runs", Arr(grid_run)}},
                  {"dag", "tasks", "dag_runs"});
  s["DagRunCollection"] = Collection("dag_runs", "DagRun");
  s["TaskInstance"] = Obj({{"dag_id", Str()}, {"dag_run_id", Str()}, {"task_id", Str()}, {"state", Nullable(Str())},
                           {"try_number", Int()}, {"max_tries", Int()}, {"operator", Str()},
                           {"start_date", Nullable(Str())}, {"end_date", Nullable(Str())},
                           {"duration", Nullable(Num())}, {"hostname", Str()}, {"pid", Nullable(Int())},
                           {"result", Any()}, {"progress", Any()}},
                          {"dag_id", "dag_run_id", "task_id", "try_number"});
  s["TaskInstanceCollection"] = Collection("task_instances", "TaskInstance");
  s["TaskInstanceReference"] = Obj({{"dag_id", Str()}, {"dag_run_id", Str()}, {"task_id", Str()},
                                    {"state", Nullable(Str())}},
                                   {"dag_id", "dag_run_id", "task_id"});
  s["TaskInstanceReferenceCollection"] = Obj({{"task_instances", Arr(Ref("TaskInstanceReference"))}}, {"task_instances"});
  s["TaskInstanceStateChange"] = Obj({{"dag_id", Str()}, {"dag_run_id", Str()}, {"task_id", Str()},
                                      {"new_state", Str()}, {"dry_run", Bool()}},
                                     {"dag_id", "dag_run_id", "task_id", "new_state", "dry_run"});
  s["LogChunk"] = Obj({{"content", Str()}, {"continuation_token", Str()}, {"offset", Int()}, {"next_offset", Int()},
                       {"exists", Bool()}, {"end_of_log", Bool()}, {"try_number", Int()},
                       {"task_state", Nullable(Str())}},
                      {"content", "continuation_token", "next_offset", "end_of_log"});
  s["Connection"] = Obj({{"connection_id", Str()}, {"conn_type", Str()}, {"description", Nullable(Str())},
                         {"host", Nullable(Str())}, {"login", Nullable(Str())}, {"schema", Nullable(Str())},
                         {"port", Nullable(Int())}, {"has_password", Bool()}, {"extra", Nullable(Str())}},
                        {"connection_id", "conn_type", "has_password"});
  s["ConnectionCollection"] = Collection("connections", "Connection");
  s["Variable"] = Obj({{"key", Str()}, {"value", Str()}, {"description", Nullable(Str())}, {"masked", Bool()}},
                      {"key", "value"});
  s["VariableCollection"] = Collection("variables", "Variable");
  s["ImportError"] = Obj({{"import_error_id", Int()}, {"filename", Str()}, {"stack_trace", Str()},
                          {"timestamp", Nullable(Str())}},
                         {"import_error_id", "filename", "stack_trace"});
  s["ImportErrorCollection"] = Collection("import_errors", "ImportError");
  s["User"] = Obj({{"username", Str()}, {"role", Str()}, {"roles", Arr(Obj({{"name", Str()}}, {"name"}))},
                   {"created_on", Str()}},
                  {"username", "role"});
  s["UserCollection"] = Collection("users", "User");
  s["Health"] = Obj({{"metadatabase", Obj({{"status", Str()}}, {"status"})},
                     {"scheduler", Obj({{"status", Nullable(Str())}, {"latest_scheduler_heartbeat", Nullable(Str())},
                                        {"heartbeat_age_seconds", Nullable(Num())}})}},
                    {"metadatabase", "scheduler"});
  s["Version"] = Obj({{"version", Str()}, {"git_version", Nullable(Str())}}, {"version"});
  s["WarehouseTables"] = Obj({{"target", Str()}, {"tables", Arr(Obj({{"table", Str()}, {"exists", Bool()},
                                                                     {"rows", Nullable(Int())}},
                                                                    {"table", "exists"}))}},
                             {"target", "tables"});
  s["Paper"] = Obj({{"id", Str()}, {"title", Str()}, {"authors", Arr(Str())}, {"categories", Arr(Str())},
                    {"abstract", Str()}, {"updatedate", Nullable(Str())}, {"url", Str()}},
                   {"id", "title"});
  s["PaperSearch"] = Obj({{"papers", Arr(Ref("Paper"))}, {"total_entries", Int()}, {"total_entries_exact", Bool()},
                          {"q", Str()}},
                         {"papers", "total_entries"});

  // Request bodies.
  s["DagPatch"] = Obj({{"is_paused", Bool()}}, {"is_paused"});
  s["TriggerDagRun"] = Obj({{"dag_run_id", Nullable(Str())}, {"conf", Nullable({{"type", "object"}})},
                            {"logical_date", Nullable(Str())}, {"execution_date", Nullable(Str())}});
  s["DagRunPatch"] = Obj({{"state", Enum({"success", "failed", "queued"})}}, {"state"});
  s["DagRunClear"] = Obj({{"dry_run", Bool()}});
  s["ClearTaskInstances"] = Obj({{"dry_run", Bool()}, {"only_failed", Bool()}, {"include_upstream", Bool()},
                                 {"include_downstream", Bool()}, {"reset_dag_runs", Bool()},
                                 {"task_ids", Nullable(Arr(Str()))}, {"dag_run_id", Nullable(Str())}});
  s["TaskInstancePatch"] = Obj({{"new_state", Enum({"success", "failed"})}, {"dry_run", Bool()}}, {"new_state"});
  json conn_fields = {{"connection_id", Str()}, {"conn_type", Str()}, {"description", Nullable(Str())},
                      {"host", Nullable(Str())}, {"login", Nullable(Str())}, {"schema", Nullable(Str())},
                      {"port", Nullable({{"type", "integer"}, {"minimum", 0}, {"maximum", 65535}})},
                      {"password", Nullable(Str())}, {"extra", Nullable(Any())}};
  s["ConnectionCreate"] = Obj(conn_fields, {"connection_id", "conn_type"});
  s["ConnectionPatch"] = Obj(conn_fields);
  s["VariableCreate"] = Obj({{"key", Str()}, {"value", Str()}, {"description", Nullable(Str())}}, {"key", "value"});
  s["VariablePatch"] = Obj({{"key", Str()}, {"value", Str()}, {"description", Nullable(Str())}});
  s["UserCreate"] = Obj({{"username", Str()}, {"password", Str()}, {"role", Enum({"admin", "viewer"})}},
                        {"username", "password"});
  s["UserPatch"] = Obj({{"password", Str()}, {"role", Enum({"admin", "viewer"})},
                        {"roles", Arr(Obj({{"name", Str()}}, {"name"}))}});
  s["Login"] = Obj({{"username", Str()}, {"password", Str()}}, {"username", "password"});
  s["Session"] = Obj({{"username", Str()}, {"role", Str()}, {"csrf_token", Str()}}, {"username", "role"});
  return s;
}

V1OperationSchemas V1SchemasOf(const std::string& method, const std::string& pattern) {
  static const std::map<std::pair<std::string, std::string>, std::pair<const char*, const char*>> kTable = {
      {{"GET", "/api/v1/dags"}, {nullptr, "DagCollection"}},
      {{"PATCH", "/api/v1/dags"}, {"DagPatch", "DagCollection"}},
      {{"GET", "/api/v1/dags/{dag_id}"}, {nullptr, "Dag"}},
      {{"PATCH", "/api/v1/dags/{dag_id}"}, {"DagPatch", "Dag"}},
      {{"GET", "/api/v1/dags/{dag_id}/details"}, {nullptr, "DagDetail"}},
      {{"GET", "/api/v1/dags/{dag_id}/tasks"}, {nullptr, "TaskCollection"}},
      {{"GET", "/api/v1/dags/{dag_id}/grid"}, {nullptr, "Grid"}},
      {{"GET", "/api/v1/dags/{dag_id}/dagRuns"}, {nullptr, "DagRunCollection"}},
      {{"POST", "/api/v1/dags/{dag_id}/dagRuns"}, {"TriggerDagRun", "DagRun"}},
      {{"GET", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}"}, {nullptr, "DagRun"}},
      {{"PATCH", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}"}, {"DagRunPatch", "DagRun"}},
      {{"POST", "/api/v1/dags/{dag_id}/clearTaskInstances"}, {"ClearTaskInstances", "TaskInstanceReferenceCollection"}},
      {{"GET", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances"}, {nullptr, "TaskInstanceCollection"}},
      {{"GET", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}"}, {nullptr, "TaskInstance"}},
      {{"PATCH", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}"},
       {"TaskInstancePatch", "TaskInstanceStateChange"}},
      {{"GET", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{try_number}"},
       {nullptr, "LogChunk"}},
      {{"GET", "/api/v1/connections"}, {nullptr, "ConnectionCollection"}},
      {{"POST", "/api/v1/connections"}, {"ConnectionCreate", "Connection"}},
      {{"GET", "/api/v1/connections/{connection_id}"}, {nullptr, "Connection"}},
      {{"PATCH", "/api/v1/connections/{connection_id}"}, {"ConnectionPatch", "Connection"}},
      {{"GET", "/api/v1/variables"}, {nullptr, "VariableCollection"}},
      {{"POST", "/api/v1/variables"}, {"VariableCreate", "Variable"}},
      {{"GET", "/api/v1/variables/{variable_key}"}, {nullptr, "Variable"}},
      {{"PATCH", "/api/v1/variables/{variable_key}"}, {"VariablePatch", "Variable"}},
      {{"GET", "/api/v1/importErrors"}, {nullptr, "ImportErrorCollection"}},
      {{"GET", "/api/v1/importErrors/{import_error_id}"}, {nullptr, "ImportError"}},
      {{"GET", "/api/v1/users"}, {nullptr, "UserCollection"}},
      {{"POST", "/api/v1/users"}, {"UserCreate", "User"}},
      {{"GET", "/api/v1/users/{username}"}, {nullptr, "User"}},
      {{"PATCH", "/api/v1/users/{username}"}, {"UserPatch", "User"}},
      {{"GET", "/api/v1/health"}, {nullptr, "Health"}},
      {{"GET", "/api/v1/version"}, {nullptr, "Version"}},
      {{"GET", "/api/v1/warehouse/tables"}, {nullptr, "WarehouseTables"}},
      {{"GET", "/api/v1/warehouse/search"}, {nullptr, "PaperSearch"}},
  };
  V1OperationSchemas out;
  auto it = kTable.find({method, pattern});
  if (it != kTable.end()) {
    if (it->second.first) out.request = Ref(it->second.first);
    if (it->second.second) out.response = Ref(it->second.second);
  } else if (method == "POST" && pattern == "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/clear") {
    out.request = Ref("DagRunClear");
    out.response = {{"anyOf", {Ref("DagRun"), Ref("TaskInstanceCollection")}}};
  }
  return out;
}

}  // namespace arxivflow::server
