// `arxivflow events list` (the audit log) and `arxivflow db clean` (retention):
// thin adapters over orchestrator/audit_log.h and orchestrator/retention.h.
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/orchestrator_cli_util.h"
#include "orchestrator/audit_log.h"
#include "orchestrator/retention.h"
#include "orchestrator/time_util.h"

namespace arxivflow::cli {

namespace orch = arxivflow::orchestrator;

void AddEventsCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("events", "Read the audit log (who changed what, when, from where)");
  cmd->require_subcommand(1);
  AddHomeOption(cmd);
  struct ListArgs {
    orch::AuditQuery query;
    std::string included, excluded, output = "table";
  };
  auto a = std::make_shared<ListArgs>();
  a->query.order_by = "-event_log_id";
  auto* list = cmd->add_subcommand("list", "List audit log events, newest first");
  AddHomeOption(list);
  list->add_option("-d,--dag-id", a->query.dag_id, "Only this DAG");
  list->add_option("-t,--task-id", a->query.task_id, "Only this task");
  list->add_option("-r,--run-id", a->query.run_id, "Only this DAG run");
  list->add_option("-e,--event", a->query.event, "Only this event (trigger, clear, login, variable_update, ...)");
  list->add_option("--owner", a->query.owner, "Only this owner (a web user, or cli:<os user>)");
  list->add_option("--before", a->query.before, "Only events before this ISO time");
  list->add_option("--after", a->query.after, "Only events after this ISO time");
  list->add_option("--included-events", a->included, "Only these events (comma-separated)");
  list->add_option("--excluded-events", a->excluded, "Not these events (comma-separated)");
  list->add_option("--limit", a->query.limit, "At most this many events")->capture_default_str();
  list->add_option("--offset", a->query.offset, "Skip this many events")->capture_default_str();
  list->add_option("--order-by", a->query.order_by, "event_log_id, when, event, owner, dag_id ('-' = descending)")
      ->capture_default_str();
  list->add_option("-o,--output", a->output, "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  list->callback([a] {
    orch::AuditQuery q = a->query;
    q.included_events = orch::SplitEventNames(a->included);
    q.excluded_events = orch::SplitEventNames(a->excluded);
    auto store = OpenStoreOrFail();
    auto page = ValueOrFail(orch::ListEventLogs(*store, q));
    if (a->output == "json") {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& e : page.items) list.push_back(orch::EventLogJson(e));
      std::printf("%s\n", nlohmann::json({{"event_logs", list}, {"total_entries", page.total}}).dump(2).c_str());
      return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : page.items) {
      rows.push_back({std::to_string(e.id), e.when, e.event, e.owner, e.origin, e.dag_id, e.run_id, e.task_id,
                      e.count > 1 ? std::to_string(e.count) : "", e.extra});
    }
    PrintListing({"id", "when", "event", "owner", "origin", "dag_id", "run_id", "task_id", "count", "extra"}, rows,
                 "table");
    std::printf("(%zu of %lld events)\n", page.items.size(), static_cast<long long>(page.total));
  });
}

void AddDbCleanCommand(CLI::App* db) {
  struct CleanArgs {
    double days = -1;
    bool dry_run = false;
    bool yes = false;
  };
  auto a = std::make_shared<CleanArgs>();
  auto* clean = db->add_subcommand(
      "clean", "Remove finished DAG runs, their task instances, logs and results, and audit rows older than a cut");
  AddHomeOption(clean);
  clean->add_option("--older-than", a->days, "Days: remove what ended more than this many days ago")->required();
  clean->add_flag("--dry-run", a->dry_run, "Only print what would be removed");
  clean->add_flag("-y,--yes", a->yes, "Do not ask for confirmation");
  clean->callback([a] {
    auto store = OpenStoreOrFail();
    auto home = orch::Paths();
    double now = orch::NowEpoch();
    auto preview = ValueOrFail(orch::CleanOlderThan(*store, home, a->days, /*dry_run=*/true, now));
    std::printf("Older than %s (finished runs only; never a queued or running one):\n", preview.cut.c_str());
    std::printf("  %s\n", orch::DescribeRetention(preview).c_str());
    if (a->dry_run) {
      std::printf("Dry run: nothing removed.\n");
      return;
    }
    if (!a->yes) {
      std::printf("Remove them? [y/N] ");
      std::fflush(stdout);
      std::string answer;
      std::getline(std::cin, answer);
      if (answer != "y" && answer != "Y" && answer != "yes") {
        std::printf("Nothing removed.\n");
        return;
      }
    }
    auto done = ValueOrFail(orch::CleanOlderThan(*store, home, a->days, /*dry_run=*/false, now));
    std::printf("Removed %s\n", orch::DescribeRetention(done).c_str());
  });
}

}  // namespace arxivflow::cli
