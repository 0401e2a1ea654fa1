// Test helpers: in-memory batches of star-schema rows (header-only, used by
// the warehouse and quality unit tests).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "warehouse/batch_source.h"

namespace arxivflow::warehouse::testing {

inline parquet::ColumnVector StringVector(const std::vector<std::optional<std::string>>& values) {
  parquet::ColumnVector v;
  v.physical = parquet::PhysicalType::kByteArray;
  v.logical = parquet::LogicalType::kString;
  v.size = static_cast<int64_t>(values.size());
  size_t total = 32;  // > SSO capacity: views stay valid when the vector moves
  for (const auto& s : values) total += s ? s->size() : 0;
  v.arena.reserve(total);
  std::vector<size_t> offsets;
  for (const auto& s : values) {
    offsets.push_back(v.arena.size());
    v.valid.push_back(s.has_value());
    if (s) v.arena += *s;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    v.strings.emplace_back(v.arena.data() + offsets[i], values[i] ? values[i]->size() : 0);
  }
  return v;
}

inline parquet::ColumnVector Int32Vector(const std::vector<std::optional<int32_t>>& values,
                                         parquet::LogicalType logical = parquet::LogicalType::kNone) {
  parquet::ColumnVector v;
  v.physical = parquet::PhysicalType::kInt32;
  v.logical = logical;
  v.size = static_cast<int64_t>(values.size());
  for (const auto& x : values) {
    v.valid.push_back(x.has_value());
    v.i32.push_back(x.value_or(0));
  }
  return v;
}

inline parquet::ColumnVector Int64Vector(const std::vector<std::optional<int64_t>>& values,
                                         parquet::LogicalType logical = parquet::LogicalType::kNone) {
  parquet::ColumnVector v;
  v.physical = parquet::PhysicalType::kInt64;
  v.logical = logical;
  v.size = static_cast<int64_t>(values.size());
  for (const auto& x : values) {
    v.valid.push_back(x.has_value());
    v.i64.push_back(x.value_or(0));
  }
  return v;
}

// `n` rows of a table with generated values: ids "2301.000NN", strings
// "<column> NN", dates/timestamps from NN, small integers NN % 100, origin
// "arXiv".
inline Batch GeneratedBatch(const schema::TableDef& table, int n, int first = 0) {
  Batch b;
  b.rows = n;
  b.origin = "generated " + table.name;
  for (const auto& col : table.schema.columns) {
    if (col.physical == parquet::PhysicalType::kByteArray) {
      std::vector<std::optional<std::string>> values;
      for (int i = first; i < first + n; ++i) {
        if (col.name == "id") values.push_back("2301." + std::to_string(10000 + i));
        else if (col.name == "origin") values.push_back(std::string("arXiv"));
        else values.push_back(col.name + " " + std::to_string(i));
      }
      b.columns.push_back(StringVector(values));
    } else if (col.physical == parquet::PhysicalType::kInt32) {
      std::vector<std::optional<int32_t>> values;
      for (int i = first; i < first + n; ++i) {
        if (col.logical == parquet::LogicalType::kDate) values.push_back(13656 + i);
        else if (col.logical == parquet::LogicalType::kInt16) values.push_back(i % 100);
        else values.push_back(i);
      }
      b.columns.push_back(Int32Vector(values, col.logical));
    } else {
      std::vector<std::optional<int64_t>> values;
      for (int i = first; i < first + n; ++i) values.push_back(1175541522LL * 1000000 + i * 1000000LL);
      b.columns.push_back(Int64Vector(values, col.logical));
    }
  }
  return b;
}

}  // namespace arxivflow::warehouse::testing
