#include "warehouse/value_format.h"

#include <cstdio>

#include "common/civil_date.h"

namespace arxivflow::warehouse {

namespace {

// Days since the epoch -> civil date.
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  const CivilDate c = arxivflow::CivilFromDays(z);
  *y = c.year;
  *m = static_cast<unsigned>(c.month);
  *d = static_cast<unsigned>(c.day);
}

}  // namespace

std::string FormatDate(int32_t days_since_epoch) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days_since_epoch, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::string FormatTimestamp(int64_t micros) {
  constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;
  int64_t days = micros / kMicrosPerDay;
  int64_t rem = micros % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    days -= 1;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  const int64_t secs = rem / 1000000;
  const int64_t frac = rem % 1000000;
  char buf[64];
  if (frac == 0) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                  static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                  static_cast<long long>(secs % 60));
  } else {
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ", static_cast<long long>(y), m,
                  d, static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                  static_cast<long long>(secs % 60), static_cast<long long>(frac));
  }
  return buf;
}

}  // namespace arxivflow::warehouse
