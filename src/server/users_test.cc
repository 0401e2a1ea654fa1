// Users and sessions: deleting or changing a user ends their sessions and
// cached Basic credentials at once; login throttling; password length.
#include <gtest/gtest.h>

#include "server/fake_backend_test_util.h"
#include "server/web_app.h"

namespace arxivflow::server {
namespace {

using nlohmann::json;

std::string B64(const std::string& s) {
  static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : s) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(kB64[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(kB64[((val << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

class UsersTest : public ::testing::Test {
 protected:
  UsersTest() : app_(backend_, WebAppOptions{}) {}

  HttpResponse Send(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& auth, const std::string& address = "127.0.0.1") {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.remote_addr = address;
    if (method != "GET") r.headers.emplace("Content-Type", "application/json");
    if (!auth.empty()) r.headers.emplace("Authorization", "Basic " + B64(auth));
    return app_.Handle(r);
  }

  // A logged-in session: its cookie and CSRF token.
  std::pair<std::string, std::string> Login(const std::string& user, const std::string& password) {
    HttpResponse r = Send("POST", "/api/v1/auth/login", json{{"username", user}, {"password", password}}.dump(), "");
    EXPECT_EQ(r.status, 200) << r.body;
    std::string cookie;
    for (const auto& [k, v] : r.headers) {
      if (k == "Set-Cookie" && v.rfind("af_session=", 0) == 0) cookie = v.substr(0, v.find(';'));
    }
    return {cookie, json::parse(r.body).value("csrf_token", "")};
  }

  int WithSession(const std::pair<std::string, std::string>& session, const std::string& path) {
    HttpRequest r;
    r.method = "GET";
    r.path = path;
    r.headers.emplace("Cookie", session.first);
    return app_.Handle(r).status;
  }

  FakeBackend backend_;
  WebApp app_;
};

TEST_F(UsersTest, AdminsCreateChangeAndDeleteUsers) {
  auto created = Send("POST", "/api/v1/users", R"({"username": "bob", "password": "bob-password", "role": "viewer"})",
                      "admin:admin-pw");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(json::parse(created.body)["role"], "viewer");
  EXPECT_EQ(Send("POST", "/api/v1/users", R"({"username": "eve", "password": "short"})", "admin:admin-pw").status, 400);
  EXPECT_NE(Send("POST", "/api/v1/users", R"({"username": "eve", "password": "short"})", "admin:admin-pw")
                .body.find("at least 8 characters"),
            std::string::npos);
  EXPECT_EQ(Send("GET", "/api/v1/users/bob", "", "viewer:viewer-pw").status, 403);
  EXPECT_EQ(Send("PATCH", "/api/v1/users/bob", R"({"role": "admin"})", "viewer:viewer-pw").status, 403);
  EXPECT_EQ(Send("DELETE", "/api/v1/users/bob", "", "viewer:viewer-pw").status, 403);
  auto promoted = Send("PATCH", "/api/v1/users/bob", R"({"roles": [{"name": "Admin"}]})", "admin:admin-pw");
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(json::parse(promoted.body)["role"], "admin");
  EXPECT_EQ(Send("PATCH", "/api/v1/users/bob", R"({})", "admin:admin-pw").status, 400);
  EXPECT_EQ(Send("DELETE", "/api/v1/users/bob", "", "admin:admin-pw").status, 204);
  EXPECT_EQ(Send("GET", "/api/v1/users/bob", "", "admin:admin-pw").status, 404);
  // The last admin stays.
  EXPECT_EQ(Send("DELETE", "/api/v1/users/admin", "", "admin:admin-pw").status, 400);
  EXPECT_EQ(Send("PATCH", "/api/v1/users/admin", R"({"role": "viewer"})", "admin:admin-pw").status, 400);
}

TEST_F(UsersTest, DeletingOrChangingAUserEndsTheirSessionsAtOnce) {
  ASSERT_EQ(Send("POST", "/api/v1/users", R"({"username": "ann", "password": "ann-password", "role": "admin"})",
                 "admin:admin-pw").status, 200);
  auto session = Login("ann", "ann-password");
  ASSERT_EQ(WithSession(session, "/api/v1/dags"), 200);
  ASSERT_EQ(Send("GET", "/api/v1/dags", "", "ann:ann-password").status, 200);  // Basic, now cached
  // A password change through this server.
  ASSERT_EQ(Send("PATCH", "/api/v1/users/ann", R"({"password": "ann-new-password"})", "admin:admin-pw").status, 200);
  EXPECT_EQ(WithSession(session, "/api/v1/dags"), 401);
  EXPECT_EQ(Send("GET", "/api/v1/dags", "", "ann:ann-password").status, 401);
  EXPECT_EQ(Send("GET", "/api/v1/dags", "", "ann:ann-new-password").status, 200);
  // A role change and a deletion made by another process (the CLI): the
  // generation moved, so cached sessions and Basic successes are re-checked.
  session = Login("ann", "ann-new-password");
  ASSERT_EQ(WithSession(session, "/api/v1/users"), 200);
  backend_.ChangeUserBehindTheServersBack("ann", std::string("viewer"));
  EXPECT_EQ(WithSession(session, "/api/v1/users"), 401);
  EXPECT_EQ(Send("GET", "/api/v1/users", "", "ann:ann-new-password").status, 403);  // now a viewer
  session = Login("ann", "ann-new-password");
  ASSERT_EQ(WithSession(session, "/api/v1/dags"), 200);
  backend_.ChangeUserBehindTheServersBack("ann", std::nullopt);
  EXPECT_EQ(WithSession(session, "/api/v1/dags"), 401);
  EXPECT_EQ(Send("GET", "/api/v1/dags", "", "ann:ann-new-password").status, 401);
}

TEST_F(UsersTest, FailedLoginsAreThrottledPerUserAndPerAddress) {
  // Five wrong passwords are free; then the user name is blocked, even for
  // the right password.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Send("POST", "/api/v1/auth/login", R"({"username": "admin", "password": "wrong"})", "").status, 401) << i;
  }
  EXPECT_EQ(Send("POST", "/api/v1/auth/login", R"({"username": "admin", "password": "wrong"})", "").status, 401);
  HttpResponse blocked = Send("POST", "/api/v1/auth/login", R"({"username": "admin", "password": "admin-pw"})", "");
  EXPECT_EQ(blocked.status, 429) << blocked.body;
  EXPECT_FALSE(blocked.Header("Retry-After").empty());
  // Basic auth goes through the same throttle, from any address.
  EXPECT_EQ(Send("GET", "/api/v1/dags", "", "admin:admin-pw", "10.0.0.9").status, 429);
  // Other users are not blocked by it.
  EXPECT_EQ(Send("GET", "/api/v1/dags", "", "viewer:viewer-pw", "10.0.0.9").status, 200);
  // An address guessing many user names is blocked after 20 failures.
  for (int i = 0; i < 21; ++i) {
    Send("POST", "/api/v1/auth/login", json{{"username", "u" + std::to_string(i)}, {"password", "x"}}.dump(), "",
         "10.0.0.7");
  }
  EXPECT_EQ(Send("POST", "/api/v1/auth/login", R"({"username": "viewer", "password": "viewer-pw"})", "", "10.0.0.7")
                .status,
            429);
  EXPECT_EQ(Send("POST", "/api/v1/auth/login", R"({"username": "viewer", "password": "viewer-pw"})", "", "10.0.0.8")
                .status,
            200);
}

}  // namespace
}  // namespace arxivflow::server
