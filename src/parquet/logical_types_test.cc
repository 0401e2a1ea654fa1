// Type annotations: what each LogicalType and legacy ConvertedType means on
// each physical type (data-driven), and values read back and shown as what
// they mean, or the column refused, never a number that means something else.
#include "parquet/logical_types.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "parquet/test_files.h"
#include "parquet/value_text.h"

namespace arxivflow::parquet {
namespace {

using namespace testing;
using L = format::LogicalTypeInfo;

format::LogicalTypeInfo Logical(int16_t kind) {
  format::LogicalTypeInfo l;
  l.kind = kind;
  return l;
}
format::LogicalTypeInfo Decimal(int32_t precision, int32_t scale) {
  auto l = Logical(L::kDecimal);
  l.precision = precision;
  l.scale = scale;
  return l;
}
format::LogicalTypeInfo Timed(int16_t kind, int unit, bool utc) {
  auto l = Logical(kind);
  l.unit = unit;
  l.is_adjusted_to_utc = utc;
  return l;
}
format::LogicalTypeInfo Integer(int bits, bool is_signed) {
  auto l = Logical(L::kInteger);
  l.bit_width = bits;
  l.is_signed = is_signed;
  return l;
}

struct Case {
  format::Type type;
  int32_t type_length;
  format::LogicalTypeInfo logical;   // kind kNone: none
  int32_t converted;                 // -1: none
  int32_t precision, scale;          // legacy DECIMAL (-1: absent)
  const char* expected;              // ColumnTypeText, or the refusal reason
};

const Case kCases[] = {
    // LogicalType annotations.
    {format::kByteArray, 0, Logical(L::kString), -1, -1, -1, "BYTE_ARRAY STRING"},
    {format::kByteArray, 0, Logical(L::kJson), -1, -1, -1, "BYTE_ARRAY STRING"},
    {format::kByteArray, 0, Logical(L::kBson), -1, -1, -1, "BYTE_ARRAY"},
    {format::kInt32, 0, Logical(L::kDate), -1, -1, -1, "INT32 DATE"},
    {format::kInt32, 0, Decimal(4, 2), -1, -1, -1, "INT32 DECIMAL(4,2)"},
    {format::kInt64, 0, Decimal(18, 0), -1, -1, -1, "INT64 DECIMAL(18,0)"},
    {format::kByteArray, 0, Decimal(40, 5), -1, -1, -1, "BYTE_ARRAY DECIMAL(40,5)"},
    {format::kFixedLenByteArray, 16, Decimal(38, 10), -1, -1, -1, "FIXED_LEN_BYTE_ARRAY(16) DECIMAL(38,10)"},
    {format::kInt64, 0, Timed(L::kTimestamp, 1, true), -1, -1, -1, "INT64 TIMESTAMP(MICROS,UTC)"},
    {format::kInt64, 0, Timed(L::kTimestamp, 0, true), -1, -1, -1, "INT64 TIMESTAMP(MILLIS,UTC)"},
    {format::kInt64, 0, Timed(L::kTimestamp, 2, false), -1, -1, -1, "INT64 TIMESTAMP(NANOS,LOCAL)"},
    {format::kInt64, 0, Timed(L::kTimestamp, 1, false), -1, -1, -1, "INT64 TIMESTAMP(MICROS,LOCAL)"},
    {format::kInt32, 0, Timed(L::kTime, 0, true), -1, -1, -1, "INT32 TIME(MILLIS,UTC)"},
    {format::kInt64, 0, Timed(L::kTime, 2, false), -1, -1, -1, "INT64 TIME(NANOS,LOCAL)"},
    {format::kInt32, 0, Integer(8, true), -1, -1, -1, "INT32 INT(8,true)"},
    {format::kInt32, 0, Integer(16, true), -1, -1, -1, "INT32 INT(16,true)"},
    {format::kInt32, 0, Integer(32, true), -1, -1, -1, "INT32"},
    {format::kInt32, 0, Integer(32, false), -1, -1, -1, "INT32 INT(32,false)"},
    {format::kInt64, 0, Integer(64, false), -1, -1, -1, "INT64 INT(64,false)"},
    {format::kFixedLenByteArray, 16, Logical(L::kUuid), -1, -1, -1, "FIXED_LEN_BYTE_ARRAY(16) UUID"},
    {format::kFixedLenByteArray, 2, Logical(L::kFloat16), -1, -1, -1, "FIXED_LEN_BYTE_ARRAY(2) FLOAT16"},
    {format::kInt32, 0, Logical(L::kUnknown), -1, -1, -1, "INT32"},
    {format::kFloat, 0, Logical(L::kNone), -1, -1, -1, "FLOAT"},
    {format::kFixedLenByteArray, 3, Logical(L::kNone), -1, -1, -1, "FIXED_LEN_BYTE_ARRAY(3)"},
    // The LogicalType wins over the ConvertedType.
    {format::kInt64, 0, Timed(L::kTimestamp, 2, true), format::kTimestampMicros, -1, -1, "INT64 TIMESTAMP(NANOS,UTC)"},
    // Legacy ConvertedType annotations, with the meaning parquet-format gives them.
    {format::kByteArray, 0, Logical(L::kNone), format::kUtf8, -1, -1, "BYTE_ARRAY STRING"},
    {format::kByteArray, 0, Logical(L::kNone), format::kEnum, -1, -1, "BYTE_ARRAY STRING"},
    {format::kInt32, 0, Logical(L::kNone), format::kDecimal, 9, 3, "INT32 DECIMAL(9,3)"},
    {format::kFixedLenByteArray, 5, Logical(L::kNone), format::kDecimal, 10, -1, "FIXED_LEN_BYTE_ARRAY(5) DECIMAL(10,0)"},
    {format::kInt32, 0, Logical(L::kNone), format::kDate, -1, -1, "INT32 DATE"},
    {format::kInt32, 0, Logical(L::kNone), format::kTimeMillis, -1, -1, "INT32 TIME(MILLIS,UTC)"},
    {format::kInt64, 0, Logical(L::kNone), format::kTimeMicros, -1, -1, "INT64 TIME(MICROS,UTC)"},
    {format::kInt64, 0, Logical(L::kNone), format::kTimestampMillis, -1, -1, "INT64 TIMESTAMP(MILLIS,UTC)"},
    {format::kInt64, 0, Logical(L::kNone), format::kTimestampMicros, -1, -1, "INT64 TIMESTAMP(MICROS,UTC)"},
    {format::kInt32, 0, Logical(L::kNone), format::kUint_8, -1, -1, "INT32 INT(8,false)"},
    {format::kInt32, 0, Logical(L::kNone), format::kUint_16, -1, -1, "INT32 INT(16,false)"},
    {format::kInt32, 0, Logical(L::kNone), format::kUint_32, -1, -1, "INT32 INT(32,false)"},
    {format::kInt64, 0, Logical(L::kNone), format::kUint_64, -1, -1, "INT64 INT(64,false)"},
    {format::kInt32, 0, Logical(L::kNone), format::kInt_8, -1, -1, "INT32 INT(8,true)"},
    {format::kInt32, 0, Logical(L::kNone), format::kInt_16, -1, -1, "INT32 INT(16,true)"},
    {format::kInt32, 0, Logical(L::kNone), format::kInt_32, -1, -1, "INT32"},
    {format::kInt64, 0, Logical(L::kNone), format::kInt_64, -1, -1, "INT64"},
    // Refused: the reason is what the error message shows.
    {format::kFixedLenByteArray, 12, Logical(L::kNone), format::kInterval, -1, -1, "converted type INTERVAL"},
    {format::kInt64, 0, Logical(L::kDate), -1, -1, -1, "DATE annotation on INT64"},
    {format::kInt32, 0, Timed(L::kTimestamp, 0, true), -1, -1, -1, "TIMESTAMP(MILLIS,UTC) annotation on INT32"},
    {format::kInt32, 0, Timed(L::kTime, 1, true), -1, -1, -1, "TIME(MICROS,UTC) annotation on INT32"},
    {format::kInt64, 0, Integer(32, false), -1, -1, -1, "INT(32,false) annotation on INT64"},
    {format::kInt32, 0, Integer(12, true), -1, -1, -1, "invalid INT(12,true)"},
    {format::kInt32, 0, Decimal(4, 5), -1, -1, -1, "invalid DECIMAL(4,5)"},
    {format::kDouble, 0, Decimal(4, 2), -1, -1, -1, "DECIMAL(4,2) annotation on DOUBLE"},
    {format::kByteArray, 0, Decimal(77, 0), -1, -1, -1, "DECIMAL(77,0) wider than 76 digits"},
    {format::kFixedLenByteArray, 33, Decimal(40, 0), -1, -1, -1, "DECIMAL(40,0) in 33-byte values (at most 32)"},
    {format::kInt32, 0, Logical(L::kNone), format::kDecimal, -1, -1, "DECIMAL without a precision"},
    {format::kFixedLenByteArray, 8, Logical(L::kUuid), -1, -1, -1, "UUID annotation on FIXED_LEN_BYTE_ARRAY(8)"},
    {format::kInt32, 0, Logical(L::kString), -1, -1, -1, "STRING annotation on INT32"},
    {format::kByteArray, 0, Logical(L::kGeometry), -1, -1, -1, "logical type GEOMETRY"},
    {format::kByteArray, 0, Logical(99), -1, -1, -1, "logical type #99"},
    {format::kInt32, 0, Timed(L::kTimestamp, -1, true), -1, -1, -1, "TIMESTAMP without a valid unit"},
};

format::SchemaElement Element(const Case& c) {
  format::SchemaElement e;
  e.name = "x";
  e.type = c.type;
  if (c.type_length) e.type_length = c.type_length;
  e.logical = c.logical;
  if (c.converted >= 0) e.converted_type = c.converted;
  if (c.precision >= 0) e.precision = c.precision;
  if (c.scale >= 0) e.scale = c.scale;
  return e;
}

TEST(LogicalTypes, EachAnnotationOnEachPhysicalType) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.expected);
    // Through the Thrift encoding, as a file carries it.
    format::FileMetaData m;
    format::SchemaElement root;
    root.name = "schema";
    root.num_children = 1;
    m.schema = {root, Element(c)};
    std::string bytes;
    format::Serialize(m, &bytes);
    format::FileMetaData parsed;
    ASSERT_TRUE(format::ParseFileMetaData(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &parsed).ok());
    ColumnSchema col;
    ASSERT_TRUE(DescribeColumn(parsed.schema[1], &col).ok());
    if (col.logical == LogicalType::kUnsupported) {
      EXPECT_EQ(col.unsupported, c.expected);
    } else {
      EXPECT_EQ(ColumnTypeText(col), c.expected);
    }
  }
}

TEST(LogicalTypes, PhysicalTypesTheReaderCannotRead) {
  format::SchemaElement e;
  e.name = "x";
  e.type = format::kInt96;
  ColumnSchema col;
  EXPECT_EQ(DescribeColumn(e, &col).code(), Status::Code::kUnsupported);
  e.type = format::kFixedLenByteArray;  // without a length
  EXPECT_EQ(DescribeColumn(e, &col).code(), Status::Code::kCorruption);
  e.type_length = -4;
  EXPECT_EQ(DescribeColumn(e, &col).code(), Status::Code::kCorruption);
}

// Reads the one column of a hand-made file and shows its values.
struct Shown {
  Status status;
  std::vector<std::string> values;  // JSON-ish: null, literals, "text"
};

Shown Show(const std::vector<std::pair<format::PageHeader, std::string>>& pages, int64_t rows, const format::SchemaElement& leaf) {
  Shown out;
  auto r = Reader::Open(MakeStringFile(HandMade(pages, rows, leaf), "t.parquet"));
  if (!r.ok()) {
    out.status = r.status();
    return out;
  }
  auto col = (*r)->ReadColumn(0, 0);
  if (!col.ok()) {
    out.status = col.status();
    return out;
  }
  for (int64_t i = 0; i < rows; ++i) {
    auto v = FormatValue((*r)->metadata().schema.columns[0], *col, static_cast<size_t>(i));
    if (!v) {
      out.values.push_back("<invalid>");
    } else if (v->kind == ValueText::kNull) {
      out.values.push_back("null");
    } else {
      out.values.push_back(v->kind == ValueText::kText ? "\"" + v->text + "\"" : v->text);
    }
  }
  return out;
}

format::SchemaElement Annotated(format::Type type, format::LogicalTypeInfo l, int32_t type_length = 0) {
  format::SchemaElement e = Leaf(type, false);
  e.logical = l;
  if (type_length) e.type_length = type_length;
  return e;
}

format::SchemaElement Legacy(format::Type type, int32_t converted) {
  format::SchemaElement e = Leaf(type, false);
  e.converted_type = converted;
  return e;
}

using V = std::vector<std::string>;

TEST(LogicalTypes, DecimalsReadAsExactDecimals) {
  auto s = Show({{DataPage(3, format::kPlain), PlainFixed<int32_t>({100, -5, 0})}}, 3, Annotated(format::kInt32, Decimal(4, 2)));
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  EXPECT_EQ(s.values, (V{"\"1.00\"", "\"-0.05\"", "\"0.00\""}));
  s = Show({{DataPage(2, format::kPlain), PlainFixed<int64_t>({123456789012345678, -1})}}, 2, Annotated(format::kInt64, Decimal(18, 6)));
  EXPECT_EQ(s.values, (V{"\"123456789012.345678\"", "\"-0.000001\""}));
  // BYTE_ARRAY: big-endian two's complement of any length up to 32 bytes.
  s = Show({{DataPage(3, format::kPlain), Plain({std::string("\x64", 1), std::string("\xff\x9c", 2), std::string(20, '\x7f')})}}, 3,
           Annotated(format::kByteArray, Decimal(50, 2)));
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  EXPECT_EQ(s.values[0], "\"1.00\"");
  EXPECT_EQ(s.values[1], "\"-1.00\"");
  EXPECT_EQ(s.values[2], "\"7278851291804889043602665637449723274364840508.15\"");
  // FIXED_LEN_BYTE_ARRAY.
  s = Show({{DataPage(2, format::kPlain), std::string("\x00\x00\x01\xff\xff\xff", 6)}}, 2, Annotated(format::kFixedLenByteArray, Decimal(5, 1), 3));
  EXPECT_EQ(s.values, (V{"\"0.1\"", "\"-0.1\""}));
  // A legacy annotation takes the element's precision and scale.
  format::SchemaElement legacy = Legacy(format::kInt32, format::kDecimal);
  legacy.precision = 9;
  legacy.scale = 3;
  s = Show({{DataPage(1, format::kPlain), PlainFixed<int32_t>({1500})}}, 1, legacy);
  EXPECT_EQ(s.values, (V{"\"1.500\""}));
  // A byte array too long for any decimal is refused, not printed.
  s = Show({{DataPage(1, format::kPlain), Plain({std::string(33, '\x01')})}}, 1, Annotated(format::kByteArray, Decimal(50, 2)));
  EXPECT_EQ(s.status.code(), Status::Code::kCorruption);
  EXPECT_NE(s.status.message().find("t.parquet: row group 0, column 'c': row 0: DECIMAL value of 33 bytes"), std::string::npos) << s.status.message();
}

TEST(LogicalTypes, UnsignedIntegersReadAsUnsigned) {
  auto s = Show({{DataPage(2, format::kPlain), PlainFixed<int32_t>({-294967296, -1})}}, 2, Legacy(format::kInt32, format::kUint_32));
  EXPECT_EQ(s.values, (V{"4000000000", "4294967295"}));
  s = Show({{DataPage(1, format::kPlain), PlainFixed<int64_t>({-1})}}, 1, Annotated(format::kInt64, Integer(64, false)));
  EXPECT_EQ(s.values, (V{"18446744073709551615"}));
  s = Show({{DataPage(2, format::kPlain), PlainFixed<int32_t>({255, 0})}}, 2, Legacy(format::kInt32, format::kUint_8));
  EXPECT_EQ(s.values, (V{"255", "0"}));
  s = Show({{DataPage(1, format::kPlain), PlainFixed<int32_t>({-128})}}, 1, Annotated(format::kInt32, Integer(8, true)));
  EXPECT_EQ(s.values, (V{"-128"}));
  // Out of their range: the file is corrupt, not a different number.
  s = Show({{DataPage(2, format::kPlain), PlainFixed<int32_t>({7, 256})}}, 2, Legacy(format::kInt32, format::kUint_8));
  EXPECT_EQ(s.status.code(), Status::Code::kCorruption);
  EXPECT_NE(s.status.message().find("row 1: value 256 does not fit UINT(8)"), std::string::npos) << s.status.message();
  s = Show({{DataPage(1, format::kPlain), PlainFixed<int32_t>({40000})}}, 1, Legacy(format::kInt32, format::kInt_16));
  EXPECT_EQ(s.status.code(), Status::Code::kCorruption);
}

TEST(LogicalTypes, TimestampsAndTimesInTheirUnit) {
  auto s = Show({{DataPage(1, format::kPlain), PlainFixed<int64_t>({1709210096500})}}, 1, Legacy(format::kInt64, format::kTimestampMillis));
  EXPECT_EQ(s.values, (V{"\"2024-02-29T12:34:56.500Z\""}));
  s = Show({{DataPage(1, format::kPlain), PlainFixed<int64_t>({1709210096000000123})}}, 1, Annotated(format::kInt64, Timed(L::kTimestamp, 2, false)));
  EXPECT_EQ(s.values, (V{"\"2024-02-29T12:34:56.000000123\""}));
  s = Show({{DataPage(1, format::kPlain), PlainFixed<int64_t>({1709210096000001})}}, 1, Annotated(format::kInt64, Timed(L::kTimestamp, 1, false)));
  EXPECT_EQ(s.values, (V{"\"2024-02-29T12:34:56.000001\""}));
  s = Show({{DataPage(1, format::kPlain), PlainFixed<int32_t>({45296789})}}, 1, Legacy(format::kInt32, format::kTimeMillis));
  EXPECT_EQ(s.values, (V{"\"12:34:56.789Z\""}));
  s = Show({{DataPage(1, format::kPlain), PlainFixed<int64_t>({45296000000001})}}, 1, Annotated(format::kInt64, Timed(L::kTime, 2, false)));
  EXPECT_EQ(s.values, (V{"\"12:34:56.000000001\""}));
  s = Show({{DataPage(1, format::kPlain), PlainFixed<int32_t>({86400000})}}, 1, Legacy(format::kInt32, format::kTimeMillis));
  EXPECT_EQ(s.status.code(), Status::Code::kCorruption);
  EXPECT_NE(s.status.message().find("TIME value 86400000 is not within one day"), std::string::npos) << s.status.message();
}

TEST(LogicalTypes, FloatsKeepNaNAndInfinityDistinctFromNull) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  format::SchemaElement leaf = Leaf(format::kFloat, true);
  auto s = Show({{DataPage(5, format::kPlain), Levels({1, 1, 1, 0, 1}) + PlainFixed<float>({nan, inf, -inf, 0.1f})}}, 5, leaf);
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  EXPECT_EQ(s.values, (V{"\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "null", "0.1"}));
  const double dnan = std::nan("");
  s = Show({{DataPage(2, format::kPlain), PlainFixed<double>({dnan, -0.0})}}, 2, Leaf(format::kDouble, false));
  EXPECT_EQ(s.values, (V{"\"NaN\"", "-0"}));
  // FLOAT in a dictionary and in BYTE_STREAM_SPLIT.
  format::PageHeader dict = DictPage(2);
  s = Show({{dict, PlainFixed<float>({1.5f, -2.25f})}, {DataPage(3, format::kRleDictionary), std::string("\x01\x03\x02", 3)}}, 3, Leaf(format::kFloat, false));
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  EXPECT_EQ(s.values, (V{"1.5", "-2.25", "1.5"}));
  s = Show({{DataPage(2, format::kByteStreamSplit), std::string("\x00\x00\x00\x00\xc0\x10\x3f\xc0", 8)}}, 2, Leaf(format::kFloat, false));
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  EXPECT_EQ(s.values, (V{"1.5", "-2.25"}));
}

TEST(LogicalTypes, FixedLengthValues) {
  const std::string uuid("\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef", 16);
  auto s = Show({{DataPage(1, format::kPlain), uuid}}, 1, Annotated(format::kFixedLenByteArray, Logical(L::kUuid), 16));
  EXPECT_EQ(s.values, (V{"\"12345678-9abc-def0-0123-456789abcdef\""}));
  s = Show({{DataPage(2, format::kPlain), std::string("\x00\x3c\x00\xc0", 4)}}, 2, Annotated(format::kFixedLenByteArray, Logical(L::kFloat16), 2));
  EXPECT_EQ(s.values, (V{"1", "-2"}));
  // Unannotated fixed-length bytes, from a dictionary.
  format::SchemaElement raw = Leaf(format::kFixedLenByteArray, false);
  raw.type_length = 3;
  s = Show({{DictPage(2), "abcxyz"}, {DataPage(3, format::kRleDictionary), std::string("\x01\x03\x02", 3)}}, 3, raw);
  ASSERT_TRUE(s.status.ok()) << s.status.ToString();
  EXPECT_EQ(s.values, (V{"\"abc\"", "\"xyz\"", "\"abc\""}));
  // A dictionary page whose values do not fill whole fixed-length slots.
  s = Show({{DictPage(3), "abcxyz"}, {DataPage(1, format::kRleDictionary), std::string("\x01\x02\x00", 3)}}, 1, raw);
  EXPECT_EQ(s.status.code(), Status::Code::kCorruption);
}

TEST(LogicalTypes, ColumnsThatCannotBeHonouredAreRefused) {
  format::SchemaElement interval = Legacy(format::kFixedLenByteArray, format::kInterval);
  interval.type_length = 12;
  auto s = Show({{DataPage(1, format::kPlain), std::string(12, '\0')}}, 1, interval);
  EXPECT_EQ(s.status.code(), Status::Code::kUnsupported);
  EXPECT_EQ(s.status.message(), "t.parquet: column 'c' has converted type INTERVAL, which is not supported");
  s = Show({{DataPage(1, format::kPlain), PlainFixed<int64_t>({19782})}}, 1, Annotated(format::kInt64, Logical(L::kDate)));
  EXPECT_EQ(s.status.message(), "t.parquet: column 'c' has DATE annotation on INT64, which is not supported");
}

}  // namespace
}  // namespace arxivflow::parquet
