#include "common/civil_date.h"

#include <gtest/gtest.h>

namespace arxivflow {
namespace {

static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(DaysFromCivil(2000, 3, 1) == 11017);
static_assert(CivilFromDays(-1).year == 1969 && CivilFromDays(-1).month == 12 && CivilFromDays(-1).day == 31);

TEST(CivilDate, RoundTripsEveryDayOverCenturies) {
  for (int64_t d = DaysFromCivil(1600, 1, 1); d < DaysFromCivil(2400, 1, 1); ++d) {
    const CivilDate c = CivilFromDays(d);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
    ASSERT_GE(c.day, 1);
    ASSERT_LE(c.day, DaysInMonth(c.year, c.month));
    ASSERT_EQ(WeekdayFromDays(d + 1), (WeekdayFromDays(d) + 1) % 7);
  }
}

TEST(CivilDate, KnownDatesLeapYearsAndWeekdays) {
  EXPECT_EQ(WeekdayFromDays(0), 4);                          // Thursday
  EXPECT_EQ(WeekdayFromDays(DaysFromCivil(2000, 2, 29)), 2);  // Tuesday
  EXPECT_EQ(WeekdayFromDays(DaysFromCivil(1969, 12, 28)), 0);  // Sunday, before the epoch
  EXPECT_EQ(DaysInMonth(1900, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(2023, 2), 28);
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2024, 12), 31);
  const CivilDate far = CivilFromDays(2147483647);  // the largest Parquet DATE
  EXPECT_EQ(DaysFromCivil(far.year, far.month, far.day), 2147483647);
  EXPECT_EQ(FloorDiv(-1, 86400), -1);
  EXPECT_EQ(FloorDiv(86399, 86400), 0);
}

}  // namespace
}  // namespace arxivflow
