// `arxivflow tasks ...`, in Airflow's CLI shape: thin adapters over the
// metadata store (listings), run control (clear, set-state, failed-deps) and
// the task runner (run, test, the launcher).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>

#include "cli/orchestrator_cli_util.h"
#include "orchestrator/task_launcher.h"
#include "orchestrator/task_runner.h"
#include "orchestrator/time_util.h"

namespace arxivflow::cli {

namespace orch = arxivflow::orchestrator;

namespace {

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

void AddTasksList(CLI::App* tasks) {
  struct Args {
    std::string dag_id, output = "plain";
  };
  auto a = std::make_shared<Args>();
  auto* cmd = tasks->add_subcommand("list", "List a DAG's tasks (topological order)");
  AddHomeOption(cmd);
  cmd->add_option("dag_id", a->dag_id, "DAG id")->required();
  cmd->add_option("-o,--output", a->output, "plain (task ids), table or json")
      ->check(CLI::IsMember({"table", "json", "plain"}));
  cmd->callback([a] {
    auto c = OpenRunControlOrFail();
    const auto dag = DagOrFail(c, a->dag_id);
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : dag.tasks) {
      std::string ups;
      for (const auto& u : t.upstream) ups += (ups.empty() ? "" : ",") + u;
      if (a->output == "plain") rows.push_back({t.task_id});
      else rows.push_back({t.task_id, t.operator_name, ups, orch::TriggerRuleName(t.trigger_rule),
                           std::to_string(t.policy.retries)});
    }
    PrintListing({"task_id", "operator", "upstream", "trigger_rule", "retries"}, rows, a->output);
  });
}

void AddTasksRun(CLI::App* tasks) {
  auto a = std::make_shared<orch::TaskRunRequest>();
  auto* cmd = tasks->add_subcommand("run", "Run one task instance of a DAG run (what the scheduler starts)");
  AddHomeOption(cmd);
  cmd->add_option("dag_id", a->dag_id, "DAG id")->required();
  cmd->add_option("task_id", a->task_id, "Task id")->required();
  cmd->add_option("run_id", a->run_id, "Run id")->required();
  cmd->add_option("--job-token", a->job_token, "Executor token (set by the scheduler)")->group("");
  cmd->add_option("--dag-file", a->dag_file, "The DAG's file, as the scheduler knows it")->group("");
  cmd->callback([a] {
    int code = orch::RunTaskInstance(*a);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

// Internal: the scheduler's fork server (orchestrator/task_launcher.h).
void AddTasksLauncher(CLI::App* tasks) {
  auto fd = std::make_shared<int>(3);
  auto* cmd = tasks->add_subcommand("launcher", "Internal: the scheduler's task launcher (a fork server)");
  cmd->group("");  // hidden: only the scheduler starts it, with its socket on --fd
  cmd->add_option("--fd", *fd, "The socket to the scheduler")->capture_default_str();
  cmd->callback([fd] {
    int code = orch::RunTaskLauncher(*fd);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

void AddTasksTest(CLI::App* tasks) {
  auto a = std::make_shared<orch::TaskRunRequest>();
  auto* cmd = tasks->add_subcommand("test", "Run one task now, printing its log, without recording any state");
  AddHomeOption(cmd);
  cmd->add_option("dag_id", a->dag_id, "DAG id")->required();
  cmd->add_option("task_id", a->task_id, "Task id")->required();
  cmd->add_option("logical_date", a->logical_date, "Logical date (default now)");
  cmd->add_option("-c,--conf", a->conf_json, "JSON object; overrides the DAG's params");
  cmd->callback([a] {
    a->test = true;
    a->run_id = "test__" + orch::FormatIso(orch::NowEpoch(), false);
    {
      auto c = OpenRunControlOrFail();
      DagOrFail(c, a->dag_id);
    }
    int code = orch::RunTaskInstance(*a);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

struct TiArgs {
  std::string dag_id, task_id, run_id;
  orch::TiKey key() const { return {dag_id, run_id, task_id}; }
};

void AddTiPositionals(CLI::App* cmd, TiArgs& a) {
  cmd->add_option("dag_id", a.dag_id, "DAG id")->required();
  cmd->add_option("task_id", a.task_id, "Task id")->required();
  cmd->add_option("run_id", a.run_id, "Run id")->required();
}

orch::TaskInstance GetTiOrFail(orch::MetadataStore& store, const TiArgs& a) {
  auto ti = ValueOrFail(store.GetTaskInstance(a.key()));
  if (!ti) Fail("task instance '" + a.task_id + "' of run '" + a.run_id + "' of DAG '" + a.dag_id + "' not found");
  return *ti;
}

void AddTasksState(CLI::App* tasks) {
  auto a = std::make_shared<TiArgs>();
  auto* cmd = tasks->add_subcommand("state", "Print a task instance's state");
  AddHomeOption(cmd);
  AddTiPositionals(cmd, *a);
  cmd->callback([a] {
    auto store = OpenStoreOrFail();
    std::printf("%s\n", orch::StateName(GetTiOrFail(*store, *a).state));
  });
}

// A listing over one DAG run: `<name> DAG_ID RUN_ID [--output json|table]`;
// `rows` reads the store and returns the header and the rows to print.
using RunListing = std::function<std::pair<std::vector<std::string>, std::vector<std::vector<std::string>>>(
    orch::MetadataStore& store, const std::string& dag_id, const std::string& run_id)>;

void AddRunListingCommand(CLI::App* parent, const char* name, const char* help, RunListing rows) {
  struct Args {
    std::string dag_id, run_id, output = "table";
  };
  auto a = std::make_shared<Args>();
  auto* cmd = parent->add_subcommand(name, help);
  AddHomeOption(cmd);
  cmd->add_option("dag_id", a->dag_id, "DAG id")->required();
  cmd->add_option("run_id", a->run_id, "Run id")->required();
  AddOutputOption(cmd, a->output);
  cmd->callback([a, rows] {
    auto store = OpenStoreOrFail();
    auto [header, listing] = rows(*store, a->dag_id, a->run_id);
    PrintListing(header, listing, a->output);
  });
}

void AddTasksStatesForRun(CLI::App* tasks) {
  AddRunListingCommand(tasks, "states-for-dag-run", "List the task instances of a DAG run",
                       [](orch::MetadataStore& store, const std::string& dag_id, const std::string& run_id) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& ti : ValueOrFail(store.ListTaskInstances(dag_id, run_id))) {
      rows.push_back({ti.key.dag_id, ti.key.run_id, ti.key.task_id, orch::StateName(ti.state),
                      std::to_string(ti.try_number), std::to_string(ti.max_tries), OrEmpty(ti.start_date),
                      OrEmpty(ti.end_date), ti.duration ? Fmt(*ti.duration) : "", ti.pid ? std::to_string(ti.pid) : "",
                      ti.hostname, ti.note});
    }
    return std::make_pair(std::vector<std::string>{"dag_id", "run_id", "task_id", "state", "try_number", "max_tries",
                                                   "start_date", "end_date", "duration", "pid", "hostname", "note"},
                          std::move(rows));
  });
}

void AddTasksTries(CLI::App* tasks) {
  AddRunListingCommand(tasks, "list-tries", "List every try of every task of a DAG run",
                       [](orch::MetadataStore& store, const std::string& dag_id, const std::string& run_id) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : ValueOrFail(store.ListTries(dag_id, run_id))) {
      rows.push_back({t.key.task_id, std::to_string(t.try_number), orch::StateName(t.state), t.start_date,
                      OrEmpty(t.end_date), std::to_string(t.pid), t.hostname});
    }
    return std::make_pair(
        std::vector<std::string>{"task_id", "try_number", "state", "start_date", "end_date", "pid", "hostname"},
        std::move(rows));
  });
}

void AddTasksLogs(CLI::App* tasks) {
  auto a = std::make_shared<TiArgs>();
  auto try_number = std::make_shared<int>(0);
  auto* cmd = tasks->add_subcommand("logs", "Print a task instance's log (latest try by default)");
  AddHomeOption(cmd);
  AddTiPositionals(cmd, *a);
  cmd->add_option("-t,--try", *try_number, "Try number");
  cmd->callback([a, try_number] {
    auto store = OpenStoreOrFail();
    auto ti = GetTiOrFail(*store, *a);
    int n = *try_number > 0 ? *try_number : ti.try_number;
    if (n == 0) Fail(std::string("task instance has not run yet (state ") + orch::StateName(ti.state) + ")");
    std::string path = orch::Paths().TaskLog(a->dag_id, a->run_id, a->task_id, n);
    std::ifstream in(path, std::ios::binary);
    if (!in) Fail(path + ": no log for try " + std::to_string(n));
    std::cout << in.rdbuf();
  });
}

bool Confirm(size_t count) {
  if (!isatty(0)) Fail("pass -y to clear without confirmation");
  std::printf("You are about to clear these %zu task instances. Are you sure? [y/n] ", count);
  std::fflush(stdout);
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

void AddTasksClear(CLI::App* tasks) {
  struct Args {
    std::string dag_id, run_id;
    orch::ClearRequest req;
    bool yes = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = tasks->add_subcommand("clear", "Clear task instances so they run again (kills running ones)");
  AddHomeOption(cmd);
  cmd->add_option("dag_id", a->dag_id, "DAG id")->required();
  cmd->add_option("-t,--task-regex", a->req.task_regex, "Only tasks whose id matches this regex");
  cmd->add_option("-r,--run-id", a->run_id, "Only this DAG run (default: every run)");
  cmd->add_flag("-d,--downstream", a->req.include_downstream, "Also clear the downstream tasks");
  cmd->add_flag("-u,--upstream", a->req.include_upstream, "Also clear the upstream tasks");
  cmd->add_flag("-f,--only-failed", a->req.only_failed, "Only failed and upstream_failed task instances");
  cmd->add_flag("-y,--yes", a->yes, "Do not ask for confirmation");
  cmd->callback([a] {
    auto c = OpenRunControlOrFail();
    orch::ClearRequest req = a->req;
    if (!a->run_id.empty()) req.run_ids = {a->run_id};
    req.dry_run = true;
    auto plan = ValueOrFail(c.control->Clear(CliActor(), a->dag_id, req));
    for (const auto& ti : plan) {
      std::printf("<TaskInstance: %s.%s %s [%s]>\n", ti.key.dag_id.c_str(), ti.key.task_id.c_str(),
                  ti.key.run_id.c_str(), orch::StateName(ti.state));
    }
    if (plan.empty()) {
      std::printf("No task instances to clear\n");
      return;
    }
    if (!a->yes && !Confirm(plan.size())) {
      std::printf("Cancelled, nothing was cleared\n");
      return;
    }
    req.dry_run = false;
    auto cleared = ValueOrFail(c.control->Clear(CliActor(), a->dag_id, req));
    std::printf("Cleared %zu task instance(s)\n", cleared.size());
  });
}

void AddTasksSetState(CLI::App* tasks) {
  auto a = std::make_shared<TiArgs>();
  auto state = std::make_shared<std::string>();
  auto* cmd = tasks->add_subcommand("set-state",
                                    "Mark a task instance success, failed or skipped (a running task is stopped)");
  AddHomeOption(cmd);
  AddTiPositionals(cmd, *a);
  cmd->add_option("state", *state, "success, failed or skipped")
      ->required()
      ->check(CLI::IsMember({"success", "failed", "skipped"}));
  cmd->callback([a, state] {
    auto c = OpenRunControlOrFail();
    auto changes = ValueOrFail(c.control->MarkTaskInstance(CliActor(), a->key(), *orch::ParseTiState(*state), false));
    std::printf("%s.%s %s: %s -> %s\n", a->dag_id.c_str(), a->task_id.c_str(), a->run_id.c_str(),
                changes.front().before.c_str(), changes.front().after.c_str());
  });
}

void AddTasksFailedDeps(CLI::App* tasks) {
  auto a = std::make_shared<TiArgs>();
  auto* cmd = tasks->add_subcommand("failed-deps", "Explain why a task instance is not running");
  AddHomeOption(cmd);
  AddTiPositionals(cmd, *a);
  cmd->callback([a] {
    auto c = OpenRunControlOrFail();
    auto reasons = ValueOrFail(c.control->FailedDeps(a->key()));
    if (reasons.empty()) {
      std::printf("Task instance dependencies are all met.\n");
      return;
    }
    std::printf("Dependencies not met for %s.%s %s:\n", a->dag_id.c_str(), a->task_id.c_str(), a->run_id.c_str());
    for (const auto& r : reasons) std::printf("  - %s\n", r.c_str());
  });
}

}  // namespace

void AddTasksCommand(CLI::App& app) {
  auto* tasks = app.add_subcommand("tasks", "Manage tasks and task instances");
  tasks->require_subcommand(1);
  AddHomeOption(tasks);
  AddTasksList(tasks);
  AddTasksRun(tasks);
  AddTasksLauncher(tasks);
  AddTasksTest(tasks);
  AddTasksState(tasks);
  AddTasksStatesForRun(tasks);
  AddTasksTries(tasks);
  AddTasksLogs(tasks);
  AddTasksClear(tasks);
  AddTasksSetState(tasks);
  AddTasksFailedDeps(tasks);
}

}  // namespace arxivflow::cli
