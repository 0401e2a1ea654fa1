// API v2 plumbing: the route adder, FastAPI-shaped errors, request helpers.
#include "server/api_v2.h"

#include <set>

#include "server/json_codec.h"
#include "server/problem.h"
#include "server/request_guard.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {
constexpr int64_t kMaxPageLimit = 1000;
}  // namespace

void ApiV2Context::Route(const char* method, const char* pattern, const char* tag, const char* summary,
                         json request, json response, ApiHandler handler, int success_status, json query,
                         bool public_route) const {
  RouteInfo info;
  info.method = method;
  info.pattern = pattern;
  info.tag = tag;
  info.summary = summary;
  info.request_schema = std::move(request);
  info.response_schema = std::move(response);
  info.success_status = success_status;
  info.query_params = std::move(query);
  info.public_route = public_route;
  // Writes need an admin; the batch lists are reads sent as POST (Airflow's
  // `.../list`), open to viewers.
  bool batch_list = info.pattern.size() > 5 && info.pattern.compare(info.pattern.size() - 5, 5, "/list") == 0;
  info.admin_only = IsStateChangingMethod(info.method) && !public_route && !batch_list;
  std::set<std::string> declared;
  for (const auto& param : info.query_params) {
    if (param.is_object() && param.contains("name") && param["name"].is_string()) {
      declared.insert(param["name"].get<std::string>());
    }
  }
  add(std::move(info), [declared = std::move(declared), handler = std::move(handler)](ApiCall& c) {
    for (const auto& [name, value] : c.request.query) {
      if (!declared.count(name)) {
        return V2Invalid("query", name, "Parameter '" + name + "' is not supported by this endpoint");
      }
    }
    return handler(c);
  });
}

std::optional<HttpResponse> RefuseUnsupportedFields(const json& body, std::initializer_list<const char*> supported) {
  if (!body.is_object()) return std::nullopt;
  for (const auto& [key, value] : body.items()) {
    if (value.is_null()) continue;
    bool known = false;
    for (const char* name : supported) known = known || key == name;
    if (!known) return V2Invalid("body", key, "Field '" + key + "' is not supported by this endpoint");
  }
  return std::nullopt;
}

std::optional<HttpResponse> CheckOrderBy(const std::string& value, const char* where,
                                         std::initializer_list<const char*> supported) {
  if (value.empty()) return std::nullopt;
  std::string names;
  for (const char* name : supported) {
    if (value == name) return std::nullopt;
    names += names.empty() ? std::string("'") + name + "'" : std::string(", '") + name + "'";
  }
  return V2Invalid(where, "order_by", "Ordering by '" + value + "' is not supported; use " + names);
}

void AddApiV2Routes(const ApiV2Context& v2) {
  AddV2DagRoutes(v2);
  AddV2DagRunRoutes(v2);
  AddV2TaskInstanceRoutes(v2);
  AddV2AdminRoutes(v2);
  AddV2EventLogRoutes(v2);
}

HttpResponse V2Error(int status, const std::string& detail) {
  HttpResponse r = JsonResponse({{"detail", detail}}, status);
  return r;
}

HttpResponse V2Invalid(const std::string& where, const std::string& field, const std::string& msg) {
  json loc = json::array({where});
  if (!field.empty()) loc.push_back(field);
  return JsonResponse({{"detail", json::array({{{"type", "value_error"}, {"loc", loc}, {"msg", msg}}})}}, 422);
}

void ToV2Error(HttpResponse& response) {
  if (response.content_type != "application/problem+json") return;
  std::string detail = ReasonPhrase(response.status);
  auto doc = json::parse(response.body, nullptr, false);
  if (doc.is_object() && doc.contains("detail") && doc["detail"].is_string()) detail = doc["detail"].get<std::string>();
  response.content_type = "application/json";
  response.body = json{{"detail", detail}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

HttpResponse V2FromStatus(const Status& status, const std::string& what) {
  HttpResponse r = FromStatus(status, what);
  ToV2Error(r);
  return r;
}

std::optional<HttpResponse> ParseV2Paging(const HttpRequest& req, V2Paging* paging) {
  for (const char* key : {"limit", "offset"}) {
    if (!req.HasQuery(key)) continue;
    auto v = ParseNonNegative(key, req.Query(key));
    if (!v.ok()) return V2Invalid("query", key, "Input should be a valid non-negative integer");
    (std::string(key) == "limit" ? paging->limit : paging->offset) = *v;
  }
  paging->limit = std::min(paging->limit, kMaxPageLimit);
  return std::nullopt;
}

std::optional<HttpResponse> ParseV2Body(const HttpRequest& req, json* body, bool allow_empty) {
  if (req.body.empty() && allow_empty) {
    *body = json::object();
    return std::nullopt;
  }
  auto parsed = ParseJsonBody(req.body);
  if (!parsed.ok()) return V2Invalid("body", "", parsed.status().message());
  *body = std::move(*parsed);
  return std::nullopt;
}

std::optional<HttpResponse> BodyBool(const json& body, const char* key, std::optional<bool>* out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) return V2Invalid("body", key, "Input should be a valid boolean");
  *out = it->get<bool>();
  return std::nullopt;
}

std::optional<HttpResponse> BodyString(const json& body, const char* key, std::optional<std::string>* out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return V2Invalid("body", key, "Input should be a valid string");
  *out = it->get<std::string>();
  return std::nullopt;
}

std::optional<HttpResponse> BodyStrings(const json& body, const char* key, std::optional<std::vector<std::string>>* out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) return V2Invalid("body", key, "Input should be a valid list of strings");
  std::vector<std::string> list;
  for (const auto& v : *it) {
    if (!v.is_string()) return V2Invalid("body", key, "Input should be a valid list of strings");
    list.push_back(v.get<std::string>());
  }
  *out = std::move(list);
  return std::nullopt;
}

std::optional<HttpResponse> BodyInt(const json& body, const char* key, std::optional<int64_t>* out) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<int64_t>() < 0) {
    return V2Invalid("body", key, "Input should be a non-negative integer");
  }
  *out = it->get<int64_t>();
  return std::nullopt;
}

}  // namespace arxivflow::server
