// LoadArea: loads a Parquet area's tables into a warehouse, one atomic table
// load after another, checked against the manifest's row counts.
//
// Contract: `tables` empty means all six; an unknown name is kInvalidArgument
// (listing the valid ones). A table whose load fails keeps its previous
// contents; LoadArea stops at the first failure and returns it, tables loaded
// before it stay loaded (each table is its own transaction). Not thread-safe
// with respect to `warehouse`.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "warehouse/parquet_area.h"
#include "warehouse/warehouse.h"

namespace arxivflow::warehouse {

struct TableLoadReport {
  std::string table;
  int64_t rows = 0;
  double seconds = 0;
};

// Parses "a,b,c" into table names, validated against the star schema.
Result<std::vector<std::string>> ParseTableList(const std::string& text);

Result<std::vector<TableLoadReport>> LoadArea(Warehouse& warehouse, const ParquetArea& area,
                                              const std::vector<std::string>& tables);

}  // namespace arxivflow::warehouse
