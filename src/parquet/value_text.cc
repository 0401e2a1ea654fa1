#include "parquet/value_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace arxivflow::parquet {

namespace {

void CivilFromDays(int64_t days, int64_t* y, int* m, int* d) {
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

std::string DateText(int64_t days) {
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  if (y >= 0 && y <= 9999) {
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(y), m, d);
  } else {
    // ISO 8601's expanded years carry a sign. |y| < 2^63 / 365.
    std::snprintf(buf, sizeof buf, "%c%04llu-%02d-%02d", y < 0 ? '-' : '+',
                  static_cast<unsigned long long>(y < 0 ? -y : y), m, d);
  }
  return buf;
}

int64_t UnitsPerSecond(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis: return 1000;
    case TimeUnit::kMicros: return 1000000;
    case TimeUnit::kNanos: return 1000000000;
  }
  return 1;
}

int FractionDigits(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis: return 3;
    case TimeUnit::kMicros: return 6;
    case TimeUnit::kNanos: return 9;
  }
  return 0;
}

// "HH:MM:SS" for `seconds` in [0, 86400), then the fraction and zone.
std::string ClockText(int64_t seconds, int64_t fraction, TimeUnit unit, bool utc) {
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(seconds / 3600),
                        static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
  if (fraction != 0) n += std::snprintf(buf + n, sizeof buf - n, ".%0*lld", FractionDigits(unit), static_cast<long long>(fraction));
  if (utc) buf[n++] = 'Z';
  return std::string(buf, static_cast<size_t>(n));
}

// Digits of a magnitude -> the decimal text with `scale` digits after the point.
std::string ScaledText(bool negative, std::string digits, int32_t scale) {
  if (digits.empty()) digits = "0";
  const bool zero = digits.find_first_not_of('0') == std::string::npos;
  if (scale > 0) {
    const size_t s = static_cast<size_t>(scale);
    if (digits.size() <= s) digits.insert(0, s + 1 - digits.size(), '0');
    digits.insert(digits.size() - s, 1, '.');
  }
  if (negative && !zero) digits.insert(0, 1, '-');
  return digits;
}

std::string Unsigned(uint64_t v) { return std::to_string(v); }

// A value of the column's physical type, taken from a ColumnVector or from
// statistics bytes.
struct Scalar {
  int64_t i = 0;           // BOOLEAN, INT32, INT64
  double d = 0;            // DOUBLE
  float f = 0;             // FLOAT
  std::string_view bytes;  // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY
};

std::optional<ValueText> FormatScalar(const ColumnSchema& c, const Scalar& v) {
  using K = ValueText::Kind;
  auto text = [](std::string t) { return ValueText{K::kText, std::move(t)}; };
  auto number = [](std::string t) { return ValueText{K::kNumber, std::move(t)}; };
  switch (c.logical) {
    case LogicalType::kNone:
      switch (c.physical) {
        case PhysicalType::kBoolean: return ValueText{K::kBoolean, v.i ? "true" : "false"};
        case PhysicalType::kInt32:
        case PhysicalType::kInt64: return number(std::to_string(v.i));
        case PhysicalType::kFloat: return FormatFloatingPoint(v.f);
        case PhysicalType::kDouble: return FormatFloatingPoint(v.d);
        case PhysicalType::kByteArray:
        case PhysicalType::kFixedLenByteArray: return text(std::string(v.bytes));
      }
      return std::nullopt;
    case LogicalType::kString: return text(std::string(v.bytes));
    case LogicalType::kDate: return text(FormatDate(static_cast<int32_t>(v.i)));
    case LogicalType::kInt16:
      if (v.i < INT16_MIN || v.i > INT16_MAX) return std::nullopt;
      return number(std::to_string(v.i));
    case LogicalType::kTimestampMicrosUtc: return text(FormatTimestamp(v.i, TimeUnit::kMicros, true));
    case LogicalType::kTimestamp: return text(FormatTimestamp(v.i, c.time_unit, c.utc));
    case LogicalType::kTime: {
      auto t = FormatTime(v.i, c.time_unit, c.utc);
      if (!t) return std::nullopt;
      return text(std::move(*t));
    }
    case LogicalType::kInteger:
      if (c.int_bits == 64) return number(c.int_signed ? std::to_string(v.i) : Unsigned(static_cast<uint64_t>(v.i)));
      if (c.int_bits == 32) {
        const int32_t x = static_cast<int32_t>(v.i);
        return number(c.int_signed ? std::to_string(x) : Unsigned(static_cast<uint32_t>(x)));
      }
      if (c.int_signed ? (v.i < -(int64_t{1} << (c.int_bits - 1)) || v.i >= (int64_t{1} << (c.int_bits - 1)))
                       : (v.i < 0 || v.i >= (int64_t{1} << c.int_bits))) {
        return std::nullopt;
      }
      return number(std::to_string(v.i));
    case LogicalType::kDecimal:
      if (c.physical == PhysicalType::kInt32 || c.physical == PhysicalType::kInt64) return text(FormatDecimal(v.i, c.scale));
      if (v.bytes.empty() || v.bytes.size() > 32) return std::nullopt;
      return text(FormatDecimal(reinterpret_cast<const uint8_t*>(v.bytes.data()), v.bytes.size(), c.scale));
    case LogicalType::kUuid:
      if (v.bytes.size() != 16) return std::nullopt;
      return text(FormatUuid(v.bytes));
    case LogicalType::kFloat16: {
      if (v.bytes.size() != 2) return std::nullopt;
      uint16_t bits;
      std::memcpy(&bits, v.bytes.data(), 2);
      return FormatFloatingPoint(HalfToFloat(bits));
    }
    case LogicalType::kUnsupported: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::string FormatDate(int32_t days) { return DateText(days); }

std::string FormatTimestamp(int64_t value, TimeUnit unit, bool utc) {
  // Floor division so times before 1970 come out right.
  const int64_t per_second = UnitsPerSecond(unit);
  int64_t secs = value / per_second;
  int64_t frac = value % per_second;
  if (frac < 0) {
    frac += per_second;
    secs -= 1;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  return DateText(days) + "T" + ClockText(rem, frac, unit, utc);
}

std::string FormatTimestampMicros(int64_t micros) { return FormatTimestamp(micros, TimeUnit::kMicros, true); }

std::optional<std::string> FormatTime(int64_t value, TimeUnit unit, bool utc) {
  const int64_t per_second = UnitsPerSecond(unit);
  if (value < 0 || value / per_second >= 86400) return std::nullopt;
  return ClockText(value / per_second, value % per_second, unit, utc);
}

std::string FormatDecimal(int64_t unscaled, int32_t scale) {
  const bool negative = unscaled < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(unscaled) : static_cast<uint64_t>(unscaled);
  return ScaledText(negative, std::to_string(magnitude), scale);
}

std::string FormatDecimal(const uint8_t* big_endian, size_t size, int32_t scale) {
  if (size == 0) return ScaledText(false, "0", scale);
  // Magnitude of the two's complement value, big-endian.
  const bool negative = (big_endian[0] & 0x80) != 0;
  uint8_t mag[32];
  const size_t n = size < sizeof mag ? size : sizeof mag;
  std::memcpy(mag, big_endian + (size - n), n);
  if (negative) {
    for (size_t i = 0; i < n; ++i) mag[i] = static_cast<uint8_t>(~mag[i]);
    for (size_t i = n; i-- > 0;) {
      if (++mag[i] != 0) break;
    }
  }
  // Repeated division by 10^9 yields nine digits at a time, lowest first.
  std::string digits;
  size_t first = 0;
  while (first < n) {
    uint64_t rem = 0;
    for (size_t i = first; i < n; ++i) {
      uint64_t cur = (rem << 8) | mag[i];
      mag[i] = static_cast<uint8_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    while (first < n && mag[first] == 0) ++first;
    char chunk[16];
    int len = std::snprintf(chunk, sizeof chunk, first < n ? "%09llu" : "%llu", static_cast<unsigned long long>(rem));
    digits.insert(0, chunk, static_cast<size_t>(len));
  }
  return ScaledText(negative, std::move(digits), scale);
}

std::string FormatUuid(std::string_view b) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    const uint8_t x = static_cast<uint8_t>(b[i]);
    out.push_back(kHex[x >> 4]);
    out.push_back(kHex[x & 15]);
  }
  return out;
}

float HalfToFloat(uint16_t bits) {
  const int sign = bits >> 15, exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
  float v;
  if (exponent == 0) {
    v = std::ldexp(static_cast<float>(mantissa), -24);  // zero and subnormals
  } else if (exponent == 31) {
    v = mantissa ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
  } else {
    v = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  }
  return sign ? -v : v;
}

ValueText FormatFloatingPoint(double v) {
  if (std::isnan(v)) return {ValueText::kText, "NaN"};
  if (std::isinf(v)) return {ValueText::kText, v > 0 ? "Infinity" : "-Infinity"};
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
  return {ValueText::kNumber, std::string(buf, res.ptr)};
}

ValueText FormatFloatingPoint(float v) {
  if (std::isnan(v)) return {ValueText::kText, "NaN"};
  if (std::isinf(v)) return {ValueText::kText, v > 0 ? "Infinity" : "-Infinity"};
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back to the same float
  return {ValueText::kNumber, std::string(buf, res.ptr)};
}

std::optional<ValueText> FormatValue(const ColumnSchema& column, const ColumnVector& values, size_t row) {
  if (!values.valid[row]) return ValueText{};
  Scalar s;
  switch (column.physical) {
    case PhysicalType::kBoolean: s.i = values.booleans[row]; break;
    case PhysicalType::kInt32: s.i = values.i32[row]; break;
    case PhysicalType::kInt64: s.i = values.i64[row]; break;
    case PhysicalType::kFloat: s.f = values.f32[row]; break;
    case PhysicalType::kDouble: s.d = values.f64[row]; break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: s.bytes = values.strings[row]; break;
  }
  return FormatScalar(column, s);
}

std::optional<ValueText> FormatStatistic(const ColumnSchema& column, std::string_view bytes) {
  Scalar s;
  auto fixed = [&](void* dst, size_t n) {
    if (bytes.size() != n) return false;
    std::memcpy(dst, bytes.data(), n);
    return true;
  };
  switch (column.physical) {
    case PhysicalType::kBoolean:
      if (bytes.size() != 1) return std::nullopt;
      s.i = bytes[0] != 0;
      break;
    case PhysicalType::kInt32: {
      int32_t v;
      if (!fixed(&v, 4)) return std::nullopt;
      s.i = v;
      break;
    }
    case PhysicalType::kInt64:
      if (!fixed(&s.i, 8)) return std::nullopt;
      break;
    case PhysicalType::kFloat:
      if (!fixed(&s.f, 4)) return std::nullopt;
      break;
    case PhysicalType::kDouble:
      if (!fixed(&s.d, 8)) return std::nullopt;
      break;
    case PhysicalType::kFixedLenByteArray:
      if (bytes.size() != static_cast<size_t>(column.type_length)) return std::nullopt;
      s.bytes = bytes;
      break;
    case PhysicalType::kByteArray: s.bytes = bytes; break;
  }
  return FormatScalar(column, s);
}

}  // namespace arxivflow::parquet
