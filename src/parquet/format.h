// The subset of parquet.thrift that arxivflow writes and reads, as plain
// structs, with their Thrift compact encoding.
//
// Field numbers follow the parquet-format specification. Parsing skips fields
// it does not know, rejects known fields of the wrong wire type, and reports
// malformed input as Status::Corruption (without the file name; callers add
// it). Plain value types; not thread-safe to mutate concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace arxivflow::parquet::format {

// parquet.thrift enums (wire values). The integer ConvertedTypes keep the
// specification's underscore (INT_16), which also keeps them apart from Type.
enum Type : int32_t { kBoolean = 0, kInt32 = 1, kInt64 = 2, kInt96 = 3, kFloat = 4, kDouble = 5, kByteArray = 6, kFixedLenByteArray = 7 };
enum ConvertedType : int32_t {
  kUtf8 = 0, kMap = 1, kMapKeyValue = 2, kList = 3, kEnum = 4, kDecimal = 5, kDate = 6, kTimeMillis = 7,
  kTimeMicros = 8, kTimestampMillis = 9, kTimestampMicros = 10, kUint_8 = 11, kUint_16 = 12, kUint_32 = 13,
  kUint_64 = 14, kInt_8 = 15, kInt_16 = 16, kInt_32 = 17, kInt_64 = 18, kJson = 19, kBson = 20, kInterval = 21,
};
enum Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };
enum Encoding : int32_t {
  kPlain = 0, kPlainDictionary = 2, kRle = 3, kBitPacked = 4, kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6, kDeltaByteArray = 7, kRleDictionary = 8, kByteStreamSplit = 9,
};
enum Codec : int32_t { kUncompressed = 0, kSnappy = 1, kGzip = 2, kLzo = 3, kBrotli = 4, kLz4 = 5, kZstd = 6, kLz4Raw = 7 };
enum PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };

const char* EncodingName(int32_t e);
const char* CodecName(int32_t c);

struct Statistics {
  std::optional<std::string> max;  // deprecated: signed comparison
  std::optional<std::string> min;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;  // type-defined order
  std::optional<std::string> min_value;
  bool empty() const { return !max && !min && !null_count && !distinct_count && !max_value && !min_value; }
};

// The LogicalType union: which member is set, and the parameters of those
// that have any.
struct LogicalTypeInfo {
  // Members by their field id in parquet.thrift; `kind` may also hold the id
  // of a member this list does not name (a newer format version).
  enum Kind : int16_t {
    kNone = 0, kString = 1, kMap = 2, kList = 3, kEnum = 4, kDecimal = 5, kDate = 6, kTime = 7, kTimestamp = 8,
    kInteger = 10, kUnknown = 11, kJson = 12, kBson = 13, kUuid = 14, kFloat16 = 15, kVariant = 16,
    kGeometry = 17, kGeography = 18,
  };
  int16_t kind = kNone;
  bool is_adjusted_to_utc = false;  // TIME, TIMESTAMP
  int unit = -1;                    // TIME, TIMESTAMP: 0 millis, 1 micros, 2 nanos
  int bit_width = 0;                // INTEGER
  bool is_signed = true;            // INTEGER
  int32_t scale = 0;                // DECIMAL
  int32_t precision = 0;            // DECIMAL
};

struct SchemaElement {
  std::optional<int32_t> type;
  std::optional<int32_t> type_length;
  std::optional<int32_t> repetition_type;
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<int32_t> converted_type;
  std::optional<int32_t> scale;      // legacy DECIMAL parameters
  std::optional<int32_t> precision;
  LogicalTypeInfo logical;
};

struct ColumnMetaData {
  int32_t type = 0;
  std::vector<int32_t> encodings;
  std::vector<std::string> path_in_schema;
  int32_t codec = 0;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
};

struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
  bool encrypted = false;  // set by the parser when crypto metadata appears
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int32_t> ordinal;
};

struct FileMetaData {
  int32_t version = 0;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::optional<std::string> created_by;
  bool type_defined_column_orders = false;  // writes ColumnOrder TYPE_ORDER per leaf
  bool encrypted = false;                   // set by the parser when encryption fields appear
};

struct DataPageHeader {
  int32_t num_values = 0;
  int32_t encoding = 0;
  int32_t definition_level_encoding = kRle;
  int32_t repetition_level_encoding = kRle;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  int32_t encoding = kPlain;
  std::optional<bool> is_sorted;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t encoding = 0;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct PageHeader {
  int32_t type = kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<int32_t> crc;  // CRC32 of the page's bytes as stored (after the header)
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;
};

void Serialize(const FileMetaData& m, std::string* out);
void Serialize(const PageHeader& h, std::string* out);

// Parse `size` bytes at `data`; *consumed receives the header's length.
Status ParseFileMetaData(const uint8_t* data, size_t size, FileMetaData* out);
Status ParsePageHeader(const uint8_t* data, size_t size, PageHeader* out, size_t* consumed);

}  // namespace arxivflow::parquet::format
