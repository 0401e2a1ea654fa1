#include "gen/civil_time.h"

#include <ctime>

#include <gtest/gtest.h>

#include "gen/rng.h"

namespace arxivflow::gen {
namespace {

TEST(CivilTimeTest, KnownSnapshotDates) {
  // Dates copied from the real snapshot.
  EXPECT_EQ(FormatRfc2822(DaysFromCivil(2007, 4, 2) * 86400 + 19 * 3600 + 18 * 60 + 42),
            "Mon, 2 Apr 2007 19:18:42 GMT");
  EXPECT_EQ(FormatRfc2822(DaysFromCivil(2007, 3, 31) * 86400 + 2 * 3600 + 26 * 60 + 18),
            "Sat, 31 Mar 2007 02:26:18 GMT");
  EXPECT_EQ(FormatRfc2822(DaysFromCivil(2008, 1, 13) * 86400 + 36 * 60 + 28),
            "Sun, 13 Jan 2008 00:36:28 GMT");
  EXPECT_EQ(FormatRfc2822(0), "Thu, 1 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatIsoDate(DaysFromCivil(2000, 2, 29) * 86400), "2000-02-29");
  EXPECT_EQ(WeekdayFromDays(DaysFromCivil(2000, 2, 29)), 2);  // Tuesday
  EXPECT_EQ(FormatRfc2822(DaysFromCivil(1991, 8, 14) * 86400), "Wed, 14 Aug 1991 00:00:00 GMT");
}

TEST(CivilTimeTest, RoundTripsAndMonthLengths) {
  for (int64_t d = DaysFromCivil(1900, 1, 1); d < DaysFromCivil(2100, 1, 1); ++d) {
    const CivilDate c = CivilFromDays(d);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
    ASSERT_LE(c.day, DaysInMonth(c.year, c.month));
  }
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2023, 2), 28);
}

// Cross-checks weekday, date and time against the C library's gmtime_r.
TEST(CivilTimeTest, AgreesWithGmtime) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Rng rng(123);
  for (int i = 0; i < 20000; ++i) {
    const int64_t t = rng.Range(DaysFromCivil(1985, 1, 1) * 86400, DaysFromCivil(2040, 1, 1) * 86400);
    const time_t tt = static_cast<time_t>(t);
    struct tm tm {};
    ASSERT_NE(gmtime_r(&tt, &tm), nullptr);
    char expected[64];
    std::snprintf(expected, sizeof(expected), "%s, %d %s %d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    ASSERT_EQ(FormatRfc2822(t), expected) << t;
    char iso[48];
    std::snprintf(iso, sizeof(iso), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    ASSERT_EQ(FormatIsoDate(t), iso);
  }
}

}  // namespace
}  // namespace arxivflow::gen
