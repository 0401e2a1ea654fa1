// Calendar arithmetic and the date formats of the arXiv snapshot.
//
// Contract: pure functions over proleptic Gregorian UTC time, valid for years
// 1..9999; no time zones, no locale, no global state (thread-safe). Seconds
// are counted from 1970-01-01T00:00:00Z.
#pragma once

#include <cstdint>
#include <string>

#include "gen/out_buffer.h"

namespace arxivflow::gen {

struct CivilDate {
  int year;
  int month;  // 1..12
  int day;    // 1..31
};

// Days since 1970-01-01 for a civil date (negative before 1970).
int64_t DaysFromCivil(int year, int month, int day);
CivilDate CivilFromDays(int64_t days);
// 0 = Sunday .. 6 = Saturday.
int WeekdayFromDays(int64_t days);
int DaysInMonth(int year, int month);

// Appends "Mon, 2 Apr 2007 19:18:42 GMT" (RFC 2822, day without leading zero,
// as the snapshot writes it); the weekday is computed from the date.
void AppendRfc2822(int64_t unix_seconds, OutBuffer* out);
// Appends "2007-04-02".
void AppendIsoDate(int64_t unix_seconds, OutBuffer* out);

std::string FormatRfc2822(int64_t unix_seconds);
std::string FormatIsoDate(int64_t unix_seconds);

}  // namespace arxivflow::gen
