// Reading DAG files (YAML) into validated DagSpecs.
//
// Contract: ParseDagYaml parses one file's text (one DAG per YAML document;
// `---` separates several). Any problem — bad YAML, unknown key, missing
// dag_id, duplicate task id, unknown operator or upstream, a cycle, a bad cron
// expression, an invalid `expand` — fails the whole file with one message that
// starts with the file name and names the task ("dags/x.yaml: task 'load':
// upstream 'begin' does not exist"). A file that is hostile rather than
// wrong — an alias cycle, aliases expanding past the YAML budget, nesting
// past 64 levels, more than DagFileMaxBytes() — fails the same way
// (common/yaml_text.h), in bounded time and memory. Never throws.
// Thread-safe.
//
// File format (see docs/orchestrator.md):
//   dag_id, description, schedule, start_date, catchup, max_active_runs,
//   is_paused_upon_creation, tags, params, dagrun_timeout, on_failure,
//   on_success, on_sla_miss, default_args{retries, retry_delay,
//   retry_exponential_backoff, max_retry_delay, execution_timeout, sla,
//   on_failure, on_retry, on_success, on_sla_miss},
//   tasks: [{task_id, operator, args, upstream, trigger_rule, retries, ...,
//            expand}], dependencies: ["a >> [b, c] >> load_* >> d"]
//   Hooks hold notifiers (notify/notifier_spec.h), validated here.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"
#include "orchestrator/dag.h"

namespace arxivflow::orchestrator {

Result<std::vector<DagSpec>> ParseDagYaml(const std::string& text, const std::string& fileloc);

// Reads and parses the file at `path`; a file larger than DagFileMaxBytes()
// is refused without being read.
Result<std::vector<DagSpec>> ParseDagFile(const std::string& path);

// The largest DAG file accepted: ARXIVFLOW_DAG_FILE_MAX_BYTES, default 1 MiB.
inline constexpr size_t kDefaultDagFileMaxBytes = 1 << 20;
size_t DagFileMaxBytes();

}  // namespace arxivflow::orchestrator
