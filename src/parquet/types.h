// Parquet schema vocabulary shared by the writer and the reader.
//
// Schemas are flat: one leaf column per field, REQUIRED or OPTIONAL, no
// nesting. The writer produces the column kinds of the convenience
// constructors below (STRING, DATE, INT(16), TIMESTAMP(MICROS, UTC) and the
// unannotated physical types). The reader describes any flat file's columns
// with the same struct: the physical type, and the logical type with its
// parameters, so that every consumer can tell a DECIMAL(4,2) stored in an
// INT32 from a plain integer. Plain value types; thread-safe to read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace arxivflow::parquet {

enum class PhysicalType { kBoolean, kInt32, kInt64, kDouble, kByteArray, kFloat, kFixedLenByteArray };

enum class LogicalType {
  kNone,
  kString,              // BYTE_ARRAY, UTF-8 (also ENUM and JSON)
  kDate,                // INT32, days since 1970-01-01
  kInt16,               // INT32 holding a signed 16-bit value
  kTimestampMicrosUtc,  // INT64, microseconds since the epoch, isAdjustedToUTC
  // Read from files only (the writer does not produce them):
  kInteger,    // INT(int_bits, int_signed) other than INT(16, signed), INT(32, signed), INT(64, signed)
  kDecimal,    // DECIMAL(precision, scale) on INT32, INT64, BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY
  kTimestamp,  // TIMESTAMP(time_unit, utc) other than (MICROS, UTC); INT64
  kTime,       // TIME(time_unit, utc): INT32 for MILLIS, INT64 for MICROS and NANOS
  kUuid,       // FIXED_LEN_BYTE_ARRAY(16)
  kFloat16,    // FIXED_LEN_BYTE_ARRAY(2), IEEE half precision, little-endian
  kUnsupported,  // an annotation this reader cannot honour; `unsupported` says which
};

enum class TimeUnit { kMillis, kMicros, kNanos };

enum class Compression { kUncompressed, kSnappy, kGzip, kZstd };

struct ColumnSchema {
  std::string name;
  PhysicalType physical = PhysicalType::kByteArray;
  LogicalType logical = LogicalType::kNone;
  bool nullable = true;  // OPTIONAL when true, REQUIRED otherwise
  // Parameters, meaningful only for the types named.
  int32_t type_length = 0;               // kFixedLenByteArray: bytes per value
  int32_t precision = 0;                 // kDecimal
  int32_t scale = 0;                     // kDecimal
  TimeUnit time_unit = TimeUnit::kMicros;  // kTimestamp, kTime
  bool utc = true;                       // kTimestamp, kTime: isAdjustedToUTC
  int32_t int_bits = 0;                  // kInteger: 8, 16, 32 or 64
  bool int_signed = true;                // kInteger
  std::string unsupported;               // kUnsupported: e.g. "logical type INTERVAL"
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
const char* LogicalTypeName(LogicalType t);     // "STRING", "DATE", "DECIMAL", ... or ""
const char* TimeUnitName(TimeUnit u);           // "MILLIS", "MICROS", "NANOS"
const char* CompressionName(Compression c);     // "SNAPPY", ...
// The column's full type with its parameters, as `parquet schema` prints it:
// "INT32 DECIMAL(4,2)", "FIXED_LEN_BYTE_ARRAY(16) UUID",
// "INT64 TIMESTAMP(NANOS,LOCAL)", "BYTE_ARRAY".
std::string ColumnTypeText(const ColumnSchema& c);
// Parses "snappy", "zstd", "gzip", "none"/"uncompressed" (case-insensitive).
bool ParseCompression(const std::string& text, Compression* out);

}  // namespace arxivflow::parquet
