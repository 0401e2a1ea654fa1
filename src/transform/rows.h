// Splitting cleaned records into the six tables' rows.
//
// Contract: arXiv records are split a block at a time into column-major
// TableColumns (BuildArxivColumns), written with the Parquet writer's bulk
// path. NIPS rows go one at a time through RowWriter, the row-wise interface
// (exactly one Append*() per column, in schema order, then EndRow());
// EmitNips() writes every row one NIPS record yields and returns the first
// writer error. Not thread-safe; callers own their TableSet and columns.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "schema/star_schema.h"
#include "transform/record.h"

namespace arxivflow::transform {

class RowWriter {
 public:
  virtual ~RowWriter() = default;
  virtual void AppendNull(int column) = 0;
  virtual void AppendString(int column, std::string_view value) = 0;
  virtual void AppendInt32(int column, int32_t value) = 0;
  virtual void AppendInt64(int column, int64_t value) = 0;
  virtual Status EndRow() = 0;
};

using TableSet = std::array<RowWriter*, schema::kTableCount>;

inline RowWriter* TableOf(const TableSet& set, schema::TableId id) {
  return set[static_cast<size_t>(id)];
}

// Rows per table added by one record, for the manifest.
using RowCounts = std::array<uint64_t, schema::kTableCount>;

Status EmitNips(const NipsRecord& record, const TableSet& tables, RowCounts* counts);

// One table's rows, column-major (schema order), for the bulk writer path:
// each column holds `rows` values in the vector of its physical type, and
// nullable columns one null flag per row (1 = NULL; the value is then
// ignored). Views point into the ArxivBatch the rows came from. Clear()
// keeps capacity.
struct TableColumns {
  struct Column {
    std::vector<std::string_view> text;  // BYTE_ARRAY
    std::vector<int32_t> i32;            // INT32 (DATE, INT16)
    std::vector<int64_t> i64;            // INT64 (TIMESTAMP)
    std::vector<uint8_t> nulls;          // nullable columns only
  };
  std::vector<Column> columns;
  size_t rows = 0;
  void Clear();
};
using ArxivColumns = std::array<TableColumns, schema::kTableCount>;

// The rows of the six tables for batch.records[i] for each i in `records`,
// in that order (column order per schema/star_schema.h); replaces *out.
void BuildArxivColumns(const ArxivBatch& batch, std::span<const uint32_t> records, ArxivColumns* out);

}  // namespace arxivflow::transform
