// Thrift compact protocol: the encoding of Parquet's footer and page headers.
//
// ThriftWriter appends to a caller-owned string. ThriftReader decodes from a
// caller-owned byte range and never reads past it; every length and count is
// checked against the bytes that remain, varints longer than their type allows
// and nesting deeper than kMaxDepth are errors. Errors are
// Status::Corruption with a short description (callers add the file name).
// Neither class is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace arxivflow::parquet::thrift {

// Compact protocol wire types.
enum WireType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class ThriftWriter {
 public:
  explicit ThriftWriter(std::string* out) : out_(out) {}

  void BeginStruct();
  void EndStruct();  // writes the stop byte

  void FieldI8(int16_t id, int8_t v);
  void FieldI16(int16_t id, int16_t v);
  void FieldI32(int16_t id, int32_t v);
  void FieldI64(int16_t id, int64_t v);
  void FieldBool(int16_t id, bool v);
  void FieldBinary(int16_t id, std::string_view v);
  void FieldStruct(int16_t id);  // header; follow with BeginStruct() ... EndStruct()
  void FieldList(int16_t id, WireType elem, uint32_t size);

  // List elements.
  void ElemI32(int32_t v);
  void ElemBinary(std::string_view v);
  // A struct element is BeginStruct() ... EndStruct().

 private:
  void FieldHeader(int16_t id, uint8_t type);
  void Varint(uint64_t v);
  void ZigZag(int64_t v) { Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }

  std::string* out_;
  std::vector<int16_t> stack_;
  int16_t last_id_ = 0;
};

class ThriftReader {
 public:
  static constexpr int kMaxDepth = 32;

  ThriftReader(const uint8_t* data, size_t size) : p_(data), end_(data + size), begin_(data) {}

  size_t consumed() const { return static_cast<size_t>(p_ - begin_); }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

  Status BeginStruct();
  Status EndStruct();
  // Reads the next field header; *type == kStop at the end of the struct.
  Status ReadFieldHeader(int16_t* id, uint8_t* type);

  // Field readers take the wire type from the header so they can check it.
  Status ReadI32(uint8_t type, int32_t* v);
  Status ReadI64(uint8_t type, int64_t* v);
  Status ReadBool(uint8_t type, bool* v);
  Status ReadBinary(uint8_t type, std::string* v);
  Status ReadListHeader(uint8_t type, uint8_t* elem_type, uint32_t* size);
  Status ExpectStruct(uint8_t type);

  // List element readers.
  Status ReadElemI32(uint8_t elem_type, int32_t* v) { return ReadI32(elem_type, v); }
  Status ReadElemBinary(uint8_t elem_type, std::string* v) { return ReadBinary(elem_type, v); }

  // Skips a value of the given wire type (unknown fields).
  Status Skip(uint8_t type);

 private:
  Status ReadVarint(uint64_t* v, int max_bytes);
  Status SkipDepth(uint8_t type, int depth);
  Status TypeError(uint8_t got, const char* want);

  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* begin_;
  std::vector<int16_t> stack_;
  int16_t last_id_ = 0;
};

}  // namespace arxivflow::parquet::thrift
