// Text forms of Parquet values: the one place that says how a value of each
// physical and logical type reads, used by `parquet cat` and `parquet meta`
// (and by any tool that shows values).
//
// Every value is shown as what it means, never as a number that means
// something else: DECIMAL as its exact decimal string, unsigned integers as
// unsigned, TIMESTAMP and TIME in ISO 8601 with their unit's fraction digits
// ("Z" when adjusted to UTC, no zone when local), NaN and the infinities as
// "NaN", "Infinity" and "-Infinity" (text, so that they stay distinct from
// null in JSON), UUID in its 8-4-4-4-12 form, FLOAT16 as a number.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parquet/reader.h"
#include "parquet/types.h"

namespace arxivflow::parquet {

// One value's text, and how JSON carries it: kNumber and kBoolean texts are
// JSON literals, kText is a string to quote, kNull is null.
struct ValueText {
  enum Kind { kNull, kNumber, kBoolean, kText };
  Kind kind = kNull;
  std::string text;
  bool operator==(const ValueText&) const = default;
};

// Days since 1970-01-01 -> "YYYY-MM-DD" (proleptic Gregorian; years outside
// 0000-9999 with a sign, as ISO 8601 extends them: "+10000-01-01").
std::string FormatDate(int32_t days);
// `value` units since the epoch -> "YYYY-MM-DDTHH:MM:SS", with the unit's
// fraction (".fff", ".ffffff", ".fffffffff") when it is non-zero, and "Z"
// when `utc` (a local timestamp has no zone).
std::string FormatTimestamp(int64_t value, TimeUnit unit, bool utc);
// Microseconds since the epoch, UTC: FormatTimestamp(micros, kMicros, true).
std::string FormatTimestampMicros(int64_t micros);
// `value` units since midnight -> "HH:MM:SS[.fraction][Z]"; std::nullopt
// outside [00:00, 24:00).
std::optional<std::string> FormatTime(int64_t value, TimeUnit unit, bool utc);
// An unscaled integer and a scale -> exact decimal text ("1.00", "-0.05").
std::string FormatDecimal(int64_t unscaled, int32_t scale);
// The same for a big-endian two's complement integer of `size` bytes (1..32).
std::string FormatDecimal(const uint8_t* big_endian, size_t size, int32_t scale);
// 16 bytes -> "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower case).
std::string FormatUuid(std::string_view bytes);
// IEEE 754 half precision (as stored, little-endian bits) -> float.
float HalfToFloat(uint16_t bits);
// Shortest text that reads back to the same value, or NaN / Infinity / -Infinity.
ValueText FormatFloatingPoint(double v);
ValueText FormatFloatingPoint(float v);

// Row `row` of `values`, a column described by `column` (as read by
// Reader::ReadColumn). std::nullopt when the value is not one of the
// column's type (the reader refuses such columns before they get here).
std::optional<ValueText> FormatValue(const ColumnSchema& column, const ColumnVector& values, size_t row);

// Statistics bytes (PLAIN encoding without the length prefix; DECIMAL byte
// arrays big-endian) -> the value's text, or std::nullopt when they do not
// fit the column's type.
std::optional<ValueText> FormatStatistic(const ColumnSchema& column, std::string_view bytes);

}  // namespace arxivflow::parquet
