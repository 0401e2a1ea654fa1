// Writes small hand-made Parquet files that no writer here produces, as seeds
// for the reader's fuzz target (tests/parquet/make_fuzz_seeds.py runs it):
// legacy ConvertedType annotations, BYTE_ARRAY decimals, a chunk size that
// leaves out the dictionary page header (old parquet-mr), a wrong stored page
// CRC, a data page v2 with a CRC, a zero-row chunk holding only a dictionary
// page, FIXED_LEN_BYTE_ARRAY dictionaries and FLOAT in BYTE_STREAM_SPLIT.
//
// Usage: parquet_seed_gen OUTPUT_DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "parquet/codec.h"
#include "parquet/test_files.h"
#include "parquet/writer.h"

using namespace arxivflow;
using namespace arxivflow::parquet;
using namespace arxivflow::parquet::testing;

namespace {

format::SchemaElement Legacy(format::Type type, int32_t converted, int32_t type_length = 0) {
  format::SchemaElement e = Leaf(type, true);
  e.converted_type = converted;
  if (type_length) e.type_length = type_length;
  return e;
}

format::SchemaElement WithLogical(format::Type type, format::LogicalTypeInfo l, int32_t type_length = 0) {
  format::SchemaElement e = Leaf(type, false);
  e.logical = l;
  if (type_length) e.type_length = type_length;
  return e;
}

// A page with nulls at rows 1 of 3, values behind the levels.
std::pair<format::PageHeader, std::string> ThreeRows(const std::string& two_values) {
  return WithCrc(DataPage(3, format::kPlain), Levels({1, 0, 1}) + two_values);
}

std::string ParquetMrShortChunk() {
  Schema s;
  s.columns = {StringColumn("s", false)};
  std::string f;
  auto w = Writer::Open(MakeStringSink(&f), s, WriterOptions{});
  for (int r = 0; r < 20; ++r) {
    (*w)->AppendString(0, "v" + std::to_string(r % 3));
    if (!(*w)->EndRow().ok()) return "";
  }
  if (!(*w)->Close().ok()) return "";
  Parts p = Split(f);
  p.meta.created_by = "parquet-mr version 1.2.8 (build 0)";
  auto& md = *p.meta.row_groups[0].columns[0].meta_data;
  format::PageHeader h;
  size_t hlen = 0;
  if (!format::ParsePageHeader(reinterpret_cast<const uint8_t*>(f.data()) + *md.dictionary_page_offset, 64, &h, &hlen).ok()) return "";
  md.total_compressed_size -= static_cast<int64_t>(hlen);
  md.data_page_offset = *md.dictionary_page_offset;
  md.dictionary_page_offset.reset();
  return Join(p);
}

std::string DataPageV2Gzip() {
  format::PageHeader h;
  h.type = format::kDataPageV2;
  auto& v2 = h.data_page_header_v2.emplace();
  v2.num_values = 3;
  v2.num_nulls = 1;
  v2.num_rows = 3;
  v2.encoding = format::kPlain;
  std::string levels;
  const uint8_t defs[] = {1, 0, 1};
  RleEncode(defs, 3, 1, &levels);
  v2.definition_levels_byte_length = static_cast<int32_t>(levels.size());
  const std::string values = PlainFixed<int64_t>({-5, 1ll << 40});
  std::string compressed;
  if (!MakeCompressor(Compression::kGzip, 0)->Compress(values, &compressed).ok()) return "";
  h.uncompressed_page_size = static_cast<int32_t>(levels.size() + values.size());
  Parts p = Split(HandMade({WithCrc(h, levels + compressed)}, 3, true, format::kInt64));
  p.meta.row_groups[0].columns[0].meta_data->codec = format::kGzip;
  return Join(p);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  int written = 0;
  auto put = [&](const std::string& name, const std::string& bytes) {
    if (bytes.empty()) {
      std::fprintf(stderr, "%s: could not build\n", name.c_str());
      std::exit(1);
    }
    std::ofstream(dir / ("seed_" + name + ".parquet"), std::ios::binary) << bytes;
    ++written;
  };
  using L = format::LogicalTypeInfo;

  put("legacy_uint8", HandMade({ThreeRows(PlainFixed<int32_t>({255, 7}))}, 3, Legacy(format::kInt32, format::kUint_8)));
  put("legacy_uint32", HandMade({ThreeRows(PlainFixed<int32_t>({-294967296, -1}))}, 3, Legacy(format::kInt32, format::kUint_32)));
  put("legacy_uint64", HandMade({ThreeRows(PlainFixed<int64_t>({-1, 5}))}, 3, Legacy(format::kInt64, format::kUint_64)));
  put("legacy_int8", HandMade({ThreeRows(PlainFixed<int32_t>({-128, 127}))}, 3, Legacy(format::kInt32, format::kInt_8)));
  format::SchemaElement decimal = Legacy(format::kInt32, format::kDecimal);
  decimal.precision = 9;
  decimal.scale = 3;
  put("legacy_decimal_int32", HandMade({ThreeRows(PlainFixed<int32_t>({1500, -1}))}, 3, decimal));
  put("legacy_time_millis", HandMade({ThreeRows(PlainFixed<int32_t>({45296789, 0}))}, 3, Legacy(format::kInt32, format::kTimeMillis)));
  put("legacy_timestamp_millis", HandMade({ThreeRows(PlainFixed<int64_t>({1709210096500, -1}))}, 3, Legacy(format::kInt64, format::kTimestampMillis)));
  put("legacy_interval", HandMade({ThreeRows(std::string(24, '\x01'))}, 3, Legacy(format::kFixedLenByteArray, format::kInterval, 12)));

  L dec;
  dec.kind = L::kDecimal;
  dec.precision = 40;
  dec.scale = 2;
  put("decimal_byte_array",
      HandMade({WithCrc(DataPage(3, format::kPlain), Plain({std::string("\x64", 1), std::string("\xff\x9c", 2), std::string(20, '\x7f')}))}, 3,
               WithLogical(format::kByteArray, dec)));
  L ts;
  ts.kind = L::kTimestamp;
  ts.unit = 2;
  ts.is_adjusted_to_utc = false;
  put("timestamp_nanos_local", HandMade({WithCrc(DataPage(2, format::kPlain), PlainFixed<int64_t>({1709210096000000123, -1}))}, 2, WithLogical(format::kInt64, ts)));
  L uuid;
  uuid.kind = L::kUuid;
  put("uuid_dictionary",
      HandMade({WithCrc(DictPage(2), std::string(32, '\x5a')), WithCrc(DataPage(3, format::kRleDictionary), std::string("\x01\x03\x02", 3))}, 3,
               WithLogical(format::kFixedLenByteArray, uuid, 16)));
  put("float_byte_stream_split",
      HandMade({WithCrc(DataPage(2, format::kByteStreamSplit), std::string("\x00\x00\x00\x00\xc0\x10\x3f\xc0", 8))}, 2, Leaf(format::kFloat, false)));

  put("parquet_mr_short_chunk", ParquetMrShortChunk());
  auto wrong = WithCrc(DataPage(3, format::kPlain), PlainFixed<int32_t>({7, 8, 9}));
  wrong.first.crc = *wrong.first.crc ^ 1;
  put("wrong_stored_crc", HandMade({wrong}, 3, false, format::kInt32));
  put("data_page_v2_crc_gzip", DataPageV2Gzip());
  {
    Parts p = Split(HandMade({WithCrc(DictPage(0), "")}, 0, true));
    auto& md = *p.meta.row_groups[0].columns[0].meta_data;
    md.dictionary_page_offset = 4;
    md.data_page_offset = 0;
    put("zero_rows_dictionary_only", Join(p));
  }
  std::printf("wrote %d seeds to %s\n", written, dir.c_str());
  return 0;
}
