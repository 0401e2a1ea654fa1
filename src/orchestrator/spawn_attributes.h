// SpawnAttributes: posix_spawn attributes for the orchestrator's child
// processes (the task launcher, spawned task processes). The child starts
// with an empty signal mask and default dispositions for the signals the
// scheduler blocks or handles (SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE), and
// optionally as the leader of a new process group (so one kill reaches a
// task's whole tree).
//
// Contract: RAII over posix_spawnattr_t; not copyable; one thread.
#pragma once

#include <spawn.h>

namespace arxivflow::orchestrator {

class SpawnAttributes {
 public:
  explicit SpawnAttributes(bool new_process_group);
  ~SpawnAttributes();
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;

  const posix_spawnattr_t* get() const { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

}  // namespace arxivflow::orchestrator
