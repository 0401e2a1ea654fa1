// Cleaned records: what one arXiv JSON record or one NIPS CSV row becomes
// before it is split into the six tables.
//
// Plain value types; strings are already cleaned (docs/transform.md). An
// optional that is empty is written as NULL. Objects are reused between
// records (Clear() keeps capacity) to avoid allocation in the hot loop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace arxivflow::transform {

// A nullable string that keeps its buffer when cleared.
struct OptText {
  std::string value;
  bool present = false;
  void Clear() { value.clear(); present = false; }
};

struct ArxivAuthor {
  OptText last, first, suffix;  // authors_parsed[i][0..2], cleaned
  OptText full;                 // non-empty parts joined by one space
};

struct ArxivVersion {
  OptText version;                // "v1"
  std::optional<int64_t> created;  // UTC microseconds
};

struct ArxivRecord {
  std::string id;     // verbatim, never empty
  std::string title;  // cleaned, never empty
  OptText categories, doi, comments, journalref, license, reportno, submitter, abstract;
  std::optional<int32_t> update_date;  // days since epoch
  std::vector<std::string> category_list;
  std::vector<ArxivAuthor> authors;
  size_t author_count = 0;  // authors[0..author_count) are live (reuse)
  std::vector<ArxivVersion> versions;
  size_t version_count = 0;
  // Values present in the input that could not be typed (written as NULL).
  int unparsed_dates = 0;

  void Clear();
};

struct NipsRecord {
  std::string id;
  std::string title;
  OptText abstract;             // absent for "Abstract Missing"
  std::optional<int16_t> year;
};

}  // namespace arxivflow::transform
