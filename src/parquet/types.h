// Parquet schema vocabulary shared by the writer and the reader.
//
// arxivflow writes and reads flat schemas only: one leaf column per field,
// REQUIRED or OPTIONAL, no nesting. Logical types are the subset the warehouse
// needs (STRING, DATE, INT(16), TIMESTAMP(UTC, MICROS)).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace arxivflow::parquet {

enum class PhysicalType { kBoolean, kInt32, kInt64, kDouble, kByteArray };

enum class LogicalType {
  kNone,
  kString,              // BYTE_ARRAY, UTF-8
  kDate,                // INT32, days since 1970-01-01
  kInt16,               // INT32 holding a signed 16-bit value
  kTimestampMicrosUtc,  // INT64, microseconds since the epoch, isAdjustedToUTC
};

enum class Compression { kUncompressed, kSnappy, kGzip, kZstd };

struct ColumnSchema {
  std::string name;
  PhysicalType physical = PhysicalType::kByteArray;
  LogicalType logical = LogicalType::kNone;
  bool nullable = true;  // OPTIONAL when true, REQUIRED otherwise
};

struct Schema {
  std::vector<ColumnSchema> columns;
  int FindColumn(const std::string& name) const;  // -1 when absent
};

// Convenience constructors for the common column kinds.
ColumnSchema StringColumn(std::string name, bool nullable = true);
ColumnSchema Int16Column(std::string name, bool nullable = true);
ColumnSchema Int32Column(std::string name, bool nullable = true);
ColumnSchema Int64Column(std::string name, bool nullable = true);
ColumnSchema DateColumn(std::string name, bool nullable = true);
ColumnSchema TimestampColumn(std::string name, bool nullable = true);
ColumnSchema DoubleColumn(std::string name, bool nullable = true);
ColumnSchema BoolColumn(std::string name, bool nullable = true);

const char* PhysicalTypeName(PhysicalType t);   // "BYTE_ARRAY", ...
const char* LogicalTypeName(LogicalType t);     // "STRING", "DATE", ... or ""
const char* CompressionName(Compression c);     // "SNAPPY", ...
// Parses "snappy", "zstd", "gzip", "none"/"uncompressed" (case-insensitive).
bool ParseCompression(const std::string& text, Compression* out);

}  // namespace arxivflow::parquet
