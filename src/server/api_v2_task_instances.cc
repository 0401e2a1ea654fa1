// API v2: task instances — list (dag_id and dag_run_id may be "~"), batch
// list, get, patch state (and its dry run), tries, logs.
#include <algorithm>
#include <map>
#include <set>

#include "server/api_v2.h"
#include "server/api_v2_codec.h"
#include "server/json_codec.h"
#include "server/task_logs.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

// With "~" for the run, at most this many runs of each DAG are scanned.
constexpr int64_t kMaxRunsScanned = 1000;

struct TiFilter {
  std::vector<std::string> dag_ids;  // empty = every DAG
  std::vector<std::string> run_ids;  // empty = every run
  std::set<std::string> task_ids;    // empty = every task
  std::vector<std::optional<TiState>> states;  // empty = any; nullopt inside = "no state"
  int64_t limit = 50;
  int64_t offset = 0;
};

bool Wanted(const TiFilter& f, const TaskInstanceInfo& ti) {
  if (!f.task_ids.empty() && !f.task_ids.count(ti.task_id)) return false;
  if (f.states.empty()) return true;
  for (const auto& s : f.states) {
    if ((!s && ti.state == TiState::kNone) || (s && *s == ti.state)) return true;
  }
  return false;
}

Result<json> CollectTis(Backend& backend, const TiFilter& f) {
  std::vector<std::string> dag_ids = f.dag_ids;
  if (dag_ids.empty()) {
    AF_ASSIGN_OR_RETURN(auto dags, backend.ListDags());
    for (const auto& d : dags) dag_ids.push_back(d.dag_id);
  }
  json list = json::array();
  int64_t total = 0;
  for (const auto& dag_id : dag_ids) {
    std::vector<DagRunInfo> runs;
    if (f.run_ids.empty()) {
      ListRunsQuery q;
      q.limit = kMaxRunsScanned;
      auto page = backend.ListDagRuns(dag_id, q);
      if (!page.ok() && page.status().code() == Status::Code::kNotFound && f.dag_ids.empty()) continue;
      if (!page.ok()) return page.status();
      runs = std::move(page->items);
    } else {
      for (const auto& run_id : f.run_ids) {
        auto run = backend.GetDagRun(dag_id, run_id);
        if (run.ok()) runs.push_back(*run);
        else if (run.status().code() != Status::Code::kNotFound) return run.status();
        else if (f.dag_ids.size() == 1 && f.run_ids.size() == 1) return run.status();
      }
    }
    for (const auto& run : runs) {
      AF_ASSIGN_OR_RETURN(auto tis, backend.ListTaskInstances(dag_id, run.run_id));
      for (const auto& ti : tis) {
        if (!Wanted(f, ti)) continue;
        if (total >= f.offset && static_cast<int64_t>(list.size()) < f.limit) list.push_back(TaskInstanceV2(ti, run));
        ++total;
      }
    }
  }
  return json{{"task_instances", list}, {"total_entries", total}};
}

std::optional<HttpResponse> ParseTiStates(const std::vector<std::string>& names, const char* where, const char* field,
                                          std::vector<std::optional<TiState>>* out) {
  for (const auto& s : names) {
    if (s == "none" || s == "null" || s.empty()) {
      out->push_back(std::nullopt);
      continue;
    }
    auto state = orchestrator::ParseTiState(s);
    if (!state) return V2Invalid(where, field, "Input should be a task instance state");
    out->push_back(*state);
  }
  return std::nullopt;
}

// The continuation token is an opaque string to clients; here it is the
// byte offset to continue from, as decimal text.
std::optional<int64_t> ParseToken(const std::string& token) {
  auto v = ParseNonNegative("token", token);
  if (!v.ok()) return std::nullopt;
  return *v;
}

// PATCH and its dry run share everything but applying the change.
HttpResponse PatchTaskInstance(Backend& backend, ApiCall& c, bool force_dry_run) {
  json body;
  if (auto bad = ParseV2Body(c.request, &body)) return *bad;
  std::optional<std::string> new_state_name, note;
  std::optional<bool> dry_run;
  if (auto bad = BodyString(body, "new_state", &new_state_name)) return *bad;
  if (auto bad = BodyString(body, "note", &note)) return *bad;
  if (auto bad = BodyBool(body, "dry_run", &dry_run)) return *bad;
  for (const char* flag : {"include_upstream", "include_downstream", "include_future", "include_past"}) {
    std::optional<bool> value;
    if (auto bad = BodyBool(body, flag, &value)) return *bad;
    if (value.value_or(false)) {
      return V2Invalid("body", flag, std::string("'") + flag + "' is not supported: mark each task instance");
    }
  }
  if (note) return V2Invalid("body", "note", "Task instance notes are not stored by arxivflow");
  if (c.request.HasQuery("map_index") && c.request.Query("map_index") != "-1") {
    return V2Error(404, "task instance has no map index " + c.request.Query("map_index") + " (no mapped tasks)");
  }
  auto ti = backend.GetTaskInstance(c.Param("dag_id"), c.Param("dag_run_id"), c.Param("task_id"));
  if (!ti.ok()) return V2FromStatus(ti.status(), "reading task instance");
  auto run = backend.GetDagRun(c.Param("dag_id"), c.Param("dag_run_id"));
  if (!run.ok()) return V2FromStatus(run.status(), "reading DAG run");
  if (new_state_name) {
    auto new_state = orchestrator::ParseTiState(*new_state_name);
    if (new_state != TiState::kSuccess && new_state != TiState::kFailed && new_state != TiState::kSkipped) {
      return V2Invalid("body", "new_state", "Input should be 'success', 'failed' or 'skipped'");
    }
    bool only_list = force_dry_run || dry_run.value_or(false);
    Status st = backend.SetTaskInstanceState(c.Param("dag_id"), c.Param("dag_run_id"), c.Param("task_id"), *new_state,
                                             only_list, c.caller());
    if (!st.ok()) return V2FromStatus(st, "setting task instance state");
    if (only_list) {
      ti->state = *new_state;  // what it would become
    } else {
      ti = backend.GetTaskInstance(c.Param("dag_id"), c.Param("dag_run_id"), c.Param("task_id"));
      if (!ti.ok()) return V2FromStatus(ti.status(), "reading task instance");
    }
  } else {
    return V2Invalid("body", "new_state", "Field required");
  }
  return JsonResponse({{"task_instances", json::array({TaskInstanceV2(*ti, *run)})}, {"total_entries", 1}});
}

}  // namespace

void AddV2TaskInstanceRoutes(const ApiV2Context& v2) {
  Backend& backend = v2.backend;
  json list_query = PagingParams();
  list_query.push_back(QueryParam("state", {{"type", "array"}, {"items", {{"type", "string"}}}}));
  list_query.push_back(QueryParam("task_id", {{"type", "string"}}));
  v2.Route("GET", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances", "TaskInstance",
           "List task instances (dag_id and dag_run_id may be ~)", nullptr, Ref("TaskInstanceCollectionResponse"),
           [&backend](ApiCall& c) {
             TiFilter f;
             V2Paging paging;
             if (auto bad = ParseV2Paging(c.request, &paging)) return *bad;
             f.limit = paging.limit;
             f.offset = paging.offset;
             std::vector<std::string> names;
             for (auto [it, end] = c.request.query.equal_range("state"); it != end; ++it) names.push_back(it->second);
             if (auto bad = ParseTiStates(names, "query", "state", &f.states)) return *bad;
             if (c.request.HasQuery("task_id")) f.task_ids.insert(c.request.Query("task_id"));
             if (c.Param("dag_id") != "~") {
               auto dag = backend.GetDag(c.Param("dag_id"));
               if (!dag.ok()) return V2FromStatus(dag.status(), "reading DAG");
               f.dag_ids = {c.Param("dag_id")};
             } else if (c.Param("dag_run_id") != "~") {
               return V2Error(400, "dag_id '~' needs dag_run_id '~' too");
             }
             if (c.Param("dag_run_id") != "~") f.run_ids = {c.Param("dag_run_id")};
             auto result = CollectTis(backend, f);
             if (!result.ok()) return V2FromStatus(result.status(), "listing task instances");
             return JsonResponse(*result);
           }, 0, list_query);

  v2.Route("POST", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/list", "TaskInstance",
           "List task instances (batch)", Ref("TaskInstancesBatchBody"), Ref("TaskInstanceCollectionResponse"),
           [&backend](ApiCall& c) {
             json body;
             if (auto bad = ParseV2Body(c.request, &body)) return *bad;
             if (auto bad = RefuseUnsupportedFields(
                     body, {"dag_ids", "dag_run_ids", "task_ids", "state", "page_limit", "page_offset"})) {
               return *bad;
             }
             TiFilter f;
             std::optional<std::vector<std::string>> dag_ids, run_ids, task_ids, states;
             std::optional<int64_t> limit, offset;
             if (auto bad = BodyStrings(body, "dag_ids", &dag_ids)) return *bad;
             if (auto bad = BodyStrings(body, "dag_run_ids", &run_ids)) return *bad;
             if (auto bad = BodyStrings(body, "task_ids", &task_ids)) return *bad;
             if (body.contains("state") && body["state"].is_array()) {
               std::vector<std::string> names;
               for (const auto& s : body["state"]) {
                 if (s.is_null()) names.push_back("none");
                 else if (s.is_string()) names.push_back(s.get<std::string>());
                 else return V2Invalid("body", "state", "Input should be a list of states");
               }
               if (auto bad = ParseTiStates(names, "body", "state", &f.states)) return *bad;
             } else if (body.contains("state") && !body["state"].is_null()) {
               return V2Invalid("body", "state", "Input should be a list of states");
             }
             if (auto bad = BodyInt(body, "page_limit", &limit)) return *bad;
             if (auto bad = BodyInt(body, "page_offset", &offset)) return *bad;
             f.limit = std::min<int64_t>(limit.value_or(100), 1000);
             f.offset = offset.value_or(0);
             if (c.Param("dag_id") != "~") f.dag_ids = {c.Param("dag_id")};
             else if (dag_ids) f.dag_ids = *dag_ids;
             if (c.Param("dag_run_id") != "~") f.run_ids = {c.Param("dag_run_id")};
             else if (run_ids) f.run_ids = *run_ids;
             if (task_ids) f.task_ids.insert(task_ids->begin(), task_ids->end());
             for (const auto& id : f.dag_ids) {
               auto dag = backend.GetDag(id);
               if (!dag.ok()) return V2FromStatus(dag.status(), "reading DAG");
             }
             auto result = CollectTis(backend, f);
             if (!result.ok()) return V2FromStatus(result.status(), "listing task instances");
             return JsonResponse(*result);
           });

  v2.Route("GET", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}", "TaskInstance",
           "Get a task instance", nullptr, Ref("TaskInstanceResponse"), [&backend](ApiCall& c) {
             auto ti = backend.GetTaskInstance(c.Param("dag_id"), c.Param("dag_run_id"), c.Param("task_id"));
             if (!ti.ok()) return V2FromStatus(ti.status(), "reading task instance");
             auto run = backend.GetDagRun(c.Param("dag_id"), c.Param("dag_run_id"));
             if (!run.ok()) return V2FromStatus(run.status(), "reading DAG run");
             return JsonResponse(TaskInstanceV2(*ti, *run));
           });

  json patch_query = json::array({QueryParam("map_index", {{"type", "integer"}}),
                                  QueryParam("update_mask", {{"type", "array"}, {"items", {{"type", "string"}}}})});
  v2.Route("PATCH", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}", "TaskInstance",
           "Mark a task instance success, failed or skipped", Ref("PatchTaskInstanceBody"),
           Ref("TaskInstanceCollectionResponse"),
           [&backend](ApiCall& c) { return PatchTaskInstance(backend, c, false); }, 0, patch_query);
  v2.Route("PATCH", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/dry_run", "TaskInstance",
           "What marking a task instance would change", Ref("PatchTaskInstanceBody"),
           Ref("TaskInstanceCollectionResponse"),
           [&backend](ApiCall& c) { return PatchTaskInstance(backend, c, true); }, 0, patch_query);

  auto tries = [&backend](ApiCall& c, std::optional<int64_t> only) -> HttpResponse {
    auto ti = backend.GetTaskInstance(c.Param("dag_id"), c.Param("dag_run_id"), c.Param("task_id"));
    if (!ti.ok()) return V2FromStatus(ti.status(), "reading task instance");
    auto list = backend.ListTries(c.Param("dag_id"), c.Param("dag_run_id"), c.Param("task_id"));
    if (!list.ok()) return V2FromStatus(list.status(), "listing tries");
    json out = json::array();
    for (const auto& t : *list) {
      if (only && t.try_number != *only) continue;
      if (only) return JsonResponse(TaskTryV2(*ti, t));
      out.push_back(TaskTryV2(*ti, t));
    }
    if (only) return V2Error(404, "task instance has no try " + std::to_string(*only));
    return JsonResponse({{"task_instances", out}, {"total_entries", out.size()}});
  };
  v2.Route("GET", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/tries", "TaskInstance",
           "A task instance's tries", nullptr, Ref("TaskInstanceHistoryCollectionResponse"),
           [tries](ApiCall& c) { return tries(c, std::nullopt); });
  v2.Route("GET", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/tries/{task_try_number}",
           "TaskInstance", "One try of a task instance", nullptr, Ref("TaskInstanceHistoryResponse"),
           [tries](ApiCall& c) {
             auto n = ParseNonNegative("task_try_number", c.Param("task_try_number"));
             if (!n.ok()) return V2Invalid("path", "task_try_number", "Input should be a valid integer");
             return tries(c, *n);
           });

  json log_query = json::array({QueryParam("full_content", {{"type", "boolean"}, {"default", false}}),
                                QueryParam("map_index", {{"type", "integer"}, {"default", -1}}),
                                QueryParam("token", {{"type", "string"}}, "continuation_token of the previous chunk")});
  v2.Route("GET", "/api/v2/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{try_number}",
           "TaskInstance", "A try's log, in chunks followed with the continuation token", nullptr,
           Ref("TaskInstancesLogResponse"), [&backend](ApiCall& c) {
             auto try_number = ParseNonNegative("try_number", c.Param("try_number"));
             if (!try_number.ok() || *try_number > 100000) {
               return V2Invalid("path", "try_number", "Input should be a valid integer");
             }
             int64_t offset = 0;
             if (c.request.HasQuery("token") && !c.request.Query("token").empty()) {
               auto v = ParseToken(c.request.Query("token"));
               if (!v) return V2Error(400, "Bad Signature. Please use only the tokens provided by the API.");
               offset = *v;
             }
             std::string full = c.request.Query("full_content");
             int64_t max_bytes = full == "true" || full == "1" ? kMaxLogChunk : kDefaultLogChunk;
             auto ti = backend.GetTaskInstance(c.Param("dag_id"), c.Param("dag_run_id"), c.Param("task_id"));
             if (!ti.ok()) return V2FromStatus(ti.status(), "reading task instance");
             if (*try_number < 1 || *try_number > std::max(ti->try_number, 1)) {
               return V2Error(404, "TaskInstance has no try " + std::to_string(*try_number));
             }
             auto chunk = backend.ReadLog(c.Param("dag_id"), c.Param("dag_run_id"), c.Param("task_id"),
                                          static_cast<int>(*try_number), offset, max_bytes);
             if (!chunk.ok()) return V2FromStatus(chunk.status(), "reading log");
             bool at_end = chunk->next_offset - chunk->offset < max_bytes;
             bool end_of_log = at_end && TryFinished(*ti, static_cast<int>(*try_number));
             std::string accept = c.request.Header("Accept");
             if (accept.find("text/plain") != std::string::npos && accept.find("application/json") == std::string::npos) {
               HttpResponse r;
               r.content_type = "text/plain; charset=utf-8";
               r.body = chunk->content;
               r.AddHeader("X-Continuation-Token", std::to_string(chunk->next_offset));
               return r;
             }
             // Airflow 3's structured form: one message per line.
             json content = json::array();
             size_t pos = 0;
             const std::string& text = chunk->content;
             while (pos < text.size()) {
               size_t nl = text.find('\n', pos);
               size_t end = nl == std::string::npos ? text.size() : nl;
               content.push_back({{"event", text.substr(pos, end - pos)}});
               pos = end + 1;
             }
             json body = {{"content", content},
                          {"continuation_token", end_of_log ? json(nullptr) : json(std::to_string(chunk->next_offset))}};
             return JsonResponse(body);
           }, 0, log_query);
}

}  // namespace arxivflow::server
