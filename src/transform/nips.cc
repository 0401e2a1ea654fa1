#include "transform/nips.h"

#include <simdjson.h>

#include <cctype>

#include "transform/text_clean.h"

namespace arxivflow::transform {

Status NipsConverter::Init(const CsvRecord& header, const std::string& file) {
  columns_ = header.fields.size();
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string name;
    NormalizeInline(header.fields[i], &name);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const int index = static_cast<int>(i);
    if (name == "id") id_ = index;
    if (name == "title") title_ = index;
    if (name == "year") year_ = index;
    if (name == "abstract") abstract_ = index;
  }
  if (id_ < 0) return Status::InvalidArgument(file + ": the header has no 'id' column");
  if (title_ < 0) return Status::InvalidArgument(file + ": the header has no 'title' column");
  return Status::OK();
}

std::string NipsConverter::Convert(const CsvRecord& row, NipsRecord* out) {
  if (!row.error.empty()) return row.error;
  if (row.fields.size() != columns_) {
    return "expected " + std::to_string(columns_) + " fields, found " +
           std::to_string(row.fields.size());
  }
  for (const std::string& f : row.fields) {
    if (!simdjson::validate_utf8(f.data(), f.size())) return "invalid UTF-8";
  }
  out->id = row.fields[static_cast<size_t>(id_)];
  if (out->id.empty()) return "missing id";
  NormalizeInline(row.fields[static_cast<size_t>(title_)], &out->title);
  if (out->title.empty()) return "missing title";
  out->year.reset();
  if (year_ >= 0) {
    NormalizeInline(row.fields[static_cast<size_t>(year_)], &scratch_);
    if (!scratch_.empty()) {
      int value = 0;
      if (scratch_.size() > 4) return "field 'year' is not a year: " + scratch_.substr(0, 40);
      for (char c : scratch_) {
        if (c < '0' || c > '9') return "field 'year' is not an integer: " + scratch_;
        value = value * 10 + (c - '0');
      }
      out->year = static_cast<int16_t>(value);
    }
  }
  out->abstract.Clear();
  if (abstract_ >= 0) {
    NormalizeParagraphs(row.fields[static_cast<size_t>(abstract_)], &out->abstract.value);
    out->abstract.present =
        !out->abstract.value.empty() && out->abstract.value != kAbstractMissing;
    if (!out->abstract.present) out->abstract.value.clear();
  }
  return "";
}

}  // namespace arxivflow::transform
