// The REST API v2: Apache Airflow 3's public API (/api/v2) over the same
// Backend as v1 — paths, parameters, bodies, status codes and FastAPI's
// error shape ({"detail": "..."}, and 422 {"detail": [{loc, msg, type}]} for
// a request that does not validate) — so Airflow 3 scripts and the official
// client work unchanged. Authentication, CSRF, roles and the cross-site
// checks are the WebApp's (web_app.h), shared with v1.
//
// Layout: one file per resource (api_v2_dags.cc, api_v2_dag_runs.cc,
// api_v2_task_instances.cc, api_v2_admin.cc, api_v2_event_logs.cc), each adding its routes through
// ApiV2Context with their typed request and response schemas
// (api_v2_schemas.cc); the JSON shapes are in api_v2_codec.h. Adding a
// resource is one AddV2*Routes function and one line in AddApiV2Routes().
//
// Query parameters a route does not declare are refused (422), so a filter
// an Airflow client sends that arxivflow does not implement never widens the
// answer silently.
//
// Contract: handlers are thin adapters — every rule lives in the Backend (and
// through it in run control); nothing here changes state by itself. Pure
// functions of their inputs otherwise; thread-safe as the Backend is.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/backend.h"
#include "server/http_types.h"
#include "server/router.h"
#include "server/web_app.h"

namespace arxivflow::server {

struct ApiV2Context {
  Backend& backend;
  std::string version;
  std::function<void(RouteInfo, ApiHandler)> add;

  // Adds a route; `request`/`response` are JSON schemas (usually Ref(...)).
  void Route(const char* method, const char* pattern, const char* tag, const char* summary,
             nlohmann::json request, nlohmann::json response, ApiHandler handler, int success_status = 0,
             nlohmann::json query = nlohmann::json::array(), bool public_route = false) const;
};

void AddApiV2Routes(const ApiV2Context& v2);
void AddV2DagRoutes(const ApiV2Context& v2);
void AddV2DagRunRoutes(const ApiV2Context& v2);
void AddV2TaskInstanceRoutes(const ApiV2Context& v2);
void AddV2AdminRoutes(const ApiV2Context& v2);  // connections, variables, import errors, monitor, version
void AddV2EventLogRoutes(const ApiV2Context& v2);  // the audit log

// Rewrites a problem+json response into FastAPI's {"detail": "..."}.
void ToV2Error(HttpResponse& response);

// {"detail": detail} with `status`.
HttpResponse V2Error(int status, const std::string& detail);
// 422 {"detail": [{"type", "loc": ["body"|"query"|"path", field], "msg"}]}.
HttpResponse V2Invalid(const std::string& where, const std::string& field, const std::string& msg);
// Backend Status -> v2 error (FromStatus, then ToV2Error).
HttpResponse V2FromStatus(const Status& status, const std::string& what);

// Request helpers: each returns a 422 response on a bad value.
struct V2Paging {
  int64_t limit = 50;
  int64_t offset = 0;
};
std::optional<HttpResponse> ParseV2Paging(const HttpRequest& req, V2Paging* paging);
std::optional<HttpResponse> ParseV2Body(const HttpRequest& req, nlohmann::json* body, bool allow_empty = false);
// Optional typed fields of a body; a wrong type is a 422.
std::optional<HttpResponse> BodyBool(const nlohmann::json& body, const char* key, std::optional<bool>* out);
std::optional<HttpResponse> BodyString(const nlohmann::json& body, const char* key, std::optional<std::string>* out);
std::optional<HttpResponse> BodyStrings(const nlohmann::json& body, const char* key,
                                        std::optional<std::vector<std::string>>* out);
std::optional<HttpResponse> BodyInt(const nlohmann::json& body, const char* key, std::optional<int64_t>* out);

// Filters arxivflow does not implement are refused, never silently ignored:
// a body field outside `supported` that is not null is a 422 naming it.
std::optional<HttpResponse> RefuseUnsupportedFields(const nlohmann::json& body,
                                                    std::initializer_list<const char*> supported);
// order_by: "" or one of the orders the list really has; anything else 422.
std::optional<HttpResponse> CheckOrderBy(const std::string& value, const char* where,
                                         std::initializer_list<const char*> supported);

// The OpenAPI document of the v2 routes (api_v2_schemas.cc).
nlohmann::json BuildOpenApiV2(const std::vector<const RouteInfo*>& routes, const std::string& version);
// {"$ref": "#/components/schemas/<name>"}
nlohmann::json Ref(const std::string& name);
// Common query parameter objects.
nlohmann::json QueryParam(const char* name, nlohmann::json schema, const char* description = "");
nlohmann::json PagingParams();

}  // namespace arxivflow::server
