// How the warehouse opens and waits on its SQLite files, over the one SQLite
// layer (common/sqlite.h): the loader, the search-index builder and the UI's
// reader share it.
//
// Contract:
// - OpenSqliteWarehouseDb() opens read-write (creating the file) or read-only,
//   without SQLite's own mutexes (a connection is used by one thread at a
//   time), with a 5 s busy timeout and without touching the journal mode (the
//   warehouse sets its page size first, then WAL; scratch files go without a
//   journal). Errors name the connection by `describe` (never a password:
//   SQLite connections have none).
// - WaitOnBusyForever() replaces the busy timeout: when another connection
//   (not an arxivflow writer: those queue on WriterLock first) holds SQLite's
//   write lock, the connection waits without a deadline and reports through
//   `waiting` about once a second. RestoreBusyTimeout() ends that.
// Not thread-safe; one connection per thread.
#pragma once

#include <memory>
#include <string>

#include "common/sqlite.h"
#include "common/status.h"
#include "warehouse/writer_lock.h"

namespace arxivflow::warehouse {

// `what` completes "cannot open the ..." ("warehouse", "search index").
Result<std::unique_ptr<sqlite::Database>> OpenSqliteWarehouseDb(const std::string& path, bool read_only,
                                                                const std::string& describe,
                                                                const std::string& what = "warehouse");

void WaitOnBusyForever(sqlite::Database& db, LockWaitCallback waiting);
// Back to the 5 s busy timeout readers use, dropping the callback.
void RestoreBusyTimeout(sqlite::Database& db);

}  // namespace arxivflow::warehouse
