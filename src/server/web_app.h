// WebApp: the whole web server minus the socket — REST API, login, CSRF,
// security headers and the embedded UI — as one function from HttpRequest to
// HttpResponse.
//
// Contract:
// - Handle() is thread-safe; the Backend must be too (see backend.h).
// - Only GET /api/v1/health, GET /api/v2/monitor/health and /api/v2/version,
//   the login and token (POST /auth/token) endpoints, the static assets and
//   the login page are served without a login. Everything else needs a
//   session cookie, a bearer token (bearer_tokens.h; a bad one is 401, never
//   a fall-back to other credentials) or HTTP basic auth: the API answers 401
//   (problem+json, with a WWW-Authenticate: Basic challenge for scripts only,
//   never for browsers), UI pages redirect to /login.
// - API v2 (api_v2.h) answers errors as FastAPI does, {"detail": ...}.
// - Every API POST/PATCH/PUT/DELETE first passes request_guard.h: refused
//   (403) when a browser says it comes from another site, refused (415)
//   unless POST/PATCH/PUT send Content-Type: application/json.
//   Cookie-authenticated ones must also carry X-CSRF-Token equal to the
//   session's token (403 otherwise). Basic auth and bearer tokens need no
//   CSRF token.
// - Viewers get 403 on every state-changing API call (v2's batch lists,
//   reads sent as POST, excepted).
// - A session login and logout are recorded in the audit log (the failed
//   ones by the Authenticator).
// - Bodies above `max_body_bytes` get 413; bodies that are not valid JSON
//   where JSON is expected get 400. Backend failures other than
//   not-found/conflict/bad-input are logged and answered with a generic 500:
//   no SQL, path or stack trace reaches a client.
// - Reads polled by the UI (DAG list, DAG, grid, runs, task instances) are
//   answered from a small cache while the backend's ChangeToken() is
//   unchanged, for at most `read_cache_ms`; any write through this server
//   empties it. Concurrent misses of one read are computed once; while that
//   happens, the other callers get the previous response when it is at most
//   5 s old. Responses are therefore at most `read_cache_ms` old, plus the
//   time of one refresh (never older than 5 s), and never older than this
//   server's own last write.
// - GET /metrics (metrics_page.h) needs an admin or the metrics bearer
//   token; every request's latency is observed by route pattern and status.
// - Every response carries Content-Security-Policy (default-src 'self'),
//   X-Content-Type-Options, X-Frame-Options and Referrer-Policy; API
//   responses are not cacheable.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "metrics/registry.h"
#include "server/auth.h"
#include "server/backend.h"
#include "server/bearer_tokens.h"
#include "server/http_types.h"
#include "server/router.h"

namespace arxivflow::server {

struct WebAppOptions {
  size_t max_body_bytes = 1 << 20;
  // Set the Secure flag on cookies (only when served over TLS by a proxy).
  bool secure_cookies = false;
  std::string version = "0.0.0";
  int read_cache_ms = 1000;  // 0 = no read cache
  // Hex SHA-256 of the metrics bearer token (metrics_page.h); "" = admins only.
  std::string metrics_token_sha256;
  // Signing key of bearer tokens (bearer_tokens.h); "" = a random key for
  // this process only.
  std::string jwt_key;
  std::chrono::seconds token_lifetime{3600};
};

struct ApiCall {
  const HttpRequest& request;
  PathParams params;
  Principal user;

  const std::string& Param(const std::string& name) const { return params.at(name); }
  Caller caller() const { return {user.username, request.remote_addr, ""}; }
};

using ApiHandler = std::function<HttpResponse(ApiCall&)>;

class WebApp {
 public:
  WebApp(Backend& backend, WebAppOptions options);
  ~WebApp();

  HttpResponse Handle(const HttpRequest& request);

  // The OpenAPI 3 description of every API route.
  const nlohmann::json& OpenApi() const { return openapi_; }
  SessionStore& sessions() { return sessions_; }

 private:
  HttpResponse HandleApi(const HttpRequest& request);
  HttpResponse HandleUi(const HttpRequest& request);
  HttpResponse Login(const HttpRequest& request);
  HttpResponse Logout(const HttpRequest& request, const Principal& user);
  HttpResponse Metrics(const HttpRequest& request);
  // The bounded label of a request for the latency histogram.
  std::string RouteLabel(const HttpRequest& request) const;
  // POST /auth/token: a bearer token for a user name and password.
  HttpResponse IssueToken(const HttpRequest& request);
  void AddRoutes();
  void AddDagRoutes();
  void AddDagRunRoutes();  // runs and clearing
  void AddTaskRoutes();
  void AddConnectionRoutes();
  void AddVariableRoutes();
  void AddUserRoutes();
  void AddMiscRoutes();
  void AddEventLogRoutes();  // api_event_logs.cc
  // After a user was deleted or changed through this server: its cached
  // sessions and Basic successes go at once.
  void ForgetUser(const std::string& username);
  void Route(const char* method, const char* pattern, const char* tag, const char* summary, ApiHandler handler);

  struct CachedResponse {
    std::string change_token;
    std::chrono::steady_clock::time_point at;
    // Shared so that a hit copies the (up to ~100 KB) body outside the lock.
    std::shared_ptr<const HttpResponse> response;
  };
  // A read being computed: the other requests for the same key and version
  // wait for it instead of all querying the store at once when the cache
  // entry expires (which is what made the tail latency under load).
  struct PendingRead {
    std::string change_token;
    uint64_t generation = 0;  // of the cache when it started
    bool done = false;
    std::shared_ptr<const HttpResponse> response;  // set when done with a 200
  };
  // A fresh cached response, or the response of a concurrent computation of
  // the same key; nullopt = the caller computes it (then `*leader` is set and
  // it must call FinishRead).
  std::optional<HttpResponse> CachedRead(const std::string& key, const std::string& token,
                                         std::shared_ptr<PendingRead>* leader);
  void FinishRead(const std::string& key, const std::shared_ptr<PendingRead>& pending, const HttpResponse& response);

  Backend& backend_;
  WebAppOptions options_;
  std::mutex cache_mu_;
  std::map<std::string, CachedResponse> read_cache_;
  std::map<std::string, std::shared_ptr<PendingRead>> pending_reads_;
  std::condition_variable read_done_;
  uint64_t cache_generation_ = 0;  // bumped by every write through the server
  SessionStore sessions_;
  Authenticator auth_;
  std::unique_ptr<BearerTokens> tokens_;
  Router<ApiHandler> api_;
  nlohmann::json openapi_;
  metrics::Registry metrics_{"arxivflow_web_metrics_dropped_total"};
  nlohmann::json openapi_v2_;
};

// Adds the security headers every response carries.
void AddSecurityHeaders(HttpResponse& response);

}  // namespace arxivflow::server
