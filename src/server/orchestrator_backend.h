// OrchestratorBackend: the Backend (backend.h) on top of the orchestrator's
// metadata store (SQLite), its DAG folder, the task logs, and the embedded
// SQLite warehouse with its last transform output.
//
// Contract: Open() fails with kNotFound when the home has no metadata DB
// ("run `arxivflow db init`"). The backend keeps a small pool of store
// connections (one per concurrently serving thread) and one DAG folder cache
// (re-scanned at most once a second; changes are written to the store, as the
// scheduler does, so the UI is right even before a scheduler has run). Reads
// go to the metadata store; every state change goes through the
// orchestrator's run control (run_control.h), so the API follows the same
// rules as the CLI. The warehouse is opened read-only per request.
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "server/backend.h"

namespace arxivflow::server {

struct OrchestratorBackendOptions {
  std::string home;          // "" = the current home (orchestrator/home.h)
  // SQLite warehouse file; "" = the connection `warehouse` when it is a SQLite
  // one, else <home>/warehouse.db.
  std::string warehouse_db;
  // Last transform output; "" = the variable LAKE_URI when it is a local
  // folder, else <home>/parquet.
  std::string parquet_dir;
  // A scheduler whose last heartbeat is older than this (seconds) is unhealthy.
  double scheduler_health_threshold = 30;
};

Result<std::unique_ptr<Backend>> OpenOrchestratorBackend(const OrchestratorBackendOptions& options);

}  // namespace arxivflow::server
