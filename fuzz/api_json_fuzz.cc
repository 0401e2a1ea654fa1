// libFuzzer target: the REST API's JSON request bodies. The input is one
// body, sent as an admin (Basic auth, application/json) to every endpoint
// that reads a body, against the in-memory test backend; and parsed by
// ParseJsonBounded directly. Every answer must be a valid status and never a
// 500, whatever the bytes (deep nesting, huge numbers, wrong types, invalid
// UTF-8); nothing may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "common/json_limits.h"
#include "common/logging.h"
#include "server/fake_backend_test_util.h"
#include "server/web_app.h"

using namespace arxivflow::server;

namespace {

struct Endpoint {
  const char* method;
  const char* path;
};

// Every API route that parses a JSON body (web_app.cc, api_*.cc).
const Endpoint kEndpoints[] = {
    {"POST", "/api/v1/auth/login"},
    {"PATCH", "/api/v1/dags"},
    {"PATCH", "/api/v1/dags/arxiv_full_pipeline"},
    {"POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns"},
    {"PATCH", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r"},
    {"POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r/clear"},
    {"POST", "/api/v1/dags/arxiv_full_pipeline/clearTaskInstances"},
    {"PATCH", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/load"},
    {"POST", "/api/v1/connections"},
    {"PATCH", "/api/v1/connections/c"},
    {"POST", "/api/v1/variables"},
    {"PATCH", "/api/v1/variables/v"},
    {"PATCH", "/api/v1/users/viewer"},
    {"POST", "/auth/token"},
    {"PATCH", "/api/v2/dags?dag_id_pattern=arxiv%25"},
    {"PATCH", "/api/v2/dags/arxiv_full_pipeline"},
    {"POST", "/api/v2/dags/~/dagRuns/list"},
    {"POST", "/api/v2/dags/arxiv_full_pipeline/dagRuns"},
    {"PATCH", "/api/v2/dags/arxiv_full_pipeline/dagRuns/r"},
    {"POST", "/api/v2/dags/arxiv_full_pipeline/dagRuns/r/clear"},
    {"POST", "/api/v2/dags/arxiv_full_pipeline/clearTaskInstances"},
    {"POST", "/api/v2/dags/~/dagRuns/~/taskInstances/list"},
    {"PATCH", "/api/v2/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/load"},
    {"PATCH", "/api/v2/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/load/dry_run"},
    {"POST", "/api/v2/connections"},
    {"PATCH", "/api/v2/connections/c"},
    {"POST", "/api/v2/variables"},
    {"PATCH", "/api/v2/variables/v"},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A fresh backend now and then, so what the bodies create stays bounded.
  static std::unique_ptr<FakeBackend> backend;
  static std::unique_ptr<WebApp> app;
  static size_t runs = 0;
  if (!app || ++runs % 5000 == 0) {
    spdlog::set_level(spdlog::level::off);  // failed logins are logged: not here
    app.reset();
    backend = std::make_unique<FakeBackend>();
    app = std::make_unique<WebApp>(*backend, WebAppOptions{});
  }
  std::string body(reinterpret_cast<const char*>(data), size);
  (void)arxivflow::ParseJsonBounded(body, "fuzz");
  for (const Endpoint& e : kEndpoints) {
    HttpRequest req;
    req.method = e.method;
    std::string target = e.path;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = ParseQueryString(target.substr(q + 1));
    req.body = body;
    req.remote_addr = "127.0.0.1";
    req.headers.emplace("Content-Type", "application/json");
    req.headers.emplace("Authorization", "Basic YWRtaW46YWRtaW4tcHc=");  // admin:admin-pw
    HttpResponse r = app->Handle(req);
    if (r.status < 200 || r.status > 599 || r.status == 500) abort();
  }
  return 0;
}
