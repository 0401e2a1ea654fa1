// Removing a large file without waiting for the file system to free it.
//
// Contract: RemoveFileInBackground(path) removes the name at once: when it
// returns, `path` no longer exists and a new file may take the name. For a
// regular file of at least kBackgroundRemoveMinBytes, the freeing of its
// blocks and cached pages is left to a detached grandchild process, which
// holds the last descriptor of the file and closes it; smaller files (and
// anything when a fork fails) are freed in the caller, as unlink(2) does.
// Why: freeing a file of several GB that has reached the disk takes seconds
// (page-cache teardown, and on file systems mounted with online discard the
// TRIM of every extent): 3-6 s for the warehouse's WAL at full scale, spent
// by whichever process closes the last connection, at the end of the run.
//
// The grandchild closes every other descriptor before it waits, so it holds
// no pipe, socket or lock of the caller's, and it is nobody's child to reap
// (its parent exits at once and is reaped here). It is in the caller's
// process group: killing the group only stops it after the kernel has freed
// the file. Thread-safe; safe in a multi-threaded process (the children only
// close descriptors, read a pipe and exit).
//
// Returns 0, or the errno of a failed open/unlink (ENOENT: no such file).
#pragma once

#include <cstdint>

namespace arxivflow {

inline constexpr int64_t kBackgroundRemoveMinBytes = int64_t{64} << 20;

int RemoveFileInBackground(const char* path);

}  // namespace arxivflow
