// Text forms of Parquet values, shared by the CLI and tools.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parquet/types.h"

namespace arxivflow::parquet {

// Days since 1970-01-01 -> "YYYY-MM-DD" (proleptic Gregorian).
std::string FormatDate(int32_t days);
// Microseconds since the epoch -> "YYYY-MM-DDTHH:MM:SSZ", with ".ffffff" when
// the sub-second part is non-zero.
std::string FormatTimestampMicros(int64_t micros);
// Statistics bytes (PLAIN encoding, no length prefix) -> readable text, or
// std::nullopt when they do not fit the column's type.
std::optional<std::string> FormatStatistic(const ColumnSchema& column, std::string_view bytes);

}  // namespace arxivflow::parquet
