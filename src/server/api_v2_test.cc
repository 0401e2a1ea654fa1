// API v2 over the in-memory backend: Airflow 3's shapes and status codes,
// following a log with the continuation token, dry runs, deleting a run,
// FastAPI-shaped errors, and internal failures never reaching the client.
#include <gtest/gtest.h>

#include "server/fake_backend_test_util.h"
#include "server/web_app.h"

namespace arxivflow::server {
namespace {

using nlohmann::json;

class ApiV2Test : public ::testing::Test {
 protected:
  ApiV2Test() : app_(backend_, WebAppOptions{}) {}

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::string& accept = "") {
    HttpRequest r;
    r.method = method;
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = ParseQueryString(target.substr(q + 1));
    r.body = body;
    r.remote_addr = "127.0.0.1";
    if (method != "GET" && method != "DELETE") r.headers.emplace("Content-Type", "application/json");
    if (!accept.empty()) r.headers.emplace("Accept", accept);
    r.headers.emplace("Authorization", "Basic YWRtaW46YWRtaW4tcHc=");  // admin:admin-pw
    return app_.Handle(r);
  }
  json Json(const std::string& method, const std::string& target, const std::string& body = "", int status = 200) {
    HttpResponse r = Call(method, target, body);
    EXPECT_EQ(r.status, status) << method << " " << target << ": " << r.body;
    return r.body.empty() ? json() : json::parse(r.body);
  }

  FakeBackend backend_;
  WebApp app_;
};

const char* kRun = "/api/v2/dags/arxiv_full_pipeline/dagRuns/r";

TEST_F(ApiV2Test, TriggerListGetAndDeleteARun) {
  json run = Json("POST", "/api/v2/dags/arxiv_full_pipeline/dagRuns", R"({"dag_run_id": "r", "logical_date": null,
                  "conf": {"a": 1}})");
  EXPECT_EQ(run["dag_run_id"], "r");
  EXPECT_EQ(run["conf"], json({{"a", 1}}));
  EXPECT_EQ(run["state"], "queued");
  EXPECT_TRUE(run["dag_versions"].is_array());
  Json("POST", "/api/v2/dags/arxiv_full_pipeline/dagRuns", R"({"dag_run_id": "r"})", 409);
  Json("POST", "/api/v2/dags/arxiv_full_pipeline/dagRuns", R"({"conf": [1]})", 422);
  EXPECT_EQ(Json("GET", "/api/v2/dags/~/dagRuns")["total_entries"], 1);
  EXPECT_EQ(Json("POST", "/api/v2/dags/~/dagRuns/list", R"({"states": ["success"]})")["total_entries"], 0);
  json tis = Json("GET", std::string(kRun) + "/taskInstances");
  EXPECT_EQ(tis["total_entries"], 3);
  EXPECT_EQ(tis["task_instances"][0]["map_index"], -1);
  EXPECT_EQ(tis["task_instances"][0]["id"].get<std::string>().size(), 36u);
  EXPECT_EQ(Call("DELETE", kRun).status, 204);
  Json("GET", kRun, "", 404);
  EXPECT_EQ(Call("DELETE", kRun).status, 404);
}

TEST_F(ApiV2Test, LogsFollowWithTheContinuationToken) {
  Json("POST", "/api/v2/dags/arxiv_full_pipeline/dagRuns", R"({"dag_run_id": "r"})");
  backend_.SetTaskState(TiState::kRunning, 1);
  backend_.SetLog("line one\nline two\n");
  std::string logs = std::string(kRun) + "/taskInstances/begin/logs/1";
  json first = Json("GET", logs);
  EXPECT_EQ(first["content"], json::parse(R"([{"event": "line one"}, {"event": "line two"}])"));
  ASSERT_TRUE(first["continuation_token"].is_string());
  backend_.SetLog("line one\nline two\nline three\n");
  backend_.SetTaskState(TiState::kSuccess, 1);
  json next = Json("GET", logs + "?token=" + first["continuation_token"].get<std::string>());
  EXPECT_EQ(next["content"], json::parse(R"([{"event": "line three"}])"));
  EXPECT_TRUE(next["continuation_token"].is_null());  // the try is over and read to the end
  EXPECT_EQ(Call("GET", logs + "?token=not-ours").status, 400);
  EXPECT_EQ(Call("GET", std::string(kRun) + "/taskInstances/begin/logs/7").status, 404);
  HttpResponse text = Call("GET", logs, "", "text/plain");
  EXPECT_EQ(text.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(text.body, "line one\nline two\nline three\n");
  EXPECT_EQ(Json("GET", std::string(kRun) + "/taskInstances/begin/tries")["total_entries"], 1);
}

TEST_F(ApiV2Test, DryRunsChangeNothing) {
  Json("POST", "/api/v2/dags/arxiv_full_pipeline/dagRuns", R"({"dag_run_id": "r"})");
  backend_.SetTaskState(TiState::kFailed, 1);
  std::string ti = std::string(kRun) + "/taskInstances/load";
  json dry = Json("PATCH", ti + "/dry_run", R"({"new_state": "success"})");
  EXPECT_EQ(dry["task_instances"][0]["state"], "success");
  EXPECT_EQ(Json("GET", ti)["state"], "failed");
  Json("PATCH", ti, R"({"new_state": "running"})", 422);
  EXPECT_EQ(Json("PATCH", ti, R"({"new_state": "success"})")["task_instances"][0]["state"], "success");
  json cleared = Json("POST", std::string(kRun) + "/clear", "{}");  // dry_run defaults to true
  EXPECT_TRUE(cleared.contains("task_instances"));
}

TEST_F(ApiV2Test, ErrorsAreFastApiShapedAndInternalFailuresStayInside) {
  HttpResponse missing = Call("GET", "/api/v2/dags/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body).size(), 1u);
  json invalid = Json("GET", "/api/v2/dags?limit=-1", "", 422);
  EXPECT_EQ(invalid["detail"][0]["loc"], json::array({"query", "limit"}));
  Json("POST", "/api/v2/variables", R"({"key": "k"})", 422);
  Json("POST", "/api/v2/variables", R"({"key": "k", "value": {"nested": true}})", 201);
  EXPECT_EQ(Json("GET", "/api/v2/variables/k")["value"], R"({"nested":true})");
  Json("POST", "/api/v2/variables", R"({"key": "k", "value": "again"})", 409);
  // PATCH changes only what it names, and never re-creates a deleted key.
  Json("PATCH", "/api/v2/variables/k", R"({"description": "d"})");
  json patched = Json("GET", "/api/v2/variables/k");
  EXPECT_EQ(patched["value"], R"({"nested":true})");
  EXPECT_EQ(patched["description"], "d");
  EXPECT_EQ(Call("DELETE", "/api/v2/variables/k").status, 204);
  Json("PATCH", "/api/v2/variables/k", R"({"value": "back"})", 404);
  EXPECT_EQ(Call("GET", "/api/v2/variables/k").status, 404);
  HttpResponse wrong_type = Call("POST", "/api/v2/connections", "not json");
  EXPECT_EQ(wrong_type.status, 422);
  backend_.FailEverything("SELECT secret FROM /var/lib/db");
  HttpResponse failed = Call("GET", "/api/v2/dags");
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(failed.body.find("SELECT"), std::string::npos);
  EXPECT_TRUE(json::parse(failed.body)["detail"].is_string());
}

// A filter or field arxivflow does not implement is refused, never ignored:
// ignoring it would answer a narrower question with a wider list.
TEST_F(ApiV2Test, UnsupportedFiltersAndFieldsAreRefusedNotIgnored) {
  Json("POST", "/api/v2/dags/arxiv_full_pipeline/dagRuns", R"({"dag_run_id": "r"})");
  json bad = Json("GET", "/api/v2/dags/~/dagRuns?start_date_gte=2026-01-01T00:00:00Z", "", 422);
  EXPECT_EQ(bad["detail"][0]["loc"], json::parse(R"(["query", "start_date_gte"])"));
  Json("GET", "/api/v2/dags/~/dagRuns?order_by=id", "", 422);
  EXPECT_EQ(Json("GET", "/api/v2/dags/~/dagRuns?order_by=-logical_date")["total_entries"], 1);
  bad = Json("POST", "/api/v2/dags/~/dagRuns/list", R"({"start_date_gte": "2026-01-01T00:00:00Z"})", 422);
  EXPECT_EQ(bad["detail"][0]["loc"], json::parse(R"(["body", "start_date_gte"])"));
  EXPECT_EQ(Json("POST", "/api/v2/dags/~/dagRuns/list", R"({"start_date_gte": null, "page_limit": 5})")["total_entries"],
            1);
  Json("POST", "/api/v2/dags/~/dagRuns/~/taskInstances/list", R"({"pool": ["default_pool"]})", 422);
  Json("POST", "/api/v2/dags/arxiv_full_pipeline/dagRuns", R"({"dag_run_id": "r2", "note": "why"})", 422);
  Json("PATCH", std::string(kRun) + "/taskInstances/begin", R"({"new_state": "success", "include_past": true})", 422);
  Json("PATCH", std::string(kRun) + "/taskInstances/begin", R"({"note": "looked at it"})", 422);
  Json("POST", "/api/v2/dags/arxiv_full_pipeline/clearTaskInstances", R"({"include_future": true})", 422);
}

TEST_F(ApiV2Test, TheOpenApiDocumentTypesEveryBody) {
  json doc = Json("GET", "/api/v2/openapi.json");
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      if (op.contains("requestBody")) {
        EXPECT_TRUE(op["requestBody"]["content"]["application/json"]["schema"].contains("$ref")) << method << path;
      }
      for (const auto& [code, response] : op["responses"].items()) {
        if (code == "204") continue;
        EXPECT_TRUE(response.contains("content")) << method << " " << path << " " << code;
      }
    }
  }
  json v1 = Json("GET", "/api/v1/openapi.json");
  EXPECT_EQ(v1["paths"]["/api/v1/dags"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/DagCollection");
}

}  // namespace
}  // namespace arxivflow::server
