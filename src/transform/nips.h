// NIPS CSV rows -> NipsRecord.
//
// Contract: Init() reads the header record (columns found by name; `id` and
// `title` are required, `year` and `abstract` optional, others ignored) and
// fails with InvalidArgument naming the missing column. Convert() returns ""
// and fills *out, or returns a reject reason (wrong field count, malformed
// quoting, invalid UTF-8, missing id/title, non-integer year). Stateless
// after Init(); not thread-safe only because of the scratch buffer.
#pragma once

#include <string>

#include "common/status.h"
#include "transform/csv_reader.h"
#include "transform/record.h"

namespace arxivflow::transform {

// The NIPS placeholder that means "no abstract".
inline constexpr std::string_view kAbstractMissing = "Abstract Missing";

class NipsConverter {
 public:
  Status Init(const CsvRecord& header, const std::string& file);
  std::string Convert(const CsvRecord& row, NipsRecord* out);

 private:
  size_t columns_ = 0;
  int id_ = -1, title_ = -1, year_ = -1, abstract_ = -1;
  std::string scratch_;
};

}  // namespace arxivflow::transform
