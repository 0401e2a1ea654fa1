// API v2's OpenAPI document: typed schemas for every request and response
// body (Airflow 3's names and fields), and the document built from the route
// table.
#include <algorithm>
#include <cctype>

#include "server/api_v2.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

json Str() { return {{"type", "string"}}; }
json Int() { return {{"type", "integer"}}; }
json Num() { return {{"type", "number"}}; }
json Bool() { return {{"type", "boolean"}}; }
json DateTime() { return {{"type", "string"}, {"format", "date-time"}}; }
json Arr(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
json Nullable(json s) {
  s["nullable"] = true;
  return s;
}
json AnyObject() { return {{"type", "object"}, {"additionalProperties", true}}; }
json Enum(std::initializer_list<const char*> values) {
  json e = json::array();
  for (const char* v : values) e.push_back(v);
  return {{"type", "string"}, {"enum", e}};
}
json Obj(json properties, std::initializer_list<const char*> required) {
  json r = json::array();
  for (const char* name : required) r.push_back(name);
  json o = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!r.empty()) o["required"] = r;
  return o;
}
json Collection(const char* key, const char* item) {
  return Obj({{key, Arr(Ref(item))}, {"total_entries", Int()}}, {key, "total_entries"});
}

json TiStateSchema() {
  return Nullable(Enum({"removed", "scheduled", "queued", "running", "success", "restarting", "failed", "up_for_retry",
                        "up_for_reschedule", "upstream_failed", "skipped", "deferred"}));
}

json TiCommonProperties() {
  return {{"task_id", Str()},
          {"dag_id", Str()},
          {"dag_run_id", Str()},
          {"map_index", Int()},
          {"task_display_name", Str()},
          {"dag_display_name", Str()},
          {"start_date", Nullable(DateTime())},
          {"end_date", Nullable(DateTime())},
          {"duration", Nullable(Num())},
          {"state", TiStateSchema()},
          {"try_number", Int()},
          {"max_tries", Int()},
          {"hostname", Nullable(Str())},
          {"unixname", Nullable(Str())},
          {"pool", Str()},
          {"pool_slots", Int()},
          {"queue", Nullable(Str())},
          {"priority_weight", Nullable(Int())},
          {"operator", Nullable(Str())},
          {"operator_name", Nullable(Str())},
          {"queued_when", Nullable(DateTime())},
          {"scheduled_when", Nullable(DateTime())},
          {"pid", Nullable(Int())},
          {"executor", Nullable(Str())},
          {"executor_config", Str()},
          {"dag_version", Nullable(AnyObject())}};
}

json DagProperties() {
  return {{"dag_id", Str()},
          {"dag_display_name", Str()},
          {"is_paused", Bool()},
          {"is_stale", Bool()},
          {"last_parsed_time", Nullable(DateTime())},
          {"last_expired", Nullable(DateTime())},
          {"bundle_name", Nullable(Str())},
          {"bundle_version", Nullable(Str())},
          {"relative_fileloc", Nullable(Str())},
          {"fileloc", Str()},
          {"file_token", Str()},
          {"description", Nullable(Str())},
          {"timetable_summary", Nullable(Str())},
          {"timetable_description", Nullable(Str())},
          {"timetable_periodic", Bool()},
          {"timetable_partitioned", Bool()},
          {"tags", Arr(Ref("DagTagResponse"))},
          {"max_active_tasks", Int()},
          {"max_active_runs", Nullable(Int())},
          {"max_consecutive_failed_dag_runs", Int()},
          {"has_task_concurrency_limits", Bool()},
          {"has_import_errors", Bool()},
          {"is_backfillable", Bool()},
          {"next_dagrun_logical_date", Nullable(DateTime())},
          {"next_dagrun_data_interval_start", Nullable(DateTime())},
          {"next_dagrun_data_interval_end", Nullable(DateTime())},
          {"next_dagrun_run_after", Nullable(DateTime())},
          {"owners", Arr(Str())}};
}

json Schemas() {
  json s = json::object();
  auto dag_required = {"dag_id", "dag_display_name", "is_paused", "is_stale", "fileloc", "file_token", "tags",
                       "max_active_tasks", "max_consecutive_failed_dag_runs", "has_task_concurrency_limits",
                       "has_import_errors", "is_backfillable", "owners", "timetable_periodic", "timetable_partitioned"};
  s["DagTagResponse"] = Obj({{"name", Str()}, {"dag_id", Str()}, {"dag_display_name", Str()}}, {"name", "dag_id", "dag_display_name"});
  s["DAGResponse"] = Obj(DagProperties(), {});
  s["DAGResponse"]["required"] = dag_required;
  json details = DagProperties();
  for (auto [k, v] : std::initializer_list<std::pair<const char*, json>>{
           {"catchup", Bool()}, {"concurrency", Int()}, {"render_template_as_native_obj", Bool()},
           {"dag_run_timeout", Nullable(Str())}, {"start_date", Nullable(DateTime())}, {"end_date", Nullable(DateTime())},
           {"is_paused_upon_creation", Nullable(Bool())}, {"params", Nullable(AnyObject())}, {"timezone", Nullable(Str())},
           {"doc_md", Nullable(Str())}, {"owner_links", Nullable(AnyObject())},
           {"template_search_path", Nullable(Arr(Str()))}, {"latest_dag_version", Nullable(AnyObject())},
           {"default_args", Nullable(AnyObject())}}) {
    details[k] = v;
  }
  s["DAGDetailsResponse"] = Obj(details, {});
  json details_required = dag_required;
  for (const char* k : {"catchup", "concurrency", "render_template_as_native_obj"}) details_required.push_back(k);
  s["DAGDetailsResponse"]["required"] = details_required;
  s["DAGCollectionResponse"] = Collection("dags", "DAGResponse");
  s["DAGPatchBody"] = Obj({{"is_paused", Bool()}}, {"is_paused"});
  s["TaskResponse"] = Obj({{"task_id", Nullable(Str())}, {"task_display_name", Nullable(Str())},
                           {"operator_name", Nullable(Str())}, {"class_ref", Nullable(AnyObject())},
                           {"owner", Nullable(Str())}, {"start_date", Nullable(DateTime())},
                           {"end_date", Nullable(DateTime())}, {"trigger_rule", Nullable(Str())},
                           {"depends_on_past", Bool()}, {"wait_for_downstream", Bool()}, {"retries", Nullable(Num())},
                           {"retry_exponential_backoff", Num()}, {"queue", Nullable(Str())}, {"pool", Nullable(Str())},
                           {"pool_slots", Nullable(Num())}, {"priority_weight", Nullable(Num())},
                           {"weight_rule", Nullable(Str())}, {"ui_color", Nullable(Str())}, {"ui_fgcolor", Nullable(Str())},
                           {"template_fields", Nullable(Arr(Str()))}, {"downstream_task_ids", Nullable(Arr(Str()))},
                           {"extra_links", Arr(Str())}, {"is_mapped", Nullable(Bool())}, {"doc_md", Nullable(Str())},
                           {"params", Nullable(AnyObject())}},
                          {"depends_on_past", "wait_for_downstream", "retry_exponential_backoff", "extra_links"});
  s["TaskCollectionResponse"] = Collection("tasks", "TaskResponse");

  s["DAGRunResponse"] = Obj({{"dag_id", Str()}, {"dag_display_name", Str()}, {"dag_run_id", Str()},
                             {"logical_date", Nullable(DateTime())}, {"queued_at", Nullable(DateTime())},
                             {"start_date", Nullable(DateTime())}, {"end_date", Nullable(DateTime())},
                             {"duration", Nullable(Num())}, {"data_interval_start", Nullable(DateTime())},
                             {"data_interval_end", Nullable(DateTime())}, {"run_after", DateTime()},
                             {"last_scheduling_decision", Nullable(DateTime())},
                             {"run_type", Enum({"backfill", "scheduled", "manual", "asset_triggered"})},
                             {"state", Enum({"queued", "running", "success", "failed"})},
                             {"triggered_by", Nullable(Enum({"cli", "operator", "rest_api", "ui", "test", "timetable", "asset", "backfill"}))},
                             {"conf", Nullable(AnyObject())}, {"note", Nullable(Str())},
                             {"dag_versions", Arr(AnyObject())}, {"bundle_version", Nullable(Str())}},
                            {"dag_id", "dag_display_name", "dag_run_id", "run_after", "run_type", "state", "dag_versions"});
  s["DAGRunCollectionResponse"] = Collection("dag_runs", "DAGRunResponse");
  // Only what a trigger uses: data intervals, run_after and notes are refused (422).
  s["TriggerDAGRunPostBody"] = Obj({{"dag_run_id", Nullable(Str())}, {"logical_date", Nullable(DateTime())},
                                    {"conf", Nullable(AnyObject())}},
                                   {});
  s["DAGRunPatchBody"] = Obj({{"state", Nullable(Enum({"queued", "success", "failed"}))},
                              {"note", Nullable(json{{"type", "string"}, {"maxLength", 1000}})}},
                             {});
  s["DAGRunClearBody"] = Obj({{"dry_run", Bool()}, {"only_failed", Bool()}}, {});
  json states_filter = Arr(Nullable(Enum({"queued", "running", "success", "failed"})));
  s["DAGRunsBatchBody"] = Obj({{"order_by", Nullable(Str())}, {"page_offset", {{"type", "integer"}, {"minimum", 0}}},
                               {"page_limit", {{"type", "integer"}, {"minimum", 0}}}, {"dag_ids", Nullable(Arr(Str()))},
                               {"states", Nullable(states_filter)}},
                              {});
  s["DAGRunsBatchBody"]["additionalProperties"] = false;
  s["DAGRunsBatchBody"]["properties"]["order_by"] = Nullable(Enum({"-logical_date", "-run_after"}));

  json ti = TiCommonProperties();
  ti["id"] = {{"type", "string"}, {"format", "uuid"}};
  ti["logical_date"] = Nullable(DateTime());
  ti["run_after"] = DateTime();
  ti["note"] = Nullable(Str());
  ti["rendered_map_index"] = Nullable(Str());
  ti["rendered_fields"] = AnyObject();
  ti["trigger"] = Nullable(AnyObject());
  ti["triggerer_job"] = Nullable(AnyObject());
  s["TaskInstanceResponse"] = Obj(ti, {"id", "task_id", "dag_id", "dag_run_id", "map_index", "run_after", "try_number",
                                       "max_tries", "task_display_name", "dag_display_name", "pool", "pool_slots",
                                       "executor_config"});
  s["TaskInstanceCollectionResponse"] = Collection("task_instances", "TaskInstanceResponse");
  s["ClearTaskInstanceCollectionResponse"] = Collection("task_instances", "TaskInstanceResponse");
  s["TaskInstanceHistoryResponse"] = Obj(TiCommonProperties(), {"task_id", "dag_id", "dag_run_id", "map_index",
                                                               "try_number", "max_tries", "task_display_name",
                                                               "dag_display_name", "pool", "pool_slots",
                                                               "executor_config"});
  s["TaskInstanceHistoryCollectionResponse"] = Collection("task_instances", "TaskInstanceHistoryResponse");
  s["PatchTaskInstanceBody"] = Obj({{"new_state", Nullable(Enum({"success", "failed", "skipped"}))},
                                    {"include_upstream", Bool()}, {"include_downstream", Bool()},
                                    {"include_future", Bool()}, {"include_past", Bool()}},
                                   {});
  s["ClearTaskInstancesBody"] = Obj({{"dry_run", Bool()}, {"only_failed", Bool()}, {"only_running", Bool()},
                                     {"reset_dag_runs", Bool()}, {"task_ids", Nullable(Arr(Str()))},
                                     {"dag_run_id", Nullable(Str())}, {"include_upstream", Bool()},
                                     {"include_downstream", Bool()}, {"include_future", Bool()},
                                     {"include_past", Bool()}},
                                    {});
  s["TaskInstancesBatchBody"] = Obj({{"dag_ids", Nullable(Arr(Str()))}, {"dag_run_ids", Nullable(Arr(Str()))},
                                     {"task_ids", Nullable(Arr(Str()))}, {"state", Nullable(Arr(TiStateSchema()))},
                                     {"page_offset", {{"type", "integer"}, {"minimum", 0}}},
                                     {"page_limit", {{"type", "integer"}, {"minimum", 0}}},
                                     },
                                    {});
  s["TaskInstancesBatchBody"]["additionalProperties"] = false;
  s["StructuredLogMessage"] = Obj({{"event", Str()}, {"timestamp", Nullable(DateTime())}}, {"event"});
  s["TaskInstancesLogResponse"] = Obj({{"content", {{"anyOf", {Arr(Ref("StructuredLogMessage")), Arr(Str())}}}},
                                       {"continuation_token", Nullable(Str())}},
                                      {"content"});

  json conn = {{"connection_id", Str()}, {"conn_type", Str()}, {"description", Nullable(Str())},
               {"host", Nullable(Str())}, {"login", Nullable(Str())}, {"schema", Nullable(Str())},
               {"port", Nullable(Int())}, {"password", Nullable(Str())}, {"extra", Nullable(Str())},
               {"team_name", Nullable(Str())}};
  s["ConnectionResponse"] = Obj(conn, {"connection_id", "conn_type"});
  s["ConnectionCollectionResponse"] = Collection("connections", "ConnectionResponse");
  json conn_body = conn;
  conn_body["connection_id"] = {{"type", "string"}, {"pattern", "^[A-Za-z0-9_.-]+$"}, {"minLength", 1}, {"maxLength", 200}};
  conn_body["port"] = Nullable(json{{"type", "integer"}, {"minimum", 0}, {"maximum", 65535}});
  s["ConnectionBody"] = Obj(conn_body, {"connection_id", "conn_type"});

  s["VariableResponse"] = Obj({{"key", Str()}, {"value", Nullable(Str())}, {"description", Nullable(Str())},
                               {"is_encrypted", Bool()}, {"team_name", Nullable(Str())}},
                              {"key", "is_encrypted"});
  s["VariableCollectionResponse"] = Collection("variables", "VariableResponse");
  s["VariableBody"] = Obj({{"key", {{"type", "string"}, {"pattern", "^[A-Za-z0-9_.-]+$"}, {"minLength", 1}, {"maxLength", 250}}},
                           {"value", Str()},
                           {"description", Nullable(Str())}},
                          {"key", "value"});

  s["ImportErrorResponse"] = Obj({{"import_error_id", Int()}, {"timestamp", DateTime()}, {"filename", Str()},
                                  {"bundle_name", Nullable(Str())}, {"stack_trace", Str()}},
                                 {"import_error_id", "timestamp", "filename", "stack_trace"});
  s["ImportErrorCollectionResponse"] = Collection("import_errors", "ImportErrorResponse");
  s["EventLogResponse"] = Obj({{"event_log_id", Int()}, {"when", DateTime()}, {"dag_id", Nullable(Str())},
                               {"task_id", Nullable(Str())}, {"run_id", Nullable(Str())},
                               {"map_index", Nullable(Int())}, {"try_number", Nullable(Int())}, {"event", Str()},
                               {"logical_date", Nullable(DateTime())}, {"owner", Nullable(Str())},
                               {"extra", Nullable(Str())}, {"dag_display_name", Nullable(Str())},
                               {"origin", Str()}, {"count", Int()}},
                              {"event_log_id", "when", "event"});
  s["EventLogCollectionResponse"] = Collection("event_logs", "EventLogResponse");
  json status_only = Obj({{"status", Nullable(Str())}}, {});
  s["HealthInfoResponse"] = Obj(
      {{"metadatabase", status_only},
       {"scheduler", Obj({{"status", Nullable(Str())}, {"latest_scheduler_heartbeat", Nullable(Str())}}, {})},
       {"triggerer", Obj({{"status", Nullable(Str())}, {"latest_triggerer_heartbeat", Nullable(Str())}}, {})},
       {"dag_processor", Nullable(Obj({{"status", Nullable(Str())}, {"latest_dag_processor_heartbeat", Nullable(Str())}}, {}))}},
      {"metadatabase", "scheduler", "triggerer"});
  s["VersionInfo"] = Obj({{"version", Str()}, {"git_version", Nullable(Str())}}, {"version"});

  s["HTTPExceptionResponse"] = Obj({{"detail", {{"anyOf", {Str(), AnyObject()}}}}}, {"detail"});
  s["ValidationError"] = Obj({{"loc", Arr({{"anyOf", {Str(), Int()}}})}, {"msg", Str()}, {"type", Str()}},
                             {"loc", "msg", "type"});
  s["HTTPValidationError"] = Obj({{"detail", {{"anyOf", {Arr(Ref("ValidationError")), Str()}}}}}, {});
  s["TokenRequest"] = Obj({{"username", Str()}, {"password", Str()}}, {"username", "password"});
  s["TokenResponse"] = Obj({{"access_token", Str()}, {"token_type", Str()}, {"expires_in", Int()}}, {"access_token"});
  return s;
}

json ErrorResponse(const char* description, const char* schema = "HTTPExceptionResponse") {
  return {{"description", description}, {"content", {{"application/json", {{"schema", Ref(schema)}}}}}};
}

std::string OperationId(const RouteInfo& r) {
  std::string id;
  for (char c : r.method) id.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  bool upper = true;
  for (char c : r.pattern.substr(std::min<size_t>(r.pattern.size(), 8))) {  // after "/api/v2/"
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      upper = true;
      continue;
    }
    id.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper = false;
  }
  return id;
}

}  // namespace

json Ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json QueryParam(const char* name, json schema, const char* description) {
  json p = {{"name", name}, {"in", "query"}, {"required", false}, {"schema", std::move(schema)}};
  if (*description) p["description"] = description;
  if (p["schema"].value("type", "") == "array") {
    p["style"] = "form";
    p["explode"] = true;
  }
  return p;
}

json PagingParams() {
  return json::array({QueryParam("limit", {{"type", "integer"}, {"minimum", 0}, {"default", 50}}),
                      QueryParam("offset", {{"type", "integer"}, {"minimum", 0}, {"default", 0}})});
}

json BuildOpenApiV2(const std::vector<const RouteInfo*>& routes, const std::string& version) {
  json paths = json::object();
  for (const RouteInfo* r : routes) {
    std::string method;
    for (char c : r->method) method.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    json op = {{"summary", r->summary}, {"operationId", OperationId(*r)}, {"tags", {r->tag}}};
    json params = json::array();
    size_t pos = 0;
    while ((pos = r->pattern.find('{', pos)) != std::string::npos) {
      size_t end = r->pattern.find('}', pos);
      std::string name = r->pattern.substr(pos + 1, end - pos - 1);
      bool integer = name == "try_number" || name == "task_try_number" || name == "import_error_id";
      json schema = integer ? json{{"type", "integer"}, {"minimum", 0}} : json{{"type", "string"}, {"minLength", 1}};
      params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", schema}});
      pos = end;
    }
    for (const auto& q : r->query_params) params.push_back(q);
    if (!params.empty()) op["parameters"] = params;
    if (!r->request_schema.is_null()) {
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", r->request_schema}}}}}};
    }
    int ok = r->success_status ? r->success_status : (r->method == "DELETE" ? 204 : 200);
    json responses = json::object();
    if (ok == 204) {
      responses["204"] = {{"description", "Successful Response"}};
    } else {
      json schema = r->response_schema.is_null() ? json{{"type", "object"}} : r->response_schema;
      responses[std::to_string(ok)] = {{"description", "Successful Response"},
                                       {"content", {{"application/json", {{"schema", schema}}}}}};
    }
    if (r->pattern.find("/logs/") != std::string::npos) {
      responses["200"]["content"]["text/plain"] = {{"schema", Str()}};
    }
    if (!r->public_route) {
      responses["400"] = ErrorResponse("Bad Request");
      responses["401"] = ErrorResponse("Unauthorized");
      responses["403"] = ErrorResponse("Forbidden");
      responses["404"] = ErrorResponse("Not Found");
      responses["422"] = ErrorResponse("Validation Error", "HTTPValidationError");
      if (r->method != "GET") {
        responses["409"] = ErrorResponse("Conflict");
        responses["413"] = ErrorResponse("Request body too large");
        responses["415"] = ErrorResponse("Not sent as application/json");
      }
      responses["429"] = ErrorResponse("Too many failed logins");
    }
    responses["500"] = ErrorResponse("Internal failure (never with details)");
    responses["503"] = ErrorResponse("A service the server depends on is unavailable");
    op["responses"] = responses;
    if (r->public_route) op["security"] = json::array();
    paths[r->pattern][method] = op;
  }
  paths["/auth/token"]["post"] = {
      {"summary", "A bearer token (JWT) for a user name and password"},
      {"operationId", "createToken"},
      {"tags", {"Auth"}},
      {"security", json::array()},
      {"requestBody", {{"required", true}, {"content", {{"application/json", {{"schema", Ref("TokenRequest")}}}}}}},
      {"responses",
       {{"201", {{"description", "Created"}, {"content", {{"application/json", {{"schema", Ref("TokenResponse")}}}}}}},
        {"401", ErrorResponse("Wrong user name or password")},
        {"415", ErrorResponse("Not sent as application/json")},
        {"422", ErrorResponse("Validation Error", "HTTPValidationError")},
        {"429", ErrorResponse("Too many failed logins")}}}};
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "arxivflow REST API v2"},
        {"version", version},
        {"description",
         "Apache Airflow 3's public REST API (/api/v2). Authenticate with a bearer token from POST /auth/token "
         "(or HTTP basic auth, or the UI's session cookie with X-CSRF-Token on writes). Errors are "
         "{\"detail\": ...}; a request that does not validate is 422."}}},
      {"servers", {{{"url", "/"}}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes",
         {{"OAuth2PasswordBearer", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}},
          {"Basic", {{"type", "http"}, {"scheme", "basic"}}}}},
        {"schemas", Schemas()}}},
      {"security", {{{"OAuth2PasswordBearer", json::array()}}, {{"Basic", json::array()}}}},
  };
}

}  // namespace arxivflow::server
