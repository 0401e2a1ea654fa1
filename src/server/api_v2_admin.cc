// API v2: connections, variables, import errors, monitor/health, version.
#include <algorithm>

#include "server/api_v2.h"
#include "server/api_v2_codec.h"
#include "server/json_codec.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

HttpResponse NoContent() {
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

template <typename T, typename F>
json PageOf(const std::vector<T>& items, const V2Paging& paging, F to_json) {
  json list = json::array();
  for (size_t i = paging.offset; i < items.size() && static_cast<int64_t>(list.size()) < paging.limit; ++i) {
    list.push_back(to_json(items[i]));
  }
  return list;
}

// Airflow 3 stores a variable's value as text; a JSON value that is not a
// string is kept as its JSON text.
std::optional<HttpResponse> ReadValue(const json& body, std::string* value) {
  auto it = body.find("value");
  if (it == body.end()) return V2Invalid("body", "value", "Field required");
  if (it->is_string()) *value = it->get<std::string>();
  else if (it->is_null()) return V2Invalid("body", "value", "Input should not be null");
  else *value = it->dump();
  if (value->size() > 1000000) return V2Invalid("body", "value", "Value is too long");
  return std::nullopt;
}

}  // namespace

void AddV2AdminRoutes(const ApiV2Context& v2) {
  Backend& backend = v2.backend;

  // --- connections
  v2.Route("GET", "/api/v2/connections", "Connection", "List connections (passwords never returned)", nullptr,
           Ref("ConnectionCollectionResponse"), [&backend](ApiCall& c) {
             V2Paging paging;
             if (auto bad = ParseV2Paging(c.request, &paging)) return *bad;
             auto conns = backend.ListConnections();
             if (!conns.ok()) return V2FromStatus(conns.status(), "listing connections");
             return JsonResponse({{"connections", PageOf(*conns, paging, ConnectionV2)}, {"total_entries", conns->size()}});
           }, 0, PagingParams());

  v2.Route("POST", "/api/v2/connections", "Connection", "Create a connection", Ref("ConnectionBody"),
           Ref("ConnectionResponse"), [&backend](ApiCall& c) {
             json body;
             if (auto bad = ParseV2Body(c.request, &body)) return *bad;
             std::optional<std::string> id, type;
             if (auto bad = BodyString(body, "connection_id", &id)) return *bad;
             if (auto bad = BodyString(body, "conn_type", &type)) return *bad;
             if (!id || !IsValidId(*id)) {
               return V2Invalid("body", "connection_id", "Field required: 1-250 letters, digits, '_', '.' or '-'");
             }
             if (!type || type->empty()) return V2Invalid("body", "conn_type", "Field required");
             ConnectionInput in;
             in.conn_id = *id;
             std::string err = ReadConnectionFields(body, in);
             if (!err.empty()) return V2Invalid("body", "", err);
             Status st = backend.CreateConnection(in, c.caller());
             if (!st.ok()) return V2FromStatus(st, "creating connection");
             auto conn = backend.GetConnection(in.conn_id);
             if (!conn.ok()) return V2FromStatus(conn.status(), "reading connection");
             return JsonResponse(ConnectionV2(*conn), 201);
           }, 201);

  v2.Route("GET", "/api/v2/connections/{connection_id}", "Connection", "Get a connection", nullptr,
           Ref("ConnectionResponse"), [&backend](ApiCall& c) {
             auto conn = backend.GetConnection(c.Param("connection_id"));
             if (!conn.ok()) return V2FromStatus(conn.status(), "reading connection");
             return JsonResponse(ConnectionV2(*conn));
           });

  v2.Route("PATCH", "/api/v2/connections/{connection_id}", "Connection",
           "Update a connection (password absent = unchanged)", Ref("ConnectionBody"), Ref("ConnectionResponse"),
           [&backend](ApiCall& c) {
             json body;
             if (auto bad = ParseV2Body(c.request, &body)) return *bad;
             std::optional<std::string> id;
             if (auto bad = BodyString(body, "connection_id", &id)) return *bad;
             if (id && *id != c.Param("connection_id")) {
               return V2Error(400, "The connection_id in the request body does not match the URL");
             }
             ConnectionInput in;
             in.conn_id = c.Param("connection_id");
             std::string err = ReadConnectionFields(body, in);
             if (!err.empty()) return V2Invalid("body", "", err);
             if (in.conn_type && in.conn_type->empty()) return V2Invalid("body", "conn_type", "Input should not be empty");
             Status st = backend.UpdateConnection(in, c.caller());
             if (!st.ok()) return V2FromStatus(st, "updating connection");
             auto conn = backend.GetConnection(in.conn_id);
             if (!conn.ok()) return V2FromStatus(conn.status(), "reading connection");
             return JsonResponse(ConnectionV2(*conn));
           }, 0, json::array({QueryParam("update_mask", {{"type", "array"}, {"items", {{"type", "string"}}}})}));

  v2.Route("DELETE", "/api/v2/connections/{connection_id}", "Connection", "Delete a connection", nullptr, nullptr,
           [&backend](ApiCall& c) {
             Status st = backend.DeleteConnection(c.Param("connection_id"), c.caller());
             if (!st.ok()) return V2FromStatus(st, "deleting connection");
             return NoContent();
           }, 204);

  // --- variables
  v2.Route("GET", "/api/v2/variables", "Variable", "List variables (secret-looking values masked)", nullptr,
           Ref("VariableCollectionResponse"), [&backend](ApiCall& c) {
             V2Paging paging;
             if (auto bad = ParseV2Paging(c.request, &paging)) return *bad;
             auto vars = backend.ListVariables();
             if (!vars.ok()) return V2FromStatus(vars.status(), "listing variables");
             return JsonResponse({{"variables", PageOf(*vars, paging, VariableV2)}, {"total_entries", vars->size()}});
           }, 0, PagingParams());

  v2.Route("POST", "/api/v2/variables", "Variable", "Create a variable", Ref("VariableBody"), Ref("VariableResponse"),
           [&backend](ApiCall& c) {
             json body;
             if (auto bad = ParseV2Body(c.request, &body)) return *bad;
             std::optional<std::string> key, description;
             if (auto bad = BodyString(body, "key", &key)) return *bad;
             if (auto bad = BodyString(body, "description", &description)) return *bad;
             if (!key || !IsValidId(*key)) {
               return V2Invalid("body", "key", "Field required: 1-250 letters, digits, '_', '.' or '-'");
             }
             VariableInfo v{*key, "", description.value_or("")};
             if (auto bad = ReadValue(body, &v.value)) return *bad;
             Status st = backend.CreateVariable(v, c.caller());
             if (st.code() == Status::Code::kAlreadyExists) {
               return V2Error(409, "The Variable with key: `" + *key + "` already exists");
             }
             if (!st.ok()) return V2FromStatus(st, "creating variable");
             return JsonResponse(VariableV2(v), 201);
           }, 201);

  v2.Route("GET", "/api/v2/variables/{variable_key}", "Variable", "Get a variable", nullptr, Ref("VariableResponse"),
           [&backend](ApiCall& c) {
             auto v = backend.GetVariable(c.Param("variable_key"));
             if (!v.ok()) return V2FromStatus(v.status(), "reading variable");
             return JsonResponse(VariableV2(*v));
           });

  v2.Route("PATCH", "/api/v2/variables/{variable_key}", "Variable", "Update a variable", Ref("VariableBody"),
           Ref("VariableResponse"), [&backend](ApiCall& c) {
             json body;
             if (auto bad = ParseV2Body(c.request, &body)) return *bad;
             std::optional<std::string> key, description;
             if (auto bad = BodyString(body, "key", &key)) return *bad;
             if (auto bad = BodyString(body, "description", &description)) return *bad;
             if (key && *key != c.Param("variable_key")) {
               return V2Error(400, "Invalid body, key from request body doesn't match uri parameter");
             }
             std::optional<std::string> value, new_description;
             if (body.contains("value")) {
               value.emplace();
               if (auto bad = ReadValue(body, &*value)) return *bad;
             }
             if (body.contains("description")) new_description = description.value_or("");
             auto v = backend.UpdateVariable(c.Param("variable_key"), value, new_description, c.caller());
             if (!v.ok()) return V2FromStatus(v.status(), "updating variable");
             return JsonResponse(VariableV2(*v));
           }, 0, json::array({QueryParam("update_mask", {{"type", "array"}, {"items", {{"type", "string"}}}})}));

  v2.Route("DELETE", "/api/v2/variables/{variable_key}", "Variable", "Delete a variable", nullptr, nullptr,
           [&backend](ApiCall& c) {
             Status st = backend.DeleteVariable(c.Param("variable_key"), c.caller());
             if (!st.ok()) return V2FromStatus(st, "deleting variable");
             return NoContent();
           }, 204);

  // --- import errors
  v2.Route("GET", "/api/v2/importErrors", "ImportError", "DAG files that failed to parse", nullptr,
           Ref("ImportErrorCollectionResponse"), [&backend](ApiCall& c) {
             V2Paging paging;
             if (auto bad = ParseV2Paging(c.request, &paging)) return *bad;
             auto errs = backend.ListImportErrors();
             if (!errs.ok()) return V2FromStatus(errs.status(), "listing import errors");
             return JsonResponse({{"import_errors", PageOf(*errs, paging, ImportErrorV2)}, {"total_entries", errs->size()}});
           }, 0, PagingParams());

  v2.Route("GET", "/api/v2/importErrors/{import_error_id}", "ImportError", "One import error", nullptr,
           Ref("ImportErrorResponse"), [&backend](ApiCall& c) {
             auto id = ParseNonNegative("import_error_id", c.Param("import_error_id"));
             if (!id.ok()) return V2Invalid("path", "import_error_id", "Input should be a valid integer");
             auto errs = backend.ListImportErrors();
             if (!errs.ok()) return V2FromStatus(errs.status(), "listing import errors");
             for (const auto& e : *errs) {
               if (e.import_error_id == *id) return JsonResponse(ImportErrorV2(e));
             }
             return V2Error(404, "The ImportError with import_error_id: `" + std::to_string(*id) + "` was not found");
           });

  // --- monitoring
  v2.Route("GET", "/api/v2/monitor/health", "Monitor", "Health of the metadata DB and the scheduler (no login)",
           nullptr, Ref("HealthInfoResponse"), [&backend](ApiCall&) {
             HealthInfo h = backend.Health();
             auto opt = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
             return JsonResponse(
                 {{"metadatabase", {{"status", h.metadatabase_ok ? "healthy" : "unhealthy"}}},
                  {"scheduler",
                   {{"status", opt(h.scheduler_status)}, {"latest_scheduler_heartbeat", opt(h.latest_scheduler_heartbeat)}}},
                  {"triggerer", {{"status", nullptr}, {"latest_triggerer_heartbeat", nullptr}}},
                  {"dag_processor", {{"status", nullptr}, {"latest_dag_processor_heartbeat", nullptr}}}});
           }, 0, json::array(), /*public_route=*/true);

  std::string version = v2.version;
  v2.Route("GET", "/api/v2/version", "Version", "Server version (no login, as in Airflow 3)", nullptr,
           Ref("VersionInfo"), [version](ApiCall&) {
             return JsonResponse({{"version", version}, {"git_version", nullptr}});
           }, 0, json::array(), /*public_route=*/true);
}

}  // namespace arxivflow::server
