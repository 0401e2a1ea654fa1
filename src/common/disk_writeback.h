// Starting the disk writes of a file's dirty pages early, without waiting.
//
// StartWriteback(fd, offset, length) asks the kernel to begin writing the
// dirty pages of that byte range (length 0: to the end of the file) to the
// disk and returns at once (Linux sync_file_range, SYNC_FILE_RANGE_WRITE).
// It is advice: durability still comes from the fsync of whoever needs it.
// Errors: kIOError naming the call (a bad descriptor, a file system without
// writeback). Elsewhere than Linux it does nothing and returns OK.
// Thread-safe (one system call).
//
// Why: left to itself the kernel holds dirty pages until a tenth of memory
// is dirty or they are 30 s old, so the fsync that closes a large file
// waits for nearly all of its pages at once. Handed to the disk as they are
// written, those writes overlap the work that produces them.
//
// Use it on a descriptor the caller owns. Never open a second descriptor of
// a file that this process may hold POSIX record locks on (a SQLite
// database or -shm file) just to call it: closing any descriptor of a file
// drops every lock the process holds on it (fcntl(2)).
#pragma once

#include <cstdint>

#include "common/status.h"

namespace arxivflow {

Status StartWriteback(int fd, uint64_t offset, uint64_t length);

}  // namespace arxivflow
