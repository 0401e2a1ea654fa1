#include "warehouse/value_format.h"

#include <gtest/gtest.h>

namespace arxivflow::warehouse {
namespace {

TEST(ValueFormatTest, Dates) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(13656), "2007-05-23");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDate(11016), "2000-02-29");
}

TEST(ValueFormatTest, Timestamps) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00Z");
  // Mon, 2 Apr 2007 19:18:42 GMT
  EXPECT_EQ(FormatTimestamp(1175541522LL * 1000000), "2007-04-02T19:18:42Z");
  EXPECT_EQ(FormatTimestamp(1175541522LL * 1000000 + 5), "2007-04-02T19:18:42.000005Z");
  EXPECT_EQ(FormatTimestamp(-1000000), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(ValueFormatTest, ExtremesFitTheBuffer) {
  char buf[kMaxFormattedValue];
  EXPECT_EQ(std::string(buf, FormatDateTo(2932896, buf)), "9999-12-31");
  EXPECT_EQ(std::string(buf, FormatDateTo(2932897, buf)), "10000-01-01");
  EXPECT_LE(FormatDateTo(2147483647, buf), kMaxFormattedValue);
  EXPECT_LE(FormatDateTo(-2147483647 - 1, buf), kMaxFormattedValue);
  EXPECT_LE(FormatTimestampTo(INT64_MAX, buf), kMaxFormattedValue);
  EXPECT_LE(FormatTimestampTo(INT64_MIN, buf), kMaxFormattedValue);
  EXPECT_EQ(FormatDate(-719528), "0000-01-01");
  EXPECT_EQ(FormatUtcNow().size(), 20u);
}

}  // namespace
}  // namespace arxivflow::warehouse
