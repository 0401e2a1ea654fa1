#include "transform/record_parser.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include "transform/text_clean.h"

namespace arxivflow::transform {

namespace dom = simdjson::dom;

namespace {

// Parsers that saw a document larger than this are rebuilt afterwards, so one
// huge record does not pin its index buffers for the rest of the run.
constexpr size_t kShrinkAbove = 16u << 20;

const char* TypeName(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY: return "an array";
    case dom::element_type::OBJECT: return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: return "a number";
    case dom::element_type::STRING: return "a string";
    case dom::element_type::BOOL: return "a boolean";
    case dom::element_type::NULL_VALUE: return "null";
  }
  return "unknown";
}

// Where a value sits, for reject reasons; formatted only when a record is
// rejected, so accepted records build no strings.
struct Where {
  enum Kind { kField, kVersion, kAuthorPart } kind = kField;
  std::string_view name;  // field name, or the version's key
  size_t index = 0, part = 0;
  std::string Text() const {
    switch (kind) {
      case kField: return "field '" + std::string(name) + "'";
      case kVersion: return "versions[" + std::to_string(index) + "]." + std::string(name);
      case kAuthorPart:
        return "authors_parsed[" + std::to_string(index) + "][" + std::to_string(part) + "]";
    }
    return "";
  }
};

// A string-or-null value: "" and *out set (empty view for null), or a reason.
[[gnu::always_inline]] inline std::string StringOrNull(dom::element v, const Where& where,
                                                      std::string_view* out, bool* is_null) {
  const dom::element_type t = v.type();
  if (t == dom::element_type::STRING) {
    *is_null = false;
    *out = std::string_view(v.get_c_str().value_unsafe(), v.get_string_length().value_unsafe());
    return {};
  }
  if (t == dom::element_type::NULL_VALUE) {
    *is_null = true;
    *out = {};
    return {};
  }
  *is_null = false;
  *out = {};
  return where.Text() + " is " + TypeName(t) + ", expected a string or null";
}

// A text value cleaned into the arena; *out is empty (NULL) for null or blank.
// Inlined into each caller (a call per name part costs more than the
// cleaning of most names).
[[gnu::always_inline]] inline std::string CleanText(dom::element v, const Where& where, bool paragraphs,
                                                   TextArena* arena, std::string_view* out) {
  std::string_view s;
  bool is_null;
  std::string r = StringOrNull(v, where, &s, &is_null);
  if (!r.empty() || is_null) return r;
  char* dst = arena->Reserve(s.size());
  const size_t n = paragraphs ? NormalizeParagraphs(s, dst) : NormalizeInline(s, dst);
  arena->Commit(n);
  *out = n == 0 ? std::string_view() : std::string_view(dst, n);
  return r;
}

std::string Versions(dom::element v, ArxivBatch* batch, ArxivRecord* record) {
  const dom::element_type t = v.type();
  if (t == dom::element_type::NULL_VALUE) return {};
  if (t != dom::element_type::ARRAY) {
    return std::string("field 'versions' is ") + TypeName(t) + ", expected an array or null";
  }
  size_t index = 0;
  for (dom::element item : dom::array(v)) {
    if (item.type() != dom::element_type::OBJECT) {
      return "versions[" + std::to_string(index) + "] is " + TypeName(item.type()) +
             ", expected an object";
    }
    ArxivVersion& ver = batch->versions.emplace_back();
    for (dom::key_value_pair kv : dom::object(item)) {
      std::string r;
      if (kv.key == "version") {
        ver.version = {};
        r = CleanText(kv.value, Where{Where::kVersion, "version", index}, false, &batch->text,
                      &ver.version);
      } else if (kv.key == "created") {
        std::string_view s;
        bool is_null;
        r = StringOrNull(kv.value, Where{Where::kVersion, "created", index}, &s, &is_null);
        if (r.empty() && !is_null) {
          ver.created = ParseRfc2822(s);
          if (!ver.created) ++record->unparsed_dates;
        }
      }
      if (!r.empty()) return r;
    }
    ++index;
  }
  return {};
}

std::string Authors(dom::element v, ArxivBatch* batch) {
  const dom::element_type t = v.type();
  if (t == dom::element_type::NULL_VALUE) return {};
  if (t != dom::element_type::ARRAY) {
    return std::string("field 'authors_parsed' is ") + TypeName(t) + ", expected an array or null";
  }
  size_t index = 0;
  for (dom::element item : dom::array(v)) {
    if (item.type() != dom::element_type::ARRAY) {
      return "authors_parsed[" + std::to_string(index) + "] is " + TypeName(item.type()) +
             ", expected an array of strings";
    }
    ArxivAuthor& author = batch->authors.emplace_back();
    std::string_view* slots[3] = {&author.last, &author.first, &author.suffix};
    size_t part = 0;
    for (dom::element p : dom::array(item)) {
      const Where where{Where::kAuthorPart, {}, index, part};
      std::string r;
      if (part < 3) {
        r = CleanText(p, where, false, &batch->text, slots[part]);
      } else {
        // Extra elements (affiliations in real data) are checked, not kept.
        std::string_view ignored;
        bool ignored_null;
        r = StringOrNull(p, where, &ignored, &ignored_null);
      }
      if (!r.empty()) return r;
      ++part;
    }
    const size_t full_size = author.last.size() + author.first.size() + author.suffix.size() + 2;
    char* const full = batch->text.Reserve(full_size);
    char* o = full;
    for (const std::string_view* s : slots) {
      if (s->empty()) continue;
      if (o != full) *o++ = ' ';
      std::memcpy(o, s->data(), s->size());
      o += s->size();
    }
    batch->text.Commit(static_cast<size_t>(o - full));
    author.full = o == full ? std::string_view() : std::string_view(full, static_cast<size_t>(o - full));
    ++index;
  }
  return {};
}

constexpr uint32_t kId = 1u << 0, kTitle = 1u << 1, kCategories = 1u << 2, kDoi = 1u << 3,
                   kComments = 1u << 4, kJournalRef = 1u << 5, kLicense = 1u << 6,
                   kReportNo = 1u << 7, kSubmitter = 1u << 8, kAbstract = 1u << 9,
                   kVersions = 1u << 10, kUpdateDate = 1u << 11, kAuthorsParsed = 1u << 12,
                   kAuthors = 1u << 13;

// The known field a key names, or 0 (unknown fields are ignored).
inline uint32_t FieldOf(std::string_view key) {
  switch (key.size()) {
    case 2: return key == "id" ? kId : 0;
    case 3: return key == "doi" ? kDoi : 0;
    case 5: return key == "title" ? kTitle : 0;
    case 7: return key == "license" ? kLicense : key == "authors" ? kAuthors : 0;
    case 8:
      return key == "abstract" ? kAbstract : key == "comments" ? kComments
                                           : key == "versions" ? kVersions : 0;
    case 9: return key == "report-no" ? kReportNo : key == "submitter" ? kSubmitter : 0;
    case 10: return key == "categories" ? kCategories : 0;
    case 11: return key == "journal-ref" ? kJournalRef : key == "update_date" ? kUpdateDate : 0;
    case 14: return key == "authors_parsed" ? kAuthorsParsed : 0;
  }
  return 0;
}

}  // namespace

struct RecordParser::Impl {
  std::unique_ptr<dom::parser> parser = std::make_unique<dom::parser>();
  std::string padded;

  std::string Fields(dom::element doc, ArxivBatch* batch, ArxivRecord* rec);
};

RecordParser::RecordParser() : impl_(std::make_unique<Impl>()) {}
RecordParser::~RecordParser() = default;

std::string RecordParser::ParseCopy(std::string_view text, ArxivBatch* batch) {
  impl_->padded.assign(text);
  impl_->padded.append(simdjson::SIMDJSON_PADDING, '\0');
  return Parse(impl_->padded.data(), text.size(), batch);
}

std::string RecordParser::Impl::Fields(dom::element doc, ArxivBatch* batch, ArxivRecord* rec) {
  TextArena* arena = &batch->text;
  uint32_t seen = 0;
  bool id_present = false;
  std::string r;
  for (dom::key_value_pair kv : dom::object(doc)) {
    const std::string_view key = kv.key;
    const uint32_t bit = FieldOf(key);
    const Where where{Where::kField, key};
    std::string_view* text = nullptr;  // inline-cleaned fields
    switch (bit) {
      case kId: {
        std::string_view s;
        bool is_null;
        r = StringOrNull(kv.value, where, &s, &is_null);
        if (r.empty() && !is_null) {
          rec->id = arena->Copy(s);
          id_present = true;
        }
        break;
      }
      case kTitle: {
        std::string_view title;
        r = CleanText(kv.value, where, false, arena, &title);
        if (r.empty() && !title.empty()) rec->title = title;
        break;
      }
      case kAbstract: r = CleanText(kv.value, where, true, arena, &rec->abstract); break;
      case kCategories: text = &rec->categories; break;
      case kDoi: text = &rec->doi; break;
      case kComments: text = &rec->comments; break;
      case kJournalRef: text = &rec->journalref; break;
      case kLicense: text = &rec->license; break;
      case kReportNo: text = &rec->reportno; break;
      case kSubmitter: text = &rec->submitter; break;
      case kAuthors: {  // free text; the tables use authors_parsed
        std::string_view ignored;
        bool ignored_null;
        r = StringOrNull(kv.value, where, &ignored, &ignored_null);
        break;
      }
      case kUpdateDate: {
        std::string_view s;
        bool is_null;
        r = StringOrNull(kv.value, where, &s, &is_null);
        if (r.empty() && !is_null) {
          rec->update_date = ParseIsoDate(s);
          if (!rec->update_date) ++rec->unparsed_dates;
        }
        break;
      }
      case kVersions: r = Versions(kv.value, batch, rec); break;
      case kAuthorsParsed: r = Authors(kv.value, batch); break;
      default: break;
    }
    if (text != nullptr) {
      *text = {};
      r = CleanText(kv.value, where, false, arena, text);
    }
    if (!r.empty()) return r;
    if (bit != 0) {
      if (seen & bit) return "duplicate field '" + std::string(key) + "'";
      seen |= bit;
    }
  }
  if (!id_present || rec->id.empty()) return "missing id";
  if (rec->title.empty()) return "missing title";
  // Categories are already single-spaced and trimmed: split on ' '.
  std::string_view cats = rec->categories;
  while (!cats.empty()) {
    const size_t end = std::min(cats.find(' '), cats.size());
    batch->categories.push_back(cats.substr(0, end));
    cats.remove_prefix(std::min(end + 1, cats.size()));
  }
  return r;
}

std::string RecordParser::Parse(const char* data, size_t size, ArxivBatch* batch) {
  struct Shrink {
    Impl* impl;
    size_t size;
    ~Shrink() {
      if (size > kShrinkAbove) impl->parser = std::make_unique<dom::parser>();
    }
  } shrink{impl_.get(), size};

  if (impl_->parser->max_depth() != static_cast<size_t>(kMaxDepth)) {
    if (impl_->parser->allocate(std::max<size_t>(size, 1 << 16), kMaxDepth)) {
      return "out of memory for the JSON parser";
    }
  }
  dom::element doc;
  if (auto e = impl_->parser->parse(data, size, false).get(doc)) {
    return std::string("invalid JSON: ") + simdjson::error_message(e);
  }
  if (doc.type() != dom::element_type::OBJECT) {
    return std::string("not a JSON object: the record is ") + TypeName(doc.type());
  }
  ArxivRecord rec;
  rec.authors_begin = static_cast<uint32_t>(batch->authors.size());
  rec.versions_begin = static_cast<uint32_t>(batch->versions.size());
  rec.categories_begin = static_cast<uint32_t>(batch->categories.size());
  std::string r = impl_->Fields(doc, batch, &rec);
  if (!r.empty()) {  // undo what the record appended (its text is left unused in the arena)
    batch->authors.resize(rec.authors_begin);
    batch->versions.resize(rec.versions_begin);
    batch->categories.resize(rec.categories_begin);
    return r;
  }
  rec.authors_end = static_cast<uint32_t>(batch->authors.size());
  rec.versions_end = static_cast<uint32_t>(batch->versions.size());
  rec.categories_end = static_cast<uint32_t>(batch->categories.size());
  batch->records.push_back(rec);
  return r;
}

}  // namespace arxivflow::transform
