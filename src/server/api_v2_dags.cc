// API v2: /dags (list, bulk pause), /dags/{dag_id} (get, pause), details, tasks.
#include <fnmatch.h>

#include <algorithm>

#include "server/api_v2.h"
#include "server/api_v2_codec.h"
#include "server/json_codec.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

// Airflow's dag_id_pattern is a SQL LIKE pattern (% and _); a glob (* ?) is
// accepted too. Matching is case-insensitive, as LIKE is.
bool MatchesLike(const std::string& id, const std::string& pattern) {
  if (pattern.empty()) return true;
  std::string glob;
  bool wildcard = false;
  for (char c : pattern) {
    if (c == '%') { glob += '*'; wildcard = true; }
    else if (c == '_') { glob += '?'; wildcard = true; }
    else if (c == '*' || c == '?') { glob += c; wildcard = true; }
    else if (c == '[' || c == ']' || c == '\\') { glob += '\\'; glob += c; }
    else glob += c;
  }
  if (!wildcard) glob = "*" + glob + "*";  // a plain word matches as a substring
  return fnmatch(glob.c_str(), id.c_str(), FNM_CASEFOLD) == 0;
}

std::optional<HttpResponse> QueryBoolV2(const HttpRequest& req, const char* name, std::optional<bool>* out) {
  if (!req.HasQuery(name)) return std::nullopt;
  std::string v = req.Query(name);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "1" || v == "yes" || v == "on") *out = true;
  else if (v == "false" || v == "0" || v == "no" || v == "off") *out = false;
  else return V2Invalid("query", name, "Input should be a valid boolean");
  return std::nullopt;
}

// The DAGs a list or bulk patch selects.
Result<std::vector<DagInfo>> SelectDags(Backend& backend, const HttpRequest& req, const std::optional<bool>& paused) {
  AF_ASSIGN_OR_RETURN(auto dags, backend.ListDags());
  std::string pattern = req.Query("dag_id_pattern");
  std::vector<std::string> tags;
  for (auto [it, end] = req.query.equal_range("tags"); it != end; ++it) tags.push_back(it->second);
  bool exclude_stale = req.Query("exclude_stale") != "false";
  std::vector<DagInfo> out;
  for (auto& d : dags) {
    if (paused && d.is_paused != *paused) continue;
    if (exclude_stale && !d.is_active) continue;
    if (!MatchesLike(d.dag_id, pattern)) continue;
    if (!tags.empty() && std::none_of(tags.begin(), tags.end(), [&](const std::string& t) {
          return std::find(d.tags.begin(), d.tags.end(), t) != d.tags.end();
        })) {
      continue;
    }
    out.push_back(std::move(d));
  }
  std::string order = req.Query("order_by");
  bool desc = !order.empty() && order[0] == '-';
  std::sort(out.begin(), out.end(), [desc](const DagInfo& a, const DagInfo& b) {
    return desc ? a.dag_id > b.dag_id : a.dag_id < b.dag_id;
  });
  return out;
}

json DagListQuery() {
  json q = PagingParams();
  q.push_back(QueryParam("dag_id_pattern", {{"type", "string"}}, "SQL LIKE pattern (% and _), or a substring"));
  q.push_back(QueryParam("paused", {{"type", "boolean"}}));
  q.push_back(QueryParam("exclude_stale", {{"type", "boolean"}, {"default", true}}));
  q.push_back(QueryParam("tags", {{"type", "array"}, {"items", {{"type", "string"}}}}));
  q.push_back(QueryParam("order_by", {{"type", "string"}}, "dag_id or -dag_id"));
  return q;
}

}  // namespace

void AddV2DagRoutes(const ApiV2Context& v2) {
  Backend& backend = v2.backend;
  v2.Route("GET", "/api/v2/dags", "DAG", "List DAGs", nullptr, Ref("DAGCollectionResponse"),
           [&backend](ApiCall& c) {
             V2Paging paging;
             if (auto bad = ParseV2Paging(c.request, &paging)) return *bad;
             std::optional<bool> paused;
             if (auto bad = QueryBoolV2(c.request, "paused", &paused)) return *bad;
             auto dags = SelectDags(backend, c.request, paused);
             if (!dags.ok()) return V2FromStatus(dags.status(), "listing DAGs");
             json list = json::array();
             for (size_t i = paging.offset; i < dags->size() && static_cast<int64_t>(list.size()) < paging.limit; ++i) {
               list.push_back(DagV2((*dags)[i]));
             }
             return JsonResponse({{"dags", list}, {"total_entries", dags->size()}});
           }, 0, DagListQuery());

  json patch_query = DagListQuery();
  patch_query.push_back(QueryParam("update_mask", {{"type", "array"}, {"items", {{"type", "string"}}}}));
  v2.Route("PATCH", "/api/v2/dags", "DAG", "Pause or unpause the DAGs matching dag_id_pattern",
           Ref("DAGPatchBody"), Ref("DAGCollectionResponse"), [&backend](ApiCall& c) {
             json body;
             if (auto bad = ParseV2Body(c.request, &body)) return *bad;
             std::optional<bool> is_paused;
             if (auto bad = BodyBool(body, "is_paused", &is_paused)) return *bad;
             if (!is_paused) return V2Invalid("body", "is_paused", "Field required");
             if (c.request.Query("dag_id_pattern").empty()) {
               // As in Airflow: a bulk change must name the DAGs it touches.
               return V2Error(400, "Only `dag_id_pattern` is supported to select DAGs for a bulk patch; it is required");
             }
             V2Paging paging;
             if (auto bad = ParseV2Paging(c.request, &paging)) return *bad;
             std::optional<bool> paused;
             if (auto bad = QueryBoolV2(c.request, "paused", &paused)) return *bad;
             auto dags = SelectDags(backend, c.request, paused);
             if (!dags.ok()) return V2FromStatus(dags.status(), "listing DAGs");
             json list = json::array();
             int64_t total = 0;
             for (size_t i = paging.offset; i < dags->size() && total < paging.limit; ++i, ++total) {
               DagInfo& d = (*dags)[i];
               Status st = backend.SetPaused(d.dag_id, *is_paused, c.caller());
               if (!st.ok()) return V2FromStatus(st, "pausing " + d.dag_id);
               d.is_paused = *is_paused;
               list.push_back(DagV2(d));
             }
             return JsonResponse({{"dags", list}, {"total_entries", list.size()}});
           }, 0, patch_query);

  v2.Route("GET", "/api/v2/dags/{dag_id}", "DAG", "Get a DAG", nullptr, Ref("DAGResponse"), [&backend](ApiCall& c) {
    auto dag = backend.GetDag(c.Param("dag_id"));
    if (!dag.ok()) return V2FromStatus(dag.status(), "reading DAG");
    return JsonResponse(DagV2(*dag));
  });

  v2.Route("PATCH", "/api/v2/dags/{dag_id}", "DAG", "Pause or unpause a DAG", Ref("DAGPatchBody"), Ref("DAGResponse"),
           [&backend](ApiCall& c) {
             json body;
             if (auto bad = ParseV2Body(c.request, &body)) return *bad;
             std::optional<bool> is_paused;
             if (auto bad = BodyBool(body, "is_paused", &is_paused)) return *bad;
             if (!is_paused) return V2Invalid("body", "is_paused", "Field required");
             Status st = backend.SetPaused(c.Param("dag_id"), *is_paused, c.caller());
             if (!st.ok()) return V2FromStatus(st, "pausing DAG");
             auto dag = backend.GetDag(c.Param("dag_id"));
             if (!dag.ok()) return V2FromStatus(dag.status(), "reading DAG");
             return JsonResponse(DagV2(*dag));
           }, 0, json::array({QueryParam("update_mask", {{"type", "array"}, {"items", {{"type", "string"}}}})}));

  v2.Route("GET", "/api/v2/dags/{dag_id}/details", "DAG", "Get a DAG's details", nullptr, Ref("DAGDetailsResponse"),
           [&backend](ApiCall& c) {
             auto dag = backend.GetDag(c.Param("dag_id"));
             if (!dag.ok()) return V2FromStatus(dag.status(), "reading DAG");
             return JsonResponse(DagDetailsV2(*dag));
           });

  v2.Route("GET", "/api/v2/dags/{dag_id}/tasks", "Task", "List a DAG's tasks", nullptr, Ref("TaskCollectionResponse"),
           [&backend](ApiCall& c) {
             auto dag = backend.GetDag(c.Param("dag_id"));
             if (!dag.ok()) return V2FromStatus(dag.status(), "reading DAG");
             json tasks = json::array();
             for (const auto& t : dag->tasks) tasks.push_back(TaskV2(t));
             return JsonResponse({{"tasks", tasks}, {"total_entries", tasks.size()}});
           });
}

}  // namespace arxivflow::server
