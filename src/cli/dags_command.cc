// `arxivflow dags ...`, in Airflow's CLI shape: thin adapters over the
// metadata store (listings) and run control (trigger, pause, test).
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>

#include "cli/orchestrator_cli_util.h"
#include "orchestrator/scheduler.h"
#include "orchestrator/time_util.h"

namespace arxivflow::cli {

namespace orch = arxivflow::orchestrator;

namespace {

std::atomic<bool> g_test_stop{false};
void OnTestStop(int) { g_test_stop = true; }

void AddDagsList(CLI::App* dags) {
  auto output = std::make_shared<std::string>("table");
  auto* cmd = dags->add_subcommand("list", "List the DAGs");
  AddHomeOption(cmd);
  AddOutputOption(cmd, *output);
  cmd->callback([output] {
    auto c = OpenRunControlOrFail();
    std::vector<std::vector<std::string>> rows;
    for (const auto& d : ValueOrFail(c.store->ListDags(false))) {
      rows.push_back({d.dag_id, d.fileloc, d.is_paused ? "True" : "False", d.schedule, d.description});
    }
    PrintListing({"dag_id", "fileloc", "is_paused", "schedule", "description"}, rows, *output);
    size_t errors = c.dags->import_errors().size();
    if (errors > 0 && *output == "table") {
      std::fprintf(stderr, "warning: %zu DAG file(s) failed to import; see `arxivflow dags list-import-errors`\n",
                   errors);
    }
  });
}

void AddDagsImportErrors(CLI::App* dags) {
  auto output = std::make_shared<std::string>("table");
  auto* cmd = dags->add_subcommand("list-import-errors", "List the DAG files that failed to import");
  AddHomeOption(cmd);
  AddOutputOption(cmd, *output);
  cmd->callback([output] {
    auto c = OpenRunControlOrFail();
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : ValueOrFail(c.store->ListImportErrors())) rows.push_back({e.filename, e.timestamp, e.message});
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
    auto c = OpenRunControlOrFail();
    const auto dag = DagOrFail(c, *dag_id);
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
    auto c = OpenRunControlOrFail();
    auto run = ValueOrFail(c.control->Trigger(CliActor(), a->req));
    auto row = ValueOrFail(c.store->GetDag(run.dag_id));
    if (a->output == "plain") {
      std::printf("%s\n", run.run_id.c_str());
    } else {
      PrintListing({"dag_id", "run_id", "state", "run_type", "logical_date", "conf"},
                   {{run.dag_id, run.run_id, orch::StateName(run.state), run.run_type, run.logical_date, run.conf}},
                   a->output);
    }
    if (row && row->is_paused) {
      std::fprintf(stderr, "warning: DAG '%s' is paused; the run starts when it is unpaused\n", run.dag_id.c_str());
    }
  });
}

void AddDagsPause(CLI::App* dags, const char* name, bool pause) {
  auto dag_id = std::make_shared<std::string>();
  auto* cmd = dags->add_subcommand(name, pause ? "Pause a DAG (no new task starts)" : "Resume a paused DAG");
  AddHomeOption(cmd);
  cmd->add_option("dag_id", *dag_id, "DAG id")->required();
  cmd->callback([dag_id, pause] {
    auto c = OpenRunControlOrFail();
    OkOrFail(c.control->SetPaused(CliActor(), *dag_id, pause));
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
    std::printf("%s\n", orch::StateName(run->state));
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
    std::vector<orch::DagRunState> states;
    if (!a->state.empty()) {
      auto state = orch::ParseDagRunState(a->state);
      if (!state) Fail("--state '" + a->state + "' is not a DAG run state (queued, running, success, failed)");
      states.push_back(*state);
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : ValueOrFail(store->ListDagRuns(dag, states))) {
      rows.push_back({r.dag_id, r.run_id, orch::StateName(r.state), r.run_type, r.logical_date, OrEmpty(r.start_date),
                      OrEmpty(r.end_date)});
    }
    PrintListing({"dag_id", "run_id", "state", "run_type", "logical_date", "start_date", "end_date"}, rows, a->output);
  });
}

// The last lines of the log of each task instance that failed.
void PrintFailureLogs(orch::MetadataStore& store, const orch::DagRun& run) {
  for (const auto& ti : ValueOrFail(store.ListTaskInstances(run.dag_id, run.run_id))) {
    if (ti.state != orch::TiState::kFailed && ti.state != orch::TiState::kUpForRetry) continue;
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
    auto c = OpenRunControlOrFail();
    DagOrFail(c, a->dag_id);
    orch::TriggerRequest req;
    req.dag_id = a->dag_id;
    req.logical_date = a->logical_date;
    req.conf_json = a->conf;
    req.run_type = "test";
    auto run = ValueOrFail(c.control->Trigger(CliActor(), req));
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
    PrintFailureLogs(*c.store, run);
    auto final_run = ValueOrFail(c.store->GetDagRun(run.dag_id, run.run_id));
    std::printf("DAG run %s: %s\n", run.run_id.c_str(), final_run ? orch::StateName(final_run->state) : "?");
    if (!final_run || final_run->state != orch::DagRunState::kSuccess) throw CLI::RuntimeError(1);
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

}  // namespace arxivflow::cli
