// WriterLock: serialises the writers of one SQLite warehouse file across
// processes and threads, by design rather than by SQLite's busy timeout.
//
// The lock is an exclusive flock(2) on "<db>.lock" (next to the database),
// held for one staging step, one search-index copy or one publish. Its holder
// writes a one-line description of itself into the file ("pid 4242: staging
// authors for run manual__2026..., since 2026-11-29T12:00:01Z"), which waiters
// report.
//
// Contract:
// - Acquire() returns only once the lock is held; there is no deadline. While
//   it waits it calls `waiting(what, holder)` at once and then about once a
//   second (what = "the write lock on <db>", holder = the holder's line).
//   Errors: kIOError when the lock file cannot be opened or locked.
// - The lock is released by the destructor, and by the kernel when the
//   process dies (even by SIGKILL), so a crashed loader never blocks others.
// - Each WriterLock opens its own file description: two threads of one process
//   exclude each other like two processes do.
// - Smallest work first: a waiter says how much it will write under the lock
//   (`work`, e.g. the rows of the table it copies in and indexes; 0 for a
//   short step) in a file of the waiting room, "<db>.lock.waiting-<pid>-<n>",
//   and takes the lock only when no live waiter has less work (ties: the
//   file name). Staged loads then copy the small tables in while the big
//   ones are still writing their rows, and the biggest goes last, instead of
//   in whatever order they poll. Files of dead processes are ignored and
//   removed. A waiter that has waited kMaxYield (2 minutes) stops giving way.
// - Readers (the UI, checks) never take this lock.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/status.h"

namespace arxivflow::warehouse {

using LockWaitCallback = std::function<void(const std::string& what, const std::string& holder)>;

class WriterLock {
 public:
  static std::string LockPathFor(const std::string& db_path);

  // `description` says what the holder does ("staging authors for run X").
  static Result<std::unique_ptr<WriterLock>> Acquire(const std::string& db_path, const std::string& description,
                                                     const LockWaitCallback& waiting, int64_t work = 0);
  ~WriterLock();
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace arxivflow::warehouse
