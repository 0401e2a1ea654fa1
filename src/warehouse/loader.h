// Loading a Parquet area into a warehouse as one set: every table staged
// (checked against the manifest's row counts), then the set published in one
// transaction (warehouse.h), so that a load that fails at any point, or is
// killed, leaves every table as it was.
//
// - LoadArea() stages the tables (all six when `tables` is empty; an unknown
//   name is kInvalidArgument listing the valid ones) and, unless
//   `stage_only`, publishes them. PostgreSQL and SQLite files load `jobs`
//   tables at once, one more connection each (opened from warehouse.spec());
//   on SQLite each table's rows are written into its own scratch file and only
//   copied in and indexed under the write lock, while another thread builds
//   the search index; an
//   in-memory SQLite database loads one table after the other. `warehouse`
//   does the rest and the publish. On SQLite the stages that run at once
//   share kLoadSortMemoryBytes for their sorts and read one batch ahead, so
//   that at the default `jobs` (2 tables beside the search index; 3
//   elsewhere) the process stays under 1 GB at full scale.
// - StageAreaSearchIndex() builds the SQLite search index of the area for a
//   load (the DAG's build_search_index task); a no-op elsewhere.
// - PublishLoad() publishes what a load staged (the DAG's publish_tables).
// Progress callbacks may come from several threads; LoadArea serialises them.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "warehouse/parquet_area.h"
#include "warehouse/warehouse.h"

namespace arxivflow::warehouse {

// The sort memory of the SQLite stages that one load process runs at once,
// split evenly among them (a stage alone takes its own default, no more).
inline constexpr size_t kLoadSortMemoryBytes = size_t{192} << 20;

struct TableLoadReport {
  std::string table;
  int64_t rows = 0;
  double seconds = 0;
};

struct LoadOptions {
  std::vector<std::string> tables;  // empty = all six
  LoadIdentity load;                // empty load_id = a fresh one
  bool stage_only = false;          // leave the tables staged for PublishLoad()
  int jobs = 0;                     // tables at once (not SQLite :memory:); 0 = the default above
  ProgressCallback progress;
};

struct LoadReport {
  LoadIdentity load;
  std::vector<TableLoadReport> tables;
  bool published = false;
  bool search_index = false;  // the SQLite search index was staged beside the tables
};

// Parses "a,b,c" into table names, validated against the star schema.
Result<std::vector<std::string>> ParseTableList(const std::string& text);

Result<LoadReport> LoadArea(Warehouse& warehouse, const ParquetArea& area, const LoadOptions& options);

// True when an index was staged (SQLite), false when the target needs none
// or the area's order does not allow it (publish then builds it).
Result<bool> StageAreaSearchIndex(Warehouse& warehouse, const ParquetArea& area, const LoadIdentity& load,
                                  const ProgressCallback& progress);

// `tables` empty = all six.
Result<PublishResult> PublishLoad(Warehouse& warehouse, const LoadIdentity& load,
                                  const std::vector<std::string>& tables, const ProgressCallback& progress);

}  // namespace arxivflow::warehouse
