// `arxivflow dags ...` and `arxivflow tasks ...`, in Airflow's CLI shape.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "cli/orchestrator_cli_util.h"
#include "common/logging.h"
#include "orchestrator/actions.h"
#include "orchestrator/dag_bag.h"
#include "orchestrator/home.h"
#include "orchestrator/scheduler.h"
#include "orchestrator/task_launcher.h"
#include "orchestrator/task_runner.h"
#include "orchestrator/time_util.h"

namespace arxivflow::cli {

namespace orch = arxivflow::orchestrator;

namespace {

std::atomic<bool> g_test_stop{false};
void OnTestStop(int) { g_test_stop = true; }

// Opens the store and refreshes the DAG folder into it (as Airflow's CLI
// parses the DAG folder), so commands work without a running scheduler.
struct Loaded {
  std::unique_ptr<orch::MetadataStore> store;
  std::unique_ptr<orch::DagBag> bag;
};

Loaded LoadOrFail() {
  Loaded l;
  l.store = OpenStoreOrFail();
  l.bag = std::make_unique<orch::DagBag>(orch::Paths().dags());
  OkOrFail(orch::RefreshDags(*l.store, *l.bag));
  return l;
}

const orch::DagSpec& FindDagOrFail(const Loaded& l, const std::string& dag_id) {
  const orch::DagSpec* dag = l.bag->Find(dag_id);
  if (!dag) {
    for (const auto& [file, err] : l.bag->import_errors()) {
      (void)file;
      if (err.find("'" + dag_id + "'") != std::string::npos) Fail("DAG '" + dag_id + "' does not import: " + err);
    }
    Fail("DAG '" + dag_id + "' not found in " + l.bag->folder() + " (see `arxivflow dags list-import-errors`)");
  }
  return *dag;
}

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

void AddDagsList(CLI::App* dags) {
  auto output = std::make_shared<std::string>("table");
  auto* cmd = dags->add_subcommand("list", "List the DAGs");
  AddHomeOption(cmd);
  AddOutputOption(cmd, *output);
  cmd->callback([output] {
    auto l = LoadOrFail();
    std::vector<std::vector<std::string>> rows;
    for (const auto& d : ValueOrFail(l.store->ListDags(false))) {
      rows.push_back({d.dag_id, d.fileloc, d.is_paused ? "True" : "False", d.schedule, d.description});
    }
    PrintListing({"dag_id", "fileloc", "is_paused", "schedule", "description"}, rows, *output);
    if (!l.bag->import_errors().empty() && *output == "table") {
      std::fprintf(stderr, "warning: %zu DAG file(s) failed to import; see `arxivflow dags list-import-errors`\n",
                   l.bag->import_errors().size());
    }
  });
}

void AddDagsImportErrors(CLI::App* dags) {
  auto output = std::make_shared<std::string>("table");
  auto* cmd = dags->add_subcommand("list-import-errors", "List the DAG files that failed to import");
  AddHomeOption(cmd);
  AddOutputOption(cmd, *output);
  cmd->callback([output] {
    auto l = LoadOrFail();
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : ValueOrFail(l.store->ListImportErrors())) rows.push_back({e.filename, e.timestamp, e.message});
    if (rows.empty() && *output != "json") {
      std::printf("No data found\n");
      return;
    }
    PrintListing({"filepath", "timestamp", "error"}, rows, *output);
  });
}

void AddDagsShow(CLI::App* dags) {
  auto dag_id = std::make_shared<std::string>();
  auto* cmd = dags->add_subcommand("show", "Print a DAG's tasks and dependencies as a Graphviz DOT graph");
  AddHomeOption(cmd);
  cmd->add_option("dag_id", *dag_id, "DAG id")->required();
  cmd->callback([dag_id] {
    auto l = LoadOrFail();
    const auto& dag = FindDagOrFail(l, *dag_id);
    std::printf("digraph \"%s\" {\n  rankdir=LR;\n", dag.dag_id.c_str());
    for (const auto& t : dag.tasks) {
      std::printf("  \"%s\" [label=\"%s\\n(%s)\"];\n", t.task_id.c_str(), t.task_id.c_str(), t.operator_name.c_str());
    }
    for (const auto& t : dag.tasks) {
      for (const auto& d : t.downstream) std::printf("  \"%s\" -> \"%s\";\n", t.task_id.c_str(), d.c_str());
    }
    std::printf("}\n");
  });
}

void AddDagsTrigger(CLI::App* dags) {
  struct Args {
    orch::TriggerRequest req;
    std::string output = "plain";
  };
  auto a = std::make_shared<Args>();
  auto* cmd = dags->add_subcommand("trigger", "Create a DAG run (the scheduler runs it); prints the run id");
  AddHomeOption(cmd);
  cmd->add_option("dag_id", a->req.dag_id, "DAG id")->required();
  cmd->add_option("-c,--conf", a->req.conf_json, "JSON object; overrides the DAG's params");
  cmd->add_option("-r,--run-id", a->req.run_id, "Run id (default manual__<logical date>)");
  cmd->add_option("-e,--exec-date,--logical-date", a->req.logical_date, "Logical date (default now)");
  cmd->add_option("-o,--output", a->output, "plain (the run id), table or json")
      ->check(CLI::IsMember({"table", "json", "plain"}));
  cmd->callback([a] {
    auto l = LoadOrFail();
    auto run = ValueOrFail(orch::TriggerDagRun(*l.store, *l.bag, a->req));
    auto row = ValueOrFail(l.store->ListDags(false));
    bool paused = false;
    for (const auto& d : row) if (d.dag_id == run.dag_id) paused = d.is_paused;
    if (a->output == "plain") {
      std::printf("%s\n", run.run_id.c_str());
    } else {
      PrintListing({"dag_id", "run_id", "state", "run_type", "logical_date", "conf"},
                   {{run.dag_id, run.run_id, run.state, run.run_type, run.logical_date, run.conf}}, a->output);
    }
    if (paused) std::fprintf(stderr, "warning: DAG '%s' is paused; the run starts when it is unpaused\n", run.dag_id.c_str());
  });
}

void AddDagsPause(CLI::App* dags, const char* name, bool pause) {
  auto dag_id = std::make_shared<std::string>();
  auto* cmd = dags->add_subcommand(name, pause ? "Pause a DAG (no new task starts)" : "Resume a paused DAG");
  AddHomeOption(cmd);
  cmd->add_option("dag_id", *dag_id, "DAG id")->required();
  cmd->callback([dag_id, pause] {
    auto l = LoadOrFail();
    OkOrFail(l.store->SetPaused(*dag_id, pause));
    std::printf("Dag: %s, paused: %s\n", dag_id->c_str(), pause ? "True" : "False");
  });
}

void AddDagsState(CLI::App* dags) {
  auto a = std::make_shared<std::pair<std::string, std::string>>();
  auto* cmd = dags->add_subcommand("state", "Print a DAG run's state");
  AddHomeOption(cmd);
  cmd->add_option("dag_id", a->first, "DAG id")->required();
  cmd->add_option("run_id", a->second, "Run id")->required();
  cmd->callback([a] {
    auto store = OpenStoreOrFail();
    auto run = ValueOrFail(store->GetDagRun(a->first, a->second));
    if (!run) Fail("DAG run '" + a->second + "' of DAG '" + a->first + "' not found");
    std::printf("%s\n", run->state.c_str());
  });
}

void AddDagsListRuns(CLI::App* dags) {
  struct Args {
    std::string dag_id, dag_opt, state, output = "table";
  };
  auto a = std::make_shared<Args>();
  auto* cmd = dags->add_subcommand("list-runs", "List DAG runs, newest first");
  AddHomeOption(cmd);
  cmd->add_option("dag_id", a->dag_id, "DAG id (or -d)");
  cmd->add_option("-d,--dag-id", a->dag_opt, "DAG id");
  cmd->add_option("--state", a->state, "Only runs in this state");
  AddOutputOption(cmd, a->output);
  cmd->callback([a] {
    auto store = OpenStoreOrFail();
    std::string dag = a->dag_id.empty() ? a->dag_opt : a->dag_id;
    std::vector<std::string> states;
    if (!a->state.empty()) states.push_back(a->state);
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : ValueOrFail(store->ListDagRuns(dag, states))) {
      rows.push_back({r.dag_id, r.run_id, r.state, r.run_type, r.logical_date, OrEmpty(r.start_date), OrEmpty(r.end_date)});
    }
    PrintListing({"dag_id", "run_id", "state", "run_type", "logical_date", "start_date", "end_date"}, rows, a->output);
  });
}

void AddDagsTest(CLI::App* dags) {
  struct Args {
    std::string dag_id, logical_date, conf;
    int parallelism = 0;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = dags->add_subcommand("test", "Run one DAG run now, without the scheduler, printing progress");
  AddHomeOption(cmd);
  cmd->add_option("dag_id", a->dag_id, "DAG id")->required();
  cmd->add_option("logical_date", a->logical_date, "Logical date (default now)");
  cmd->add_option("-c,--conf", a->conf, "JSON object; overrides the DAG's params");
  cmd->add_option("-p,--parallelism", a->parallelism, "Task processes at once (default: 2 x CPU cores)");
  cmd->callback([a] {
    auto l = LoadOrFail();
    FindDagOrFail(l, a->dag_id);
    orch::TriggerRequest req;
    req.dag_id = a->dag_id;
    req.logical_date = a->logical_date;
    req.conf_json = a->conf;
    req.run_type = "test";
    auto run = ValueOrFail(orch::TriggerDagRun(*l.store, *l.bag, req));
    std::printf("[%s] DAG run %s of %s created\n", orch::FormatIso(orch::NowEpoch()).c_str(), run.run_id.c_str(),
                run.dag_id.c_str());
    std::fflush(stdout);
    struct sigaction sa = {};
    sa.sa_handler = OnTestStop;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    orch::SchedulerOptions o;
    o.parallelism = a->parallelism;
    o.only_dag_id = run.dag_id;
    o.only_run_id = run.run_id;
    o.stop = &g_test_stop;
    o.progress = [](const std::string& line) {
      std::printf("[%s] %s\n", orch::FormatIso(orch::NowEpoch()).c_str(), line.c_str());
      std::fflush(stdout);
    };
    orch::Scheduler scheduler(orch::Paths(), o);
    OkOrFail(scheduler.Start());
    OkOrFail(scheduler.Loop());
    auto tis = ValueOrFail(l.store->ListTaskInstances(run.dag_id, run.run_id));
    for (const auto& ti : tis) {
      if (ti.state == "failed" || ti.state == "up_for_retry") {
        std::string path = orch::Paths().TaskLog(ti.key.dag_id, ti.key.run_id, ti.key.task_id, ti.try_number);
        std::printf("---- log of %s (try %d): %s\n", ti.key.task_id.c_str(), ti.try_number, path.c_str());
        std::ifstream in(path);
        std::string line;
        std::vector<std::string> tail;
        while (std::getline(in, line)) {
          tail.push_back(line);
          if (tail.size() > 30) tail.erase(tail.begin());
        }
        for (const auto& t : tail) std::printf("  %s\n", t.c_str());
      }
    }
    auto final_run = ValueOrFail(l.store->GetDagRun(run.dag_id, run.run_id));
    std::string state = final_run ? final_run->state : "?";
    std::printf("DAG run %s: %s\n", run.run_id.c_str(), state.c_str());
    if (state != "success") throw CLI::RuntimeError(1);
  });
}

// ------------------------------------------------------------------ tasks

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
    auto l = LoadOrFail();
    const auto& dag = FindDagOrFail(l, a->dag_id);
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
      auto l = LoadOrFail();
      FindDagOrFail(l, a->dag_id);
    }
    int code = orch::RunTaskInstance(*a);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

struct TiArgs {
  std::string dag_id, task_id, run_id;
};

void AddTiPositionals(CLI::App* cmd, TiArgs& a) {
  cmd->add_option("dag_id", a.dag_id, "DAG id")->required();
  cmd->add_option("task_id", a.task_id, "Task id")->required();
  cmd->add_option("run_id", a.run_id, "Run id")->required();
}

orch::TaskInstance GetTiOrFail(orch::MetadataStore& store, const TiArgs& a) {
  auto ti = ValueOrFail(store.GetTaskInstance({a.dag_id, a.run_id, a.task_id}));
  if (!ti) Fail("task instance " + a.dag_id + "." + a.task_id + " of run '" + a.run_id + "' not found");
  return *ti;
}

void AddTasksState(CLI::App* tasks) {
  auto a = std::make_shared<TiArgs>();
  auto* cmd = tasks->add_subcommand("state", "Print a task instance's state");
  AddHomeOption(cmd);
  AddTiPositionals(cmd, *a);
  cmd->callback([a] {
    auto store = OpenStoreOrFail();
    std::printf("%s\n", GetTiOrFail(*store, *a).state.c_str());
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
      rows.push_back({ti.key.dag_id, ti.key.run_id, ti.key.task_id, ti.state, std::to_string(ti.try_number),
                      std::to_string(ti.max_tries), OrEmpty(ti.start_date), OrEmpty(ti.end_date),
                      ti.duration ? Fmt(*ti.duration) : "", ti.pid ? std::to_string(ti.pid) : "", ti.hostname,
                      ti.note});
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
      rows.push_back({t.key.task_id, std::to_string(t.try_number), t.state, t.start_date, OrEmpty(t.end_date),
                      std::to_string(t.pid), t.hostname});
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
    if (n == 0) Fail("task instance has not run yet (state " + ti.state + ")");
    std::string path = orch::Paths().TaskLog(a->dag_id, a->run_id, a->task_id, n);
    std::ifstream in(path, std::ios::binary);
    if (!in) Fail(path + ": no log for try " + std::to_string(n));
    std::cout << in.rdbuf();
  });
}

void AddTasksClear(CLI::App* tasks) {
  struct Args {
    std::string dag_id, task_regex, run_id;
    bool downstream = false, upstream = false, yes = false, only_failed = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = tasks->add_subcommand("clear", "Clear task instances so they run again (kills running ones)");
  AddHomeOption(cmd);
  cmd->add_option("dag_id", a->dag_id, "DAG id")->required();
  cmd->add_option("-t,--task-regex", a->task_regex, "Only tasks whose id matches this regex");
  cmd->add_option("-r,--run-id", a->run_id, "Only this DAG run (default: every run)");
  cmd->add_flag("-d,--downstream", a->downstream, "Also clear the downstream tasks");
  cmd->add_flag("-u,--upstream", a->upstream, "Also clear the upstream tasks");
  cmd->add_flag("-f,--only-failed", a->only_failed, "Only failed and upstream_failed task instances");
  cmd->add_flag("-y,--yes", a->yes, "Do not ask for confirmation");
  cmd->callback([a] {
    auto l = LoadOrFail();
    const auto& dag = FindDagOrFail(l, a->dag_id);
    std::set<std::string> ids;
    std::regex re;
    try {
      re = std::regex(a->task_regex.empty() ? ".*" : a->task_regex);
    } catch (const std::regex_error&) {
      Fail("--task-regex '" + a->task_regex + "' is not a valid regular expression");
    }
    for (const auto& t : dag.tasks) if (std::regex_search(t.task_id, re)) ids.insert(t.task_id);
    auto expand = [&](bool down) {
      bool grew = true;
      while (grew) {
        grew = false;
        for (const auto& t : dag.tasks) {
          if (!ids.count(t.task_id)) continue;
          for (const auto& n : down ? t.downstream : t.upstream) grew |= ids.insert(n).second;
        }
      }
    };
    if (a->downstream) expand(true);
    if (a->upstream) expand(false);
    std::vector<orch::DagRun> runs;
    if (a->run_id.empty()) {
      runs = ValueOrFail(l.store->ListDagRuns(a->dag_id, {}));
    } else {
      auto run = ValueOrFail(l.store->GetDagRun(a->dag_id, a->run_id));
      if (!run) Fail("DAG run '" + a->run_id + "' of DAG '" + a->dag_id + "' not found");
      runs.push_back(*run);
    }
    std::vector<std::pair<std::string, std::vector<std::string>>> plan;
    size_t total = 0;
    for (const auto& run : runs) {
      std::vector<std::string> chosen;
      for (const auto& ti : ValueOrFail(l.store->ListTaskInstances(run.dag_id, run.run_id))) {
        if (!ids.count(ti.key.task_id)) continue;
        if (a->only_failed && ti.state != "failed" && ti.state != "upstream_failed") continue;
        if (ti.state == "none") continue;
        chosen.push_back(ti.key.task_id);
        std::printf("<TaskInstance: %s.%s %s [%s]>\n", run.dag_id.c_str(), ti.key.task_id.c_str(), run.run_id.c_str(),
                    ti.state.c_str());
      }
      total += chosen.size();
      if (!chosen.empty()) plan.emplace_back(run.run_id, chosen);
    }
    if (total == 0) {
      std::printf("No task instances to clear\n");
      return;
    }
    if (!a->yes) {
      if (!isatty(0)) Fail("pass -y to clear without confirmation");
      std::printf("You are about to clear these %zu task instances. Are you sure? [y/n] ", total);
      std::fflush(stdout);
      std::string answer;
      std::getline(std::cin, answer);
      if (answer != "y" && answer != "Y" && answer != "yes") {
        std::printf("Cancelled, nothing was cleared\n");
        return;
      }
    }
    for (const auto& [run_id, chosen] : plan) OkOrFail(l.store->ClearTaskInstances(dag, run_id, chosen));
    std::printf("Cleared %zu task instance(s)\n", total);
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
    auto store = OpenStoreOrFail();
    auto ti = GetTiOrFail(*store, *a);
    OkOrFail(store->SetTaskInstanceState({a->dag_id, a->run_id, a->task_id}, *state, orch::NowEpoch()));
    std::printf("%s.%s %s: %s -> %s\n", a->dag_id.c_str(), a->task_id.c_str(), a->run_id.c_str(), ti.state.c_str(),
                state->c_str());
  });
}

void AddTasksFailedDeps(CLI::App* tasks) {
  auto a = std::make_shared<TiArgs>();
  auto* cmd = tasks->add_subcommand("failed-deps", "Explain why a task instance is not running");
  AddHomeOption(cmd);
  AddTiPositionals(cmd, *a);
  cmd->callback([a] {
    auto l = LoadOrFail();
    const auto& dag = FindDagOrFail(l, a->dag_id);
    const orch::TaskSpec* task = dag.FindTask(a->task_id);
    if (!task) Fail("DAG '" + a->dag_id + "' has no task '" + a->task_id + "'");
    auto ti = GetTiOrFail(*l.store, *a);
    auto run = ValueOrFail(l.store->GetDagRun(a->dag_id, a->run_id));
    std::vector<std::string> reasons;
    if (run && run->state != "running") reasons.push_back("DAG run is " + run->state);
    auto row = ValueOrFail(l.store->GetDag(a->dag_id));
    if (row && row->is_paused) reasons.push_back("DAG is paused");
    if (ti.state != "none" && ti.state != "scheduled") reasons.push_back("task instance is " + ti.state);
    if (ti.state == "up_for_retry" && ti.next_retry_at) reasons.push_back("next retry at " + *ti.next_retry_at);
    auto tis = ValueOrFail(l.store->ListTaskInstances(a->dag_id, a->run_id));
    for (const auto& up : task->upstream) {
      for (const auto& other : tis) {
        if (other.key.task_id == up && other.state != "success") {
          reasons.push_back("upstream " + up + " is " + other.state + " (trigger rule " +
                            orch::TriggerRuleName(task->trigger_rule) + ")");
        }
      }
    }
    if (reasons.empty()) {
      std::printf("Task instance dependencies are all met.\n");
      return;
    }
    std::printf("Dependencies not met for %s.%s %s:\n", a->dag_id.c_str(), a->task_id.c_str(), a->run_id.c_str());
    for (const auto& r : reasons) std::printf("  - %s\n", r.c_str());
  });
}

}  // namespace

void AddDagsCommand(CLI::App& app) {
  auto* dags = app.add_subcommand("dags", "Manage DAGs and DAG runs");
  dags->require_subcommand(1);
  AddHomeOption(dags);
  AddDagsList(dags);
  AddDagsImportErrors(dags);
  AddDagsShow(dags);
  AddDagsTrigger(dags);
  AddDagsPause(dags, "pause", true);
  AddDagsPause(dags, "unpause", false);
  AddDagsState(dags);
  AddDagsListRuns(dags);
  AddDagsTest(dags);
}

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
