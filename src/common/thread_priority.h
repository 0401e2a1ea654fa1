// Work run on a thread of lower CPU priority (header-only).
//
// RunAtLowerPriority(increment, work) runs `work` on a new thread whose nice
// value is `increment` above the caller's, waits for it and returns what it
// returned. On Linux the nice value belongs to the thread, and threads that
// `work` starts inherit it; the caller's thread keeps its own, which an
// unprivileged process could not get back once lowered (hence the thread).
// If the priority cannot be changed the work runs at the caller's. Thread-safe;
// exceptions thrown by `work` are rethrown in the caller.
//
// Why: the SQLite loads of a set run side by side but take turns at the
// warehouse's write lock; the turn (copy, keys, indexes) is the step they all
// wait for, so the work they do beside it (decoding, writing scratch files)
// gives way to the process that holds the lock.
#pragma once

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

namespace arxivflow {

// Nice increment of the work that runs beside a warehouse writer.
inline constexpr int kBesideWriterNice = 10;

template <typename Work>
auto RunAtLowerPriority(int increment, Work&& work) -> std::invoke_result_t<Work&> {
  using R = std::invoke_result_t<Work&>;
  std::optional<R> result;
  std::exception_ptr error;
  std::thread worker([&] {
    const id_t tid = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int nice = getpriority(PRIO_PROCESS, tid);
    if (errno == 0) (void)setpriority(PRIO_PROCESS, tid, nice + increment);
    try {
      result.emplace(work());
    } catch (...) {
      error = std::current_exception();
    }
  });
  worker.join();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace arxivflow
