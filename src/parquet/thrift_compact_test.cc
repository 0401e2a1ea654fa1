#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

namespace arxivflow::parquet::thrift {
namespace {

TEST(ThriftCompact, RoundTripsFields) {
  std::string buf;
  ThriftWriter w(&buf);
  w.BeginStruct();
  w.FieldI32(1, -5);
  w.FieldI64(2, int64_t{1} << 60);
  w.FieldBinary(3, "hello");
  w.FieldBool(4, true);
  w.FieldI32(40, 7);  // long field id delta
  w.FieldList(41, kI32, 20);
  for (int i = 0; i < 20; ++i) w.ElemI32(i * 1000);
  w.FieldStruct(42);
  w.BeginStruct();
  w.FieldI32(1, 9);
  w.EndStruct();
  w.EndStruct();

  ThriftReader r(reinterpret_cast<const uint8_t*>(buf.data()), buf.size());
  ASSERT_TRUE(r.BeginStruct().ok());
  int16_t id;
  uint8_t t;
  int32_t i32;
  int64_t i64;
  std::string s;
  bool b;
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t).ok());
  EXPECT_EQ(id, 1);
  ASSERT_TRUE(r.ReadI32(t, &i32).ok());
  EXPECT_EQ(i32, -5);
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t).ok());
  ASSERT_TRUE(r.ReadI64(t, &i64).ok());
  EXPECT_EQ(i64, int64_t{1} << 60);
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t).ok());
  ASSERT_TRUE(r.ReadBinary(t, &s).ok());
  EXPECT_EQ(s, "hello");
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t).ok());
  ASSERT_TRUE(r.ReadBool(t, &b).ok());
  EXPECT_TRUE(b);
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t).ok());
  EXPECT_EQ(id, 40);
  ASSERT_TRUE(r.ReadI32(t, &i32).ok());
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t).ok());
  EXPECT_EQ(id, 41);
  uint8_t et;
  uint32_t n;
  ASSERT_TRUE(r.ReadListHeader(t, &et, &n).ok());
  ASSERT_EQ(n, 20u);
  for (uint32_t i = 0; i < n; ++i) {
    ASSERT_TRUE(r.ReadElemI32(et, &i32).ok());
    EXPECT_EQ(i32, static_cast<int32_t>(i * 1000));
  }
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t).ok());
  EXPECT_EQ(id, 42);
  ASSERT_TRUE(r.Skip(t).ok());
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t).ok());
  EXPECT_EQ(t, kStop);
  EXPECT_EQ(r.consumed(), buf.size());
}

TEST(ThriftCompact, RejectsVarintOverflow) {
  std::string buf = "\x16";  // field 1, i64
  buf += std::string(10, '\xff');
  buf += '\x01';
  ThriftReader r(reinterpret_cast<const uint8_t*>(buf.data()), buf.size());
  ASSERT_TRUE(r.BeginStruct().ok());
  int16_t id;
  uint8_t t;
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t).ok());
  int64_t v;
  Status st = r.ReadI64(t, &v);
  EXPECT_EQ(st.code(), Status::Code::kCorruption);
}

TEST(ThriftCompact, RejectsI32Overflow) {
  std::string buf = "\x15\xff\xff\xff\xff\x7f";  // field 1, i32 with 35 bits
  ThriftReader r(reinterpret_cast<const uint8_t*>(buf.data()), buf.size());
  ASSERT_TRUE(r.BeginStruct().ok());
  int16_t id;
  uint8_t t;
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t).ok());
  int32_t v;
  EXPECT_FALSE(r.ReadI32(t, &v).ok());
}

TEST(ThriftCompact, RejectsDeepNesting) {
  std::string buf;
  for (int i = 0; i < 10000; ++i) buf += '\x1c';  // field 1: struct, nested
  ThriftReader r(reinterpret_cast<const uint8_t*>(buf.data()), buf.size());
  ASSERT_TRUE(r.BeginStruct().ok());
  int16_t id;
  uint8_t t;
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t).ok());
  Status st = r.Skip(t);
  EXPECT_EQ(st.code(), Status::Code::kCorruption);
  EXPECT_NE(st.message().find("nested"), std::string::npos) << st.message();
}

TEST(ThriftCompact, RejectsLengthsPastTheEnd) {
  std::string buf = "\x18\xff\xff\xff\x0f" "abc";  // binary claiming ~32 MB
  ThriftReader r(reinterpret_cast<const uint8_t*>(buf.data()), buf.size());
  ASSERT_TRUE(r.BeginStruct().ok());
  int16_t id;
  uint8_t t;
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t).ok());
  std::string s;
  EXPECT_FALSE(r.ReadBinary(t, &s).ok());

  std::string list = "\x19\xf5\xff\xff\xff\x0f";  // list of 4 G i32
  ThriftReader r2(reinterpret_cast<const uint8_t*>(list.data()), list.size());
  ASSERT_TRUE(r2.BeginStruct().ok());
  ASSERT_TRUE(r2.ReadFieldHeader(&id, &t).ok());
  uint8_t et;
  uint32_t n;
  EXPECT_FALSE(r2.ReadListHeader(t, &et, &n).ok());
}

TEST(ThriftCompact, RejectsWrongWireTypes) {
  std::string buf = "\x18\x01x";  // field 1 is binary
  ThriftReader r(reinterpret_cast<const uint8_t*>(buf.data()), buf.size());
  ASSERT_TRUE(r.BeginStruct().ok());
  int16_t id;
  uint8_t t;
  ASSERT_TRUE(r.ReadFieldHeader(&id, &t).ok());
  int32_t v;
  EXPECT_FALSE(r.ReadI32(t, &v).ok());

  std::string bad = "\x1d";  // wire type 13 does not exist
  ThriftReader r2(reinterpret_cast<const uint8_t*>(bad.data()), bad.size());
  ASSERT_TRUE(r2.BeginStruct().ok());
  EXPECT_FALSE(r2.ReadFieldHeader(&id, &t).ok());
}

}  // namespace
}  // namespace arxivflow::parquet::thrift
