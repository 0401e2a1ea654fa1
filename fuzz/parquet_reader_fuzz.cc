// libFuzzer target: arbitrary bytes as a Parquet file; opens it, decodes every
// column of every row group and formats every value and statistic as
// `parquet cat` and `parquet meta` would. Must never crash, hang or allocate
// without bound (the limits below keep single allocations small).
//
// Each input is read twice: with page checksum verification (as by default),
// and without it, so that mutated pages of checksummed seeds still reach the
// decoders. Seeds: fuzz/corpus/parquet_reader/ (tests/parquet/make_fuzz_seeds.py);
// dictionary: fuzz/parquet_reader.dict.
#include <cstddef>
#include <cstdint>
#include <string>

#include "parquet/reader.h"
#include "parquet/value_text.h"

namespace {

void ReadEverything(const uint8_t* data, size_t size, bool verify_checksums) {
  using namespace arxivflow::parquet;
  ReaderOptions opt;
  opt.max_footer_bytes = 1 << 20;
  opt.max_page_bytes = 16 << 20;
  opt.max_chunk_bytes = 16 << 20;
  opt.max_values_per_chunk = 1 << 20;
  opt.verify_checksums = verify_checksums;
  auto reader = Reader::Open(MakeStringFile(std::string(reinterpret_cast<const char*>(data), size), "fuzz.parquet"), opt);
  if (!reader.ok()) return;
  const FileMetadata& m = (*reader)->metadata();
  volatile size_t sink = 0;
  for (size_t g = 0; g < m.row_groups.size(); ++g) {
    for (size_t c = 0; c < m.schema.columns.size(); ++c) {
      const ColumnSchema& column = m.schema.columns[c];
      const ColumnChunkInfo& chunk = m.row_groups[g].columns[c];
      for (const auto* stat : {&chunk.min_value, &chunk.max_value}) {
        if (*stat) {
          auto text = FormatStatistic(column, **stat);
          if (text) sink = sink + text->text.size();
        }
      }
      auto col = (*reader)->ReadColumn(static_cast<int>(g), static_cast<int>(c));
      if (!col.ok()) continue;
      // Touch every value through its text form, so that wrong views or
      // values out of their type's range are caught (ASan, asserts).
      for (int64_t r = 0; r < col->size; ++r) {
        auto text = FormatValue(column, *col, static_cast<size_t>(r));
        if (text) sink = sink + text->text.size();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ReadEverything(data, size, true);
  ReadEverything(data, size, false);
  return 0;
}
