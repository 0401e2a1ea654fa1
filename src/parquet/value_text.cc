#include "parquet/value_text.h"

#include <charconv>
#include <cstdio>
#include <cstring>

#include "common/civil_date.h"

namespace arxivflow::parquet {

namespace {

void CivilFromDays(int64_t days, int64_t* y, int* m, int* d) {
  const CivilDate c = arxivflow::CivilFromDays(days);
  *y = c.year;
  *m = c.month;
  *d = c.day;
}

}  // namespace

std::string FormatDate(int32_t days) {
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(y), m, d);
  return buf;
}

std::string FormatTimestampMicros(int64_t micros) {
  // Floor division so times before 1970 come out right.
  int64_t secs = micros / 1000000;
  int64_t frac = micros % 1000000;
  if (frac < 0) {
    frac += 1000000;
    secs -= 1;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  int hh = static_cast<int>(rem / 3600), mm = static_cast<int>(rem / 60 % 60), ss = static_cast<int>(rem % 60);
  if (frac != 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d.%06lldZ", static_cast<long long>(y), m, d, hh, mm, ss, static_cast<long long>(frac));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02dZ", static_cast<long long>(y), m, d, hh, mm, ss);
  }
  return buf;
}

std::optional<std::string> FormatStatistic(const ColumnSchema& column, std::string_view bytes) {
  switch (column.physical) {
    case PhysicalType::kByteArray:
      return std::string(bytes);
    case PhysicalType::kBoolean:
      if (bytes.size() != 1) return std::nullopt;
      return std::string(bytes[0] ? "true" : "false");
    case PhysicalType::kInt32: {
      if (bytes.size() != 4) return std::nullopt;
      int32_t v;
      std::memcpy(&v, bytes.data(), 4);
      if (column.logical == LogicalType::kDate) return FormatDate(v);
      return std::to_string(v);
    }
    case PhysicalType::kInt64: {
      if (bytes.size() != 8) return std::nullopt;
      int64_t v;
      std::memcpy(&v, bytes.data(), 8);
      if (column.logical == LogicalType::kTimestampMicrosUtc) return FormatTimestampMicros(v);
      return std::to_string(v);
    }
    case PhysicalType::kDouble: {
      if (bytes.size() != 8) return std::nullopt;
      double v;
      std::memcpy(&v, bytes.data(), 8);
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
      return std::string(buf, res.ptr);
    }
  }
  return std::nullopt;
}

}  // namespace arxivflow::parquet
