#include "parquet/logical_types.h"

namespace arxivflow::parquet {

namespace {

using L = format::LogicalTypeInfo;

const char* AnnotationName(int16_t kind) {
  switch (kind) {
    case L::kString: return "STRING";
    case L::kMap: return "MAP";
    case L::kList: return "LIST";
    case L::kEnum: return "ENUM";
    case L::kDecimal: return "DECIMAL";
    case L::kDate: return "DATE";
    case L::kTime: return "TIME";
    case L::kTimestamp: return "TIMESTAMP";
    case L::kInteger: return "INTEGER";
    case L::kUnknown: return "UNKNOWN";
    case L::kJson: return "JSON";
    case L::kBson: return "BSON";
    case L::kUuid: return "UUID";
    case L::kFloat16: return "FLOAT16";
    case L::kVariant: return "VARIANT";
    case L::kGeometry: return "GEOMETRY";
    case L::kGeography: return "GEOGRAPHY";
  }
  return nullptr;
}

const char* ConvertedTypeName(int32_t ct) {
  switch (ct) {
    case format::kUtf8: return "UTF8";
    case format::kMap: return "MAP";
    case format::kMapKeyValue: return "MAP_KEY_VALUE";
    case format::kList: return "LIST";
    case format::kEnum: return "ENUM";
    case format::kDecimal: return "DECIMAL";
    case format::kDate: return "DATE";
    case format::kTimeMillis: return "TIME_MILLIS";
    case format::kTimeMicros: return "TIME_MICROS";
    case format::kTimestampMillis: return "TIMESTAMP_MILLIS";
    case format::kTimestampMicros: return "TIMESTAMP_MICROS";
    case format::kUint_8: return "UINT_8";
    case format::kUint_16: return "UINT_16";
    case format::kUint_32: return "UINT_32";
    case format::kUint_64: return "UINT_64";
    case format::kInt_8: return "INT_8";
    case format::kInt_16: return "INT_16";
    case format::kInt_32: return "INT_32";
    case format::kInt_64: return "INT_64";
    case format::kJson: return "JSON";
    case format::kBson: return "BSON";
    case format::kInterval: return "INTERVAL";
  }
  return nullptr;
}

// Marks the column unreadable, keeping the reason for the error message.
void Refuse(ColumnSchema* c, std::string reason) {
  c->logical = LogicalType::kUnsupported;
  c->unsupported = std::move(reason);
}

void RefuseOnPhysical(ColumnSchema* c, const std::string& annotation) {
  std::string physical = PhysicalTypeName(c->physical);
  if (c->physical == PhysicalType::kFixedLenByteArray) physical += "(" + std::to_string(c->type_length) + ")";
  Refuse(c, annotation + " annotation on " + physical);
}

void SetDecimal(ColumnSchema* c, int32_t precision, int32_t scale) {
  const std::string text = "DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
  switch (c->physical) {
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
    case PhysicalType::kByteArray:
      break;
    case PhysicalType::kFixedLenByteArray:
      if (c->type_length > kMaxDecimalBytes) return Refuse(c, text + " in " + std::to_string(c->type_length) + "-byte values (at most " + std::to_string(kMaxDecimalBytes) + ")");
      break;
    default:
      return RefuseOnPhysical(c, text);
  }
  if (precision < 1 || scale < 0 || scale > precision) return Refuse(c, "invalid " + text);
  if (precision > kMaxDecimalPrecision) return Refuse(c, text + " wider than " + std::to_string(kMaxDecimalPrecision) + " digits");
  c->logical = LogicalType::kDecimal;
  c->precision = precision;
  c->scale = scale;
}

// INTEGER(bits, signed): INT32 for 8, 16 and 32 bits, INT64 for 64.
void SetInteger(ColumnSchema* c, int bits, bool is_signed) {
  const std::string text = "INT(" + std::to_string(bits) + "," + (is_signed ? "true" : "false") + ")";
  if (bits != 8 && bits != 16 && bits != 32 && bits != 64) return Refuse(c, "invalid " + text);
  if (c->physical != (bits == 64 ? PhysicalType::kInt64 : PhysicalType::kInt32)) return RefuseOnPhysical(c, text);
  if (is_signed && bits == 16) {
    c->logical = LogicalType::kInt16;
  } else if (is_signed && bits >= 32) {
    c->logical = LogicalType::kNone;  // the physical type's own meaning
  } else {
    c->logical = LogicalType::kInteger;
    c->int_bits = bits;
    c->int_signed = is_signed;
  }
}

// TIME: INT32 for MILLIS, INT64 for MICROS and NANOS.
void SetTime(ColumnSchema* c, int unit, bool utc) {
  if (unit < 0 || unit > 2) return Refuse(c, "TIME without a valid unit");
  const TimeUnit u = static_cast<TimeUnit>(unit);
  const std::string text = std::string("TIME(") + TimeUnitName(u) + "," + (utc ? "UTC" : "LOCAL") + ")";
  if (c->physical != (u == TimeUnit::kMillis ? PhysicalType::kInt32 : PhysicalType::kInt64)) return RefuseOnPhysical(c, text);
  c->logical = LogicalType::kTime;
  c->time_unit = u;
  c->utc = utc;
}

void SetTimestamp(ColumnSchema* c, int unit, bool utc) {
  if (unit < 0 || unit > 2) return Refuse(c, "TIMESTAMP without a valid unit");
  const TimeUnit u = static_cast<TimeUnit>(unit);
  if (c->physical != PhysicalType::kInt64) {
    return RefuseOnPhysical(c, std::string("TIMESTAMP(") + TimeUnitName(u) + "," + (utc ? "UTC" : "LOCAL") + ")");
  }
  if (u == TimeUnit::kMicros && utc) {
    c->logical = LogicalType::kTimestampMicrosUtc;
    return;
  }
  c->logical = LogicalType::kTimestamp;
  c->time_unit = u;
  c->utc = utc;
}

// A parameterless annotation allowed on one physical type (and FIXED_LEN_BYTE_ARRAY length).
void SetSimple(ColumnSchema* c, const char* annotation, PhysicalType on, LogicalType as, int32_t length = 0) {
  if (c->physical != on || (length != 0 && c->type_length != length)) return RefuseOnPhysical(c, annotation);
  c->logical = as;
}

void FromLogicalType(const L& l, ColumnSchema* c) {
  switch (l.kind) {
    case L::kString:
    case L::kEnum:
    case L::kJson:
      return SetSimple(c, AnnotationName(l.kind), PhysicalType::kByteArray, LogicalType::kString);
    case L::kBson:  // binary documents: read as the bytes they are
      return SetSimple(c, "BSON", PhysicalType::kByteArray, LogicalType::kNone);
    case L::kDate: return SetSimple(c, "DATE", PhysicalType::kInt32, LogicalType::kDate);
    case L::kDecimal: return SetDecimal(c, l.precision, l.scale);
    case L::kTime: return SetTime(c, l.unit, l.is_adjusted_to_utc);
    case L::kTimestamp: return SetTimestamp(c, l.unit, l.is_adjusted_to_utc);
    case L::kInteger: return SetInteger(c, l.bit_width, l.is_signed);
    case L::kUnknown:  // a column that is always null: its physical type reads it
      c->logical = LogicalType::kNone;
      return;
    case L::kUuid: return SetSimple(c, "UUID", PhysicalType::kFixedLenByteArray, LogicalType::kUuid, 16);
    case L::kFloat16: return SetSimple(c, "FLOAT16", PhysicalType::kFixedLenByteArray, LogicalType::kFloat16, 2);
  }
  const char* name = AnnotationName(l.kind);
  Refuse(c, name ? std::string("logical type ") + name : "logical type #" + std::to_string(l.kind));
}

void FromConvertedType(const format::SchemaElement& e, ColumnSchema* c) {
  const int32_t ct = *e.converted_type;
  switch (ct) {
    case format::kUtf8:
    case format::kEnum:
    case format::kJson:
      return SetSimple(c, ConvertedTypeName(ct), PhysicalType::kByteArray, LogicalType::kString);
    case format::kBson: return SetSimple(c, "BSON", PhysicalType::kByteArray, LogicalType::kNone);
    case format::kDate: return SetSimple(c, "DATE", PhysicalType::kInt32, LogicalType::kDate);
    case format::kDecimal:
      if (!e.precision) return Refuse(c, "DECIMAL without a precision");
      return SetDecimal(c, *e.precision, e.scale.value_or(0));
    // The legacy time annotations all mean UTC-adjusted values.
    case format::kTimeMillis: return SetTime(c, 0, true);
    case format::kTimeMicros: return SetTime(c, 1, true);
    case format::kTimestampMillis: return SetTimestamp(c, 0, true);
    case format::kTimestampMicros: return SetTimestamp(c, 1, true);
    case format::kUint_8: return SetInteger(c, 8, false);
    case format::kUint_16: return SetInteger(c, 16, false);
    case format::kUint_32: return SetInteger(c, 32, false);
    case format::kUint_64: return SetInteger(c, 64, false);
    case format::kInt_8: return SetInteger(c, 8, true);
    case format::kInt_16: return SetInteger(c, 16, true);
    case format::kInt_32: return SetInteger(c, 32, true);
    case format::kInt_64: return SetInteger(c, 64, true);
  }
  const char* name = ConvertedTypeName(ct);
  Refuse(c, name ? std::string("converted type ") + name : "converted type #" + std::to_string(ct));
}

}  // namespace

Status DescribeColumn(const format::SchemaElement& e, ColumnSchema* c) {
  if (!e.type) return Status::Corruption("field '" + e.name + "' has no physical type");
  switch (*e.type) {
    case format::kBoolean: c->physical = PhysicalType::kBoolean; break;
    case format::kInt32: c->physical = PhysicalType::kInt32; break;
    case format::kInt64: c->physical = PhysicalType::kInt64; break;
    case format::kFloat: c->physical = PhysicalType::kFloat; break;
    case format::kDouble: c->physical = PhysicalType::kDouble; break;
    case format::kByteArray: c->physical = PhysicalType::kByteArray; break;
    case format::kFixedLenByteArray:
      c->physical = PhysicalType::kFixedLenByteArray;
      if (!e.type_length || *e.type_length <= 0) {
        return Status::Corruption("field '" + e.name + "' is FIXED_LEN_BYTE_ARRAY with length " +
                                  (e.type_length ? std::to_string(*e.type_length) : std::string("missing")));
      }
      c->type_length = *e.type_length;
      break;
    case format::kInt96:
      return Status::Unsupported("field '" + e.name + "' has physical type INT96, which is not supported");
    default:
      return Status::Unsupported("field '" + e.name + "' has unknown physical type " + std::to_string(*e.type));
  }
  c->logical = LogicalType::kNone;
  if (e.logical.kind != L::kNone) {
    FromLogicalType(e.logical, c);
  } else if (e.converted_type) {
    FromConvertedType(e, c);
  }
  return Status::OK();
}

Status CheckValues(const ColumnSchema& column, const ColumnVector& v, const std::string& where) {
  const size_t n = static_cast<size_t>(v.size);
  auto bad = [&](size_t row, const std::string& what) {
    return Status::Corruption(where + ": row " + std::to_string(row) + ": " + what);
  };
  switch (column.logical) {
    case LogicalType::kInt16:
    case LogicalType::kInteger: {
      const int bits = column.logical == LogicalType::kInt16 ? 16 : column.int_bits;
      const bool is_signed = column.logical == LogicalType::kInt16 || column.int_signed;
      if (bits >= 32) return Status::OK();  // every bit pattern is a value
      const int64_t lo = is_signed ? -(int64_t{1} << (bits - 1)) : 0;
      const int64_t hi = is_signed ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
      for (size_t i = 0; i < n; ++i) {
        if (v.valid[i] && (v.i32[i] < lo || v.i32[i] > hi)) {
          return bad(i, "value " + std::to_string(v.i32[i]) + " does not fit " + (is_signed ? "INT(" : "UINT(") + std::to_string(bits) + ")");
        }
      }
      return Status::OK();
    }
    case LogicalType::kTime: {
      const int64_t per_day = column.time_unit == TimeUnit::kMillis ? 86'400'000LL
                              : column.time_unit == TimeUnit::kMicros ? 86'400'000'000LL
                                                                       : 86'400'000'000'000LL;
      for (size_t i = 0; i < n; ++i) {
        if (!v.valid[i]) continue;
        const int64_t x = column.physical == PhysicalType::kInt32 ? v.i32[i] : v.i64[i];
        if (x < 0 || x >= per_day) return bad(i, "TIME value " + std::to_string(x) + " is not within one day");
      }
      return Status::OK();
    }
    case LogicalType::kDecimal:
      if (column.physical != PhysicalType::kByteArray) return Status::OK();
      for (size_t i = 0; i < n; ++i) {
        if (v.valid[i] && (v.strings[i].empty() || v.strings[i].size() > static_cast<size_t>(kMaxDecimalBytes))) {
          return bad(i, "DECIMAL value of " + std::to_string(v.strings[i].size()) + " bytes (1 to " + std::to_string(kMaxDecimalBytes) + " expected)");
        }
      }
      return Status::OK();
    default:
      return Status::OK();
  }
}

}  // namespace arxivflow::parquet
