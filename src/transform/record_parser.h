// RecordParser: one arXiv snapshot record (a JSON object) -> ArxivRecord.
//
// Contract:
// - Parse() either fills *out and returns "" (accepted), or returns a
//   non-empty reject reason ("invalid JSON: ...", "not a JSON object",
//   "missing id", "field 'versions' is not an array", ...) and *out is
//   unspecified. It never throws and never reads past `size` + padding.
// - The input must stay readable for SIMDJSON_PADDING bytes past `size`
//   (the block reader guarantees it; ParseCopy() pads for callers that
//   cannot). UTF-8 is validated by simdjson.
// - The whole record is validated (simdjson DOM parsing with the kernel
//   chosen for the CPU at run time): malformed JSON anywhere, invalid UTF-8
//   and nesting deeper than kMaxDepth are rejects; unknown fields are ignored.
// - Not thread-safe: one parser per thread (it owns a simdjson parser).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "transform/record.h"

namespace arxivflow::transform {

class RecordParser {
 public:
  static constexpr int kMaxDepth = 256;
  RecordParser();
  ~RecordParser();
  RecordParser(const RecordParser&) = delete;
  RecordParser& operator=(const RecordParser&) = delete;

  // kValidate decides accept/reject exactly as kClean does and fills only
  // `id`, skipping the cleaning work (the transform validates a block first,
  // commits its ids in input order, then parses the accepted records again).
  enum class Mode { kClean, kValidate };
  std::string Parse(const char* data, size_t size, size_t capacity, ArxivRecord* out,
                    Mode mode = Mode::kClean);
  // Copies into a padded buffer first.
  std::string ParseCopy(std::string_view text, ArxivRecord* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace arxivflow::transform
