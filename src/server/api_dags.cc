// DAG and DAG run endpoints (Airflow's /dags, /dags/{id}, /dagRuns, plus the
// grid the UI draws).
#include <fnmatch.h>

#include <algorithm>
#include <map>

#include "orchestrator/run_id.h"
#include "server/json_codec.h"
#include "server/problem.h"
#include "server/web_app.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

// Optional boolean query value: "true"/"false" (Airflow's form).
Result<std::optional<bool>> QueryBool(const HttpRequest& req, const std::string& name) {
  if (!req.HasQuery(name)) return std::optional<bool>();
  std::string v = req.Query(name);
  if (v == "true" || v == "1") return std::optional<bool>(true);
  if (v == "false" || v == "0") return std::optional<bool>(false);
  return Status::InvalidArgument("query parameter '" + name + "' must be true or false");
}

// Airflow's dag_id_pattern is a SQL LIKE substring; we treat it as a
// case-sensitive substring, or a glob when it holds * or ?.
bool MatchesPattern(const std::string& dag_id, const std::string& pattern) {
  if (pattern.empty()) return true;
  if (pattern.find_first_of("*?[") != std::string::npos) {
    return fnmatch(pattern.c_str(), dag_id.c_str(), 0) == 0;
  }
  return dag_id.find(pattern) != std::string::npos;
}

std::optional<bool> OptBool(const json& body, const char* key, std::string& error) {
  if (!body.contains(key)) return std::nullopt;
  if (!body[key].is_boolean()) {
    error = std::string("field '") + key + "' must be a boolean";
    return std::nullopt;
  }
  return body[key].get<bool>();
}

Result<std::vector<std::string>> StringList(const json& body, const char* key) {
  std::vector<std::string> out;
  if (!body.contains(key) || body[key].is_null()) return out;
  if (!body[key].is_array()) return Status::InvalidArgument(std::string("field '") + key + "' must be an array of strings");
  for (const auto& v : body[key]) {
    if (!v.is_string()) return Status::InvalidArgument(std::string("field '") + key + "' must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

void WebApp::AddDagRoutes() {
  Route("GET", "/api/v1/dags", "DAG", "List DAGs", [this](ApiCall& c) {
    auto paging = ParsePaging(c.request);
    if (!paging.ok()) return Problem(400, paging.status().message());
    auto paused = QueryBool(c.request, "paused");
    if (!paused.ok()) return Problem(400, paused.status().message());
    auto only_active = QueryBool(c.request, "only_active");
    if (!only_active.ok()) return Problem(400, only_active.status().message());
    int recent = 0;
    if (c.request.HasQuery("recent_runs")) {
      auto n = ParseNonNegative("recent_runs", c.request.Query("recent_runs"));
      if (!n.ok()) return Problem(400, n.status().message());
      recent = static_cast<int>(std::min<int64_t>(*n, 50));
    }
    auto dags = backend_.ListDags();
    if (!dags.ok()) return FromStatus(dags.status(), "listing DAGs");
    std::string pattern = c.request.Query("dag_id_pattern");
    std::vector<const DagInfo*> selected;
    for (const DagInfo& d : *dags) {
      if (paused->has_value() && d.is_paused != **paused) continue;
      if (only_active->value_or(true) && !d.is_active) continue;
      if (!MatchesPattern(d.dag_id, pattern)) continue;
      selected.push_back(&d);
    }
    json list = json::array();
    for (size_t i = paging->offset; i < selected.size() && static_cast<int64_t>(list.size()) < paging->limit; ++i) {
      json j = DagToJson(*selected[i]);
      if (recent > 0) {
        auto runs = backend_.RecentRuns(selected[i]->dag_id, recent);
        if (!runs.ok()) return FromStatus(runs.status(), "listing recent runs");
        json rj = json::array();
        for (const auto& r : *runs) rj.push_back(DagRunToJson(r));
        j["recent_runs"] = rj;
      }
      list.push_back(std::move(j));
    }
    return JsonResponse({{"dags", list}, {"total_entries", selected.size()}});
  });

  Route("PATCH", "/api/v1/dags", "DAG", "Pause or unpause the DAGs matching dag_id_pattern", [this](ApiCall& c) {
    auto body = ParseJsonBody(c.request.body);
    if (!body.ok()) return Problem(400, body.status().message());
    if (!body->contains("is_paused") || !(*body)["is_paused"].is_boolean()) {
      return Problem(400, "field 'is_paused' (boolean) is required");
    }
    if (!c.request.HasQuery("dag_id_pattern")) return Problem(400, "query parameter 'dag_id_pattern' is required");
    bool paused = (*body)["is_paused"].get<bool>();
    auto dags = backend_.ListDags();
    if (!dags.ok()) return FromStatus(dags.status(), "listing DAGs");
    json list = json::array();
    for (DagInfo& d : *dags) {
      if (!MatchesPattern(d.dag_id, c.request.Query("dag_id_pattern"))) continue;
      Status st = backend_.SetPaused(d.dag_id, paused, c.caller());
      if (!st.ok()) return FromStatus(st, "pausing " + d.dag_id);
      d.is_paused = paused;
      list.push_back(DagToJson(d));
    }
    return JsonResponse({{"dags", list}, {"total_entries", list.size()}});
  });

  Route("GET", "/api/v1/dags/{dag_id}", "DAG", "Get a DAG", [this](ApiCall& c) {
    auto dag = backend_.GetDag(c.Param("dag_id"));
    if (!dag.ok()) return FromStatus(dag.status(), "reading DAG");
    return JsonResponse(DagToJson(*dag));
  });

  Route("GET", "/api/v1/dags/{dag_id}/details", "DAG", "Get a DAG with its tasks", [this](ApiCall& c) {
    auto dag = backend_.GetDag(c.Param("dag_id"));
    if (!dag.ok()) return FromStatus(dag.status(), "reading DAG");
    json j = DagToJson(*dag);
    json tasks = json::array();
    for (const auto& t : dag->tasks) tasks.push_back(TaskToJson(t));
    j["tasks"] = tasks;
    return JsonResponse(j);
  });

  Route("PATCH", "/api/v1/dags/{dag_id}", "DAG", "Pause or unpause a DAG", [this](ApiCall& c) {
    auto body = ParseJsonBody(c.request.body);
    if (!body.ok()) return Problem(400, body.status().message());
    if (!body->contains("is_paused") || !(*body)["is_paused"].is_boolean()) {
      return Problem(400, "field 'is_paused' (boolean) is required");
    }
    Status st = backend_.SetPaused(c.Param("dag_id"), (*body)["is_paused"].get<bool>(), c.caller());
    if (!st.ok()) return FromStatus(st, "pausing DAG");
    auto dag = backend_.GetDag(c.Param("dag_id"));
    if (!dag.ok()) return FromStatus(dag.status(), "reading DAG");
    return JsonResponse(DagToJson(*dag));
  });

  Route("GET", "/api/v1/dags/{dag_id}/tasks", "DAG", "List a DAG's tasks", [this](ApiCall& c) {
    auto dag = backend_.GetDag(c.Param("dag_id"));
    if (!dag.ok()) return FromStatus(dag.status(), "reading DAG");
    json tasks = json::array();
    for (const auto& t : dag->tasks) tasks.push_back(TaskToJson(t));
    return JsonResponse({{"tasks", tasks}, {"total_entries", tasks.size()}});
  });

  Route("GET", "/api/v1/dags/{dag_id}/grid", "DAG", "Runs x tasks with states (newest runs first)",
        [this](ApiCall& c) {
          int64_t num_runs = 25;
          if (c.request.HasQuery("num_runs")) {
            auto n = ParseNonNegative("num_runs", c.request.Query("num_runs"));
            if (!n.ok()) return Problem(400, n.status().message());
            num_runs = std::clamp<int64_t>(*n, 1, 365);
          }
          auto dag = backend_.GetDag(c.Param("dag_id"));
          if (!dag.ok()) return FromStatus(dag.status(), "reading DAG");
          auto grid = backend_.Grid(c.Param("dag_id"), static_cast<int>(num_runs));
          if (!grid.ok()) return FromStatus(grid.status(), "reading grid");
          std::map<std::string, json> by_run;
          for (const auto& ti : grid->task_instances) {
            json cell = {{"state", TiStateToJson(ti.state)}, {"try_number", ti.try_number}};
            if (ti.duration) cell["duration"] = *ti.duration;
            if (!ti.progress.is_null()) cell["progress"] = ti.progress;  // a running task's latest progress
            by_run[ti.run_id][ti.task_id] = std::move(cell);
          }
          json runs = json::array();
          for (const auto& r : grid->runs) {
            json rj = DagRunToJson(r);
            auto it = by_run.find(r.run_id);
            rj["task_instances"] = it == by_run.end() ? json::object() : std::move(it->second);
            runs.push_back(std::move(rj));
          }
          json tasks = json::array();
          for (const auto& t : dag->tasks) tasks.push_back(TaskToJson(t));
          return JsonResponse({{"dag", DagToJson(*dag)}, {"tasks", tasks}, {"dag_runs", runs}});
        });

}

void WebApp::AddDagRunRoutes() {
  Route("GET", "/api/v1/dags/{dag_id}/dagRuns", "DAGRun", "List DAG runs (newest first)", [this](ApiCall& c) {
    auto paging = ParsePaging(c.request);
    if (!paging.ok()) return Problem(400, paging.status().message());
    ListRunsQuery q;
    q.limit = paging->limit;
    q.offset = paging->offset;
    if (c.request.HasQuery("state") && !c.request.Query("state").empty()) {
      q.state = orchestrator::ParseDagRunState(c.request.Query("state"));
      if (!q.state) return Problem(400, "query parameter 'state' must be one of queued, running, success, failed");
    }
    auto page = backend_.ListDagRuns(c.Param("dag_id"), q);
    if (!page.ok()) return FromStatus(page.status(), "listing DAG runs");
    json list = json::array();
    for (const auto& r : page->items) list.push_back(DagRunToJson(r));
    return JsonResponse({{"dag_runs", list}, {"total_entries", page->total}});
  });

  Route("POST", "/api/v1/dags/{dag_id}/dagRuns", "DAGRun", "Trigger a DAG run (with optional conf)",
        [this](ApiCall& c) {
          auto body = ParseJsonBody(c.request.body);
          if (!body.ok()) return Problem(400, body.status().message());
          const json& b = *body;
          std::string run_id;
          if (b.contains("dag_run_id") && !b["dag_run_id"].is_null()) {
            if (!b["dag_run_id"].is_string()) return Problem(400, "field 'dag_run_id' must be a string");
            Status valid = orchestrator::ValidateRunId(b["dag_run_id"].get<std::string>());
            if (!valid.ok()) return Problem(400, "field 'dag_run_id': " + valid.message());
            run_id = b["dag_run_id"].get<std::string>();
          }
          json conf = json::object();
          if (b.contains("conf") && !b["conf"].is_null()) {
            if (!b["conf"].is_object()) return Problem(400, "field 'conf' must be a JSON object");
            conf = b["conf"];
          }
          std::string logical_date;
          for (const char* key : {"logical_date", "execution_date"}) {
            if (b.contains(key) && !b[key].is_null()) {
              if (!b[key].is_string()) return Problem(400, std::string("field '") + key + "' must be a string");
              logical_date = b[key].get<std::string>();
            }
          }
          auto run = backend_.TriggerDag(c.Param("dag_id"), run_id, conf, logical_date, c.caller());
          if (!run.ok()) return FromStatus(run.status(), "triggering DAG");
          return JsonResponse(DagRunToJson(*run));
        });

  Route("GET", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}", "DAGRun", "Get a DAG run", [this](ApiCall& c) {
    auto run = backend_.GetDagRun(c.Param("dag_id"), c.Param("dag_run_id"));
    if (!run.ok()) return FromStatus(run.status(), "reading DAG run");
    return JsonResponse(DagRunToJson(*run));
  });

  Route("PATCH", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}", "DAGRun",
        "Set a DAG run's state (success, failed, queued)", [this](ApiCall& c) {
          auto body = ParseJsonBody(c.request.body);
          if (!body.ok()) return Problem(400, body.status().message());
          const json& b = *body;
          if (!b.contains("state") || !b["state"].is_string()) return Problem(400, "field 'state' (string) is required");
          auto state = orchestrator::ParseDagRunState(b["state"].get<std::string>());
          if (!state || *state == DagRunState::kRunning) {
            return Problem(400, "field 'state' must be one of success, failed, queued");
          }
          Status st = backend_.SetDagRunState(c.Param("dag_id"), c.Param("dag_run_id"), *state, c.caller());
          if (!st.ok()) return FromStatus(st, "setting DAG run state");
          auto run = backend_.GetDagRun(c.Param("dag_id"), c.Param("dag_run_id"));
          if (!run.ok()) return FromStatus(run.status(), "reading DAG run");
          return JsonResponse(DagRunToJson(*run));
        });

  Route("POST", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/clear", "DAGRun",
        "Clear every task instance of a run so it runs again", [this](ApiCall& c) {
          json b = json::object();
          if (!c.request.body.empty()) {
            auto body = ParseJsonBody(c.request.body);
            if (!body.ok()) return Problem(400, body.status().message());
            b = *body;
          }
          std::string err;
          ClearRequest req;
          req.run_ids = {c.Param("dag_run_id")};
          req.only_failed = false;
          req.dry_run = OptBool(b, "dry_run", err).value_or(true);
          if (!err.empty()) return Problem(400, err);
          auto run = backend_.GetDagRun(c.Param("dag_id"), c.Param("dag_run_id"));
          if (!run.ok()) return FromStatus(run.status(), "reading DAG run");
          auto cleared = backend_.ClearTaskInstances(c.Param("dag_id"), req, c.caller());
          if (!cleared.ok()) return FromStatus(cleared.status(), "clearing DAG run");
          if (req.dry_run) {
            json list = json::array();
            for (const auto& ti : *cleared) list.push_back(TaskInstanceToJson(ti));
            return JsonResponse({{"task_instances", list}, {"total_entries", list.size()}});
          }
          auto after = backend_.GetDagRun(c.Param("dag_id"), c.Param("dag_run_id"));
          if (!after.ok()) return FromStatus(after.status(), "reading DAG run");
          return JsonResponse(DagRunToJson(*after));
        });

  Route("POST", "/api/v1/dags/{dag_id}/clearTaskInstances", "TaskInstance",
        "Clear task instances so they run again", [this](ApiCall& c) {
          auto body = ParseJsonBody(c.request.body);
          if (!body.ok()) return Problem(400, body.status().message());
          const json& b = *body;
          std::string err;
          ClearRequest req;
          req.dry_run = OptBool(b, "dry_run", err).value_or(true);
          req.only_failed = OptBool(b, "only_failed", err).value_or(true);
          req.include_upstream = OptBool(b, "include_upstream", err).value_or(false);
          req.include_downstream = OptBool(b, "include_downstream", err).value_or(false);
          req.reset_dag_runs = OptBool(b, "reset_dag_runs", err).value_or(true);
          if (!err.empty()) return Problem(400, err);
          auto task_ids = StringList(b, "task_ids");
          if (!task_ids.ok()) return Problem(400, task_ids.status().message());
          req.task_ids = *task_ids;
          if (b.contains("dag_run_id") && !b["dag_run_id"].is_null()) {
            if (!b["dag_run_id"].is_string()) return Problem(400, "field 'dag_run_id' must be a string");
            req.run_ids.push_back(b["dag_run_id"].get<std::string>());
          }
          auto cleared = backend_.ClearTaskInstances(c.Param("dag_id"), req, c.caller());
          if (!cleared.ok()) return FromStatus(cleared.status(), "clearing task instances");
          json list = json::array();
          for (const auto& ti : *cleared) {
            list.push_back({{"dag_id", ti.dag_id},
                            {"dag_run_id", ti.run_id},
                            {"task_id", ti.task_id},
                            {"state", TiStateToJson(ti.state)}});
          }
          return JsonResponse({{"task_instances", list}});
        });
}

}  // namespace arxivflow::server
