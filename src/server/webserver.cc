#include "server/webserver.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/logging.h"
#include "orchestrator/home.h"
#include "server/jwt.h"
#include "server/http_server.h"
#include "server/metrics_page.h"
#include "server/orchestrator_backend.h"
#include "server/password.h"
#include "server/problem.h"
#include "server/web_app.h"

namespace arxivflow::server {

namespace {

std::atomic<bool> g_signal_stop{false};

extern "C" void OnStopSignal(int) { g_signal_stop.store(true); }

}  // namespace

Status ServeBackend(Backend& backend, const WebserverOptions& options) {
  WebAppOptions app_options;
  app_options.max_body_bytes = options.max_body_bytes;
  app_options.version = ARXIVFLOW_VERSION;
  app_options.read_cache_ms = options.read_cache_ms;
  app_options.secure_cookies = options.secure_cookies;
  app_options.metrics_token_sha256 = LoadMetricsTokenHash(
      options.home.empty() ? orchestrator::CurrentHome() : options.home);
  app_options.token_lifetime = std::chrono::seconds(options.token_lifetime_seconds);
  {
    std::string root = options.home.empty() ? orchestrator::CurrentHome() : options.home;
    AF_ASSIGN_OR_RETURN(app_options.jwt_key, LoadOrCreateJwtKey(root + "/jwt_secret.key"));
  }
  WebApp app(backend, app_options);

  HttpServerOptions http;
  http.host = options.host;
  http.port = options.port;
  http.workers = std::max(2, options.threads);
  http.limits.max_body_bytes = options.max_body_bytes;
  http.max_connections_per_address = options.max_connections_per_address;
  http.head_timeout = options.request_head_timeout;
  // Errors raised by the HTTP layer itself (413 body too large, 400
  // malformed request, 408 too slow, 429 too many connections) are
  // problem+json too, with the same security headers.
  HttpServer server(
      http, [&app](const HttpRequest& request) { return app.Handle(request); },
      [](int status, const std::string& message) {
        HttpResponse p = Problem(status, message);
        AddSecurityHeaders(p);
        return p;
      });
  AF_ASSIGN_OR_RETURN(int port, server.Bind());

  const std::atomic<bool>* stop = options.stop;
  struct sigaction old_int {}, old_term {};
  if (!stop) {
    g_signal_stop.store(false);
    struct sigaction sa {};
    sa.sa_handler = OnStopSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    stop = &g_signal_stop;
  }
  spdlog::info("web server listening on http://{}:{}", options.host, port);
  if (options.on_ready) options.on_ready(port);
  Status served = server.Serve(*stop);
  if (!options.stop) {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
  }
  AF_RETURN_IF_ERROR(served);
  spdlog::info("web server stopped");
  return Status::OK();
}

Status RunWebserver(const WebserverOptions& options) {
  OrchestratorBackendOptions bo;
  bo.home = options.home;
  bo.warehouse_db = options.warehouse_db;
  bo.parquet_dir = options.parquet_dir;
  bo.scheduler_health_threshold = options.scheduler_health_threshold;
  AF_ASSIGN_OR_RETURN(auto backend, OpenOrchestratorBackend(bo));
  return ServeBackend(*backend, options);
}

Result<std::string> EnsureStandaloneAdmin(const std::string& home) {
  OrchestratorBackendOptions bo;
  bo.home = home;
  AF_ASSIGN_OR_RETURN(auto backend, OpenOrchestratorBackend(bo));
  auto existing = backend->FindUser("admin");
  if (existing.ok()) return std::string();
  if (existing.status().code() != Status::Code::kNotFound) return existing.status();
  std::string password = RandomPassword(20);
  AF_ASSIGN_OR_RETURN(std::string hash, HashUserPassword(password));
  std::string root = home.empty() ? orchestrator::CurrentHome() : home;
  std::string path = root + "/standalone_admin_password.txt";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::IOError(path + ": cannot write the admin password: " + std::strerror(errno));
  fchmod(fd, 0600);
  std::string line = password + "\n";
  bool wrote = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  close(fd);
  if (!wrote) return Status::IOError(path + ": cannot write the admin password");
  AF_RETURN_IF_ERROR(backend->CreateUser("admin", hash, "admin", Caller{"standalone", "", "cli"}));
  return password;
}

}  // namespace arxivflow::server
