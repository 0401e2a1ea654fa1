#include "parquet/thrift_compact.h"

#include <cstring>

namespace arxivflow::parquet::thrift {

// ---- writer ----

void ThriftWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

void ThriftWriter::BeginStruct() {
  stack_.push_back(last_id_);
  last_id_ = 0;
}

void ThriftWriter::EndStruct() {
  out_->push_back(static_cast<char>(kStop));
  last_id_ = stack_.empty() ? 0 : stack_.back();
  if (!stack_.empty()) stack_.pop_back();
}

void ThriftWriter::FieldHeader(int16_t id, uint8_t type) {
  int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | type));
  } else {
    out_->push_back(static_cast<char>(type));
    ZigZag(id);
  }
  last_id_ = id;
}

void ThriftWriter::FieldI8(int16_t id, int8_t v) {
  FieldHeader(id, kByte);
  out_->push_back(static_cast<char>(v));
}
void ThriftWriter::FieldI16(int16_t id, int16_t v) {
  FieldHeader(id, kI16);
  ZigZag(v);
}
void ThriftWriter::FieldI32(int16_t id, int32_t v) {
  FieldHeader(id, kI32);
  ZigZag(v);
}
void ThriftWriter::FieldI64(int16_t id, int64_t v) {
  FieldHeader(id, kI64);
  ZigZag(v);
}
void ThriftWriter::FieldBool(int16_t id, bool v) { FieldHeader(id, v ? kBoolTrue : kBoolFalse); }
void ThriftWriter::FieldBinary(int16_t id, std::string_view v) {
  FieldHeader(id, kBinary);
  Varint(v.size());
  out_->append(v);
}
void ThriftWriter::FieldStruct(int16_t id) { FieldHeader(id, kStruct); }
void ThriftWriter::FieldList(int16_t id, WireType elem, uint32_t size) {
  FieldHeader(id, kList);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | elem));
  } else {
    out_->push_back(static_cast<char>(0xf0 | elem));
    Varint(size);
  }
}
void ThriftWriter::ElemI32(int32_t v) { ZigZag(v); }
void ThriftWriter::ElemBinary(std::string_view v) {
  Varint(v.size());
  out_->append(v);
}

// ---- reader ----

Status ThriftReader::TypeError(uint8_t got, const char* want) {
  return Status::Corruption("Thrift field has wire type " + std::to_string(got) + ", expected " + want);
}

Status ThriftReader::ReadVarint(uint64_t* v, int max_bytes) {
  uint64_t result = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (p_ >= end_) return Status::Corruption("Thrift data truncated inside a varint");
    uint8_t b = *p_++;
    if (i == 9 && (b & 0x7e) != 0) return Status::Corruption("Thrift varint overflows 64 bits");
    result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *v = result;
      return Status::OK();
    }
  }
  return Status::Corruption("Thrift varint too long");
}

Status ThriftReader::BeginStruct() {
  if (static_cast<int>(stack_.size()) >= kMaxDepth) return Status::Corruption("Thrift structs nested too deeply");
  stack_.push_back(last_id_);
  last_id_ = 0;
  return Status::OK();
}

Status ThriftReader::EndStruct() {
  if (stack_.empty()) return Status::Corruption("Thrift struct end without begin");
  last_id_ = stack_.back();
  stack_.pop_back();
  return Status::OK();
}

Status ThriftReader::ReadFieldHeader(int16_t* id, uint8_t* type) {
  if (p_ >= end_) return Status::Corruption("Thrift data truncated (missing field header)");
  uint8_t b = *p_++;
  *type = b & 0x0f;
  if (*type == kStop) {
    *id = 0;
    return Status::OK();
  }
  if (*type > kStruct) return Status::Corruption("Thrift field has invalid wire type " + std::to_string(*type));
  int delta = b >> 4;
  if (delta != 0) {
    int next = last_id_ + delta;
    if (next > INT16_MAX) return Status::Corruption("Thrift field id overflows");
    *id = static_cast<int16_t>(next);
  } else {
    uint64_t raw;
    AF_RETURN_IF_ERROR(ReadVarint(&raw, 3));
    int64_t v = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
    if (v < INT16_MIN || v > INT16_MAX) return Status::Corruption("Thrift field id out of range");
    *id = static_cast<int16_t>(v);
  }
  last_id_ = *id;
  return Status::OK();
}

Status ThriftReader::ReadI32(uint8_t type, int32_t* v) {
  if (type == kByte) {
    if (p_ >= end_) return Status::Corruption("Thrift data truncated");
    *v = static_cast<int8_t>(*p_++);
    return Status::OK();
  }
  if (type != kI32 && type != kI16) return TypeError(type, "i32");
  uint64_t raw;
  AF_RETURN_IF_ERROR(ReadVarint(&raw, 5));
  if (raw > 0xffffffffull) return Status::Corruption("Thrift i32 varint overflows 32 bits");
  *v = static_cast<int32_t>(static_cast<uint32_t>(raw >> 1) ^ -static_cast<uint32_t>(raw & 1));
  return Status::OK();
}

Status ThriftReader::ReadI64(uint8_t type, int64_t* v) {
  if (type == kI32 || type == kI16 || type == kByte) {
    int32_t x;
    AF_RETURN_IF_ERROR(ReadI32(type, &x));
    *v = x;
    return Status::OK();
  }
  if (type != kI64) return TypeError(type, "i64");
  uint64_t raw;
  AF_RETURN_IF_ERROR(ReadVarint(&raw, 10));
  *v = static_cast<int64_t>(raw >> 1) ^ -static_cast<int64_t>(raw & 1);
  return Status::OK();
}

Status ThriftReader::ReadBool(uint8_t type, bool* v) {
  if (type == kBoolTrue) { *v = true; return Status::OK(); }
  if (type == kBoolFalse) { *v = false; return Status::OK(); }
  return TypeError(type, "bool");
}

Status ThriftReader::ReadBinary(uint8_t type, std::string* v) {
  if (type != kBinary) return TypeError(type, "binary");
  uint64_t len;
  AF_RETURN_IF_ERROR(ReadVarint(&len, 10));
  if (len > remaining()) return Status::Corruption("Thrift binary length " + std::to_string(len) + " exceeds the " + std::to_string(remaining()) + " bytes left");
  v->assign(reinterpret_cast<const char*>(p_), len);
  p_ += len;
  return Status::OK();
}

Status ThriftReader::ReadListHeader(uint8_t type, uint8_t* elem_type, uint32_t* size) {
  if (type != kList && type != kSet) return TypeError(type, "list");
  if (p_ >= end_) return Status::Corruption("Thrift data truncated in list header");
  uint8_t b = *p_++;
  *elem_type = b & 0x0f;
  uint64_t n = b >> 4;
  if (n == 15) AF_RETURN_IF_ERROR(ReadVarint(&n, 5));
  // Every element takes at least one byte on the wire (bools included).
  if (n > remaining()) return Status::Corruption("Thrift list of " + std::to_string(n) + " elements exceeds the " + std::to_string(remaining()) + " bytes left");
  if (*elem_type == kStop || *elem_type > kStruct) return Status::Corruption("Thrift list has invalid element type");
  *size = static_cast<uint32_t>(n);
  return Status::OK();
}

Status ThriftReader::ExpectStruct(uint8_t type) {
  if (type != kStruct) return TypeError(type, "struct");
  return Status::OK();
}

Status ThriftReader::Skip(uint8_t type) { return SkipDepth(type, static_cast<int>(stack_.size())); }

Status ThriftReader::SkipDepth(uint8_t type, int depth) {
  if (depth >= kMaxDepth) return Status::Corruption("Thrift values nested too deeply");
  uint64_t v;
  switch (type) {
    case kBoolTrue:
    case kBoolFalse:
      return Status::OK();
    case kByte:
      if (p_ >= end_) return Status::Corruption("Thrift data truncated");
      ++p_;
      return Status::OK();
    case kI16:
    case kI32:
    case kI64:
      return ReadVarint(&v, 10);
    case kDouble:
      if (remaining() < 8) return Status::Corruption("Thrift data truncated in double");
      p_ += 8;
      return Status::OK();
    case kBinary: {
      AF_RETURN_IF_ERROR(ReadVarint(&v, 10));
      if (v > remaining()) return Status::Corruption("Thrift binary length exceeds the bytes left");
      p_ += v;
      return Status::OK();
    }
    case kList:
    case kSet: {
      uint8_t elem;
      uint32_t n;
      AF_RETURN_IF_ERROR(ReadListHeader(type, &elem, &n));
      for (uint32_t i = 0; i < n; ++i) {
        // Bools inside lists are one byte each.
        if (elem == kBoolTrue || elem == kBoolFalse) {
          if (p_ >= end_) return Status::Corruption("Thrift data truncated");
          ++p_;
        } else {
          AF_RETURN_IF_ERROR(SkipDepth(elem, depth + 1));
        }
      }
      return Status::OK();
    }
    case kMap: {
      AF_RETURN_IF_ERROR(ReadVarint(&v, 5));
      if (v == 0) return Status::OK();
      if (v > remaining()) return Status::Corruption("Thrift map size exceeds the bytes left");
      if (p_ >= end_) return Status::Corruption("Thrift data truncated");
      uint8_t kv = *p_++;
      uint8_t kt = kv >> 4, vt = kv & 0x0f;
      if (kt == kStop || kt > kStruct || vt == kStop || vt > kStruct) return Status::Corruption("Thrift map has invalid types");
      for (uint64_t i = 0; i < v; ++i) {
        AF_RETURN_IF_ERROR(SkipDepth(kt, depth + 1));
        AF_RETURN_IF_ERROR(SkipDepth(vt, depth + 1));
      }
      return Status::OK();
    }
    case kStruct: {
      // Field ids inside a skipped struct are irrelevant; only the types matter.
      for (;;) {
        if (p_ >= end_) return Status::Corruption("Thrift data truncated in struct");
        uint8_t b = *p_++;
        uint8_t t = b & 0x0f;
        if (t == kStop) return Status::OK();
        if (t > kStruct) return Status::Corruption("Thrift field has invalid wire type " + std::to_string(t));
        if ((b >> 4) == 0) AF_RETURN_IF_ERROR(ReadVarint(&v, 3));
        AF_RETURN_IF_ERROR(SkipDepth(t, depth + 1));
      }
    }
    default:
      return Status::Corruption("Thrift value has invalid wire type " + std::to_string(type));
  }
}

}  // namespace arxivflow::parquet::thrift
