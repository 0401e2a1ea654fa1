#include "warehouse/value_format.h"

#include <chrono>
#include <cstdio>

namespace arxivflow::warehouse {

namespace {

// Days since the epoch -> civil date (H. Hinnant's algorithm).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t year = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = year + (*m <= 2);
}

char* Two(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

char* YearMonthDay(char* p, int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y >= 0 && y <= 9999) {
    const unsigned year = static_cast<unsigned>(y);
    p = Two(p, year / 100);
    p = Two(p, year % 100);
  } else {
    p += std::snprintf(p, 24, "%04lld", static_cast<long long>(y));
  }
  *p++ = '-';
  p = Two(p, m);
  *p++ = '-';
  return Two(p, d);
}

}  // namespace

size_t FormatDateTo(int32_t days_since_epoch, char* out) {
  return static_cast<size_t>(YearMonthDay(out, days_since_epoch) - out);
}

std::string FormatDate(int32_t days_since_epoch) {
  char buf[kMaxFormattedValue];
  return std::string(buf, FormatDateTo(days_since_epoch, buf));
}

size_t FormatTimestampTo(int64_t micros, char* out) {
  constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;
  int64_t days = micros / kMicrosPerDay;
  int64_t rem = micros % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    days -= 1;
  }
  char* p = YearMonthDay(out, days);
  const unsigned secs = static_cast<unsigned>(rem / 1000000);
  unsigned frac = static_cast<unsigned>(rem % 1000000);
  *p++ = 'T';
  p = Two(p, secs / 3600);
  *p++ = ':';
  p = Two(p, secs / 60 % 60);
  *p++ = ':';
  p = Two(p, secs % 60);
  if (frac != 0) {
    *p++ = '.';
    for (int i = 5; i >= 0; --i) {
      p[i] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    p += 6;
  }
  *p++ = 'Z';
  return static_cast<size_t>(p - out);
}

std::string FormatTimestamp(int64_t micros) {
  char buf[kMaxFormattedValue];
  return std::string(buf, FormatTimestampTo(micros, buf));
}

std::string FormatUtcNow() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return FormatTimestamp(std::chrono::duration_cast<std::chrono::seconds>(now).count() * 1000000LL);
}

}  // namespace arxivflow::warehouse
