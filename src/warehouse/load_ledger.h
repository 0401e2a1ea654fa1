// The load ledger: how a multi-table load is staged and published, and the
// warehouse's own record of it (the table `arxivflow_loads`, created beside
// the six tables on every target).
//
// A load has a load id of 12 hex digits: derived from the orchestrator's run
// id when there is one, so every task of a DAG run (and every retry of a task)
// stages into the same names, or random for a one-off `warehouse load`. Each
// table is first written to its staging table `<table>__stage_<load id>`
// (keys and indexes built after the rows), recorded here as 'staged', and
// later swapped in by one publish transaction for the whole set, which turns
// the rows into 'published'. The published rows hold each table's row count
// as loaded: the UI's counts, read without counting.
//
//   arxivflow_loads(load_id, table_name, stage_table, rows, area_id, run_id,
//                   state 'loading' | 'staged' | 'published', staged_at, published_at)
//   'loading': a stage whose rows are committed in pieces (SQLite, rows
//   inserted in place), not complete; never published, cleaned up as a
//   staged one is.
//   one row per (load_id, table_name); at most one 'published' row per table.
//
// The search index (SQLite) is ledger entry "papers_fts". Statements are
// generated text (values quoted as literals), identical on SQLite, PostgreSQL
// and Redshift; pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "warehouse/parquet_area.h"

namespace arxivflow::warehouse {

inline constexpr const char* kLedgerTable = "arxivflow_loads";
inline constexpr const char* kSearchIndexTable = "papers_fts";

struct LoadIdentity {
  std::string load_id;  // 12 hex digits
  std::string run_id;   // the orchestrator's run id, or "" for a one-off load
};

// From a run id ("" gives a fresh random id each call).
LoadIdentity LoadIdentityForRun(const std::string& run_id);
bool IsValidLoadId(const std::string& load_id);

// "papers__stage_1a2b3c4d5e6f"
std::string StageTableName(const std::string& table, const std::string& load_id);
// The marker every staging table name contains ("__stage_").
inline constexpr const char* kStageMarker = "__stage_";

// A short fingerprint of the area a table was staged from (its manifest), so
// that a publish never mixes tables of two different transforms.
std::string AreaId(const ParquetArea& area);

std::string LedgerCreateSql();
// Replaces the (load, table) row with a 'staged' one.
std::vector<std::string> LedgerStageSql(const LoadIdentity& load, const std::string& table,
                                        const std::string& stage_table, int64_t rows, const std::string& area_id);
// Replaces the (load, table) row with a 'loading' one (0 rows).
std::vector<std::string> LedgerLoadingSql(const LoadIdentity& load, const std::string& table,
                                          const std::string& stage_table, const std::string& area_id);
// SELECT rows / area_id of a staged (load, table): one value each.
std::string LedgerStagedRowsSql(const std::string& load_id, const std::string& table);
std::string LedgerStagedAreaSql(const std::string& load_id, const std::string& table);
// SELECT COUNT(*) of published rows of a load (an already published load).
std::string LedgerPublishedCountSql(const std::string& load_id);
// Marks `tables` of the load published (replacing the tables' earlier
// published rows); `now` is an ISO-8601 UTC time.
std::vector<std::string> LedgerPublishSql(const std::string& load_id, const std::vector<std::string>& tables,
                                          const std::string& now);
// Records a table `create` made (empty) as published with 0 rows.
std::vector<std::string> LedgerCreatedSql(const std::string& table, const std::string& now);
// SELECT table_name, rows of the published tables.
std::string LedgerCountsSql();
// SELECT stage_table of every staged or loading row of other loads than
// `load_id` ("" = all), for cleanup.
std::string LedgerOtherStagesSql(const std::string& load_id);
std::string LedgerForgetStageSql(const std::string& stage_table);

}  // namespace arxivflow::warehouse
