#include "server/openapi.h"

#include "server/openapi_v1_schemas.h"

#include <algorithm>
#include <cctype>

namespace arxivflow::server {

using nlohmann::json;

namespace {

std::string OperationId(const RouteInfo& r) {
  std::string id;
  std::string lower = r.method;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  id = lower;
  bool upper_next = true;
  for (char c : r.pattern.substr(std::min<size_t>(r.pattern.size(), 8))) {  // after "/api/v1/"
    if (c == '/' || c == '{' || c == '}' || c == '_' || c == '.') {
      upper_next = true;
      continue;
    }
    id.push_back(upper_next ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper_next = false;
  }
  return id;
}

json ProblemRef(const char* description) {
  return {{"description", description},
          {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

bool IsList(const RouteInfo& r) {
  if (r.method != "GET") return false;
  static const char* kLists[] = {"/dags", "/dagRuns", "/taskInstances", "/connections", "/variables",
                                 "/importErrors", "/search", "/users"};
  for (const char* s : kLists) {
    std::string suffix = s;
    if (r.pattern.size() >= suffix.size() &&
        r.pattern.compare(r.pattern.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

// The document with every body "object"; BuildOpenApi types it.
static json BuildUntypedOpenApi(const std::vector<const RouteInfo*>& routes, const std::string& version);

json BuildOpenApi(const std::vector<const RouteInfo*>& routes, const std::string& version) {
  json doc = BuildUntypedOpenApi(routes, version);
  json schemas = V1ComponentSchemas();
  for (auto& [name, schema] : schemas.items()) doc["components"]["schemas"][name] = schema;
  doc["paths"]["/api/v1/auth/login"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
      json{{"$ref", "#/components/schemas/Login"}};
  doc["paths"]["/api/v1/auth/session"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] =
      json{{"$ref", "#/components/schemas/Session"}};
  return doc;
}

static json BuildUntypedOpenApi(const std::vector<const RouteInfo*>& routes, const std::string& version) {
  json paths = json::object();
  for (const RouteInfo* r : routes) {
    std::string method = r->method;
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
    json op = {{"summary", r->summary}, {"operationId", OperationId(*r)}, {"tags", {r->tag}}};
    json params = json::array();
    size_t pos = 0;
    while ((pos = r->pattern.find('{', pos)) != std::string::npos) {
      size_t end = r->pattern.find('}', pos);
      std::string name = r->pattern.substr(pos + 1, end - pos - 1);
      json schema = name == "try_number" || name == "import_error_id" ? json{{"type", "integer"}}
                                                                       : json{{"type", "string"}};
      params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", schema}});
      pos = end;
    }
    if (IsList(*r)) {
      params.push_back({{"name", "limit"}, {"in", "query"}, {"schema", {{"type", "integer"}, {"minimum", 0}, {"default", 100}}}});
      params.push_back({{"name", "offset"}, {"in", "query"}, {"schema", {{"type", "integer"}, {"minimum", 0}, {"default", 0}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    V1OperationSchemas typed = V1SchemasOf(r->method, r->pattern);
    if (method == "post" || method == "patch" || method == "put") {
      json body = typed.request.is_null() ? json{{"type", "object"}} : typed.request;
      op["requestBody"] = {{"required", method != "post" || r->pattern.find("logout") == std::string::npos},
                           {"content", {{"application/json", {{"schema", body}}}}}};
    }
    json responses = json::object();
    if (method == "delete") {
      responses["204"] = {{"description", "Deleted"}};
    } else {
      json body = typed.response.is_null() ? json{{"type", "object"}} : typed.response;
      responses["200"] = {{"description", "Success"}, {"content", {{"application/json", {{"schema", body}}}}}};
      if (r->pattern.find("/logs/") != std::string::npos) {
        responses["200"]["content"]["text/plain"] = {{"schema", {{"type", "string"}}}};
      }
    }
    if (r->pattern != "/api/v1/health") {
      responses["400"] = ProblemRef("Bad request (invalid JSON or parameters)");
      responses["401"] = ProblemRef("Not logged in");
      responses["403"] = ProblemRef("Forbidden (viewer role, or missing CSRF token)");
      responses["404"] = ProblemRef("Unknown id");
      responses["429"] = ProblemRef("Too many failed logins from this address or for this user name");
    }
    if (method == "post" || method == "patch") {
      responses["409"] = ProblemRef("Conflict (already exists)");
      responses["413"] = ProblemRef("Request body too large");
      responses["415"] = ProblemRef("Not sent as application/json");
    }
    op["responses"] = responses;
    if (r->pattern == "/api/v1/health") op["security"] = json::array();
    paths[r->pattern][method] = op;
  }
  // The login/session endpoints are handled outside the route table.
  paths["/api/v1/auth/login"]["post"] = {
      {"summary", "Log in; sets the session cookie and returns the CSRF token"},
      {"operationId", "postAuthLogin"},
      {"tags", {"Auth"}},
      {"security", json::array()},
      {"requestBody",
       {{"required", true},
        {"content",
         {{"application/json",
           {{"schema",
             {{"type", "object"},
              {"required", {"username", "password"}},
              {"properties", {{"username", {{"type", "string"}}}, {"password", {{"type", "string"}}}}}}}}}}}}},
      {"responses", {{"200", {{"description", "Logged in"}}}, {"401", ProblemRef("Wrong user name or password")}}}};
  paths["/api/v1/auth/session"]["get"] = {{"summary", "Who is logged in (and the CSRF token)"},
                                          {"operationId", "getAuthSession"},
                                          {"tags", {"Auth"}},
                                          {"responses", {{"200", {{"description", "Success"}}}, {"401", ProblemRef("Not logged in")}}}};
  paths["/api/v1/auth/logout"]["post"] = {{"summary", "Log out"},
                                          {"operationId", "postAuthLogout"},
                                          {"tags", {"Auth"}},
                                          {"responses", {{"204", {{"description", "Logged out"}}}}}};
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "arxivflow REST API"},
        {"version", version},
        {"description",
         "Shaped like Apache Airflow's stable REST API v1. Authenticate with HTTP basic auth, a bearer token "
         "from POST /auth/token, or a session cookie from /api/v1/auth/login; cookie-authenticated POST/PATCH/DELETE need the X-CSRF-Token header. "
         "Errors are application/problem+json."}}},
      {"servers", {{{"url", "/"}}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes",
         {{"Basic", {{"type", "http"}, {"scheme", "basic"}}},
          {"Bearer", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}},
          {"Session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "af_session"}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"required", {"type", "title", "status"}},
            {"properties",
             {{"type", {{"type", "string"}}},
              {"title", {{"type", "string"}}},
              {"status", {{"type", "integer"}}},
              {"detail", {{"type", "string"}}}}}}}}}}},
      {"security", {{{"Basic", json::array()}}, {{"Bearer", json::array()}}, {{"Session", json::array()}}}},
  };
}

}  // namespace arxivflow::server
