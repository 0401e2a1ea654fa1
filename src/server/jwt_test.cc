// JWTs and bearer tokens: strict verification (alg, signature, exp, iat,
// sizes, encodings), revocation by user changes, and /auth/token over the
// WebApp with the in-memory backend.
#include <sys/stat.h>

#include <cstdio>

#include <gtest/gtest.h>

#include "common/random.h"
#include "common/scoped_temp_dir_test_util.h"
#include "orchestrator/time_util.h"
#include "server/fake_backend_test_util.h"
#include "server/jwt.h"
#include "server/password.h"
#include "server/web_app.h"

namespace arxivflow::server {
namespace {

using nlohmann::json;

const std::string kKey(64, 'k');

json Claims(double now, double lifetime = 60) {
  return {{"sub", "alice"}, {"role", "admin"}, {"iat", now}, {"exp", now + lifetime}};
}

// A valid token with its header swapped for `header`: the signature no
// longer covers what is sent.
std::string WithHeader(const std::string& header, const json& claims, const std::string& key) {
  std::string good = SignJwt(claims, key);
  std::string rest = good.substr(good.find('.'));
  return Base64UrlEncode(header) + rest;
}

TEST(Jwt, SignsAndVerifies) {
  double now = orchestrator::NowEpoch();
  std::string token = SignJwt(Claims(now), kKey);
  auto claims = VerifyJwt(token, kKey, now);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->sub, "alice");
  EXPECT_EQ(claims->role, "admin");
}

TEST(Jwt, RefusesAnotherKeyAnExpiredTokenAndOneFromTheFuture) {
  double now = orchestrator::NowEpoch();
  EXPECT_FALSE(VerifyJwt(SignJwt(Claims(now), kKey), std::string(64, 'x'), now).ok());
  EXPECT_FALSE(VerifyJwt(SignJwt(Claims(now - 1000, 60), kKey), kKey, now).ok());
  EXPECT_FALSE(VerifyJwt(SignJwt(Claims(now + 1000), kKey), kKey, now).ok());
  EXPECT_FALSE(VerifyJwt(SignJwt(Claims(now), "short"), "short", now).ok());  // keys under 32 bytes
}

TEST(Jwt, RefusesOtherAlgorithmsAndTamperedParts) {
  double now = orchestrator::NowEpoch();
  std::string payload = Base64UrlEncode(Claims(now).dump());
  for (const char* header : {R"({"alg":"none","typ":"JWT"})", R"({"alg":"HS512"})", R"({"alg":"RS256"})",
                             R"({"typ":"JWT"})", R"({"alg":null})", R"({"alg":"hs256"})", R"({"alg":["HS256"]})"}) {
    std::string token = Base64UrlEncode(header) + "." + payload + ".";
    EXPECT_FALSE(VerifyJwt(token, kKey, now).ok()) << header;
    EXPECT_FALSE(VerifyJwt(WithHeader(header, Claims(now), kKey), kKey, now).ok()) << header;
  }
  std::string token = SignJwt(Claims(now), kKey);
  std::string tampered_payload = token.substr(0, token.find('.') + 1) +
                                 Base64UrlEncode(json{{"sub", "root"}, {"iat", now}, {"exp", now + 60}}.dump()) +
                                 token.substr(token.rfind('.'));
  EXPECT_FALSE(VerifyJwt(tampered_payload, kKey, now).ok());
  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyJwt(flipped, kKey, now).ok());
}

TEST(Jwt, RefusesMalformedTokens) {
  double now = orchestrator::NowEpoch();
  std::string good = SignJwt(Claims(now), kKey);
  for (const std::string& bad :
       {std::string(), std::string("."), std::string(".."), std::string("..."), std::string("a.b"),
        std::string("a.b.c.d"), good + ".", good + "=", std::string("!!!.###.$$$"), good.substr(0, good.size() - 1),
        std::string(kMaxJwtBytes + 1, 'a'), std::string("e30.e30.") + std::string(43, 'A'),
        Base64UrlEncode("[1,2]") + "." + Base64UrlEncode("{}") + "." + std::string(43, 'A'),
        Base64UrlEncode(std::string(100, '[')) + ".e30." + std::string(43, 'A')}) {
    EXPECT_FALSE(VerifyJwt(bad, kKey, now).ok()) << bad.substr(0, 80);
  }
  // Claims of the wrong type, or missing.
  for (const json& claims : {json{{"sub", 5}, {"iat", now}, {"exp", now + 60}}, json{{"iat", now}, {"exp", now + 60}},
                             json{{"sub", "a"}, {"iat", now}}, json{{"sub", "a"}, {"iat", now}, {"exp", "later"}},
                             json{{"sub", ""}, {"iat", now}, {"exp", now + 60}}}) {
    EXPECT_FALSE(VerifyJwt(SignJwt(claims, kKey), kKey, now).ok()) << claims.dump();
  }
}

TEST(Jwt, Base64UrlRoundTripsAndRefusesOtherAlphabets) {
  for (size_t n = 0; n < 70; ++n) {
    std::string bytes = RandomHex(n).substr(0, n);
    auto back = Base64UrlDecode(Base64UrlEncode(bytes), 1000);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, bytes);
  }
  EXPECT_FALSE(Base64UrlDecode("ab+/", 100).ok());
  EXPECT_FALSE(Base64UrlDecode("YQ==", 100).ok());
  EXPECT_FALSE(Base64UrlDecode("Y", 100).ok());
  EXPECT_FALSE(Base64UrlDecode("YR", 100).ok());  // non-canonical trailing bits
  EXPECT_FALSE(Base64UrlDecode(std::string(101, 'A'), 100).ok());
}

TEST(Jwt, KeyFileIsCreatedPrivateOnceAndRefusedWhenReadable) {
  const ScopedTempDir dir("af_jwt_key_");
  std::string path = dir.File("jwt_secret.key").string();
  auto first = LoadOrCreateJwtKey(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto second = LoadOrCreateJwtKey(path);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_GE(first->size(), kMinJwtKeyBytes);
  chmod(path.c_str(), 0644);
  EXPECT_FALSE(LoadOrCreateJwtKey(path).ok());
}

class BearerTest : public ::testing::Test {
 protected:
  BearerTest() : app_(backend_, Options()) {}
  static WebAppOptions Options() {
    WebAppOptions o;
    o.jwt_key = std::string(64, 'q');
    return o;
  }

  HttpResponse Send(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& bearer) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.remote_addr = "127.0.0.1";
    if (method != "GET") r.headers.emplace("Content-Type", "application/json");
    if (!bearer.empty()) r.headers.emplace("Authorization", "Bearer " + bearer);
    return app_.Handle(r);
  }

  std::string Token(const std::string& user, const std::string& password) {
    HttpResponse r = Send("POST", "/auth/token", json{{"username", user}, {"password", password}}.dump(), "");
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.Header("Cache-Control"), "no-store");
    return json::parse(r.body).value("access_token", "");
  }

  FakeBackend backend_;
  WebApp app_;
};

TEST_F(BearerTest, TokensAuthenticateV1AndV2AndNeedNoCsrf) {
  std::string token = Token("admin", "admin-pw");
  EXPECT_EQ(Send("GET", "/api/v2/dags", "", token).status, 200);
  EXPECT_EQ(Send("GET", "/api/v1/dags", "", token).status, 200);
  EXPECT_EQ(Send("PATCH", "/api/v2/dags/arxiv_full_pipeline", R"({"is_paused": true})", token).status, 200);
  std::string viewer = Token("viewer", "viewer-pw");
  EXPECT_EQ(Send("GET", "/api/v2/dags", "", viewer).status, 200);
  EXPECT_EQ(Send("PATCH", "/api/v2/dags/arxiv_full_pipeline", R"({"is_paused": true})", viewer).status, 403);
  // The batch lists are reads sent as POST.
  EXPECT_EQ(Send("POST", "/api/v2/dags/~/dagRuns/list", "{}", viewer).status, 200);
  EXPECT_EQ(Send("POST", "/api/v2/dags/~/dagRuns/~/taskInstances/list", "{}", viewer).status, 200);
}

TEST_F(BearerTest, WrongPasswordsAndBadTokensAreRefusedWithFastApiErrors) {
  HttpResponse wrong = Send("POST", "/auth/token", R"({"username": "admin", "password": "nope"})", "");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_TRUE(json::parse(wrong.body).contains("detail"));
  EXPECT_EQ(Send("POST", "/auth/token", R"({"username": 1})", "").status, 422);
  EXPECT_EQ(Send("GET", "/auth/token", "", "").status, 405);
  for (const std::string& bad : {std::string("x"), std::string("a.b.c"), std::string(5000, 'a')}) {
    HttpResponse r = Send("GET", "/api/v2/dags", "", bad);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(json::parse(r.body).size(), 1u);  // {"detail": ...}
  }
  // A token signed with another key.
  double now = orchestrator::NowEpoch();
  std::string forged = SignJwt({{"sub", "admin"}, {"role", "admin"}, {"iat", now}, {"exp", now + 60}, {"ufp", "x"}},
                               std::string(64, 'z'));
  EXPECT_EQ(Send("GET", "/api/v2/dags", "", forged).status, 401);
}

TEST_F(BearerTest, DeletingOrChangingAUserRevokesItsTokens) {
  std::string admin = Token("admin", "admin-pw");
  ASSERT_EQ(Send("POST", "/api/v1/users", R"({"username": "bob", "password": "bob-password", "role": "admin"})", admin)
                .status,
            200);
  std::string bob = Token("bob", "bob-password");
  EXPECT_EQ(Send("GET", "/api/v2/dags", "", bob).status, 200);
  ASSERT_EQ(Send("PATCH", "/api/v1/users/bob", R"({"role": "viewer"})", admin).status, 200);
  EXPECT_EQ(Send("GET", "/api/v2/dags", "", bob).status, 401);  // issued for an admin
  bob = Token("bob", "bob-password");
  EXPECT_EQ(Send("GET", "/api/v2/dags", "", bob).status, 200);
  ASSERT_EQ(Send("PATCH", "/api/v1/users/bob", R"({"password": "another-password"})", admin).status, 200);
  EXPECT_EQ(Send("GET", "/api/v2/dags", "", bob).status, 401);
  bob = Token("bob", "another-password");
  ASSERT_EQ(Send("DELETE", "/api/v1/users/bob", "", admin).status, 204);
  EXPECT_EQ(Send("GET", "/api/v2/dags", "", bob).status, 401);
}

TEST_F(BearerTest, V2ErrorsAreFastApiShaped) {
  std::string token = Token("admin", "admin-pw");
  HttpResponse missing = Send("GET", "/api/v2/dags/no_such_dag", "", token);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.content_type, "application/json");
  EXPECT_TRUE(json::parse(missing.body)["detail"].is_string());
  HttpResponse invalid = Send("PATCH", "/api/v2/dags/arxiv_full_pipeline", R"({"is_paused": "yes"})", token);
  EXPECT_EQ(invalid.status, 422);
  EXPECT_EQ(json::parse(invalid.body)["detail"][0]["loc"], json::array({"body", "is_paused"}));
  EXPECT_EQ(Send("GET", "/api/v2/nothing/here", "", token).status, 404);
  EXPECT_EQ(Send("GET", "/api/v2/monitor/health", "", "").status, 200);  // no login, as in Airflow
  EXPECT_EQ(Send("GET", "/api/v2/dags", "", "").status, 401);
}

}  // namespace
}  // namespace arxivflow::server
