// libFuzzer target: arbitrary bytes as a Parquet file; opens it and decodes
// every column of every row group. Must never crash, hang or allocate without
// bound (the limits below keep single allocations small).
#include <cstddef>
#include <cstdint>
#include <string>

#include "parquet/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace arxivflow::parquet;
  ReaderOptions opt;
  opt.max_footer_bytes = 1 << 20;
  opt.max_page_bytes = 16 << 20;
  opt.max_chunk_bytes = 16 << 20;
  opt.max_values_per_chunk = 1 << 20;
  auto reader = Reader::Open(MakeStringFile(std::string(reinterpret_cast<const char*>(data), size), "fuzz.parquet"), opt);
  if (!reader.ok()) return 0;
  const FileMetadata& m = (*reader)->metadata();
  for (size_t g = 0; g < m.row_groups.size(); ++g) {
    for (size_t c = 0; c < m.schema.columns.size(); ++c) {
      auto col = (*reader)->ReadColumn(static_cast<int>(g), static_cast<int>(c));
      if (col.ok() && col->size > 0) {
        // Touch the values so that wrong views would be caught by ASan.
        volatile size_t sink = 0;
        for (const auto& s : col->strings) sink = sink + s.size() + (s.empty() ? 0 : static_cast<unsigned char>(s[0]));
      }
    }
  }
  return 0;
}
