#include "parquet/types.h"

#include <algorithm>
#include <cctype>

namespace arxivflow::parquet {

int Schema::FindColumn(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {
ColumnSchema Make(std::string name, PhysicalType p, LogicalType l, bool nullable) {
  ColumnSchema c;
  c.name = std::move(name);
  c.physical = p;
  c.logical = l;
  c.nullable = nullable;
  return c;
}
}  // namespace

ColumnSchema StringColumn(std::string n, bool nl) { return Make(std::move(n), PhysicalType::kByteArray, LogicalType::kString, nl); }
ColumnSchema Int16Column(std::string n, bool nl) { return Make(std::move(n), PhysicalType::kInt32, LogicalType::kInt16, nl); }
ColumnSchema Int32Column(std::string n, bool nl) { return Make(std::move(n), PhysicalType::kInt32, LogicalType::kNone, nl); }
ColumnSchema Int64Column(std::string n, bool nl) { return Make(std::move(n), PhysicalType::kInt64, LogicalType::kNone, nl); }
ColumnSchema DateColumn(std::string n, bool nl) { return Make(std::move(n), PhysicalType::kInt32, LogicalType::kDate, nl); }
ColumnSchema TimestampColumn(std::string n, bool nl) { return Make(std::move(n), PhysicalType::kInt64, LogicalType::kTimestampMicrosUtc, nl); }
ColumnSchema DoubleColumn(std::string n, bool nl) { return Make(std::move(n), PhysicalType::kDouble, LogicalType::kNone, nl); }
ColumnSchema BoolColumn(std::string n, bool nl) { return Make(std::move(n), PhysicalType::kBoolean, LogicalType::kNone, nl); }

const char* PhysicalTypeName(PhysicalType t) {
  switch (t) {
    case PhysicalType::kBoolean: return "BOOLEAN";
    case PhysicalType::kInt32: return "INT32";
    case PhysicalType::kInt64: return "INT64";
    case PhysicalType::kDouble: return "DOUBLE";
    case PhysicalType::kByteArray: return "BYTE_ARRAY";
    case PhysicalType::kFloat: return "FLOAT";
    case PhysicalType::kFixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY";
  }
  return "?";
}

const char* LogicalTypeName(LogicalType t) {
  switch (t) {
    case LogicalType::kNone: return "";
    case LogicalType::kString: return "STRING";
    case LogicalType::kDate: return "DATE";
    case LogicalType::kInt16: return "INT(16,true)";
    case LogicalType::kTimestampMicrosUtc: return "TIMESTAMP(MICROS,UTC)";
    case LogicalType::kInteger: return "INT";
    case LogicalType::kDecimal: return "DECIMAL";
    case LogicalType::kTimestamp: return "TIMESTAMP";
    case LogicalType::kTime: return "TIME";
    case LogicalType::kUuid: return "UUID";
    case LogicalType::kFloat16: return "FLOAT16";
    case LogicalType::kUnsupported: return "UNSUPPORTED";
  }
  return "?";
}

const char* TimeUnitName(TimeUnit u) {
  switch (u) {
    case TimeUnit::kMillis: return "MILLIS";
    case TimeUnit::kMicros: return "MICROS";
    case TimeUnit::kNanos: return "NANOS";
  }
  return "?";
}

std::string ColumnTypeText(const ColumnSchema& c) {
  std::string t = PhysicalTypeName(c.physical);
  if (c.physical == PhysicalType::kFixedLenByteArray) t += "(" + std::to_string(c.type_length) + ")";
  switch (c.logical) {
    case LogicalType::kNone: return t;
    case LogicalType::kInteger:
      return t + " INT(" + std::to_string(c.int_bits) + "," + (c.int_signed ? "true" : "false") + ")";
    case LogicalType::kDecimal:
      return t + " DECIMAL(" + std::to_string(c.precision) + "," + std::to_string(c.scale) + ")";
    case LogicalType::kTimestamp:
    case LogicalType::kTime:
      return t + " " + LogicalTypeName(c.logical) + "(" + TimeUnitName(c.time_unit) + "," + (c.utc ? "UTC" : "LOCAL") + ")";
    case LogicalType::kUnsupported: return t + " (" + c.unsupported + ", not supported)";
    default: return t + " " + LogicalTypeName(c.logical);
  }
}

const char* CompressionName(Compression c) {
  switch (c) {
    case Compression::kUncompressed: return "UNCOMPRESSED";
    case Compression::kSnappy: return "SNAPPY";
    case Compression::kGzip: return "GZIP";
    case Compression::kZstd: return "ZSTD";
  }
  return "?";
}

bool ParseCompression(const std::string& text, Compression* out) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "snappy") *out = Compression::kSnappy;
  else if (t == "zstd") *out = Compression::kZstd;
  else if (t == "gzip") *out = Compression::kGzip;
  else if (t == "none" || t == "uncompressed") *out = Compression::kUncompressed;
  else return false;
  return true;
}

}  // namespace arxivflow::parquet
