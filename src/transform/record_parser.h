// RecordParser: one arXiv snapshot record (a JSON object) -> a cleaned
// ArxivRecord appended to an ArxivBatch.
//
// Contract:
// - Parse() either appends one record to *batch (its text in the batch's
//   arena, its authors/versions/categories at the end of the batch's
//   vectors) and returns "" (accepted), or returns a non-empty reject reason
//   ("invalid JSON: ...", "not a JSON object", "missing id", "field
//   'versions' is not an array", ...) and leaves the batch's records,
//   authors, versions and categories as they were. It never throws and
//   never reads past `size` + padding.
// - The input must stay readable for SIMDJSON_PADDING bytes past `size`
//   (the block reader guarantees it; ParseCopy() pads for callers that
//   cannot). UTF-8 is validated by simdjson.
// - The whole record is validated (simdjson DOM parsing with the kernel
//   chosen for the CPU at run time): malformed JSON anywhere, invalid UTF-8
//   and nesting deeper than kMaxDepth are rejects; unknown fields are ignored.
//   Each record is parsed once: validation and cleaning are one pass.
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

  std::string Parse(const char* data, size_t size, ArxivBatch* batch);
  // Copies into a padded buffer first.
  std::string ParseCopy(std::string_view text, ArxivBatch* batch);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace arxivflow::transform
