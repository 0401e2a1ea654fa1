// Task instance endpoints: list, get, set state, and logs by try.
#include <algorithm>

#include "server/json_codec.h"
#include "server/task_logs.h"
#include "server/problem.h"
#include "server/web_app.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

bool WantsText(const HttpRequest& req) {
  std::string accept = req.Header("Accept");
  return accept.find("text/plain") != std::string::npos && accept.find("application/json") == std::string::npos;
}

}  // namespace

void WebApp::AddTaskRoutes() {
  Route("GET", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances", "TaskInstance",
        "List a run's task instances", [this](ApiCall& c) {
          auto paging = ParsePaging(c.request);
          if (!paging.ok()) return Problem(400, paging.status().message());
          auto run = backend_.GetDagRun(c.Param("dag_id"), c.Param("dag_run_id"));
          if (!run.ok()) return FromStatus(run.status(), "reading DAG run");
          auto tis = backend_.ListTaskInstances(c.Param("dag_id"), c.Param("dag_run_id"));
          if (!tis.ok()) return FromStatus(tis.status(), "listing task instances");
          json list = json::array();
          for (size_t i = paging->offset; i < tis->size() && static_cast<int64_t>(list.size()) < paging->limit; ++i) {
            list.push_back(TaskInstanceToJson((*tis)[i]));
          }
          return JsonResponse({{"task_instances", list}, {"total_entries", tis->size()}});
        });

  Route("GET", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}", "TaskInstance",
        "Get a task instance", [this](ApiCall& c) {
          auto ti = backend_.GetTaskInstance(c.Param("dag_id"), c.Param("dag_run_id"), c.Param("task_id"));
          if (!ti.ok()) return FromStatus(ti.status(), "reading task instance");
          return JsonResponse(TaskInstanceToJson(*ti));
        });

  Route("PATCH", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}", "TaskInstance",
        "Mark a task instance success or failed (new_state; dry_run defaults to true, as in Airflow)",
        [this](ApiCall& c) {
          auto body = ParseJsonBody(c.request.body);
          if (!body.ok()) return Problem(400, body.status().message());
          const json& b = *body;
          if (!b.contains("new_state") || !b["new_state"].is_string()) {
            return Problem(400, "field 'new_state' (string) is required");
          }
          std::string state = b["new_state"].get<std::string>();
          auto new_state = orchestrator::ParseTiState(state);
          if (new_state != TiState::kSuccess && new_state != TiState::kFailed) {
            return Problem(400, "field 'new_state' must be success or failed");
          }
          bool dry_run = true;
          if (b.contains("dry_run")) {
            if (!b["dry_run"].is_boolean()) return Problem(400, "field 'dry_run' must be a boolean");
            dry_run = b["dry_run"].get<bool>();
          }
          auto ti = backend_.GetTaskInstance(c.Param("dag_id"), c.Param("dag_run_id"), c.Param("task_id"));
          if (!ti.ok()) return FromStatus(ti.status(), "reading task instance");
          Status st = backend_.SetTaskInstanceState(c.Param("dag_id"), c.Param("dag_run_id"), c.Param("task_id"),
                                                    *new_state, dry_run, c.caller());
          if (!st.ok()) return FromStatus(st, "setting task instance state");
          return JsonResponse({{"dag_id", ti->dag_id},
                               {"dag_run_id", ti->run_id},
                               {"task_id", ti->task_id},
                               {"new_state", state},
                               {"dry_run", dry_run}});
        });

  Route("GET", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{try_number}",
        "TaskInstance", "A try's log, from an offset (continuation_token) for following", [this](ApiCall& c) {
          auto try_number = ParseNonNegative("try_number", c.Param("try_number"));
          if (!try_number.ok() || *try_number < 1 || *try_number > 100000) {
            return Problem(400, "try_number must be a positive integer");
          }
          int64_t offset = 0;
          for (const char* key : {"token", "continuation_token", "offset"}) {
            if (!c.request.HasQuery(key)) continue;
            auto v = ParseNonNegative(key, c.request.Query(key));
            if (!v.ok()) return Problem(400, v.status().message());
            offset = *v;
          }
          int64_t max_bytes = kDefaultLogChunk;
          if (c.request.Query("full_content") == "true") max_bytes = kMaxLogChunk;
          if (c.request.HasQuery("max_bytes")) {
            auto v = ParseNonNegative("max_bytes", c.request.Query("max_bytes"));
            if (!v.ok()) return Problem(400, v.status().message());
            max_bytes = std::clamp<int64_t>(*v, 1, kMaxLogChunk);
          }
          auto ti = backend_.GetTaskInstance(c.Param("dag_id"), c.Param("dag_run_id"), c.Param("task_id"));
          if (!ti.ok()) return FromStatus(ti.status(), "reading task instance");
          if (*try_number > std::max(ti->try_number, 1)) {
            return Problem(404, "task instance has no try " + std::to_string(*try_number) + " (latest is " +
                                    std::to_string(ti->try_number) + ")");
          }
          auto chunk = backend_.ReadLog(c.Param("dag_id"), c.Param("dag_run_id"), c.Param("task_id"),
                                        static_cast<int>(*try_number), offset, max_bytes);
          if (!chunk.ok()) return FromStatus(chunk.status(), "reading log");
          bool at_end = chunk->next_offset - chunk->offset < max_bytes;
          bool end_of_log = at_end && TryFinished(*ti, static_cast<int>(*try_number));
          if (WantsText(c.request)) {
            HttpResponse r;
            r.content_type = "text/plain; charset=utf-8";
            r.body = chunk->content;
            r.AddHeader("X-Next-Offset", std::to_string(chunk->next_offset));
            r.AddHeader("X-End-Of-Log", end_of_log ? "true" : "false");
            return r;
          }
          return JsonResponse({{"content", chunk->content},
                               {"continuation_token", std::to_string(chunk->next_offset)},
                               {"offset", chunk->offset},
                               {"next_offset", chunk->next_offset},
                               {"exists", chunk->exists},
                               {"end_of_log", end_of_log},
                               {"try_number", *try_number},
                               {"task_state", TiStateToJson(ti->state)}});
        });
}

}  // namespace arxivflow::server
