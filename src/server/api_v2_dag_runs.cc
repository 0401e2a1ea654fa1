// API v2: DAG runs — list (also across DAGs with dag_id "~"), batch list,
// trigger, get, patch state, delete, clear.
#include <algorithm>
#include <map>
#include <set>

#include "orchestrator/run_id.h"
#include "server/api_v2.h"
#include "server/api_v2_codec.h"
#include "server/json_codec.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

struct RunFilter {
  std::vector<std::string> dag_ids;  // empty = every DAG
  std::vector<DagRunState> states;   // empty = any
  int64_t limit = 50;
  int64_t offset = 0;
};

// The runs a filter selects, newest first. Each DAG and state is read at most
// offset+limit deep, so the work is bounded by the page asked for.
Result<Page<DagRunInfo>> CollectRuns(Backend& backend, const RunFilter& f) {
  std::vector<std::string> dag_ids = f.dag_ids;
  if (dag_ids.empty()) {
    AF_ASSIGN_OR_RETURN(auto dags, backend.ListDags());
    for (const auto& d : dags) dag_ids.push_back(d.dag_id);
  }
  std::vector<std::optional<DagRunState>> states(f.states.begin(), f.states.end());
  if (states.empty()) states.push_back(std::nullopt);
  Page<DagRunInfo> page;
  std::vector<DagRunInfo> all;
  for (const auto& dag_id : dag_ids) {
    for (const auto& state : states) {
      ListRunsQuery q;
      q.limit = f.offset + f.limit;
      q.offset = 0;
      q.state = state;
      auto runs = backend.ListDagRuns(dag_id, q);
      if (!runs.ok() && runs.status().code() == Status::Code::kNotFound && f.dag_ids.empty()) continue;
      if (!runs.ok()) return runs.status();
      page.total += runs->total;
      for (auto& r : runs->items) all.push_back(std::move(r));
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const DagRunInfo& a, const DagRunInfo& b) {
    return a.logical_date > b.logical_date;
  });
  for (size_t i = static_cast<size_t>(f.offset); i < all.size() && static_cast<int64_t>(page.items.size()) < f.limit; ++i) {
    page.items.push_back(std::move(all[i]));
  }
  return page;
}

HttpResponse RunsResponse(const Result<Page<DagRunInfo>>& page) {
  if (!page.ok()) return V2FromStatus(page.status(), "listing DAG runs");
  json list = json::array();
  for (const auto& r : page->items) list.push_back(DagRunV2(r));
  return JsonResponse({{"dag_runs", list}, {"total_entries", page->total}});
}

std::optional<HttpResponse> ParseStates(const std::vector<std::string>& names, const char* where, const char* field,
                                        std::vector<DagRunState>* out) {
  for (const auto& s : names) {
    if (s.empty()) continue;
    auto state = orchestrator::ParseDagRunState(s);
    if (!state) return V2Invalid(where, field, "Input should be 'queued', 'running', 'success' or 'failed'");
    out->push_back(*state);
  }
  return std::nullopt;
}

json ClearedList(const std::vector<TaskInstanceInfo>& tis, Backend& backend) {
  std::map<std::string, DagRunInfo> runs;
  json list = json::array();
  for (const auto& ti : tis) {
    std::string key = ti.dag_id + '\n' + ti.run_id;
    if (!runs.count(key)) {
      auto run = backend.GetDagRun(ti.dag_id, ti.run_id);
      DagRunInfo unknown;
      unknown.dag_id = ti.dag_id;
      unknown.run_id = ti.run_id;
      runs[key] = run.ok() ? *run : unknown;
    }
    list.push_back(TaskInstanceV2(ti, runs[key]));
  }
  return {{"task_instances", list}, {"total_entries", list.size()}};
}

}  // namespace

void AddV2DagRunRoutes(const ApiV2Context& v2) {
  Backend& backend = v2.backend;
  json list_query = PagingParams();
  list_query.push_back(QueryParam("state", {{"type", "array"}, {"items", {{"type", "string"}}}}));
  list_query.push_back(QueryParam("order_by", {{"type", "string"}, {"enum", {"-logical_date", "-run_after"}}}));
  v2.Route("GET", "/api/v2/dags/{dag_id}/dagRuns", "DagRun", "List DAG runs (dag_id ~ for every DAG), newest first",
           nullptr, Ref("DAGRunCollectionResponse"), [&backend](ApiCall& c) {
             RunFilter f;
             V2Paging paging;
             if (auto bad = ParseV2Paging(c.request, &paging)) return *bad;
             f.limit = paging.limit;
             f.offset = paging.offset;
             std::vector<std::string> names;
             for (auto [it, end] = c.request.query.equal_range("state"); it != end; ++it) names.push_back(it->second);
             if (auto bad = ParseStates(names, "query", "state", &f.states)) return *bad;
             if (auto bad = CheckOrderBy(c.request.Query("order_by"), "query", {"-logical_date", "-run_after"})) {
               return *bad;
             }
             if (c.Param("dag_id") != "~") {
               auto dag = backend.GetDag(c.Param("dag_id"));
               if (!dag.ok()) return V2FromStatus(dag.status(), "reading DAG");
               f.dag_ids = {c.Param("dag_id")};
             }
             return RunsResponse(CollectRuns(backend, f));
           }, 0, list_query);

  v2.Route("POST", "/api/v2/dags/{dag_id}/dagRuns/list", "DagRun", "List DAG runs (batch)",
           Ref("DAGRunsBatchBody"), Ref("DAGRunCollectionResponse"), [&backend](ApiCall& c) {
             json body;
             if (auto bad = ParseV2Body(c.request, &body)) return *bad;
             if (auto bad = RefuseUnsupportedFields(body, {"dag_ids", "states", "page_limit", "page_offset", "order_by"})) {
               return *bad;
             }
             if (body.contains("order_by") && body["order_by"].is_string()) {
               if (auto bad = CheckOrderBy(body["order_by"].get<std::string>(), "body", {"-logical_date", "-run_after"})) {
                 return *bad;
               }
             }
             RunFilter f;
             std::optional<std::vector<std::string>> dag_ids, states;
             std::optional<int64_t> limit, offset;
             if (auto bad = BodyStrings(body, "dag_ids", &dag_ids)) return *bad;
             if (auto bad = BodyStrings(body, "states", &states)) return *bad;
             if (auto bad = BodyInt(body, "page_limit", &limit)) return *bad;
             if (auto bad = BodyInt(body, "page_offset", &offset)) return *bad;
             if (states) {
               if (auto bad = ParseStates(*states, "body", "states", &f.states)) return *bad;
             }
             f.limit = std::min<int64_t>(limit.value_or(100), 1000);
             f.offset = offset.value_or(0);
             if (c.Param("dag_id") != "~") {
               f.dag_ids = {c.Param("dag_id")};
             } else if (dag_ids) {
               f.dag_ids = *dag_ids;
             }
             for (const auto& id : f.dag_ids) {
               auto dag = backend.GetDag(id);
               if (!dag.ok()) return V2FromStatus(dag.status(), "reading DAG");
             }
             return RunsResponse(CollectRuns(backend, f));
           });

  v2.Route("POST", "/api/v2/dags/{dag_id}/dagRuns", "DagRun", "Trigger a DAG run (conf, logical_date, dag_run_id)",
           Ref("TriggerDAGRunPostBody"), Ref("DAGRunResponse"), [&backend](ApiCall& c) {
             json body;
             if (auto bad = ParseV2Body(c.request, &body)) return *bad;
             std::optional<std::string> run_id, logical_date;
             if (auto bad = RefuseUnsupportedFields(body, {"dag_run_id", "logical_date", "conf"})) return *bad;
             if (auto bad = BodyString(body, "dag_run_id", &run_id)) return *bad;
             if (auto bad = BodyString(body, "logical_date", &logical_date)) return *bad;
             if (run_id) {
               Status valid = orchestrator::ValidateRunId(*run_id);
               if (!valid.ok()) return V2Error(400, "dag_run_id: " + valid.message());
             }
             json conf = json::object();
             if (body.contains("conf") && !body["conf"].is_null()) {
               if (!body["conf"].is_object()) return V2Invalid("body", "conf", "Input should be a valid dictionary");
               conf = body["conf"];
             }
             auto run = backend.TriggerDag(c.Param("dag_id"), run_id.value_or(""), conf, logical_date.value_or(""),
                                           c.caller());
             if (!run.ok()) return V2FromStatus(run.status(), "triggering DAG");
             return JsonResponse(DagRunV2(*run));
           });

  v2.Route("GET", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}", "DagRun", "Get a DAG run", nullptr,
           Ref("DAGRunResponse"), [&backend](ApiCall& c) {
             auto run = backend.GetDagRun(c.Param("dag_id"), c.Param("dag_run_id"));
             if (!run.ok()) return V2FromStatus(run.status(), "reading DAG run");
             return JsonResponse(DagRunV2(*run));
           });

  v2.Route("PATCH", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}", "DagRun",
           "Set a DAG run's state (queued reruns it; success and failed mark its task instances)",
           Ref("DAGRunPatchBody"), Ref("DAGRunResponse"), [&backend](ApiCall& c) {
             json body;
             if (auto bad = ParseV2Body(c.request, &body)) return *bad;
             std::optional<std::string> state_name, note;
             if (auto bad = BodyString(body, "state", &state_name)) return *bad;
             if (auto bad = BodyString(body, "note", &note)) return *bad;
             auto run = backend.GetDagRun(c.Param("dag_id"), c.Param("dag_run_id"));
             if (!run.ok()) return V2FromStatus(run.status(), "reading DAG run");
             if (state_name) {
               auto state = orchestrator::ParseDagRunState(*state_name);
               if (!state || *state == DagRunState::kRunning) {
                 return V2Invalid("body", "state", "Input should be 'queued', 'success' or 'failed'");
               }
               Status st = backend.SetDagRunState(c.Param("dag_id"), c.Param("dag_run_id"), *state, c.caller());
               if (!st.ok()) return V2FromStatus(st, "setting DAG run state");
               run = backend.GetDagRun(c.Param("dag_id"), c.Param("dag_run_id"));
               if (!run.ok()) return V2FromStatus(run.status(), "reading DAG run");
             }
             return JsonResponse(DagRunV2(*run));
           }, 0, json::array({QueryParam("update_mask", {{"type", "array"}, {"items", {{"type", "string"}}}})}));

  v2.Route("DELETE", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}", "DagRun",
           "Delete a DAG run with its task instances", nullptr, nullptr, [&backend](ApiCall& c) {
             Status st = backend.DeleteDagRun(c.Param("dag_id"), c.Param("dag_run_id"), c.caller());
             if (!st.ok()) return V2FromStatus(st, "deleting DAG run");
             HttpResponse r;
             r.status = 204;
             r.content_type.clear();
             return r;
           }, 204);

  v2.Route("POST", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/clear", "DagRun",
           "Clear a DAG run's task instances (dry_run, the default, only lists them)", Ref("DAGRunClearBody"),
           json{{"anyOf", {Ref("ClearTaskInstanceCollectionResponse"), Ref("DAGRunResponse")}}},
           [&backend](ApiCall& c) {
             json body;
             if (auto bad = ParseV2Body(c.request, &body, true)) return *bad;
             std::optional<bool> dry_run, only_failed;
             if (auto bad = BodyBool(body, "dry_run", &dry_run)) return *bad;
             if (auto bad = BodyBool(body, "only_failed", &only_failed)) return *bad;
             auto run = backend.GetDagRun(c.Param("dag_id"), c.Param("dag_run_id"));
             if (!run.ok()) return V2FromStatus(run.status(), "reading DAG run");
             ClearRequest req;
             req.run_ids = {c.Param("dag_run_id")};
             req.only_failed = only_failed.value_or(false);
             req.dry_run = dry_run.value_or(true);
             auto cleared = backend.ClearTaskInstances(c.Param("dag_id"), req, c.caller());
             if (!cleared.ok()) return V2FromStatus(cleared.status(), "clearing DAG run");
             if (req.dry_run) return JsonResponse(ClearedList(*cleared, backend));
             auto after = backend.GetDagRun(c.Param("dag_id"), c.Param("dag_run_id"));
             if (!after.ok()) return V2FromStatus(after.status(), "reading DAG run");
             return JsonResponse(DagRunV2(*after));
           });

  v2.Route("POST", "/api/v2/dags/{dag_id}/clearTaskInstances", "TaskInstance",
           "Clear task instances so they run again (dry_run, the default, only lists them)",
           Ref("ClearTaskInstancesBody"), Ref("ClearTaskInstanceCollectionResponse"), [&backend](ApiCall& c) {
             json body;
             if (auto bad = ParseV2Body(c.request, &body)) return *bad;
             std::optional<bool> dry_run, only_failed, upstream, downstream, reset_dag_runs;
             std::optional<std::string> run_id;
             if (auto bad = BodyBool(body, "dry_run", &dry_run)) return *bad;
             if (auto bad = BodyBool(body, "only_failed", &only_failed)) return *bad;
             if (auto bad = BodyBool(body, "include_upstream", &upstream)) return *bad;
             if (auto bad = BodyBool(body, "include_downstream", &downstream)) return *bad;
             if (auto bad = BodyBool(body, "reset_dag_runs", &reset_dag_runs)) return *bad;
             if (auto bad = BodyString(body, "dag_run_id", &run_id)) return *bad;
             for (const char* flag : {"only_running", "include_future", "include_past"}) {
               std::optional<bool> value;
               if (auto bad = BodyBool(body, flag, &value)) return *bad;
               if (value.value_or(false)) {
                 return V2Invalid("body", flag, std::string("'") + flag + "' is not supported: select runs by dag_run_id");
               }
             }
             ClearRequest req;
             req.dry_run = dry_run.value_or(true);
             req.only_failed = only_failed.value_or(true);
             req.include_upstream = upstream.value_or(false);
             req.include_downstream = downstream.value_or(false);
             req.reset_dag_runs = reset_dag_runs.value_or(true);
             if (run_id) req.run_ids = {*run_id};
             if (body.contains("task_ids") && !body["task_ids"].is_null()) {
               // Airflow 3 takes task ids, or [task_id, map_index] pairs (no mapped tasks here: -1).
               if (!body["task_ids"].is_array()) return V2Invalid("body", "task_ids", "Input should be a valid list");
               for (const auto& t : body["task_ids"]) {
                 if (t.is_string()) {
                   req.task_ids.push_back(t.get<std::string>());
                 } else if (t.is_array() && t.size() == 2 && t[0].is_string() && t[1].is_number_integer()) {
                   req.task_ids.push_back(t[0].get<std::string>());
                 } else {
                   return V2Invalid("body", "task_ids", "Input should be a task id or a [task_id, map_index] pair");
                 }
               }
             }
             auto cleared = backend.ClearTaskInstances(c.Param("dag_id"), req, c.caller());
             if (!cleared.ok()) return V2FromStatus(cleared.status(), "clearing task instances");
             return JsonResponse(ClearedList(*cleared, backend));
           });
}

}  // namespace arxivflow::server
