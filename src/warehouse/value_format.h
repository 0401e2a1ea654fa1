// Text forms of typed Parquet values, as stored in SQLite and printed by tools.
//
// DATE      -> "YYYY-MM-DD" (proleptic Gregorian)
// TIMESTAMP -> "YYYY-MM-DDTHH:MM:SSZ", with ".ffffff" before the Z only when
//              the value has a sub-second part.
// The *To() forms write into a caller's buffer of at least kMaxFormattedValue
// bytes and return the length (no allocation: the SQLite loader formats
// millions of values). Years outside 0..9999 are written with as many digits
// (and a sign) as they need. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace arxivflow::warehouse {

inline constexpr size_t kMaxFormattedValue = 48;

// Days since 1970-01-01.
std::string FormatDate(int32_t days_since_epoch);
size_t FormatDateTo(int32_t days_since_epoch, char* out);
// Microseconds since 1970-01-01T00:00:00Z.
std::string FormatTimestamp(int64_t micros_since_epoch);
size_t FormatTimestampTo(int64_t micros_since_epoch, char* out);

// The current time as "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatUtcNow();

}  // namespace arxivflow::warehouse
