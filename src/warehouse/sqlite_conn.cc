#include "warehouse/sqlite_conn.h"

#include <chrono>
#include <thread>

namespace arxivflow::warehouse {

namespace {

constexpr int kBusyTimeoutMs = 5000;

}  // namespace

Result<std::unique_ptr<sqlite::Database>> OpenSqliteWarehouseDb(const std::string& path, bool read_only,
                                                                const std::string& describe,
                                                                const std::string& what) {
  sqlite::OpenOptions options;
  options.read_only = read_only;
  options.wal = false;
  options.busy_timeout_ms = kBusyTimeoutMs;
  options.name = describe;
  options.background_delete = true;
  auto db = std::make_unique<sqlite::Database>();
  AF_RETURN_IF_ERROR(db->Open(path, options, what));
  return db;
}

void WaitOnBusyForever(sqlite::Database& db, LockWaitCallback waiting) {
  const std::string what = "the write lock on " + db.path();
  db.SetBusyHandler([waiting = std::move(waiting), what](int attempts) {
    // About once a second: 10 ms sleeps, reported every 100th attempt.
    if (waiting && attempts % 100 == 0) waiting(what, "another connection to the database (not an arxivflow load)");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return true;
  });
}

void RestoreBusyTimeout(sqlite::Database& db) { db.SetBusyTimeout(kBusyTimeoutMs); }

}  // namespace arxivflow::warehouse
