#include "server/web_app.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "server/fake_backend_test_util.h"
#include "server/json_codec.h"
#include "server/password.h"

namespace arxivflow::server {
namespace {

using nlohmann::json;

class WebAppTest : public ::testing::Test {
 protected:
  WebAppTest() : app_(backend_, WebAppOptions{}) {}

  HttpRequest Req(const std::string& method, const std::string& target, const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = ParseQueryString(target.substr(q + 1));
    r.body = body;
    if (method == "POST" || method == "PATCH" || method == "PUT") r.headers.emplace("Content-Type", "application/json");
    return r;
  }

  // Logs in and remembers the session cookie and CSRF token.
  void Login(const std::string& user, const std::string& password) {
    HttpResponse r = app_.Handle(Req("POST", "/api/v1/auth/login",
                                     json{{"username", user}, {"password", password}}.dump()));
    ASSERT_EQ(r.status, 200) << r.body;
    for (const auto& [k, v] : r.headers) {
      if (k == "Set-Cookie" && v.rfind("af_session=", 0) == 0) cookie_ = v.substr(0, v.find(';'));
    }
    csrf_ = json::parse(r.body)["csrf_token"];
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = "",
                    bool with_csrf = true) {
    HttpRequest r = Req(method, target, body);
    if (!cookie_.empty()) r.headers.emplace("Cookie", cookie_);
    if (with_csrf && !csrf_.empty()) r.headers.emplace("X-CSRF-Token", csrf_);
    return app_.Handle(r);
  }

  HttpResponse Basic(const std::string& method, const std::string& target, const std::string& creds,
                     const std::string& body = "") {
    HttpRequest r = Req(method, target, body);
    static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string enc;
    int val = 0, bits = -6;
    for (unsigned char c : creds) {
      val = (val << 8) + c;
      bits += 8;
      while (bits >= 0) {
        enc.push_back(kB64[(val >> bits) & 0x3F]);
        bits -= 6;
      }
    }
    if (bits > -6) enc.push_back(kB64[((val << 8) >> (bits + 8)) & 0x3F]);
    while (enc.size() % 4) enc.push_back('=');
    r.headers.emplace("Authorization", "Basic " + enc);
    return app_.Handle(r);
  }

  FakeBackend backend_;
  WebApp app_;
  std::string cookie_;
  std::string csrf_;
};

TEST_F(WebAppTest, HealthNeedsNoLogin) {
  HttpResponse r = app_.Handle(Req("GET", "/api/v1/health"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["metadatabase"]["status"], "healthy");
}

TEST_F(WebAppTest, EverythingElseNeedsLogin) {
  for (const char* path : {"/api/v1/dags", "/api/v1/connections", "/api/v1/openapi.json", "/api/v1/nope"}) {
    HttpResponse r = app_.Handle(Req("GET", path));
    EXPECT_EQ(r.status, 401) << path;
    EXPECT_EQ(r.content_type, "application/problem+json");
    EXPECT_EQ(json::parse(r.body)["status"], 401);
  }
  HttpResponse ui = app_.Handle(Req("GET", "/dags"));
  EXPECT_EQ(ui.status, 302);
  EXPECT_EQ(ui.Header("Location"), "/login?next=%2Fdags");
}

TEST_F(WebAppTest, LoginSetsHardenedCookie) {
  HttpResponse r = app_.Handle(Req("POST", "/api/v1/auth/login", R"({"username":"admin","password":"admin-pw"})"));
  ASSERT_EQ(r.status, 200);
  bool saw_session = false;
  for (const auto& [k, v] : r.headers) {
    if (k == "Set-Cookie" && v.rfind("af_session=", 0) == 0) {
      saw_session = true;
      EXPECT_NE(v.find("HttpOnly"), std::string::npos);
      EXPECT_NE(v.find("SameSite=Strict"), std::string::npos);
      EXPECT_EQ(v.find(';') - 11, 64u);  // 256-bit token, hex
    }
  }
  EXPECT_TRUE(saw_session);
}

TEST_F(WebAppTest, WrongPasswordIs401) {
  HttpResponse r = app_.Handle(Req("POST", "/api/v1/auth/login", R"({"username":"admin","password":"x"})"));
  EXPECT_EQ(r.status, 401);
  HttpResponse u = app_.Handle(Req("POST", "/api/v1/auth/login", R"({"username":"ghost","password":"x"})"));
  EXPECT_EQ(u.status, 401);
  EXPECT_EQ(json::parse(r.body)["detail"], json::parse(u.body)["detail"]);  // no user enumeration
}

TEST_F(WebAppTest, LoginNeedsJson) {
  HttpRequest r = Req("POST", "/api/v1/auth/login", "username=admin&password=admin-pw");
  r.headers.clear();
  r.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
  EXPECT_EQ(app_.Handle(r).status, 415);
  EXPECT_EQ(app_.Handle(Req("POST", "/api/v1/auth/login", "{not json")).status, 400);
}

TEST_F(WebAppTest, SessionListsDags) {
  Login("admin", "admin-pw");
  HttpResponse r = Call("GET", "/api/v1/dags");
  ASSERT_EQ(r.status, 200);
  json body = json::parse(r.body);
  EXPECT_EQ(body["total_entries"], 2);
  EXPECT_EQ(body["dags"][0]["dag_id"], "arxiv_full_pipeline");
  EXPECT_EQ(body["dags"][1]["is_paused"], true);
}

TEST_F(WebAppTest, PaginationAndBadLimit) {
  Login("admin", "admin-pw");
  json body = json::parse(Call("GET", "/api/v1/dags?limit=1&offset=1").body);
  EXPECT_EQ(body["total_entries"], 2);
  ASSERT_EQ(body["dags"].size(), 1u);
  EXPECT_EQ(body["dags"][0]["dag_id"], "create_tables_redshift");
  EXPECT_EQ(Call("GET", "/api/v1/dags?limit=-1").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/dags?offset=abc").status, 400);
}

TEST_F(WebAppTest, CsrfRequiredForCookieWrites) {
  Login("admin", "admin-pw");
  HttpResponse no_token = Call("PATCH", "/api/v1/dags/arxiv_full_pipeline", R"({"is_paused":true})", false);
  EXPECT_EQ(no_token.status, 403);
  HttpRequest wrong = Req("PATCH", "/api/v1/dags/arxiv_full_pipeline", R"({"is_paused":true})");
  wrong.headers.emplace("Cookie", cookie_);
  wrong.headers.emplace("X-CSRF-Token", std::string(64, 'a'));
  EXPECT_EQ(app_.Handle(wrong).status, 403);
  HttpResponse ok = Call("PATCH", "/api/v1/dags/arxiv_full_pipeline", R"({"is_paused":true})");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(json::parse(ok.body)["is_paused"], true);
}

TEST_F(WebAppTest, BasicAuthNeedsNoCsrf) {
  HttpResponse r = Basic("POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", "admin:admin-pw", R"({"conf":{"a":1}})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["conf"]["a"], 1);
  EXPECT_EQ(Basic("GET", "/api/v1/dags", "admin:wrong").status, 401);
  HttpResponse challenge = Basic("GET", "/api/v1/dags", "admin:wrong");
  EXPECT_EQ(challenge.Header("WWW-Authenticate"), "Basic realm=\"arxivflow\"");
}

TEST_F(WebAppTest, ViewerCannotWrite) {
  Login("viewer", "viewer-pw");
  EXPECT_EQ(Call("GET", "/api/v1/dags").status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", "{}").status, 403);
  EXPECT_EQ(Call("PATCH", "/api/v1/dags/arxiv_full_pipeline", R"({"is_paused":true})").status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/variables", R"({"key":"a","value":"b"})").status, 403);
  EXPECT_EQ(Call("DELETE", "/api/v1/connections/x").status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/users").status, 403);
}

TEST_F(WebAppTest, BadJsonIs400) {
  Login("admin", "admin-pw");
  EXPECT_EQ(Call("POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", "{bad").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", "[1]").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", R"({"conf":"x"})").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", R"({"dag_run_id":"a/b"})").status, 400);
  EXPECT_EQ(Call("PATCH", "/api/v1/dags/arxiv_full_pipeline", R"({"is_paused":"yes"})").status, 400);
}

TEST_F(WebAppTest, UnknownIdsAre404AndDuplicatesAre409) {
  Login("admin", "admin-pw");
  EXPECT_EQ(Call("GET", "/api/v1/dags/nope").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/dags/arxiv_full_pipeline/dagRuns/nope").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/dags/nope/dagRuns").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/connections/nope").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/variables/nope").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/nothing/here").status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", R"({"dag_run_id":"r1"})").status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", R"({"dag_run_id":"r1"})").status, 409);
  EXPECT_EQ(Call("DELETE", "/api/v1/dags").status, 405);
}

TEST_F(WebAppTest, TooLargeBodyIs413) {
  Login("admin", "admin-pw");
  std::string big = R"({"key":"k","value":")" + std::string(2 << 20, 'x') + "\"}";
  EXPECT_EQ(Call("POST", "/api/v1/variables", big).status, 413);
}

TEST_F(WebAppTest, RunIdsWithEncodedCharactersRoute) {
  Login("admin", "admin-pw");
  ASSERT_EQ(Call("POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns",
                 R"({"dag_run_id":"manual__2026-11-23T21:00:00+00:00"})").status, 200);
  HttpResponse r = Call("GET", "/api/v1/dags/arxiv_full_pipeline/dagRuns/manual__2026-11-23T21%3A00%3A00%2B00%3A00");
  EXPECT_EQ(r.status, 200) << r.body;
  HttpResponse tis = Call("GET", "/api/v1/dags/arxiv_full_pipeline/dagRuns/manual__2026-11-23T21%3A00%3A00%2B00%3A00/taskInstances");
  ASSERT_EQ(tis.status, 200);
  EXPECT_EQ(json::parse(tis.body)["total_entries"], 3);
}

TEST_F(WebAppTest, ConnectionsNeverReturnPasswords) {
  Login("admin", "admin-pw");
  HttpResponse c = Call("POST", "/api/v1/connections",
                        R"({"connection_id":"pg","conn_type":"postgres","host":"127.0.0.1","password":"hunter2",)"
                        R"("extra":"{\"api_key\":\"k-secret\",\"region\":\"x\"}"})");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.body.find("hunter2"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/connections", R"({"connection_id":"pg","conn_type":"postgres"})").status, 409);
  HttpResponse list = Call("GET", "/api/v1/connections");
  EXPECT_EQ(list.body.find("hunter2"), std::string::npos);
  json one = json::parse(Call("GET", "/api/v1/connections/pg").body);
  EXPECT_EQ(one["has_password"], true);
  EXPECT_FALSE(one.contains("password"));
  // PATCH without a password keeps it.
  ASSERT_EQ(Call("PATCH", "/api/v1/connections/pg", R"({"host":"db"})").status, 200);
  EXPECT_EQ(backend_.StoredPassword("pg"), "hunter2");
  EXPECT_EQ(Call("PATCH", "/api/v1/connections/pg", R"({"connection_id":"other"})").status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/connections", R"({"connection_id":"bad id","conn_type":"x"})").status, 400);
  EXPECT_EQ(Call("DELETE", "/api/v1/connections/pg").status, 204);
  EXPECT_EQ(Call("DELETE", "/api/v1/connections/pg").status, 404);
}

TEST_F(WebAppTest, VariablesCrudAndMasking) {
  Login("admin", "admin-pw");
  EXPECT_EQ(Call("POST", "/api/v1/variables", R"({"key":"S3_BUCKED","value":"my-bucket"})").status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/variables", R"({"key":"db_password","value":"p4ss"})").status, 200);
  json list = json::parse(Call("GET", "/api/v1/variables").body);
  EXPECT_EQ(list["total_entries"], 2);
  for (const auto& v : list["variables"]) {
    if (v["key"] == "db_password") {
      EXPECT_EQ(v["value"], "***");
    }
    if (v["key"] == "S3_BUCKED") {
      EXPECT_EQ(v["value"], "my-bucket");
    }
  }
  EXPECT_EQ(Call("PATCH", "/api/v1/variables/S3_BUCKED", R"({"value":"other"})").status, 200);
  EXPECT_EQ(json::parse(Call("GET", "/api/v1/variables/S3_BUCKED").body)["value"], "other");
  EXPECT_EQ(Call("PATCH", "/api/v1/variables/missing", R"({"value":"x"})").status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/variables", R"({"key":"x","value":5})").status, 400);
  EXPECT_EQ(Call("DELETE", "/api/v1/variables/S3_BUCKED").status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/variables/S3_BUCKED").status, 404);
}

TEST_F(WebAppTest, InternalErrorsAreNotLeaked) {
  Login("admin", "admin-pw");
  backend_.FailEverything("SQL logic error near \"SELECT secret FROM x\" at /home/op/arxivflow.db");
  HttpResponse r = Call("GET", "/api/v1/dags");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("SQL"), std::string::npos);
  EXPECT_EQ(r.body.find("arxivflow.db"), std::string::npos);
  EXPECT_EQ(json::parse(r.body)["title"], "Internal Server Error");
}

TEST_F(WebAppTest, SecurityHeadersEverywhere) {
  for (const char* path : {"/api/v1/health", "/api/v1/dags", "/login", "/static/index.html", "/nope"}) {
    HttpResponse r = app_.Handle(Req("GET", path));
    EXPECT_NE(r.Header("Content-Security-Policy").find("default-src 'self'"), std::string::npos) << path;
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff") << path;
  }
}

TEST_F(WebAppTest, LogsFollowWithOffsets) {
  Login("admin", "admin-pw");
  ASSERT_EQ(Call("POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", R"({"dag_run_id":"r"})").status, 200);
  backend_.SetTaskState(TiState::kRunning, 1);
  backend_.SetLog("line one\nline two\n");
  json first = json::parse(Call("GET", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/begin/logs/1").body);
  EXPECT_EQ(first["content"], "line one\nline two\n");
  EXPECT_EQ(first["end_of_log"], false);
  std::string token = first["continuation_token"];
  backend_.SetLog("line one\nline two\nline three\n");
  backend_.SetTaskState(TiState::kSuccess, 1);
  json next = json::parse(
      Call("GET", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/begin/logs/1?token=" + token).body);
  EXPECT_EQ(next["content"], "line three\n");
  EXPECT_EQ(next["end_of_log"], true);
  EXPECT_EQ(Call("GET", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/begin/logs/7").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/begin/logs/0").status, 400);
  HttpRequest text = Req("GET", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/begin/logs/1");
  text.headers.emplace("Cookie", cookie_);
  text.headers.emplace("Accept", "text/plain");
  HttpResponse t = app_.Handle(text);
  EXPECT_EQ(t.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(t.body, "line one\nline two\nline three\n");
}

TEST_F(WebAppTest, ClearAndMarkFailed) {
  Login("admin", "admin-pw");
  ASSERT_EQ(Call("POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", R"({"dag_run_id":"r"})").status, 200);
  // Without dry_run nothing changes (Airflow's default is dry_run: true).
  HttpResponse dry = Call("PATCH", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/load",
                          R"({"new_state":"failed"})");
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(json::parse(dry.body)["dry_run"], true);
  EXPECT_EQ(json::parse(Call("GET", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/load").body)["state"],
            nullptr);
  HttpResponse mark = Call("PATCH", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/load",
                           R"({"new_state":"failed","dry_run":false})");
  ASSERT_EQ(mark.status, 200) << mark.body;
  EXPECT_EQ(json::parse(Call("GET", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/load").body)["state"],
            "failed");
  EXPECT_EQ(Call("PATCH", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/load", R"({"new_state":"bogus"})").status,
            400);
  HttpResponse clear = Call("POST", "/api/v1/dags/arxiv_full_pipeline/clearTaskInstances",
                            R"({"dry_run":false,"dag_run_id":"r","only_failed":true})");
  ASSERT_EQ(clear.status, 200) << clear.body;
  EXPECT_EQ(json::parse(clear.body)["task_instances"].size(), 1u);
  EXPECT_EQ(json::parse(Call("GET", "/api/v1/dags/arxiv_full_pipeline/dagRuns/r/taskInstances/load").body)["state"],
            nullptr);
}

TEST_F(WebAppTest, GridShape) {
  Login("admin", "admin-pw");
  ASSERT_EQ(Call("POST", "/api/v1/dags/arxiv_full_pipeline/dagRuns", R"({"dag_run_id":"r"})").status, 200);
  json g = json::parse(Call("GET", "/api/v1/dags/arxiv_full_pipeline/grid").body);
  EXPECT_EQ(g["tasks"].size(), 3u);
  ASSERT_EQ(g["dag_runs"].size(), 1u);
  EXPECT_TRUE(g["dag_runs"][0]["task_instances"].contains("transform"));
}

TEST_F(WebAppTest, SearchNeedsQuery) {
  Login("viewer", "viewer-pw");
  EXPECT_EQ(Call("GET", "/api/v1/warehouse/search").status, 400);
  json r = json::parse(Call("GET", "/api/v1/warehouse/search?q=graph").body);
  EXPECT_EQ(r["papers"][0]["url"], "https://arxiv.org/abs/0704.0001");
}

TEST_F(WebAppTest, OpenApiListsRoutes) {
  Login("viewer", "viewer-pw");
  json doc = json::parse(Call("GET", "/api/v1/openapi.json").body);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_TRUE(doc["paths"].contains("/api/v1/dags/{dag_id}/dagRuns"));
  EXPECT_TRUE(doc["paths"]["/api/v1/dags/{dag_id}/dagRuns"].contains("post"));
  EXPECT_TRUE(doc["paths"].contains("/api/v1/warehouse/search"));
}

TEST_F(WebAppTest, LogoutEndsSession) {
  Login("admin", "admin-pw");
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout").status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/dags").status, 401);
}

TEST_F(WebAppTest, SessionsLiveInTheStoreAndSurviveARestart) {
  Login("admin", "admin-pw");
  std::string token = cookie_.substr(std::string("af_session=").size());
  auto stored = backend_.stored_sessions();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].token_hash, Sha256Hex(token));  // never the raw token
  EXPECT_EQ(stored[0].username, "admin");
  EXPECT_EQ(stored[0].csrf_token, csrf_);
  EXPECT_LT(stored[0].last_seen, stored[0].expires);
  // The hot path answers from the in-process cache.
  int reads = backend_.session_reads();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Call("GET", "/api/v1/dags").status, 200);
  EXPECT_EQ(backend_.session_reads(), reads);
  {
    // A new server over the same store (a restart) accepts the cookie and the
    // CSRF token.
    WebApp restarted(backend_, WebAppOptions{});
    HttpRequest r = Req("PATCH", "/api/v1/dags/arxiv_full_pipeline", R"({"is_paused":true})");
    r.headers.emplace("Cookie", cookie_);
    r.headers.emplace("X-CSRF-Token", csrf_);
    EXPECT_EQ(restarted.Handle(r).status, 200);
    // Logging out there deletes the stored session...
    HttpRequest out = Req("POST", "/api/v1/auth/logout");
    out.headers.emplace("Cookie", cookie_);
    out.headers.emplace("X-CSRF-Token", csrf_);
    EXPECT_EQ(restarted.Handle(out).status, 204);
    EXPECT_EQ(backend_.session_count(), 0u);
  }
  // ...and a server that has never seen the session rejects it.
  WebApp fresh(backend_, WebAppOptions{});
  HttpRequest again = Req("GET", "/api/v1/dags");
  again.headers.emplace("Cookie", cookie_);
  EXPECT_EQ(fresh.Handle(again).status, 401);
}

TEST_F(WebAppTest, ConcurrentMissesOfOneReadShareOneResponse) {
  Login("admin", "admin-pw");
  backend_.SetChangeToken("v1");
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 20; ++j) {
        if (Call("GET", "/api/v1/dags/arxiv_full_pipeline/grid").status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 160);
}

TEST_F(WebAppTest, PolledReadsAreCachedUntilTheStoreChanges) {
  Login("admin", "admin-pw");
  backend_.SetChangeToken("v1");
  EXPECT_EQ(Call("GET", "/api/v1/dags").status, 200);
  backend_.FailEverything("boom");
  EXPECT_EQ(Call("GET", "/api/v1/dags").status, 200);         // same version: cached
  EXPECT_EQ(Call("GET", "/api/v1/dags?limit=1").status, 500);  // another query: not cached
  backend_.SetChangeToken("v2");
  EXPECT_EQ(Call("GET", "/api/v1/dags").status, 500);  // the store changed
  backend_.FailEverything("");
  EXPECT_EQ(Call("GET", "/api/v1/dags").status, 200);
  // A write through the server empties the cache at once.
  ASSERT_EQ(Call("PATCH", "/api/v1/dags/arxiv_full_pipeline", R"({"is_paused":true})").status, 200);
  EXPECT_EQ(json::parse(Call("GET", "/api/v1/dags").body)["dags"][0]["is_paused"], true);
}

TEST(HttpTypesTest, QueryCookiesAndDecoding) {
  auto q = ParseQueryString("a=1&b=x%20y+z&c&d=%zz");
  EXPECT_EQ(q.find("b")->second, "x y z");
  EXPECT_EQ(q.find("c")->second, "");
  EXPECT_EQ(q.find("d")->second, "%zz");
  HttpRequest r;
  r.headers.emplace("cookie", "x=1; af_session=abc; y=2");
  EXPECT_EQ(r.Cookie("af_session"), "abc");
  EXPECT_EQ(r.Cookie("af"), std::nullopt);
  EXPECT_EQ(PercentDecode("a%2Fb+c"), "a/b+c");
  EXPECT_EQ(PercentEncode("a/b c"), "a%2Fb%20c");
}

TEST(AuthTest, Base64) {
  EXPECT_EQ(Base64Decode("YWRtaW46cHc="), "admin:pw");
  EXPECT_EQ(Base64Decode("YWRtaW46cHc"), "admin:pw");
  EXPECT_EQ(Base64Decode("!!!"), std::nullopt);
}

TEST(AuthTest, SessionsExpireAndAreBounded) {
  FakeBackend backend;
  SessionStore store(backend, std::chrono::seconds(3600), std::chrono::seconds(3600), 2);
  auto a = store.Create("a", "admin");
  auto b = store.Create("b", "viewer");
  auto c = store.Create("c", "viewer");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(backend.session_count(), 2u);
  EXPECT_TRUE(store.Lookup(c->token).has_value());
  EXPECT_FALSE(store.Lookup("not-a-token").has_value());
  EXPECT_FALSE(store.Lookup(std::string(64, 'g')).has_value());
  store.Remove(c->token);
  EXPECT_FALSE(store.Lookup(c->token).has_value());
  EXPECT_EQ(backend.session_count(), 1u);
  SessionStore expired(backend, std::chrono::seconds(0), std::chrono::seconds(0), 10);
  auto d = expired.Create("d", "admin");
  ASSERT_TRUE(d.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_FALSE(expired.Lookup(d->token).has_value());
  // A store that cannot be written refuses to create sessions.
  backend.FailEverything("disk full");
  EXPECT_FALSE(store.Create("e", "admin").ok());
}

TEST(JsonCodecTest, MasksEverySecretNameInExtrasAndVariables) {
  ConnectionInfo c;
  c.conn_id = "x";
  c.extra = R"({"SSH_KEY": "k1", "signing_key": "k2", "PRIVATE_PEM": "k3", "basic_auth": "k4", "DB_PASS": "k5",
                "pgpass": "k6", "nested": {"api_token": "k7", "region": "eu"}, "private_key": {"pem": "k8"},
                "region": "us-east-1"})";
  nlohmann::json extra = nlohmann::json::parse(ConnectionToJson(c, true)["extra"].get<std::string>());
  for (const char* key : {"SSH_KEY", "signing_key", "PRIVATE_PEM", "basic_auth", "DB_PASS", "pgpass", "private_key"}) {
    EXPECT_EQ(extra[key], "***") << key;
  }
  EXPECT_EQ(extra["nested"]["api_token"], "***");
  EXPECT_EQ(extra["nested"]["region"], "eu");
  EXPECT_EQ(extra["region"], "us-east-1");
  EXPECT_EQ(VariableToJson({"DB_PASS", "v", ""}, true)["value"], "***");
  EXPECT_EQ(VariableToJson({"S3_BUCKET", "v", ""}, true)["value"], "v");
}

}  // namespace
}  // namespace arxivflow::server
