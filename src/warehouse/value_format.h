// Text forms of typed Parquet values, as stored in SQLite and printed by tools.
//
// DATE      -> "YYYY-MM-DD" (proleptic Gregorian)
// TIMESTAMP -> "YYYY-MM-DDTHH:MM:SSZ", with ".ffffff" before the Z only when
//              the value has a sub-second part.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace arxivflow::warehouse {

// Days since 1970-01-01.
std::string FormatDate(int32_t days_since_epoch);
// Microseconds since 1970-01-01T00:00:00Z.
std::string FormatTimestamp(int64_t micros_since_epoch);

}  // namespace arxivflow::warehouse
