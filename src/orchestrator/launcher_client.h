// The scheduler's side of the task launcher (task_launcher.h): starts the
// `arxivflow tasks launcher` process once and sends it launch requests.
//
// Contract: Start() spawns the launcher (posix_spawn, never fork, so it is
// safe in a multi-threaded process) connected by a socketpair; the launcher is
// a child of the caller, who reaps it (waitpid(-1) finds it; pass its status
// to OnReaped). Launch() sends one request and waits for the reply: the new
// task process's pid, or an error; when the launcher broke mid-request
// (`*maybe_started` = true) a task process may exist without the caller
// knowing its pid. TakeExits() returns the wait statuses of task processes the
// launcher reaped, without blocking. broken() turns true when the launcher is
// gone or misbehaved; the caller then handles its in-flight tasks, calls
// Stop() and may Start() a new one. The destructor closes the socket (the
// launcher exits; running tasks go on). Not thread-safe; one owner.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "orchestrator/launch_protocol.h"

namespace arxivflow::orchestrator {

class LauncherClient {
 public:
  LauncherClient(std::string self_exe, std::vector<std::string> env)
      : self_exe_(std::move(self_exe)), env_(std::move(env)) {}
  ~LauncherClient();
  LauncherClient(const LauncherClient&) = delete;
  LauncherClient& operator=(const LauncherClient&) = delete;

  Status Start();
  bool running() const { return fd_ >= 0 && !broken_; }
  bool broken() const { return broken_; }
  pid_t pid() const { return pid_; }
  int fd() const { return fd_; }
  double started_at() const { return started_at_; }
  int64_t replies() const { return replies_; }  // answers received since Start()

  // `request` is a launch_protocol.h "run" message without "op" and "id".
  Result<pid_t> Launch(nlohmann::json request, double timeout_seconds, bool* maybe_started);
  std::vector<std::pair<pid_t, int>> TakeExits();
  // The launcher process was reaped by the caller.
  void OnReaped(int status);
  // Closes the socket; with kill, also SIGKILLs a launcher that is still there.
  void Stop(bool kill);

 private:
  void Dispatch(const nlohmann::json& message);

  std::string self_exe_;
  std::vector<std::string> env_;
  int fd_ = -1;
  pid_t pid_ = 0;
  bool broken_ = false;
  double started_at_ = 0;
  int64_t next_id_ = 0;
  int64_t replies_ = 0;
  FrameReader reader_{-1};
  std::vector<std::pair<pid_t, int>> exits_;
};

}  // namespace arxivflow::orchestrator
