// Retention: removing what is older than a cut — finished DAG runs with their
// task instances, tries, results, log folders (task logs, progress and result
// files), and audit rows. `arxivflow db clean` and the scheduler's daily
// automatic clean both call CleanOlderThan.
//
// Contract:
// - The cut is now - older_than_days. A run is removed when it is finished
//   (success or failed), has no task instance queued or running, and ended
//   before the cut (MetadataStore::DeleteOlderThan). A queued or running run
//   is never touched, whatever its age.
// - The metadata rows go in one transaction; then each removed run's log
//   folder (logs/dag_id=X/run_id=Y) is deleted. A crash between the two leaves
//   log files of runs that no longer exist (reported by disk use, never
//   shown as a run); it never leaves a run without its logs being counted.
// - dry_run changes nothing and reports the same counts.
// - The automatic setting is `retention_days: N` in <home>/config.yaml
//   (absent, or 0 = no automatic clean). ReadRetentionDays fails with
//   kInvalidArgument for a malformed file or value (bounded: 64 KiB).
// - Errors: kInvalidArgument for older_than_days < 0 or not finite; the
//   store's errors. Thread-safety: that of the MetadataStore passed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "orchestrator/home.h"
#include "orchestrator/metadata_store.h"

namespace arxivflow::orchestrator {

struct RetentionReport {
  std::string cut;  // ISO time
  bool dry_run = false;
  RetentionRows rows;
  int64_t log_files = 0;  // files under the removed runs' log folders
  int64_t log_bytes = 0;
};

Result<RetentionReport> CleanOlderThan(MetadataStore& store, const HomePaths& home, double older_than_days,
                                       bool dry_run, double now);

// The automatic retention in days from <home>/config.yaml; 0 when unset.
Result<double> ReadRetentionDays(const HomePaths& home);
// The same from the file's text (`name` for errors); pure.
Result<double> ParseRetentionDays(std::string_view text, const std::string& name);

// "3 DAG runs, 12 task instances, 14 tries, 40 audit rows, 30 log files (1.2 MB)".
std::string DescribeRetention(const RetentionReport& report);

}  // namespace arxivflow::orchestrator
