#include "server/webserver.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <httplib.h>

#include "common/logging.h"
#include "orchestrator/home.h"
#include "server/orchestrator_backend.h"
#include "server/password.h"
#include "server/problem.h"
#include "server/web_app.h"

namespace arxivflow::server {

namespace {

std::atomic<bool> g_signal_stop{false};

extern "C" void OnStopSignal(int) { g_signal_stop.store(true); }

HttpRequest ToRequest(const httplib::Request& req) {
  HttpRequest out;
  out.method = req.method;
  const std::string& target = req.target;
  size_t q = target.find('?');
  out.path = target.substr(0, q);
  if (q != std::string::npos) out.query = ParseQueryString(target.substr(q + 1));
  for (const auto& [k, v] : req.headers) out.headers.emplace(k, v);
  out.body = req.body;
  out.remote_addr = req.remote_addr;
  return out;
}

void FromResponse(const HttpResponse& in, httplib::Response& res) {
  res.status = in.status;
  for (const auto& [k, v] : in.headers) res.headers.emplace(k, v);
  if (!in.content_type.empty()) {
    res.set_content(in.body, in.content_type.c_str());
  } else if (!in.body.empty()) {
    res.set_content(in.body, "application/octet-stream");
  }
}

}  // namespace

Status ServeBackend(Backend& backend, const WebserverOptions& options) {
  WebAppOptions app_options;
  app_options.max_body_bytes = options.max_body_bytes;
  app_options.version = ARXIVFLOW_VERSION;
  app_options.read_cache_ms = options.read_cache_ms;
  WebApp app(backend, app_options);

  httplib::Server server;
  int threads = std::max(2, options.threads);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server.set_payload_max_length(options.max_body_bytes);
  // Headers and body go out in separate writes: without TCP_NODELAY, Nagle
  // plus delayed ACKs add ~40 ms to every keep-alive response.
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(10000);
  server.set_keep_alive_timeout(5);
  server.set_read_timeout(30);
  server.set_write_timeout(30);

  auto handler = [&app](const httplib::Request& req, httplib::Response& res) {
    HttpResponse out = app.Handle(ToRequest(req));
    FromResponse(out, res);
  };
  for (const char* m : {"GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"}) {
    std::string method = m;
    if (method == "GET") server.Get(".*", handler);
    if (method == "POST") server.Post(".*", handler);
    if (method == "PATCH") server.Patch(".*", handler);
    if (method == "PUT") server.Put(".*", handler);
    if (method == "DELETE") server.Delete(".*", handler);
    if (method == "OPTIONS") server.Options(".*", handler);
  }
  // Errors raised by the HTTP layer itself (413 body too large, 400
  // malformed request, 404 unknown method): answer as problem+json too.
  server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    HttpResponse p = Problem(res.status, res.status == 413 ? "request body too large" : ReasonPhrase(res.status));
    AddSecurityHeaders(p);
    FromResponse(p, res);
    return httplib::Server::HandlerResponse::Handled;
  }));
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      spdlog::error("{} {}: unhandled exception: {}", req.method, req.path, e.what());
    } catch (...) {
      spdlog::error("{} {}: unhandled exception", req.method, req.path);
    }
    HttpResponse p = Problem(500, "An internal error occurred; see the server log.");
    AddSecurityHeaders(p);
    FromResponse(p, res);
  });
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    spdlog::debug("{} {} {} {}", req.remote_addr, req.method, req.path, res.status);
  });

  // cpp-httplib (the packaged, compiled library) listens with a backlog of
  // 5: 50 clients connecting at once overflow it, and the dropped SYNs are
  // retried after 1 s (then 3 s), which was most of the tail latency under
  // load. Remember the listening socket to raise its backlog after bind.
  int listen_fd = -1;
  server.set_socket_options([&listen_fd](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd = sock;
  });

  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
    if (port < 0) return Status::Unavailable("cannot bind " + options.host + " (any port)");
  } else if (!server.bind_to_port(options.host, port)) {
    return Status::Unavailable("cannot bind " + options.host + ":" + std::to_string(port) + ": " +
                               std::strerror(errno) + " (is another server running?)");
  }
  // listen() again on a listening socket only changes its backlog (Linux).
  if (listen_fd >= 0 && ::listen(listen_fd, 1024) != 0) {
    spdlog::warn("cannot raise the listen backlog: {}", std::strerror(errno));
  }

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
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done.load()) {
      if (stop->load()) {
        server.stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  spdlog::info("web server listening on http://{}:{}", options.host, port);
  if (options.on_ready) options.on_ready(port);
  bool ok = server.listen_after_bind();
  done.store(true);
  watcher.join();
  if (!options.stop) {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
  }
  if (!ok && !stop->load()) return Status::IOError("the web server stopped unexpectedly");
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

Status CreateWebUser(const std::string& home, const std::string& username, const std::string& password,
                     const std::string& role) {
  if (role != "admin" && role != "viewer") return Status::InvalidArgument("role must be admin or viewer, not '" + role + "'");
  if (username.empty() || username.size() > 64) return Status::InvalidArgument("user name must be 1-64 characters");
  for (unsigned char c : username) {
    if (!(std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '@')) {
      return Status::InvalidArgument("user name may hold only letters, digits, '_', '.', '-' and '@'");
    }
  }
  AF_ASSIGN_OR_RETURN(std::string hash, HashUserPassword(password));
  OrchestratorBackendOptions bo;
  bo.home = home;
  AF_ASSIGN_OR_RETURN(auto backend, OpenOrchestratorBackend(bo));
  return backend->CreateUser(username, hash, role);
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
  AF_RETURN_IF_ERROR(backend->CreateUser("admin", hash, "admin"));
  return password;
}

}  // namespace arxivflow::server
