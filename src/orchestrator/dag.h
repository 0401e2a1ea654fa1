// The in-memory model of a DAG file: DagSpec holds tasks, TaskSpec one task.
//
// Contract: a DagSpec produced by ParseDagFile (dag_parser.h) is validated:
// task ids are unique, upstream references resolve, there is no cycle, every
// operator is registered and its args passed the operator's own check, and
// `tasks` is in a topological order (upstreams before downstreams). Values are
// plain data: copyable, immutable after parsing, safe to share read-only.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "notify/notifier_spec.h"
#include "orchestrator/cron.h"

namespace arxivflow::orchestrator {

enum class TriggerRule { kAllSuccess, kAllDone, kAllFailed, kOneFailed, kOneSuccess, kNoneFailed, kAlways };

const char* TriggerRuleName(TriggerRule rule);
bool ParseTriggerRule(const std::string& text, TriggerRule& out);

// Retry and timeout settings of one task (default_args merged with the task's own).
struct RetryPolicy {
  int retries = 0;
  double retry_delay = 300;          // seconds before the first retry
  bool retry_exponential_backoff = false;
  double max_retry_delay = 0;        // cap for the backoff; 0 = none
  double execution_timeout = 0;      // seconds; 0 = none

  // Delay before the retry that follows failed try `try_number` (1-based):
  // retry_delay * 2^(try_number-1) with backoff (capped), else retry_delay.
  double DelayAfterTry(int try_number) const;
};

struct TaskSpec {
  std::string task_id;
  std::string operator_name;
  nlohmann::json args = nlohmann::json::object();  // templated at run time
  std::vector<std::string> upstream;               // resolved task ids
  std::vector<std::string> downstream;             // filled by the parser
  TriggerRule trigger_rule = TriggerRule::kAllSuccess;
  RetryPolicy policy;
  // For tasks produced by `expand`: the item (e.g. {"table": "papers"}),
  // available to templates as {{ item.table }}.
  nlohmann::json item = nlohmann::json::object();
  // on_failure / on_retry / on_success / on_sla_miss (default_args, or the
  // task's own key, which replaces the inherited list).
  notify::Hooks hooks;
  double sla = 0;  // seconds after the run's start; 0 = none
};

struct DagSpec {
  std::string dag_id;
  std::string description;
  std::string fileloc;  // absolute path of the file it came from
  Schedule schedule;
  double start_date = 0;  // epoch seconds, UTC
  bool catchup = false;
  int max_active_runs = 16;
  bool is_paused_upon_creation = false;
  std::vector<std::string> tags;
  nlohmann::json params = nlohmann::json::object();
  std::vector<TaskSpec> tasks;  // topological order
  // The run's on_failure / on_success; on_sla_miss serves tasks without their own.
  notify::Hooks hooks;
  double dagrun_timeout = 0;  // seconds; 0 = none

  const TaskSpec* FindTask(const std::string& task_id) const;
};

}  // namespace arxivflow::orchestrator
