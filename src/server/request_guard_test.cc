#include "server/request_guard.h"

#include <gtest/gtest.h>

#include "server/fake_backend_test_util.h"
#include "server/web_app.h"

namespace arxivflow::server {
namespace {

// admin:admin-pw
constexpr const char* kAdminBasic = "Basic YWRtaW46YWRtaW4tcHc=";

HttpRequest Write(const std::string& content_type, std::initializer_list<std::pair<const char*, const char*>> headers) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/v1/dags/arxiv_full_pipeline/dagRuns";
  r.body = "{\"conf\": {}}";
  r.headers.emplace("Host", "127.0.0.1:8080");
  r.headers.emplace("Authorization", kAdminBasic);
  if (!content_type.empty()) r.headers.emplace("Content-Type", content_type);
  for (const auto& [k, v] : headers) r.headers.emplace(k, v);
  return r;
}

class RequestGuardTest : public ::testing::Test {
 protected:
  RequestGuardTest() : app_(backend_, WebAppOptions{}) {}
  FakeBackend backend_;
  WebApp app_;
};

TEST_F(RequestGuardTest, WritesMustBeJson) {
  // What an auto-submitted form sends, with the browser's cached Basic credentials.
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""}) {
    HttpResponse r = app_.Handle(Write(type, {}));
    EXPECT_EQ(r.status, 415) << type;
  }
  EXPECT_EQ(app_.Handle(Write("application/json; charset=utf-8", {})).status, 200);
  EXPECT_EQ(app_.Handle(Write("Application/JSON", {})).status, 200);
}

TEST_F(RequestGuardTest, CrossSiteWritesAreRefused) {
  EXPECT_EQ(app_.Handle(Write("application/json", {{"Sec-Fetch-Site", "cross-site"}})).status, 403);
  EXPECT_EQ(app_.Handle(Write("application/json", {{"Sec-Fetch-Site", "same-site"}})).status, 403);
  EXPECT_EQ(app_.Handle(Write("application/json", {{"Origin", "http://evil.example"}})).status, 403);
  EXPECT_EQ(app_.Handle(Write("application/json", {{"Origin", "null"}})).status, 403);
  EXPECT_EQ(app_.Handle(Write("application/json", {{"Origin", "http://127.0.0.1:8081"}})).status, 403);
  // The UI itself, and scripts.
  EXPECT_EQ(app_.Handle(Write("application/json", {{"Sec-Fetch-Site", "same-origin"},
                                                   {"Origin", "http://127.0.0.1:8080"}})).status, 200);
  EXPECT_EQ(app_.Handle(Write("application/json", {{"Origin", "https://127.0.0.1:8080/"}})).status, 200);
  // Login and logout too: no login CSRF.
  HttpRequest login = Write("application/json", {{"Origin", "http://evil.example"}});
  login.path = "/api/v1/auth/login";
  login.body = R"({"username": "admin", "password": "admin-pw"})";
  EXPECT_EQ(app_.Handle(login).status, 403);
}

TEST_F(RequestGuardTest, BrowsersGetNoBasicChallenge) {
  HttpRequest r;
  r.method = "GET";
  r.path = "/api/v1/dags";
  HttpResponse script = app_.Handle(r);
  EXPECT_EQ(script.status, 401);
  EXPECT_EQ(script.Header("WWW-Authenticate"), "Basic realm=\"arxivflow\"");
  HttpRequest browser = r;
  browser.headers.emplace("Sec-Fetch-Mode", "navigate");
  HttpResponse b = app_.Handle(browser);
  EXPECT_EQ(b.status, 401);
  EXPECT_EQ(b.Header("WWW-Authenticate"), "");
  HttpRequest old_browser = r;
  old_browser.headers.emplace("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)");
  EXPECT_EQ(app_.Handle(old_browser).Header("WWW-Authenticate"), "");
}

}  // namespace
}  // namespace arxivflow::server
