#include "parquet/value_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace arxivflow::parquet {
namespace {

ValueText Num(std::string t) { return {ValueText::kNumber, std::move(t)}; }
ValueText Text(std::string t) { return {ValueText::kText, std::move(t)}; }

template <typename T>
std::string Bytes(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof v);
}

ColumnSchema Col(PhysicalType p, LogicalType l) {
  ColumnSchema c;
  c.name = "x";
  c.physical = p;
  c.logical = l;
  return c;
}

TEST(ValueText, Dates) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDate(19782), "2024-02-29");
  EXPECT_EQ(FormatDate(-719162), "0001-01-01");
  EXPECT_EQ(FormatDate(-719528), "0000-01-01");
  EXPECT_EQ(FormatDate(-719529), "-0001-12-31");
  EXPECT_EQ(FormatDate(2932897), "+10000-01-01");
}

TEST(ValueText, TimestampsInEveryUnit) {
  EXPECT_EQ(FormatTimestampMicros(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestampMicros(1), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(FormatTimestampMicros(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestampMicros(1709210096500000), "2024-02-29T12:34:56.500000Z");
  EXPECT_EQ(FormatTimestamp(1709210096500, TimeUnit::kMillis, true), "2024-02-29T12:34:56.500Z");
  EXPECT_EQ(FormatTimestamp(1709210096000, TimeUnit::kMillis, true), "2024-02-29T12:34:56Z");
  EXPECT_EQ(FormatTimestamp(1709210096000000001, TimeUnit::kNanos, true), "2024-02-29T12:34:56.000000001Z");
  EXPECT_EQ(FormatTimestamp(-1, TimeUnit::kNanos, true), "1969-12-31T23:59:59.999999999Z");
  // Not adjusted to UTC: a local date-time, without a zone.
  EXPECT_EQ(FormatTimestamp(1709210096500, TimeUnit::kMillis, false), "2024-02-29T12:34:56.500");
  EXPECT_EQ(FormatTimestamp(1709210096500000, TimeUnit::kMicros, false), "2024-02-29T12:34:56.500000");
  // The whole INT64 range formats.
  EXPECT_EQ(FormatTimestamp(std::numeric_limits<int64_t>::min(), TimeUnit::kNanos, true), "1677-09-21T00:12:43.145224192Z");
  EXPECT_EQ(FormatTimestamp(std::numeric_limits<int64_t>::max(), TimeUnit::kMillis, true).substr(0, 11), "+292278994-");
}

TEST(ValueText, Times) {
  EXPECT_EQ(FormatTime(0, TimeUnit::kMillis, true), "00:00:00Z");
  EXPECT_EQ(FormatTime(45296789, TimeUnit::kMillis, false), "12:34:56.789");
  EXPECT_EQ(FormatTime(45296000001, TimeUnit::kMicros, true), "12:34:56.000001Z");
  EXPECT_EQ(FormatTime(86399999999999, TimeUnit::kNanos, false), "23:59:59.999999999");
  EXPECT_EQ(FormatTime(86400000, TimeUnit::kMillis, true), std::nullopt);
  EXPECT_EQ(FormatTime(-1, TimeUnit::kMicros, true), std::nullopt);
}

TEST(ValueText, DecimalsAreExact) {
  EXPECT_EQ(FormatDecimal(100, 2), "1.00");
  EXPECT_EQ(FormatDecimal(-5, 3), "-0.005");
  EXPECT_EQ(FormatDecimal(0, 2), "0.00");
  EXPECT_EQ(FormatDecimal(12345, 0), "12345");
  EXPECT_EQ(FormatDecimal(std::numeric_limits<int64_t>::min(), 18), "-9.223372036854775808");
  EXPECT_EQ(FormatDecimal(std::numeric_limits<int64_t>::max(), 4), "922337203685477.5807");
  const uint8_t one_hundred[] = {0x00, 0x64};
  EXPECT_EQ(FormatDecimal(one_hundred, 2, 2), "1.00");
  const uint8_t minus_one[] = {0xff, 0xff, 0xff};
  EXPECT_EQ(FormatDecimal(minus_one, 3, 2), "-0.01");
  // 10^38 - 1 in 16 bytes (DECIMAL(38,0)'s largest value) and its negation.
  const uint8_t big[16] = {0x4b, 0x3b, 0x4c, 0xa8, 0x5a, 0x86, 0xc4, 0x7a, 0x09, 0x8a, 0x22, 0x3f, 0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(FormatDecimal(big, 16, 0), "99999999999999999999999999999999999999");
  EXPECT_EQ(FormatDecimal(big, 16, 38), "0.99999999999999999999999999999999999999");
  uint8_t neg[16];
  for (int i = 0; i < 16; ++i) neg[i] = static_cast<uint8_t>(~big[i]);
  for (int i = 15; i >= 0 && ++neg[i] == 0; --i) {
  }
  EXPECT_EQ(FormatDecimal(neg, 16, 10), "-9999999999999999999999999999.9999999999");
  // The most negative 32-byte value: -2^255.
  uint8_t min256[32] = {0x80};
  EXPECT_EQ(FormatDecimal(min256, 32, 0), "-57896044618658097711785492504343953926634992332820282019728792003956564819968");
}

TEST(ValueText, FloatsKeepNaNAndInfinityApartFromNull) {
  EXPECT_EQ(FormatFloatingPoint(std::nan("")), Text("NaN"));
  EXPECT_EQ(FormatFloatingPoint(std::numeric_limits<double>::infinity()), Text("Infinity"));
  EXPECT_EQ(FormatFloatingPoint(-std::numeric_limits<float>::infinity()), Text("-Infinity"));
  EXPECT_EQ(FormatFloatingPoint(0.1f), Num("0.1"));
  EXPECT_EQ(FormatFloatingPoint(0.1), Num("0.1"));
  EXPECT_EQ(FormatFloatingPoint(-0.0), Num("-0"));
  EXPECT_EQ(HalfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(HalfToFloat(0xc000), -2.0f);
  EXPECT_EQ(HalfToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(HalfToFloat(0x7bff), 65504.0f);
  EXPECT_TRUE(std::isinf(HalfToFloat(0xfc00)));
  EXPECT_TRUE(std::isnan(HalfToFloat(0x7e00)));
}

TEST(ValueText, Statistics) {
  EXPECT_EQ(FormatStatistic(DoubleColumn("x"), Bytes(-3123.749)), Num("-3123.749"));
  EXPECT_EQ(FormatStatistic(DateColumn("x"), Bytes(int32_t{19782})), Text("2024-02-29"));
  EXPECT_EQ(FormatStatistic(DateColumn("x"), "abc"), std::nullopt);
  EXPECT_EQ(FormatStatistic(BoolColumn("x"), std::string(1, '\1')), (ValueText{ValueText::kBoolean, "true"}));
  EXPECT_EQ(FormatStatistic(StringColumn("x"), "héllo"), Text("héllo"));

  ColumnSchema u32 = Col(PhysicalType::kInt32, LogicalType::kInteger);
  u32.int_bits = 32;
  u32.int_signed = false;
  EXPECT_EQ(FormatStatistic(u32, Bytes(int32_t{-294967296})), Num("4000000000"));
  ColumnSchema u64 = Col(PhysicalType::kInt64, LogicalType::kInteger);
  u64.int_bits = 64;
  u64.int_signed = false;
  EXPECT_EQ(FormatStatistic(u64, Bytes(int64_t{-1})), Num("18446744073709551615"));
  ColumnSchema u8 = Col(PhysicalType::kInt32, LogicalType::kInteger);
  u8.int_bits = 8;
  u8.int_signed = false;
  EXPECT_EQ(FormatStatistic(u8, Bytes(int32_t{255})), Num("255"));
  EXPECT_EQ(FormatStatistic(u8, Bytes(int32_t{256})), std::nullopt);

  ColumnSchema dec = Col(PhysicalType::kInt32, LogicalType::kDecimal);
  dec.precision = 4;
  dec.scale = 2;
  EXPECT_EQ(FormatStatistic(dec, Bytes(int32_t{100})), Text("1.00"));
  ColumnSchema fdec = Col(PhysicalType::kFixedLenByteArray, LogicalType::kDecimal);
  fdec.type_length = 2;
  fdec.precision = 4;
  fdec.scale = 2;
  EXPECT_EQ(FormatStatistic(fdec, std::string("\xff\x9c", 2)), Text("-1.00"));
  EXPECT_EQ(FormatStatistic(fdec, std::string("\xff", 1)), std::nullopt);

  ColumnSchema ts = Col(PhysicalType::kInt64, LogicalType::kTimestamp);
  ts.time_unit = TimeUnit::kNanos;
  ts.utc = false;
  EXPECT_EQ(FormatStatistic(ts, Bytes(int64_t{1500})), Text("1970-01-01T00:00:00.000001500"));
  ColumnSchema time = Col(PhysicalType::kInt32, LogicalType::kTime);
  time.time_unit = TimeUnit::kMillis;
  EXPECT_EQ(FormatStatistic(time, Bytes(int32_t{1})), Text("00:00:00.001Z"));
  EXPECT_EQ(FormatStatistic(time, Bytes(int32_t{-1})), std::nullopt);

  ColumnSchema uuid = Col(PhysicalType::kFixedLenByteArray, LogicalType::kUuid);
  uuid.type_length = 16;
  EXPECT_EQ(FormatStatistic(uuid, std::string("\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef", 16)),
            Text("12345678-9abc-def0-0123-456789abcdef"));
  ColumnSchema half = Col(PhysicalType::kFixedLenByteArray, LogicalType::kFloat16);
  half.type_length = 2;
  EXPECT_EQ(FormatStatistic(half, std::string("\x00\x3c", 2)), Num("1"));
  EXPECT_EQ(FormatStatistic(Col(PhysicalType::kFloat, LogicalType::kNone), Bytes(1.5f)), Num("1.5"));
  ColumnSchema refused = Col(PhysicalType::kInt32, LogicalType::kUnsupported);
  EXPECT_EQ(FormatStatistic(refused, Bytes(int32_t{1})), std::nullopt);
}

TEST(ValueText, ValuesOfAColumn) {
  ColumnVector v;
  v.physical = PhysicalType::kFloat;
  v.size = 3;
  v.valid = {1, 0, 1};
  v.f32 = {std::numeric_limits<float>::quiet_NaN(), 0, 2.5f};
  ColumnSchema c = Col(PhysicalType::kFloat, LogicalType::kNone);
  EXPECT_EQ(FormatValue(c, v, 0), Text("NaN"));
  EXPECT_EQ(FormatValue(c, v, 1), ValueText{});
  EXPECT_EQ(FormatValue(c, v, 2), Num("2.5"));
}

}  // namespace
}  // namespace arxivflow::parquet
