#include "warehouse/sqlite_format.h"

#include <cstring>

namespace arxivflow::warehouse::sqlite_format {

size_t VarintSize(uint64_t value) {
  if (value > 0x00ffffffffffffffull) return 9;
  size_t n = 1;
  while (value > 0x7f) {
    value >>= 7;
    ++n;
  }
  return n;
}

size_t PutVarint(uint8_t* out, uint64_t value) {
  if (value > 0x00ffffffffffffffull) {
    // Nine bytes: eight of seven bits, then a last one of all eight.
    out[8] = static_cast<uint8_t>(value);
    value >>= 8;
    for (int i = 7; i >= 0; --i) {
      out[i] = static_cast<uint8_t>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    return 9;
  }
  const size_t n = VarintSize(value);
  for (size_t i = n; i-- > 0;) {
    out[i] = static_cast<uint8_t>((value & 0x7f) | (i + 1 < n ? 0x80 : 0));
    value >>= 7;
  }
  return n;
}

uint64_t IntegerSerialType(int64_t value) {
  if (value == 0) return 8;
  if (value == 1) return 9;
  const uint64_t u = value < 0 ? ~static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  if (u <= 127) return 1;
  if (u <= 32767) return 2;
  if (u <= 8388607) return 3;
  if (u <= 2147483647) return 4;
  if (u <= 0x00007fffffffffffull) return 5;
  return 6;
}

size_t SerialTypeSize(uint64_t serial_type) {
  static constexpr size_t kFixed[] = {0, 1, 2, 3, 4, 6, 8, 8, 0, 0};
  if (serial_type < 10) return kFixed[serial_type];
  return static_cast<size_t>((serial_type - 12) / 2);
}

void RecordBuilder::Clear() {
  types_.clear();
  body_.clear();
  header_varints_ = 0;
}

void RecordBuilder::AddBody(const char* data, size_t size) { body_.append(data, size); }

void RecordBuilder::AddNull() {
  types_.push_back(0);
  header_varints_ += 1;
}

void RecordBuilder::AddInteger(int64_t value) {
  const uint64_t type = IntegerSerialType(value);
  types_.push_back(type);
  header_varints_ += 1;
  const size_t n = SerialTypeSize(type);
  char bytes[8];
  for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>(static_cast<uint64_t>(value) >> (8 * (n - 1 - i)));
  AddBody(bytes, n);
}

void RecordBuilder::AddReal(double value) {
  types_.push_back(7);
  header_varints_ += 1;
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  char bytes[8];
  for (size_t i = 0; i < 8; ++i) bytes[i] = static_cast<char>(bits >> (8 * (7 - i)));
  AddBody(bytes, 8);
}

void RecordBuilder::AddText(std::string_view text) {
  const uint64_t type = 13 + 2 * static_cast<uint64_t>(text.size());
  types_.push_back(type);
  header_varints_ += VarintSize(type);
  AddBody(text.data(), text.size());
}

void RecordBuilder::AddBlob(std::string_view bytes) {
  const uint64_t type = 12 + 2 * static_cast<uint64_t>(bytes.size());
  types_.push_back(type);
  header_varints_ += VarintSize(type);
  AddBody(bytes.data(), bytes.size());
}

namespace {

// The header's size counts its own varint.
uint64_t HeaderSize(uint64_t varints) {
  uint64_t size = varints + 1;
  while (VarintSize(size) + varints != size) size = VarintSize(size) + varints;
  return size;
}

}  // namespace

uint64_t RecordBuilder::EncodedSize() const { return HeaderSize(header_varints_) + body_.size(); }

void RecordBuilder::AppendTo(std::string* out) const {
  const uint64_t header = HeaderSize(header_varints_);
  const size_t start = out->size();
  out->resize(start + header);
  auto* p = reinterpret_cast<uint8_t*>(out->data() + start);
  p += PutVarint(p, header);
  for (uint64_t type : types_) p += PutVarint(p, type);
  out->append(body_);
}

uint64_t LocalPayload(uint32_t usable, uint64_t payload, bool table_leaf) {
  const uint64_t max_local = table_leaf ? usable - 35 : (usable - 12) * 64 / 255 - 23;
  if (payload <= max_local) return payload;
  const uint64_t min_local = (usable - 12) * 32 / 255 - 23;
  const uint64_t surplus = min_local + (payload - min_local) % (usable - 4);
  return surplus <= max_local ? surplus : min_local;
}

}  // namespace arxivflow::warehouse::sqlite_format
