// The arxivflow home folder and the paths inside it.
//
// Contract: the home is, in order, the --home option (SetHomeOverride), the
// ARXIVFLOW_HOME environment variable, or ~/arxivflow. Layout:
//   arxivflow.db       metadata DB (SQLite, WAL)
//   secret.key         key that encrypts connection passwords and variables (0600)
//   dags/              DAG files (*.yaml, *.yml)
//   logs/dag_id=X/run_id=Y/task_id=Z/attempt=N.log (ids as run_id.h PathComponent)
//   scheduler.lock     held (flock) by the running scheduler
//   scheduler_metrics.prom  the running scheduler's metrics (text format), for /metrics
// Everything the product creates in the home is private to its user: folders
// kPrivateDirMode (0700), the metadata DB, logs and results kPrivateFileMode
// (0600). Not thread-safe to change the override while reading it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace arxivflow::orchestrator {

inline constexpr mode_t kPrivateDirMode = 0700;
inline constexpr mode_t kPrivateFileMode = 0600;

void SetHomeOverride(const std::string& home);
std::string CurrentHome();

struct HomePaths {
  std::string root;
  std::string db() const { return root + "/arxivflow.db"; }
  std::string secret_key() const { return root + "/secret.key"; }
  std::string dags() const { return root + "/dags"; }
  std::string logs() const { return root + "/logs"; }
  std::string scheduler_lock() const { return root + "/scheduler.lock"; }
  std::string scheduler_metrics() const { return root + "/scheduler_metrics.prom"; }
  std::string TaskLog(const std::string& dag_id, const std::string& run_id, const std::string& task_id,
                      int attempt) const;
};

inline HomePaths Paths() { return HomePaths{CurrentHome()}; }

// mkdir -p with kPrivateDirMode; returns false (errno set) on failure.
bool MakeDirs(const std::string& path);

// Warnings about files of the home that other users can read (the home
// itself, secret.key, the metadata DB), one line each; empty when all is
// private. Also makes the metadata DB files 0600 when this user owns them.
std::vector<std::string> CheckHomePermissions(const HomePaths& home);

}  // namespace arxivflow::orchestrator
