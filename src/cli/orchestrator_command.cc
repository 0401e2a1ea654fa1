// The orchestrator's CLI, in Airflow's shape: db, connections, variables,
// scheduler, standalone (dags and tasks are in dags_command.cc and tasks_command.cc).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/orchestrator_cli_util.h"
#include "cli/secret_input.h"
#include "cli/webserver_options.h"
#include "common/json_limits.h"
#include "common/logging.h"
#include "orchestrator/actions.h"
#include "orchestrator/admin_changes.h"
#include "orchestrator/connection.h"
#include "orchestrator/home.h"
#include "orchestrator/scheduler.h"
#include "orchestrator/secrets.h"
#include "server/webserver.h"
#include "warehouse/connection_spec.h"

namespace arxivflow::cli {

namespace orch = arxivflow::orchestrator;

namespace {

std::atomic<bool> g_stop{false};

void OnStopSignal(int) { g_stop = true; }

void InstallStopHandlers() {
  struct sigaction sa = {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void AddDbCommand(CLI::App& app) {
  auto* db = app.add_subcommand("db", "Manage the metadata database");
  db->require_subcommand(1);
  AddHomeOption(db);
  auto init = [] {
    std::vector<std::string> report;
    OkOrFail(orch::InitHome(orch::Paths(), &report));
    for (const auto& line : report) std::printf("%s\n", line.c_str());
    std::printf("Initialization done (home %s)\n", orch::CurrentHome().c_str());
  };
  AddHomeOption(db->add_subcommand("init", "Create the metadata DB, secret key and DAG folder (idempotent)")
                    ->callback(init));
  AddHomeOption(db->add_subcommand("migrate", "Apply pending schema migrations")->callback(init));
  AddDbCleanCommand(db);
  AddHomeOption(db->add_subcommand("check", "Check that the metadata DB opens")->callback([] {
    auto store = OpenStoreOrFail();
    std::printf("metadata DB %s is at schema version %d\n", orch::Paths().db().c_str(), store->SchemaVersion());
  }));
}

void AddConnectionsCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("connections", "Manage connections (passwords encrypted at rest)");
  cmd->require_subcommand(1);
  AddHomeOption(cmd);

  struct AddArgs {
    std::string id, uri, uri_file, type, host, login, password, password_file, schema, extra, description;
    int port = 0;
  };
  auto a = std::make_shared<AddArgs>();
  auto* add = cmd->add_subcommand("add", "Add a connection");
  AddHomeOption(add);
  add->add_option("conn_id", a->id, "Connection id")->required();
  add->add_option("--conn-uri", a->uri, "URI, e.g. postgresql://user:pass@host:5432/db or sqlite:///path.db");
  add->add_option("--conn-uri-file", a->uri_file,
                  "Read the URI from this file ('-' = stdin), keeping its password out of argv and shell history");
  add->add_option("--conn-type", a->type, "Type: postgres, redshift, sqlite, ssh, aws, ...");
  add->add_option("--conn-host", a->host, "Host (for sqlite: the file path)");
  add->add_option("--conn-port", a->port, "Port");
  add->add_option("--conn-login", a->login, "Login");
  add->add_option("--conn-password", a->password,
                  "Password (visible in `ps` and shell history: prefer --conn-password-file)");
  add->add_option("--conn-password-file", a->password_file, "Read the password from this file ('-' = stdin)");
  add->add_option("--conn-schema", a->schema, "Schema (database name)");
  add->add_option("--conn-extra", a->extra, "Extra, a JSON object");
  add->add_option("--conn-description", a->description, "Description");
  add->callback([a] {
    if (!a->uri_file.empty()) {
      if (!a->uri.empty()) Fail("give --conn-uri or --conn-uri-file, not both");
      a->uri = ValueOrFail(ReadSecretInput(a->uri_file, "--conn-uri-file"));
      if (a->uri.empty()) Fail("--conn-uri-file: empty URI");
    }
    if (!a->password_file.empty()) {
      if (!a->password.empty()) Fail("give --conn-password or --conn-password-file, not both");
      a->password = ValueOrFail(ReadSecretInput(a->password_file, "--conn-password-file"));
    }
    orch::Connection c;
    if (!a->uri.empty()) {
      if (!a->type.empty() || !a->host.empty() || !a->login.empty() || !a->password.empty() || a->port) {
        Fail("give either --conn-uri or the --conn-type/--conn-host/... options, not both");
      }
      c = ValueOrFail(orch::ParseConnectionUri(a->id, a->uri));
    } else {
      if (a->type.empty()) Fail("give --conn-uri or --conn-type");
      c.conn_id = a->id;
      c.conn_type = a->type;
      c.host = a->host;
      c.port = a->port;
      c.login = a->login;
      c.password = a->password;
      c.schema = a->schema;
    }
    if (!a->extra.empty()) {
      auto extra = ParseJsonBounded(a->extra, "--conn-extra");
      if (!extra.ok()) Fail(extra.status().message());
      if (!extra->is_object()) Fail("--conn-extra must be a JSON object");
      c.extra.update(*extra);
    }
    c.description = a->description;
    auto store = OpenStoreOrFail();
    Status added = orch::CreateConnection(*store, CliActor(), c);
    if (added.code() == Status::Code::kAlreadyExists) Fail("connection '" + a->id + "' already exists (delete it first)");
    OkOrFail(added);
    std::printf("Successfully added `conn_id`=%s : %s\n", c.conn_id.c_str(), c.ToMaskedUri().c_str());
  });

  auto get_id = std::make_shared<std::string>();
  auto get_output = std::make_shared<std::string>("table");
  auto* get = cmd->add_subcommand("get", "Show a connection (password masked)");
  AddHomeOption(get);
  get->add_option("conn_id", *get_id, "Connection id")->required();
  AddOutputOption(get, *get_output);
  get->callback([get_id, get_output] {
    auto c = ValueOrFail(orch::ResolveConnection(*get_id));
    PrintListing({"conn_id", "conn_type", "description", "host", "port", "login", "password", "schema", "extra", "uri"},
                 {{c.conn_id, c.conn_type, c.description, c.host, c.port ? std::to_string(c.port) : "", c.login,
                   c.password.empty() ? "" : "***", c.schema, c.extra.empty() ? "" : "(encrypted; " +
                   std::to_string(c.extra.size()) + " key(s))", c.ToMaskedUri()}},
                 *get_output);
  });

  auto list_output = std::make_shared<std::string>("table");
  auto* list = cmd->add_subcommand("list", "List connections");
  AddHomeOption(list);
  AddOutputOption(list, *list_output);
  list->callback([list_output] {
    auto store = OpenStoreOrFail();
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : ValueOrFail(store->ListConnections())) {
      rows.push_back({c.conn_id, c.conn_type, c.host, c.port ? std::to_string(c.port) : "", c.login, c.schema,
                      c.ToMaskedUri()});
    }
    PrintListing({"conn_id", "conn_type", "host", "port", "login", "schema", "uri"}, rows, *list_output);
  });

  auto del_id = std::make_shared<std::string>();
  auto* del = cmd->add_subcommand("delete", "Delete a connection");
  AddHomeOption(del);
  del->add_option("conn_id", *del_id, "Connection id")->required();
  del->callback([del_id] {
    OkOrFail(orch::DeleteConnection(*OpenStoreOrFail(), CliActor(), *del_id));
    std::printf("Successfully deleted connection with `conn_id`=%s\n", del_id->c_str());
  });
}

void AddVariablesCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("variables", "Manage variables (values encrypted at rest)");
  cmd->require_subcommand(1);
  AddHomeOption(cmd);

  struct SetArgs {
    std::string key, description, value_file;
    std::optional<std::string> value;
  };
  auto s = std::make_shared<SetArgs>();
  auto* set = cmd->add_subcommand("set", "Set a variable");
  AddHomeOption(set);
  set->add_option("key", s->key, "Variable key")->required();
  set->add_option("value", s->value,
                  "Variable value (omit it, or use --value-file, to keep a secret out of argv: then stdin is read)");
  set->add_option("--value-file", s->value_file, "Read the value from this file ('-' = stdin)");
  set->add_option("--description", s->description, "Description");
  set->callback([s] {
    if (s->value && !s->value_file.empty()) Fail("give the value or --value-file, not both");
    std::string value = s->value ? *s->value
                                 : ValueOrFail(ReadSecretInput(s->value_file.empty() ? "-" : s->value_file,
                                                               "the value of " + s->key));
    OkOrFail(orch::SetVariable(*OpenStoreOrFail(), CliActor(), s->key, value, s->description));
    std::printf("Variable %s created\n", s->key.c_str());
  });

  struct GetArgs {
    std::string key;
    std::optional<std::string> fallback;
  };
  auto g = std::make_shared<GetArgs>();
  auto* get = cmd->add_subcommand("get", "Print a variable's value");
  AddHomeOption(get);
  get->add_option("key", g->key, "Variable key")->required();
  get->add_option("-d,--default", g->fallback, "Printed when the variable is not set");
  get->callback([g] {
    if (const char* env = std::getenv(orch::VariableEnvName(g->key).c_str())) {
      std::printf("%s\n", env);
      return;
    }
    auto value = ValueOrFail(OpenStoreOrFail()->GetVariable(g->key));
    if (!value && !g->fallback) Fail("variable '" + g->key + "' does not exist");
    std::printf("%s\n", value ? value->c_str() : g->fallback->c_str());
  });

  auto list_output = std::make_shared<std::string>("table");
  auto* list = cmd->add_subcommand("list", "List variable keys");
  AddHomeOption(list);
  AddOutputOption(list, *list_output);
  list->callback([list_output] {
    std::vector<std::vector<std::string>> rows;
    for (const auto& v : ValueOrFail(OpenStoreOrFail()->ListVariables())) rows.push_back({v.key});
    PrintListing({"key"}, rows, *list_output);
  });

  auto del_key = std::make_shared<std::string>();
  auto* del = cmd->add_subcommand("delete", "Delete a variable");
  AddHomeOption(del);
  del->add_option("key", *del_key, "Variable key")->required();
  del->callback([del_key] {
    OkOrFail(orch::DeleteVariable(*OpenStoreOrFail(), CliActor(), *del_key));
    std::printf("Variable %s deleted\n", del_key->c_str());
  });
}

struct SchedulerArgs {
  int parallelism = 0;
  double zombie_threshold = 30;
  double kill_grace = 5;
  double heartbeat_interval = 5;
};

void AddSchedulerOptions(CLI::App* cmd, SchedulerArgs& a) {
  cmd->add_option("-p,--parallelism", a.parallelism, "Task processes at once (default: 2 x CPU cores)");
  cmd->add_option("--zombie-threshold", a.zombie_threshold,
                  "Seconds without heartbeat after which a running task counts as dead")->capture_default_str();
  cmd->add_option("--kill-grace", a.kill_grace, "Seconds between SIGTERM and SIGKILL")->capture_default_str();
  cmd->add_option("--heartbeat-interval", a.heartbeat_interval,
                  "Seconds between the scheduler's heartbeats in the metadata DB (/api/v1/health)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 3600.0));
}

orch::SchedulerOptions ToSchedulerOptions(const SchedulerArgs& a) {
  orch::SchedulerOptions o;
  o.parallelism = a.parallelism;
  o.executor.zombie_threshold = a.zombie_threshold;
  o.executor.kill_grace = a.kill_grace;
  o.heartbeat_interval = a.heartbeat_interval;
  o.stop = &g_stop;
  return o;
}

void RunScheduler(const SchedulerArgs& a) {
  InstallStopHandlers();
  orch::Scheduler scheduler(orch::Paths(), ToSchedulerOptions(a));
  OkOrFail(scheduler.Start());
  OkOrFail(scheduler.Loop());
  spdlog::info("scheduler stopped (running task processes keep going; the next scheduler adopts them)");
}

void AddSchedulerCommand(CLI::App& app) {
  auto a = std::make_shared<SchedulerArgs>();
  auto* cmd = app.add_subcommand("scheduler", "Run the scheduler and its local executor (until SIGINT/SIGTERM)");
  AddHomeOption(cmd);
  AddSchedulerOptions(cmd, *a);
  cmd->callback([a] { RunScheduler(*a); });
}

struct StandaloneArgs {
  SchedulerArgs scheduler;
  server::WebserverOptions web;
};

// Airflow's `standalone`: home, admin user, scheduler and webserver in one
// process, for a laptop. The webserver runs on its own thread; SIGINT/SIGTERM
// stop both.
void AddStandaloneCommand(CLI::App& app) {
  auto a = std::make_shared<StandaloneArgs>();
  auto* cmd = app.add_subcommand("standalone",
                                 "Initialise the home if needed, create the admin user, run the scheduler and webserver");
  AddHomeOption(cmd);
  AddSchedulerOptions(cmd, a->scheduler);
  cmd->add_option("--host", a->web.host, "Webserver address")->capture_default_str();
  cmd->add_option("--port", a->web.port, "Webserver port (0 picks a free one)")->capture_default_str();
  AddWebserverOptions(cmd, a->web);
  cmd->callback([a] {
    auto home = orch::Paths();
    std::vector<std::string> report;
    OkOrFail(orch::InitHome(home, &report));
    for (const auto& line : report) std::printf("standalone | %s\n", line.c_str());
    std::string password = ValueOrFail(server::EnsureStandaloneAdmin(home.root));
    std::string password_file = home.root + "/standalone_admin_password.txt";
    if (!password.empty()) {
      std::printf("standalone | created user 'admin'; password: %s (also in %s)\n", password.c_str(),
                  password_file.c_str());
    } else {
      std::printf("standalone | user 'admin' exists; its first password is in %s\n", password_file.c_str());
    }
    std::fflush(stdout);

    // The scheduler takes the home's lock before anything else starts: a
    // second standalone on the same home stops here with a clear error.
    InstallStopHandlers();
    orch::Scheduler scheduler(home, ToSchedulerOptions(a->scheduler));
    OkOrFail(scheduler.Start());
    server::WebserverOptions web = a->web;
    web.home = home.root;
    web.stop = &g_stop;
    web.on_ready = [host = a->web.host](int port) {
      std::printf("standalone | webserver at http://%s:%d (login: admin)\n", host.c_str(), port);
      std::fflush(stdout);
    };
    Status web_status;
    std::thread web_thread([&] {
      web_status = server::RunWebserver(web);
      if (!web_status.ok()) g_stop = true;  // no UI: stop the scheduler too
    });
    Status loop_status = scheduler.Loop();
    g_stop = true;
    web_thread.join();  // before any error unwinds past the thread
    OkOrFail(loop_status);
    OkOrFail(web_status);
    spdlog::info("scheduler stopped (running task processes keep going; the next scheduler adopts them)");
  });
}

}  // namespace

void AddHomeOption(CLI::App* cmd) {
  cmd->fallthrough();
}

void AddOrchestratorCommands(CLI::App& app) {
  static std::string home;
  app.add_option("--home", home, "arxivflow home folder (default: $ARXIVFLOW_HOME or ~/arxivflow)")
      ->each([](const std::string& h) { orch::SetHomeOverride(h); });
  // `warehouse --conn ID` resolves stored connections (and ARXIVFLOW_CONN_<ID>) here.
  warehouse::SetConnectionResolver([](std::string_view id) -> Result<std::string> {
    return orch::ResolveConnectionUri(std::string(id));
  });
  AddDbCommand(app);
  AddDagsCommand(app);
  AddTasksCommand(app);
  AddEventsCommand(app);
  AddConnectionsCommand(app);
  AddVariablesCommand(app);
  AddSchedulerCommand(app);
  AddStandaloneCommand(app);
}

}  // namespace arxivflow::cli
