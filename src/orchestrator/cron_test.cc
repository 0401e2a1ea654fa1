#include "orchestrator/cron.h"

#include <gtest/gtest.h>

#include "orchestrator/time_util.h"

namespace arxivflow::orchestrator {
namespace {

std::string NextAfter(const std::string& expr, const std::string& at) {
  auto s = Schedule::Parse(expr);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  auto next = s->Next(*ParseIso(at));
  return next ? FormatIso(*next, false) : "none";
}

TEST(Cron, PresetsAndFields) {
  EXPECT_EQ(NextAfter("@daily", "2026-11-23T21:00:00Z"), "2026-11-24T00:00:00+00:00");
  EXPECT_EQ(NextAfter("@hourly", "2026-11-23T21:00:00Z"), "2026-11-23T22:00:00+00:00");
  EXPECT_EQ(NextAfter("@monthly", "2026-11-23T21:00:00Z"), "2026-12-01T00:00:00+00:00");
  EXPECT_EQ(NextAfter("@weekly", "2026-11-23T21:00:00Z"), "2026-11-29T00:00:00+00:00");  // a Sunday
  EXPECT_EQ(NextAfter("*/15 * * * *", "2026-11-23T21:07:30Z"), "2026-11-23T21:15:00+00:00");
  EXPECT_EQ(NextAfter("30 2 * * MON-FRI", "2026-11-27T03:00:00Z"), "2026-11-30T02:30:00+00:00");
  EXPECT_EQ(NextAfter("0 0 29 2 *", "2026-03-01T00:00:00Z"), "2028-02-29T00:00:00+00:00");
  EXPECT_EQ(NextAfter("0 12 * DEC 7", "2026-11-23T00:00:00Z"), "2026-12-06T12:00:00+00:00");
}

TEST(Cron, NoneAndOnce) {
  EXPECT_EQ(Schedule::Parse("none")->kind(), Schedule::Kind::kNone);
  EXPECT_EQ(Schedule::Parse("")->kind(), Schedule::Kind::kNone);
  EXPECT_EQ(Schedule::Parse("@once")->kind(), Schedule::Kind::kOnce);
}

TEST(Cron, RejectsBadExpressions) {
  for (const char* bad : {"* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "*/0 * * * *",
                          "a * * * *", "@sometimes", "5-1 * * * *", "1,,2 * * * *"}) {
    EXPECT_FALSE(Schedule::Parse(bad).ok()) << bad;
  }
}

TEST(TimeUtil, IsoRoundTrip) {
  auto t = ParseIso("2026-11-23T21:00:00.250000+00:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatIso(*t), "2026-11-23T21:00:00.250000+00:00");
  EXPECT_EQ(FormatIso(*ParseIso("2026-11-23T23:00:00+02:00"), false), "2026-11-23T21:00:00+00:00");
  EXPECT_EQ(FormatDate(*ParseIso("2026-11-23")), "2026-11-23");
  EXPECT_FALSE(ParseIso("2026-02-30"));
  EXPECT_FALSE(ParseIso("2026-11-23T25:00"));
  EXPECT_FALSE(ParseIso("yesterday"));
}

}  // namespace
}  // namespace arxivflow::orchestrator
