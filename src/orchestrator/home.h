// The arxivflow home folder and the paths inside it.
//
// Contract: the home is, in order, the --home option (SetHomeOverride), the
// ARXIVFLOW_HOME environment variable, or ~/arxivflow. Layout:
//   arxivflow.db       metadata DB (SQLite, WAL)
//   secret.key         key that encrypts connection passwords and variables (0600)
//   dags/              DAG files (*.yaml, *.yml)
//   logs/dag_id=X/run_id=Y/task_id=Z/attempt=N.log
//   scheduler.lock     held (flock) by the running scheduler
// Not thread-safe to change the override while reading it.
#pragma once

#include <string>

namespace arxivflow::orchestrator {

void SetHomeOverride(const std::string& home);
std::string CurrentHome();

struct HomePaths {
  std::string root;
  std::string db() const { return root + "/arxivflow.db"; }
  std::string secret_key() const { return root + "/secret.key"; }
  std::string dags() const { return root + "/dags"; }
  std::string logs() const { return root + "/logs"; }
  std::string scheduler_lock() const { return root + "/scheduler.lock"; }
  std::string TaskLog(const std::string& dag_id, const std::string& run_id, const std::string& task_id,
                      int attempt) const;
};

inline HomePaths Paths() { return HomePaths{CurrentHome()}; }

// mkdir -p; returns false (errno set) on failure.
bool MakeDirs(const std::string& path);

}  // namespace arxivflow::orchestrator
