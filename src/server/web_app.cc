#include "server/web_app.h"

#include <exception>

#include "common/logging.h"
#include "common/random.h"
#include "server/api_v2.h"
#include "server/assets.h"
#include "server/json_codec.h"
#include "server/metrics_page.h"
#include "server/openapi.h"
#include "server/password.h"
#include "server/problem.h"
#include "server/request_guard.h"

namespace arxivflow::server {

using nlohmann::json;

namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// UI routes that render the single-page app (after login).
bool IsUiPage(const std::string& path) {
  static const char* kPrefixes[] = {"/dags", "/connections", "/variables", "/data", "/import-errors", "/users",
                                    "/audit-log"};
  for (const char* p : kPrefixes) {
    std::string prefix = p;
    if (path == prefix || StartsWith(path, (prefix + "/").c_str())) return true;
  }
  return false;
}

HttpResponse ServeAsset(const std::string& name) {
  const EmbeddedAsset* asset = FindAsset(name);
  if (!asset) return Problem(404, "no such file");
  HttpResponse r;
  r.content_type = AssetContentType(name);
  r.body.assign(reinterpret_cast<const char*>(asset->data), asset->size);
  r.AddHeader("Cache-Control", "no-cache");
  return r;
}

HttpResponse TooManyFailedLogins(int retry_after) {
  HttpResponse r = Problem(429, "too many failed logins for this user name or from this address; retry in " +
                                    std::to_string(retry_after) + " s");
  r.AddHeader("Retry-After", std::to_string(retry_after));
  return r;
}

HttpResponse Redirect(const std::string& location) {
  HttpResponse r;
  r.status = 302;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "Redirecting to " + location + "\n";
  r.AddHeader("Location", location);
  return r;
}

}  // namespace

void AddSecurityHeaders(HttpResponse& response) {
  response.AddHeader("Content-Security-Policy",
                     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                     "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                     "form-action 'self'");
  response.AddHeader("X-Content-Type-Options", "nosniff");
  response.AddHeader("X-Frame-Options", "DENY");
  response.AddHeader("Referrer-Policy", "no-referrer");
  response.AddHeader("Cross-Origin-Opener-Policy", "same-origin");
  response.AddHeader("Cross-Origin-Resource-Policy", "same-origin");
}

WebApp::WebApp(Backend& backend, WebAppOptions options)
    : backend_(backend), options_(std::move(options)), sessions_(backend_), auth_(backend_, sessions_) {
  std::string key = options_.jwt_key.empty() ? RandomHex(32) : options_.jwt_key;
  tokens_ = std::make_unique<BearerTokens>(backend_, std::move(key), options_.token_lifetime);
  AddRoutes();
  std::vector<const RouteInfo*> v1, v2;
  for (const RouteInfo* r : api_.Routes()) (StartsWith(r->pattern, "/api/v2/") ? v2 : v1).push_back(r);
  openapi_ = BuildOpenApi(v1, options_.version);
  openapi_v2_ = BuildOpenApiV2(v2, options_.version);
}

WebApp::~WebApp() = default;

void WebApp::ForgetUser(const std::string& username) {
  sessions_.ForgetUser(username);
  auth_.ForgetUser(username);
}

void WebApp::Route(const char* method, const char* pattern, const char* tag, const char* summary,
                   ApiHandler handler) {
  RouteInfo info;
  info.method = method;
  info.pattern = pattern;
  info.tag = tag;
  info.summary = summary;
  info.admin_only = IsStateChangingMethod(method);
  static const char* kPolled[] = {"/api/v1/dags", "/api/v1/dags/{dag_id}", "/api/v1/dags/{dag_id}/grid",
                                  "/api/v1/dags/{dag_id}/dagRuns", "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}",
                                  "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances",
                                  "/api/v1/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}"};
  for (const char* p : kPolled) {
    if (info.method == "GET" && info.pattern == p) info.cacheable = true;
  }
  api_.Add(std::move(info), std::move(handler));
}

void WebApp::AddRoutes() {
  AddDagRoutes();
  AddDagRunRoutes();
  AddTaskRoutes();
  AddConnectionRoutes();
  AddVariableRoutes();
  AddUserRoutes();
  AddMiscRoutes();
  AddEventLogRoutes();
  Route("GET", "/api/v1/openapi.json", "Monitoring", "This OpenAPI document",
        [this](ApiCall&) { return JsonResponse(openapi_); });
  ApiV2Context v2{backend_, options_.version,
                  [this](RouteInfo info, ApiHandler handler) { api_.Add(std::move(info), std::move(handler)); }};
  AddApiV2Routes(v2);
  Route("GET", "/api/v2/openapi.json", "Monitoring", "This OpenAPI document (API v2)",
        [this](ApiCall&) { return JsonResponse(openapi_v2_); });
}

HttpResponse WebApp::Handle(const HttpRequest& request) {
  auto started = std::chrono::steady_clock::now();
  HttpResponse response;
  bool is_api = StartsWith(request.path, "/api/");
  try {
    if (request.body.size() > options_.max_body_bytes) {
      response = Problem(413, "request body larger than " + std::to_string(options_.max_body_bytes) + " bytes");
    } else if (request.path == "/metrics") {
      response = Metrics(request);
    } else if (request.path == "/auth/token") {
      response = IssueToken(request);
    } else if (is_api) {
      response = HandleApi(request);
    } else {
      response = HandleUi(request);
    }
  } catch (const std::exception& e) {
    spdlog::error("{} {}: unhandled exception: {}", request.method, request.path, e.what());
    response = Problem(500, "An internal error occurred; see the server log.");
  }
  // API v2 speaks FastAPI's error shape, {"detail": ...}, like Airflow 3.
  if (StartsWith(request.path, "/api/v2/") || request.path == "/auth/token") ToV2Error(response);
  AddSecurityHeaders(response);
  if (is_api || request.path == "/auth/token") response.AddHeader("Cache-Control", "no-store");
  if (request.method == "HEAD") response.body.clear();
  metrics_.Observe("arxivflow_http_request_duration_seconds", "Web server request latency by route pattern and status.",
                   metrics::LatencyBuckets(),
                   {{"route", RouteLabel(request)}, {"method", MethodLabel(request.method)},
                    {"status", std::to_string(response.status)}},
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return response;
}

std::string WebApp::RouteLabel(const HttpRequest& request) const {
  const std::string& path = request.path;
  if (path == "/metrics") return path;
  if (StartsWith(path, "/api/")) {
    if (path == "/api/v1/auth/login" || path == "/api/v1/auth/logout" || path == "/api/v1/auth/session") return path;
    auto match = api_.Find(request.method, path);
    return match.kind == Router<ApiHandler>::MatchKind::kFound ? match.route->pattern : "/api/(unmatched)";
  }
  if (StartsWith(path, "/static/")) return "/static/{file}";
  if (path == "/" || path == "/login" || IsUiPage(path)) return "(ui)";
  return "(other)";
}

HttpResponse WebApp::Metrics(const HttpRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse r = Problem(405, "use GET");
    r.AddHeader("Allow", "GET, HEAD");
    return r;
  }
  if (!BearerMatches(request.Header("Authorization"), options_.metrics_token_sha256)) {
    int retry_after = 0;
    std::optional<Principal> user = auth_.Identify(request, &retry_after);
    if (!user && retry_after > 0) return TooManyFailedLogins(retry_after);
    if (!user) {
      HttpResponse r = Problem(401, "authentication required: an admin, or the metrics bearer token");
      if (ShouldChallengeBasic(request)) r.AddHeader("WWW-Authenticate", "Basic realm=\"arxivflow\"");
      return r;
    }
    if (!user->is_admin()) return Problem(403, "the role '" + user->role + "' may not read /metrics");
  }
  auto text = backend_.MetricsText();
  if (!text.ok()) {
    spdlog::error("/metrics: {}", text.status().message());
    return Problem(500, "An internal error occurred; see the server log.");
  }
  HttpResponse r;
  r.status = 200;
  r.content_type = kMetricsContentType;
  r.body = *text + metrics_.Render();
  r.AddHeader("Cache-Control", "no-store");
  return r;
}

HttpResponse WebApp::HandleApi(const HttpRequest& request) {
  const std::string& path = request.path;
  // Before credentials are even looked at: another site cannot make a
  // browser write here, whatever the browser holds (request_guard.h).
  if (auto refused = CheckCrossSiteWrite(request)) return *refused;
  if (auto refused = CheckJsonWrite(request)) return *refused;
  if (path == "/api/v1/auth/login") {
    if (request.method != "POST") {
      HttpResponse r = Problem(405, "use POST");
      r.AddHeader("Allow", "POST");
      return r;
    }
    return Login(request);
  }
  auto match = api_.Find(request.method, path);
  if (match.kind == Router<ApiHandler>::MatchKind::kFound &&
      (match.route->pattern == "/api/v1/health" || match.route->public_route)) {
    ApiCall call{request, std::move(match.params), Principal{}};
    return (*match.handler)(call);
  }

  int retry_after = 0;
  std::optional<Principal> user;
  std::string authorization = request.Header("Authorization");
  if (authorization.size() > 7 && (authorization.compare(0, 7, "Bearer ") == 0 || authorization.compare(0, 7, "bearer ") == 0)) {
    auto verified = tokens_->Verify(authorization.substr(7));
    if (!verified.ok()) {
      if (verified.status().code() != Status::Code::kPermissionDenied) return FromStatus(verified.status(), "checking a token");
      return Problem(401, verified.status().message());
    }
    user = *verified;
  } else {
    user = auth_.Identify(request, &retry_after);
  }
  if (!user && retry_after > 0) return TooManyFailedLogins(retry_after);
  if (!user) {
    HttpResponse r = Problem(401, "authentication required: log in, or use HTTP basic auth");
    if (ShouldChallengeBasic(request)) r.AddHeader("WWW-Authenticate", "Basic realm=\"arxivflow\"");
    return r;
  }
  if (IsStateChangingMethod(request.method) && user->via_session) {
    std::string sent = request.Header(kCsrfHeader);
    if (sent.empty() || !SecureEquals(sent, user->csrf_token)) {
      return Problem(403, "missing or invalid CSRF token (send the X-CSRF-Token header)");
    }
  }
  if (path == "/api/v1/auth/session" && request.method == "GET") {
    json body = {{"username", user->username}, {"role", user->role}};
    if (user->via_session) body["csrf_token"] = user->csrf_token;
    return JsonResponse(body);
  }
  if (path == "/api/v1/auth/logout" && request.method == "POST") return Logout(request, *user);

  switch (match.kind) {
    case Router<ApiHandler>::MatchKind::kNotFound:
      return Problem(404, "no API endpoint at " + PercentDecode(path));
    case Router<ApiHandler>::MatchKind::kMethodNotAllowed: {
      HttpResponse r = Problem(405, "method " + request.method + " not allowed here");
      std::string allow;
      for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
      r.AddHeader("Allow", allow);
      return r;
    }
    case Router<ApiHandler>::MatchKind::kFound:
      break;
  }
  if (match.route->admin_only && !user->is_admin()) {
    return Problem(403, "the role '" + user->role + "' may only read; this action needs an admin");
  }
  if (IsStateChangingMethod(request.method)) {
    HttpResponse r;
    {
      ApiCall call{request, std::move(match.params), *user};
      r = (*match.handler)(call);
    }
    std::lock_guard<std::mutex> lock(cache_mu_);
    read_cache_.clear();
    ++cache_generation_;  // reads that started before this write are not cached
    return r;
  }
  std::string key, token;
  std::shared_ptr<PendingRead> pending;
  if (match.route->cacheable && options_.read_cache_ms > 0) {
    token = backend_.ChangeToken();
    if (!token.empty()) {
      key = user->role + " " + path + "?";
      for (const auto& [k, v] : request.query) key += k + "=" + v + "&";
      if (auto hit = CachedRead(key, token, &pending)) return *hit;
    }
  }
  HttpResponse r;
  try {
    ApiCall call{request, std::move(match.params), *user};
    r = (*match.handler)(call);
  } catch (...) {
    if (pending) FinishRead(key, pending, Problem(500, "internal error"));
    throw;
  }
  if (pending) FinishRead(key, pending, r);
  return r;
}

std::optional<HttpResponse> WebApp::CachedRead(const std::string& key, const std::string& token,
                                               std::shared_ptr<PendingRead>* leader) {
  // While one request refreshes an entry, the others get the previous
  // response if it is at most this old, instead of queueing behind it.
  constexpr auto kMaxStale = std::chrono::seconds(5);
  std::shared_ptr<const HttpResponse> found;
  {
    std::unique_lock<std::mutex> lock(cache_mu_);
    auto it = read_cache_.find(key);
    auto age = it == read_cache_.end() ? std::chrono::steady_clock::duration::max()
                                       : std::chrono::steady_clock::now() - it->second.at;
    if (it != read_cache_.end() && it->second.change_token == token &&
        age <= std::chrono::milliseconds(options_.read_cache_ms)) {
      found = it->second.response;
    } else {
      auto p = pending_reads_.find(key);
      bool refreshing = p != pending_reads_.end() && p->second->generation == cache_generation_;
      if (refreshing && age <= kMaxStale) {
        found = it->second.response;
      } else if (refreshing && p->second->change_token == token) {
        std::shared_ptr<PendingRead> other = p->second;
        read_done_.wait(lock, [&] { return other->done; });
        found = other->response;  // null when it failed: compute it ourselves (uncached)
      } else {
        auto mine = std::make_shared<PendingRead>();
        mine->change_token = token;
        mine->generation = cache_generation_;
        pending_reads_[key] = mine;
        *leader = std::move(mine);
      }
    }
  }
  if (!found) return std::nullopt;
  return *found;  // the copy happens outside the lock
}

void WebApp::FinishRead(const std::string& key, const std::shared_ptr<PendingRead>& pending,
                        const HttpResponse& response) {
  std::shared_ptr<const HttpResponse> shared;
  if (response.status == 200) shared = std::make_shared<const HttpResponse>(response);
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (shared && pending->generation == cache_generation_) {
      pending->response = shared;
      if (read_cache_.size() >= 1000) read_cache_.clear();
      read_cache_[key] = CachedResponse{pending->change_token, std::chrono::steady_clock::now(), shared};
    }
    pending->done = true;
    auto it = pending_reads_.find(key);
    if (it != pending_reads_.end() && it->second == pending) pending_reads_.erase(it);
  }
  read_done_.notify_all();
}

HttpResponse WebApp::Login(const HttpRequest& request) {
  auto body = ParseJsonBody(request.body);
  if (!body.ok()) return Problem(400, body.status().message());
  const json& b = *body;
  if (!b.contains("username") || !b["username"].is_string() || !b.contains("password") ||
      !b["password"].is_string()) {
    return Problem(400, "fields 'username' and 'password' (strings) are required");
  }
  int retry_after = 0;
  auto principal = auth_.CheckCredentials(b["username"].get<std::string>(), b["password"].get<std::string>(),
                                          request.remote_addr, "login", &retry_after);
  if (!principal.ok()) {
    if (retry_after > 0) return TooManyFailedLogins(retry_after);
    if (principal.status().code() == Status::Code::kPermissionDenied) return Problem(401, principal.status().message());
    return FromStatus(principal.status(), "login");
  }
  auto created = sessions_.Create(principal->username, principal->role);
  if (!created.ok()) return FromStatus(created.status(), "creating a session");
  std::string secure = options_.secure_cookies ? "; Secure" : "";
  HttpResponse r = JsonResponse({{"username", principal->username},
                                 {"role", principal->role},
                                 {"csrf_token", created->csrf_token}});
  r.AddHeader("Set-Cookie", std::string(kSessionCookie) + "=" + created->token +
                                "; Path=/; HttpOnly; SameSite=Strict" + secure);
  r.AddHeader("Set-Cookie", std::string(kCsrfCookie) + "=" + created->csrf_token + "; Path=/; SameSite=Strict" + secure);
  spdlog::info("user '{}' logged in", principal->username);
  Status audited = backend_.RecordLoginEvent("login", principal->username, 0, request.remote_addr);
  if (!audited.ok()) spdlog::error("audit log: could not record a login: {}", audited.message());
  return r;
}

HttpResponse WebApp::IssueToken(const HttpRequest& request) {
  if (request.method != "POST") {
    HttpResponse r = Problem(405, "use POST");
    r.AddHeader("Allow", "POST");
    return r;
  }
  if (auto refused = CheckCrossSiteWrite(request)) return *refused;
  if (auto refused = CheckJsonWrite(request)) return *refused;
  auto body = ParseJsonBody(request.body);
  if (!body.ok()) return Problem(422, body.status().message());
  const json& b = *body;
  if (!b.contains("username") || !b["username"].is_string() || !b.contains("password") ||
      !b["password"].is_string()) {
    return Problem(422, "fields 'username' and 'password' (strings) are required");
  }
  int retry_after = 0;
  auto principal = auth_.CheckCredentials(b["username"].get<std::string>(), b["password"].get<std::string>(),
                                          request.remote_addr, "token", &retry_after);
  if (!principal.ok()) {
    if (retry_after > 0) return TooManyFailedLogins(retry_after);
    if (principal.status().code() == Status::Code::kPermissionDenied) return Problem(401, principal.status().message());
    return FromStatus(principal.status(), "issuing a token");
  }
  auto issued = tokens_->Issue(*principal);
  if (!issued.ok()) return FromStatus(issued.status(), "issuing a token");
  spdlog::info("issued a token to user '{}'", principal->username);
  return JsonResponse({{"access_token", issued->token}, {"token_type", "bearer"}, {"expires_in", issued->expires_in}},
                      201);
}

HttpResponse WebApp::Logout(const HttpRequest& request, const Principal& user) {
  if (auto token = request.Cookie(kSessionCookie)) sessions_.Remove(*token);
  if (user.via_session) {  // Basic auth has no session to end
    Status audited = backend_.RecordLoginEvent("logout", user.username, 0, request.remote_addr);
    if (!audited.ok()) spdlog::error("audit log: could not record a logout: {}", audited.message());
  }
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  std::string secure = options_.secure_cookies ? "; Secure" : "";
  r.AddHeader("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + secure);
  r.AddHeader("Set-Cookie", std::string(kCsrfCookie) + "=; Path=/; Max-Age=0; SameSite=Strict" + secure);
  return r;
}

HttpResponse WebApp::HandleUi(const HttpRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") return Problem(405, "the UI only serves GET");
  const std::string& path = request.path;
  if (StartsWith(path, "/static/")) return ServeAsset(path.substr(8));
  if (path == "/favicon.ico") return ServeAsset("favicon.svg");
  if (path == "/login") return ServeAsset("index.html");
  if (path == "/" || IsUiPage(path)) {
    std::optional<Principal> user;
    if (auto token = request.Cookie(kSessionCookie)) user = sessions_.Lookup(*token);
    if (!user) return Redirect("/login?next=" + PercentEncode(path == "/" ? "/dags" : PercentDecode(path)));
    if (path == "/") return Redirect("/dags");
    return ServeAsset("index.html");
  }
  HttpResponse r;
  r.status = 404;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "Not Found\n";
  return r;
}

}  // namespace arxivflow::server
