#include "parquet/value_text.h"

#include <gtest/gtest.h>

#include <cstring>

namespace arxivflow::parquet {
namespace {

TEST(ValueText, Dates) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDate(19782), "2024-02-29");
  EXPECT_EQ(FormatDate(-719162), "0001-01-01");
}

TEST(ValueText, Timestamps) {
  EXPECT_EQ(FormatTimestampMicros(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestampMicros(1), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(FormatTimestampMicros(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestampMicros(1709210096500000), "2024-02-29T12:34:56.500000Z");
}

TEST(ValueText, Statistics) {
  double d = -3123.749;
  std::string bytes(8, '\0');
  std::memcpy(bytes.data(), &d, 8);
  EXPECT_EQ(FormatStatistic(DoubleColumn("x"), bytes), "-3123.749");
  int32_t days = 19782;
  EXPECT_EQ(FormatStatistic(DateColumn("x"), std::string(reinterpret_cast<char*>(&days), 4)), "2024-02-29");
  EXPECT_EQ(FormatStatistic(DateColumn("x"), "abc"), std::nullopt);
  EXPECT_EQ(FormatStatistic(BoolColumn("x"), std::string(1, '\1')), "true");
  EXPECT_EQ(FormatStatistic(StringColumn("x"), "héllo"), "héllo");
}

}  // namespace
}  // namespace arxivflow::parquet
