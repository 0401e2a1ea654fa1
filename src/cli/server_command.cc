// `arxivflow webserver` (the web UI and REST API) and `arxivflow users
// create|list|delete|reset-password|set-role` (web users in the metadata DB).
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/orchestrator_cli_util.h"
#include "cli/secret_input.h"
#include "cli/webserver_options.h"
#include "server/orchestrator_backend.h"
#include "server/webserver.h"
#include "server/web_users.h"

namespace arxivflow::cli {

namespace {

// The CLI as a caller of the server's user changes (for the audit log).
server::Caller CliCaller() { return {CliActor().user, "", "cli"}; }

struct UserArgs {
  std::string username;
  std::string password;
  std::string role = "viewer";
};

void AddWebserverCommand(CLI::App& app) {
  auto opts = std::make_shared<server::WebserverOptions>();
  auto* cmd = app.add_subcommand("webserver", "Serve the web UI and the REST API (until SIGINT/SIGTERM)");
  cmd->fallthrough();  // accepts the global --home after the subcommand too
  cmd->add_option("--host", opts->host, "Address to bind (keep 127.0.0.1 unless behind a TLS proxy)")
      ->capture_default_str();
  cmd->add_option("-p,--port", opts->port, "Port (0 = any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
  AddWebserverOptions(cmd, *opts);
  cmd->add_option("--read-cache-ms", opts->read_cache_ms,
                  "Serve polled reads from a cache while the metadata DB is unchanged, at most this old (0 = off)")
      ->capture_default_str()
      ->check(CLI::Range(0, 60000));
  cmd->add_option("--warehouse-db", opts->warehouse_db, "SQLite warehouse shown on the Data page (default: the sqlite connection `warehouse`)");
  cmd->add_option("--parquet-dir", opts->parquet_dir,
                  "Transform output whose manifest the Data page shows (default: the variable LAKE_URI)");
  cmd->add_option("--scheduler-health-threshold", opts->scheduler_health_threshold,
                  "Seconds after which a scheduler without a new heartbeat counts as unhealthy (/api/v1/health)")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 86400.0));
  cmd->callback([opts] {
    Status st = server::RunWebserver(*opts);
    if (!st.ok()) Fail(st.message());
  });
}

void AddUsersCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("users", "Manage web users (stored in the metadata DB, Argon2id hashes)");
  cmd->fallthrough();
  cmd->require_subcommand(1);

  auto args = std::make_shared<UserArgs>();
  auto* create = cmd->add_subcommand("create", "Create a user");
  create->fallthrough();
  create->add_option("-u,--username", args->username, "User name")->required();
  create->add_option("-p,--password", args->password,
                     "Password (omit to read one line from stdin, which keeps it out of the process list)");
  create->add_option("-r,--role", args->role, "admin or viewer")->capture_default_str()->check(
      CLI::IsMember({"admin", "viewer"}));
  create->callback([args] {
    std::string password = args->password;
    if (password.empty()) {
      std::getline(std::cin, password);
      if (!password.empty() && password.back() == '\r') password.pop_back();
    }
    if (password.empty()) Fail("a password is required (--password, or one line on stdin)");
    Status st = server::CreateWebUser("", args->username, password, args->role, CliCaller());
    if (!st.ok()) Fail(st.message(), st.code() == Status::Code::kAlreadyExists ? 2 : 1);
    std::printf("created user '%s' (role %s)\n", args->username.c_str(), args->role.c_str());
  });

  auto* list = cmd->add_subcommand("list", "List users");
  list->fallthrough();
  list->callback([] {
    auto backend = server::OpenOrchestratorBackend({});
    if (!backend.ok()) Fail(backend.status().message());
    auto users = (*backend)->ListUsers();
    if (!users.ok()) Fail(users.status().message());
    std::printf("%-24s %-8s %s\n", "username", "role", "created");
    for (const auto& u : *users) std::printf("%-24s %-8s %s\n", u.username.c_str(), u.role.c_str(), u.created_at.c_str());
  });

  // Each of these ends the user's sessions at once, in every server.
  auto del_name = std::make_shared<std::string>();
  auto* del = cmd->add_subcommand("delete", "Delete a user (their sessions end at once)");
  del->fallthrough();
  del->add_option("-u,--username", *del_name, "User name")->required();
  del->callback([del_name] {
    Status st = server::DeleteWebUser("", *del_name, CliCaller());
    if (!st.ok()) Fail(st.message());
    std::printf("deleted user '%s'\n", del_name->c_str());
  });

  struct ResetArgs {
    std::string username, password, password_file;
  };
  auto reset = std::make_shared<ResetArgs>();
  auto* reset_cmd = cmd->add_subcommand("reset-password", "Set a user's password (their sessions end at once)");
  reset_cmd->fallthrough();
  reset_cmd->add_option("-u,--username", reset->username, "User name")->required();
  reset_cmd->add_option("-p,--password", reset->password,
                        "New password (visible in `ps`: prefer stdin or --password-file)");
  reset_cmd->add_option("--password-file", reset->password_file, "Read the new password from this file ('-' = stdin)");
  reset_cmd->callback([reset] {
    std::string password = reset->password;
    if (password.empty()) {
      auto read = ReadSecretInput(reset->password_file.empty() ? "-" : reset->password_file, "the new password");
      if (!read.ok()) Fail(read.status().message());
      password = *read;
    }
    Status st = server::ResetWebUserPassword("", reset->username, password, CliCaller());
    if (!st.ok()) Fail(st.message());
    std::printf("changed the password of '%s'\n", reset->username.c_str());
  });

  auto role_args = std::make_shared<UserArgs>();
  auto* role = cmd->add_subcommand("set-role", "Give a user the role admin or viewer (their sessions end at once)");
  role->fallthrough();
  role->add_option("-u,--username", role_args->username, "User name")->required();
  role->add_option("-r,--role", role_args->role, "admin or viewer")->required()->check(CLI::IsMember({"admin", "viewer"}));
  role->callback([role_args] {
    Status st = server::SetWebUserRole("", role_args->username, role_args->role, CliCaller());
    if (!st.ok()) Fail(st.message());
    std::printf("user '%s' now has the role %s\n", role_args->username.c_str(), role_args->role.c_str());
  });
}

}  // namespace

void AddWebserverOptions(CLI::App* cmd, server::WebserverOptions& opts) {
  cmd->add_option("--threads", opts.threads, "Worker threads handling complete requests (slow clients hold none)")
      ->capture_default_str()
      ->check(CLI::Range(2, 1024));
  cmd->add_option("--max-connections-per-client", opts.max_connections_per_address,
                  "Open connections allowed per client address (0 = no cap; behind a proxy, raise it or use 0)")
      ->capture_default_str();
  cmd->add_option_function<double>(
         "--request-head-timeout",
         [&opts](double seconds) {
           opts.request_head_timeout = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
         },
         "Seconds a client has to send a whole request head")
      ->default_str("10")
      ->check(CLI::Range(0.1, 600.0));
  cmd->add_flag("--secure-cookies", opts.secure_cookies,
                "Mark the session and CSRF cookies Secure (when browsers reach the server over TLS, e.g. through a "
                "TLS proxy)")
      ->envname("ARXIVFLOW_SECURE_COOKIES");
  cmd->add_option("--token-lifetime", opts.token_lifetime_seconds,
                  "Seconds a bearer token from POST /auth/token stays valid")
      ->capture_default_str()
      ->envname("ARXIVFLOW_TOKEN_LIFETIME")
      ->check(CLI::Range(60, 7 * 86400));
}

void AddServerCommands(CLI::App& app) {
  AddWebserverCommand(app);
  AddUsersCommand(app);
}

}  // namespace arxivflow::cli
