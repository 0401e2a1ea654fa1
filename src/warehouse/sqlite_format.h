// The parts of SQLite's database file format (https://sqlite.org/fileformat2.html)
// that a writer of new files needs: varints, records, and how much of a cell's
// payload stays on its B-tree page (the rest goes to overflow pages).
//
// Contract: pure functions and a value type; no I/O, thread-safe. Records
// are encoded as SQLite's own OP_MakeRecord encodes them for a database of
// schema format 4 (integers in their smallest serial type, 0 and 1 as the
// constant types 8 and 9), so that SQLite reads them back unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace arxivflow::warehouse::sqlite_format {

// SQLite's default SQLITE_MAX_LENGTH: the largest string, blob or record.
inline constexpr uint64_t kMaxLength = 1000000000;

// Big-endian base-128 varint of 1..9 bytes; `out` needs 9 bytes.
size_t PutVarint(uint8_t* out, uint64_t value);
size_t VarintSize(uint64_t value);

// The serial type SQLite gives an integer, and the size of its body.
uint64_t IntegerSerialType(int64_t value);
size_t SerialTypeSize(uint64_t serial_type);

// One record: the values of a row (or of an index entry) in column order.
class RecordBuilder {
 public:
  void Clear();
  void AddNull();
  void AddInteger(int64_t value);
  void AddReal(double value);
  void AddText(std::string_view text);
  void AddBlob(std::string_view bytes);
  size_t columns() const { return types_.size(); }
  // The record's size once encoded.
  uint64_t EncodedSize() const;
  // Appends the encoded record (header, then body) to `out`.
  void AppendTo(std::string* out) const;

 private:
  void AddBody(const char* data, size_t size);
  std::vector<uint64_t> types_;
  std::string body_;
  uint64_t header_varints_ = 0;  // bytes of the serial types' varints
};

// Page kinds (the first byte of a B-tree page's header).
inline constexpr uint8_t kInteriorIndexPage = 0x02;
inline constexpr uint8_t kInteriorTablePage = 0x05;
inline constexpr uint8_t kLeafIndexPage = 0x0a;
inline constexpr uint8_t kLeafTablePage = 0x0d;

// Bytes of a payload of `payload` bytes kept on the page of its cell, in a
// file whose pages have `usable` bytes: all of it when it fits, else SQLite's
// split (the rest in overflow pages of usable - 4 bytes each).
uint64_t LocalPayload(uint32_t usable, uint64_t payload, bool table_leaf);

// Big-endian stores, as the file format uses everywhere.
inline void Put16(uint8_t* out, uint32_t v) {
  out[0] = static_cast<uint8_t>(v >> 8);
  out[1] = static_cast<uint8_t>(v);
}
inline void Put32(uint8_t* out, uint32_t v) {
  out[0] = static_cast<uint8_t>(v >> 24);
  out[1] = static_cast<uint8_t>(v >> 16);
  out[2] = static_cast<uint8_t>(v >> 8);
  out[3] = static_cast<uint8_t>(v);
}

}  // namespace arxivflow::warehouse::sqlite_format
