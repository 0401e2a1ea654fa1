// What a file's type annotations mean (internal to the reader).
//
// DescribeColumn() turns a leaf SchemaElement into a ColumnSchema: the
// physical type, and the logical type with its parameters, taken from the
// LogicalType when present, else from the legacy ConvertedType with the
// meaning parquet-format's backward-compatibility rules give it
// (TIMESTAMP_MILLIS is TIMESTAMP(MILLIS, UTC), UINT_32 is INT(32, unsigned),
// DECIMAL takes the element's precision and scale, ...). An annotation that is
// unknown, invalid, or does not fit the physical type makes the column
// LogicalType::kUnsupported, with the reason in `unsupported`: such a column
// is listed by the schema but its values are never handed out, because
// reading them as their physical type would show numbers that mean something
// else.
//
// CheckValues() checks decoded values against their logical type (narrow
// integers within their range, TIME within one day, DECIMAL byte arrays of a
// length that can hold one); Corruption naming `where` and the row otherwise.
//
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "common/status.h"
#include "parquet/format.h"
#include "parquet/reader.h"
#include "parquet/types.h"

namespace arxivflow::parquet {

// The widest DECIMAL read (Arrow's Decimal256): 76 digits, 32 bytes.
inline constexpr int32_t kMaxDecimalPrecision = 76;
inline constexpr int32_t kMaxDecimalBytes = 32;

// Fills *out (all but the name and repetition). Unsupported for physical
// types the reader does not read (INT96), Corruption for an element without
// a valid physical type or FIXED_LEN_BYTE_ARRAY length.
Status DescribeColumn(const format::SchemaElement& e, ColumnSchema* out);

Status CheckValues(const ColumnSchema& column, const ColumnVector& values, const std::string& where);

}  // namespace arxivflow::parquet
