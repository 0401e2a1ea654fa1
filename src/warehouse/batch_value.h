// One value of a decoded batch as SQLite stores it: the one rule shared by
// the batch virtual table (sqlite_batch_table.h), which hands values to
// SQLite's INSERT, and the staged-file writer (sqlite_stage_file.h), which
// writes them as records itself. STRING (and other BYTE_ARRAY) as text,
// FIXED_LEN_BYTE_ARRAY as a blob, DATE and TIMESTAMP as ISO-8601 text
// (value_format.h), integers and booleans as integers, floats as reals.
//
// Contract: pure; `bytes` views the batch or `text`, which must outlive it.
// Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "parquet/reader.h"
#include "warehouse/value_format.h"

namespace arxivflow::warehouse {

struct BatchValue {
  enum Kind { kNull, kInteger, kReal, kText, kBlob } kind = kNull;
  int64_t integer = 0;
  double real = 0;
  std::string_view bytes;
};

using BatchValueText = std::array<char, kMaxFormattedValue>;

// Row `row` of `values`, a column of type `column`.
BatchValue BatchValueAt(const parquet::ColumnSchema& column, const parquet::ColumnVector& values, size_t row,
                        BatchValueText& text);

}  // namespace arxivflow::warehouse
