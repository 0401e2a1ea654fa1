// Splitting cleaned records into the six tables' rows.
//
// Contract: RowWriter is the narrow interface the transform writes rows
// through (one per table per thread): exactly one Append*() per column, in
// schema order, then EndRow(). EmitArxiv()/EmitNips() write every row one
// record yields (column order per schema/star_schema.h) and return the first
// writer error. Not thread-safe; callers own one TableSet per thread.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

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

// `record` is one of batch.records.
Status EmitArxiv(const ArxivBatch& batch, const ArxivRecord& record, const TableSet& tables,
                 RowCounts* counts);
Status EmitNips(const NipsRecord& record, const TableSet& tables, RowCounts* counts);

}  // namespace arxivflow::transform
