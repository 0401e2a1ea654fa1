// Processes of this host, by pid (header-only; thread-safe).
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cerrno>

namespace arxivflow {

// True when no process has `pid` on this host (kill(pid, 0) fails with
// ESRCH), so whatever it left behind (a scratch file, a waiting-room entry, a
// staging folder) can be removed. A pid <= 0 names no process: true. A
// process of another user (EPERM) is alive. A pid may be reused after its
// process ends; callers use this only to clean up, never to decide who owns
// a lock.
inline bool ProcessIsGone(long pid) {
  return pid <= 0 || (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH);
}

}  // namespace arxivflow
