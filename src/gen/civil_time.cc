#include "gen/civil_time.h"

namespace arxivflow::gen {
namespace {

constexpr char kWeekdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr char kMonths[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days (public-domain algorithms).
int64_t DaysFromCivil(int year, int month, int day) {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2);
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t mp = (month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2));
  return {year, month, day};
}

int WeekdayFromDays(int64_t days) {
  // 1970-01-01 was a Thursday (4).
  int64_t w = (days + 4) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

void AppendRfc2822(int64_t unix_seconds, OutBuffer* out) {
  const int64_t days = FloorDiv(unix_seconds, 86400);
  const int64_t secs = unix_seconds - days * 86400;
  const CivilDate d = CivilFromDays(days);
  out->Append(kWeekdays[WeekdayFromDays(days)], 3);
  out->Append(", ", 2);
  out->AppendUInt(static_cast<uint64_t>(d.day));
  out->Push(' ');
  out->Append(kMonths[d.month - 1], 3);
  out->Push(' ');
  out->AppendUInt(static_cast<uint64_t>(d.year));
  out->Push(' ');
  out->AppendPadded(static_cast<uint64_t>(secs / 3600), 2);
  out->Push(':');
  out->AppendPadded(static_cast<uint64_t>(secs / 60 % 60), 2);
  out->Push(':');
  out->AppendPadded(static_cast<uint64_t>(secs % 60), 2);
  out->Append(" GMT", 4);
}

void AppendIsoDate(int64_t unix_seconds, OutBuffer* out) {
  const CivilDate d = CivilFromDays(FloorDiv(unix_seconds, 86400));
  out->AppendPadded(static_cast<uint64_t>(d.year), 4);
  out->Push('-');
  out->AppendPadded(static_cast<uint64_t>(d.month), 2);
  out->Push('-');
  out->AppendPadded(static_cast<uint64_t>(d.day), 2);
}

std::string FormatRfc2822(int64_t unix_seconds) {
  OutBuffer b;
  AppendRfc2822(unix_seconds, &b);
  return std::string(b.View());
}

std::string FormatIsoDate(int64_t unix_seconds) {
  OutBuffer b;
  AppendIsoDate(unix_seconds, &b);
  return std::string(b.View());
}

}  // namespace arxivflow::gen
