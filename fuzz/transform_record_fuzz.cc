// libFuzzer target: one snapshot record through the record parser (both
// modes must agree) and the table emitter, and a whole input through the
// block reader in both layouts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "transform/block_reader.h"
#include "transform/record_parser.h"
#include "transform/rows.h"

namespace {

using namespace arxivflow;
using namespace arxivflow::transform;

class NullRows : public RowWriter {
 public:
  void AppendNull(int) override {}
  void AppendString(int, std::string_view) override {}
  void AppendInt32(int, int32_t) override {}
  void AppendInt64(int, int64_t) override {}
  Status EndRow() override { return Status::OK(); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static RecordParser parser;
  static ArxivRecord record;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string clean = parser.ParseCopy(text, &record);
  if (clean.empty()) {
    NullRows rows;
    TableSet set;
    set.fill(&rows);
    RowCounts counts{};
    (void)EmitArxiv(record, set, &counts);
  }
  std::string padded(text);
  padded.append(64, '\0');
  const std::string validate =
      parser.Parse(padded.data(), size, padded.size(), &record, RecordParser::Mode::kValidate);
  if (validate != clean) __builtin_trap();  // the two passes must agree

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
