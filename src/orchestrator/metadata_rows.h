// Internal to the metadata store (metadata_store*.cc): how its rows and states
// are written and read. Not for other modules.
//
// Contract: TiState::kNone is NULL in the DB; any other state is its
// StateName(). A state text the enums do not know is kCorruption. Pure
// helpers; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/sqlite.h"
#include "orchestrator/metadata_store.h"

namespace arxivflow::orchestrator::metadata {

std::optional<std::string> StateToDb(TiState state);
Result<TiState> TiStateFromDb(const sqlite::Statement& s, int col);
Result<DagRunState> RunStateFromDb(const sqlite::Statement& s, int col);

// "(?,?,?)" for n parameters.
std::string Placeholders(size_t n);

// The columns ReadTaskInstance reads, in order; with_result adds `result`.
std::string TaskInstanceColumns(bool with_result);
Result<TaskInstance> ReadTaskInstance(const sqlite::Statement& s, bool with_result);

extern const char* const kRunColumns;
Result<DagRun> ReadDagRun(const sqlite::Statement& s);

}  // namespace arxivflow::orchestrator::metadata
