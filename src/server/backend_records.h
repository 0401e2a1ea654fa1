// Conversions between the orchestrator's records (metadata_store.h) and the
// server's (backend.h). Nothing else: no I/O, no rules.
//
// Contract: pure functions, thread-safe. ToConnectionInfo never copies a
// password (only whether one is set).
#pragma once

#include "orchestrator/connection.h"
#include "orchestrator/dag.h"
#include "orchestrator/metadata_store.h"
#include "server/backend.h"

namespace arxivflow::server {

DagRunInfo ToDagRunInfo(const orchestrator::DagRun& run);
// `now` gives a running task instance its duration so far.
TaskInstanceInfo ToTaskInstanceInfo(const orchestrator::TaskInstance& ti, double now);
// `spec` null: the DAG's file is not loaded (no tasks, no tags).
DagInfo ToDagInfo(const orchestrator::DagRow& row, const orchestrator::DagSpec* spec);
ConnectionInfo ToConnectionInfo(const orchestrator::Connection& conn);
// Applies the fields present in `in` to `conn`; a masked extra value sent
// back unchanged keeps its stored secret. kInvalidArgument for a bad extra or
// an empty type.
Status ApplyConnectionInput(const ConnectionInput& in, orchestrator::Connection& conn);
ImportErrorInfo ToImportErrorInfo(const orchestrator::ImportError& error);
// "admin" or "viewer" (the users table may hold older spellings).
std::string NormalizeRole(const std::string& role);
orchestrator::SessionRow ToSessionRow(const SessionRecord& session);
SessionRecord ToSessionRecord(const orchestrator::SessionRow& row);

}  // namespace arxivflow::server
