// The `arxivflow webserver` entry point: the web UI and REST API on a socket.
//
// Contract:
// - RunWebserver() opens the orchestrator backend of `options.home` (kNotFound
//   when the home has no metadata DB), binds host:port (127.0.0.1:8080 by
//   default; port 0 picks a free one) and serves until *options.stop becomes
//   true, or, when options.stop is null, until SIGINT/SIGTERM. It returns OK
//   after a clean stop, kUnavailable when the address cannot be bound.
//   `on_ready` (if set) is called once with the bound port, from the serving
//   thread, before the first request is accepted.
// - ServeBackend() is the same on a given Backend (tests, benchmarks).
// - EnsureStandaloneAdmin() is for `arxivflow standalone`: when the users
//   table has no user "admin", it creates one (role admin) with a random
//   password, writes the password to <home>/standalone_admin_password.txt
//   (mode 0600) and returns it, so the caller prints it once; when "admin"
//   already exists it returns "" and changes nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "common/status.h"
#include "server/backend.h"

namespace arxivflow::server {

struct WebserverOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 64;                  // workers handling complete requests (slow clients hold none)
  size_t max_body_bytes = 1 << 20;  // larger requests get 413
  int read_cache_ms = 1000;          // polled reads cached while the DB is unchanged; 0 = off
  // Open connections per client address; 0 = no cap (behind a proxy every
  // client has the proxy's address).
  size_t max_connections_per_address = 64;
  // The whole request head must arrive within this time (slow clients).
  std::chrono::milliseconds request_head_timeout{10000};
  // Set the Secure flag on the session and CSRF cookies (served over TLS,
  // e.g. behind a TLS proxy).
  bool secure_cookies = false;
  // How long a bearer token from POST /auth/token is valid; the signing key
  // is <home>/jwt_secret.key (0600, created on first use).
  int64_t token_lifetime_seconds = 3600;
  std::string home;                  // "" = the current home
  std::string warehouse_db;          // "" = connection `warehouse` (sqlite), else <home>/warehouse.db
  std::string parquet_dir;           // "" = variable LAKE_URI (local), else <home>/parquet
  double scheduler_health_threshold = 30;  // seconds: an older scheduler heartbeat is unhealthy
  const std::atomic<bool>* stop = nullptr;
  std::function<void(int port)> on_ready;
};

Status RunWebserver(const WebserverOptions& options);
Status ServeBackend(Backend& backend, const WebserverOptions& options);

Result<std::string> EnsureStandaloneAdmin(const std::string& home);

}  // namespace arxivflow::server
