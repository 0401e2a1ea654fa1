// libFuzzer target: one snapshot record through the record parser (a reject
// must leave the batch's rows untouched, a second parse must agree) and the
// table emitter, and a whole input through the block reader in both layouts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "transform/block_reader.h"
#include "transform/record_parser.h"
#include "transform/rows.h"

using namespace arxivflow;
using namespace arxivflow::transform;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static RecordParser parser;
  static ArxivBatch batch;
  batch.Clear();
  // One record already in the batch: the fuzzed one must not disturb it.
  if (!parser.ParseCopy(R"({"id":"first","title":"t","authors_parsed":[["a"]]})", &batch).empty()) {
    __builtin_trap();
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string clean = parser.ParseCopy(text, &batch);
  const size_t records = clean.empty() ? 2 : 1;
  if (batch.records.size() != records) __builtin_trap();
  if (!clean.empty() && (batch.authors.size() != 1 || !batch.versions.empty() ||
                         !batch.categories.empty())) {
    __builtin_trap();  // a reject must leave no rows behind
  }
  if (batch.records[0].id != "first" || batch.AuthorsOf(batch.records[0]).size() != 1) __builtin_trap();
  if (clean.empty()) {
    // Every column of every table holds one value per row.
    static ArxivColumns columns;
    const uint32_t all[] = {0, 1};
    BuildArxivColumns(batch, all, &columns);
    for (const TableColumns& t : columns) {
      for (const TableColumns::Column& c : t.columns) {
        const size_t values = c.text.size() + c.i32.size() + c.i64.size();
        if (values != t.rows || (!c.nulls.empty() && c.nulls.size() != t.rows)) __builtin_trap();
      }
    }
  }
  std::string padded(text);
  padded.append(64, '\0');
  const std::string again = parser.Parse(padded.data(), size, &batch);
  if (again != clean) __builtin_trap();  // parsing is deterministic

  for (Layout layout : {Layout::kJsonLines, Layout::kJsonArray}) {
    StringSource source{std::string(text)};
    BlockReaderOptions options;
    options.block_bytes = 64;
    BlockReader reader(&source, layout, "fuzz", options);
    Block block;
    for (int i = 0; i < 100000; ++i) {
      auto got = reader.Next(&block);
      if (!got.ok() || !*got) break;
      for (const Span& s : block.spans) {
        if (s.offset + s.length > block.used) __builtin_trap();
      }
    }
  }
  return 0;
}
