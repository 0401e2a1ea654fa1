// Cleaned records: what one arXiv JSON record or one NIPS CSV row becomes
// before it is split into the six tables.
//
// arXiv records are parsed a block at a time into an ArxivBatch: the cleaned
// text of every record lives in the batch's TextArena and the records, their
// authors, versions and categories are plain structs of views into it, in
// flat vectors. Clear() keeps every buffer, so a worker reuses one batch for
// the whole run and the hot loop does not allocate.
//
// Text values are already cleaned (docs/transform.md). The rules make every
// blank value NULL, so an empty view means NULL.
//
// Ownership: views stay valid until the batch's next Clear(). Not
// thread-safe: one batch per worker.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace arxivflow::transform {

// Append-only text storage whose bytes never move (chunks are not
// reallocated), so views into it stay valid while more text is added.
class TextArena {
 public:
  // Room for `n` bytes at the end of the arena; Commit() the bytes used.
  char* Reserve(size_t n) {
    if (n > room_) NextChunk(n);
    return next_;
  }
  void Commit(size_t used) {
    next_ += used;
    room_ -= used;
  }
  std::string_view Copy(std::string_view text) {
    char* p = Reserve(text.size());
    if (!text.empty()) __builtin_memcpy(p, text.data(), text.size());
    Commit(text.size());
    return {p, text.size()};
  }
  // Forgets the text; keeps the regular chunks, frees outsized ones.
  void Clear();

 private:
  static constexpr size_t kChunkBytes = 1u << 20;
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t size;
  };
  void NextChunk(size_t n);
  std::vector<Chunk> chunks_;
  size_t current_ = 0;  // chunks_[0..current_) are in use
  char* next_ = nullptr;
  size_t room_ = 0;
};

struct ArxivAuthor {
  std::string_view last, first, suffix;  // authors_parsed[i][0..2], cleaned
  std::string_view full;                 // the non-empty parts joined by one space
};

struct ArxivVersion {
  std::string_view version;        // "v1"
  std::optional<int64_t> created;  // UTC microseconds
};

struct ArxivRecord {
  std::string_view id;     // verbatim, never empty
  std::string_view title;  // cleaned, never empty
  std::string_view categories, doi, comments, journalref, license, reportno, submitter, abstract;
  std::optional<int32_t> update_date;  // days since epoch
  // Ranges in the batch's authors / versions / categories.
  uint32_t authors_begin = 0, authors_end = 0;
  uint32_t versions_begin = 0, versions_end = 0;
  uint32_t categories_begin = 0, categories_end = 0;
  // Values present in the input that could not be typed (written as NULL).
  uint32_t unparsed_dates = 0;
};

struct ArxivBatch {
  TextArena text;
  std::vector<ArxivRecord> records;
  std::vector<ArxivAuthor> authors;
  std::vector<ArxivVersion> versions;
  std::vector<std::string_view> categories;  // categories split on spaces

  void Clear() {
    text.Clear();
    records.clear();
    authors.clear();
    versions.clear();
    categories.clear();
  }
  std::span<const ArxivAuthor> AuthorsOf(const ArxivRecord& r) const {
    return {authors.data() + r.authors_begin, authors.data() + r.authors_end};
  }
  std::span<const ArxivVersion> VersionsOf(const ArxivRecord& r) const {
    return {versions.data() + r.versions_begin, versions.data() + r.versions_end};
  }
  std::span<const std::string_view> CategoriesOf(const ArxivRecord& r) const {
    return {categories.data() + r.categories_begin, categories.data() + r.categories_end};
  }
};

// An optional text that keeps its buffer when cleared (NIPS rows).
struct OptText {
  std::string value;
  bool present = false;
  void Clear() { value.clear(); present = false; }
};

struct NipsRecord {
  std::string id;
  std::string title;
  OptText abstract;             // absent for "Abstract Missing"
  std::optional<int16_t> year;
};

}  // namespace arxivflow::transform
