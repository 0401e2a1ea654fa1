// Test support (tests only): Parquet files built by hand from format structs,
// to give the reader exactly the pages, annotations and footers a test needs,
// including ones no writer here produces.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "parquet/format.h"
#include "parquet/rle.h"

namespace arxivflow::parquet::testing {

// A file's bytes before the footer, and the footer parsed.
struct Parts {
  std::string body;
  format::FileMetaData meta;
};

inline Parts Split(const std::string& f) {
  uint32_t len;
  std::memcpy(&len, f.data() + f.size() - 8, 4);
  Parts p;
  p.body = f.substr(0, f.size() - 8 - len);
  Status st = format::ParseFileMetaData(reinterpret_cast<const uint8_t*>(f.data()) + p.body.size(), len, &p.meta);
  if (!st.ok()) p.meta = format::FileMetaData{};
  return p;
}

inline std::string WithFooter(const std::string& body, const std::string& footer) {
  std::string out = body + footer;
  uint32_t len = static_cast<uint32_t>(footer.size());
  out.append(reinterpret_cast<const char*>(&len), 4);
  out += "PAR1";
  return out;
}

inline std::string Join(const Parts& p) {
  std::string footer;
  format::Serialize(p.meta, &footer);
  return WithFooter(p.body, footer);
}

inline uint32_t Crc32(const std::string& bytes) {
  return static_cast<uint32_t>(crc32_z(crc32_z(0, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

inline format::SchemaElement Leaf(format::Type type, bool nullable) {
  format::SchemaElement leaf;
  leaf.name = "c";
  leaf.type = type;
  leaf.repetition_type = nullable ? format::kOptional : format::kRequired;
  return leaf;
}

// A one-column, one-row-group file built from hand-made pages (uncompressed).
// Page sizes left at 0 are filled in from the data.
inline std::string HandMade(const std::vector<std::pair<format::PageHeader, std::string>>& pages, int64_t rows,
                            const format::SchemaElement& leaf) {
  std::string body = "PAR1";
  for (auto [h, data] : pages) {
    h.compressed_page_size = h.compressed_page_size ? h.compressed_page_size : static_cast<int32_t>(data.size());
    h.uncompressed_page_size = h.uncompressed_page_size ? h.uncompressed_page_size : static_cast<int32_t>(data.size());
    format::Serialize(h, &body);
    body += data;
  }
  format::FileMetaData m;
  m.version = 2;
  format::SchemaElement root;
  root.name = "schema";
  root.num_children = 1;
  m.schema = {root, leaf};
  m.num_rows = rows;
  format::RowGroup rg;
  rg.num_rows = rows;
  format::ColumnChunk cc;
  cc.file_offset = 4;
  format::ColumnMetaData md;
  md.type = *leaf.type;
  md.encodings = {format::kPlain};
  md.path_in_schema = {leaf.name};
  md.codec = format::kUncompressed;
  md.num_values = rows;
  md.total_compressed_size = static_cast<int64_t>(body.size() - 4);
  md.total_uncompressed_size = md.total_compressed_size;
  md.data_page_offset = 4;
  cc.meta_data = md;
  rg.columns = {cc};
  m.row_groups = {rg};
  std::string footer;
  format::Serialize(m, &footer);
  return WithFooter(body, footer);
}

inline std::string HandMade(const std::vector<std::pair<format::PageHeader, std::string>>& pages, int64_t rows, bool nullable,
                            format::Type type = format::kByteArray) {
  return HandMade(pages, rows, Leaf(type, nullable));
}

inline format::PageHeader DataPage(int32_t num_values, int32_t encoding) {
  format::PageHeader h;
  h.type = format::kDataPage;
  h.data_page_header.emplace();
  h.data_page_header->num_values = num_values;
  h.data_page_header->encoding = encoding;
  return h;
}

inline format::PageHeader DictPage(int32_t num_values) {
  format::PageHeader h;
  h.type = format::kDictionaryPage;
  h.dictionary_page_header.emplace();
  h.dictionary_page_header->num_values = num_values;
  return h;
}

// The page header with the CRC32 of `data`, as a writer that checksums stores it.
inline std::pair<format::PageHeader, std::string> WithCrc(format::PageHeader h, std::string data) {
  h.crc = static_cast<int32_t>(Crc32(data));
  return {h, std::move(data)};
}

// PLAIN BYTE_ARRAY values.
inline std::string Plain(std::initializer_list<std::string> values) {
  std::string out;
  for (const auto& v : values) {
    uint32_t n = static_cast<uint32_t>(v.size());
    out.append(reinterpret_cast<const char*>(&n), 4);
    out += v;
  }
  return out;
}

// PLAIN fixed-width values (INT32, INT64, FLOAT, DOUBLE).
template <typename T>
std::string PlainFixed(std::initializer_list<T> values) {
  std::string out;
  for (const T& v : values) out.append(reinterpret_cast<const char*>(&v), sizeof v);
  return out;
}

// Definition levels of a v1 data page: 4-byte length + RLE/bit-packed hybrid.
inline std::string Levels(const std::vector<uint8_t>& levels) {
  std::string enc;
  RleEncode(levels.data(), levels.size(), 1, &enc);
  uint32_t n = static_cast<uint32_t>(enc.size());
  return std::string(reinterpret_cast<const char*>(&n), 4) + enc;
}

}  // namespace arxivflow::parquet::testing
