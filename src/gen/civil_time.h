// The date formats of the arXiv snapshot (the calendar arithmetic is
// common/civil_date.h).
//
// Contract: pure functions over proleptic Gregorian UTC time, valid for years
// 1..9999; no time zones, no locale, no global state (thread-safe). Seconds
// are counted from 1970-01-01T00:00:00Z.
#pragma once

#include <cstdint>
#include <string>

#include "common/civil_date.h"
#include "gen/out_buffer.h"

namespace arxivflow::gen {

// Appends "Mon, 2 Apr 2007 19:18:42 GMT" (RFC 2822, day without leading zero,
// as the snapshot writes it); the weekday is computed from the date.
void AppendRfc2822(int64_t unix_seconds, OutBuffer* out);
// Appends "2007-04-02".
void AppendIsoDate(int64_t unix_seconds, OutBuffer* out);

std::string FormatRfc2822(int64_t unix_seconds);
std::string FormatIsoDate(int64_t unix_seconds);

}  // namespace arxivflow::gen
