#include "transform/record_parser.h"

#include <simdjson.h>

#include <cstring>

#include "transform/text_clean.h"

namespace arxivflow::transform {

namespace dom = simdjson::dom;

void ArxivRecord::Clear() {
  id.clear();
  title.clear();
  for (OptText* t : {&categories, &doi, &comments, &journalref, &license, &reportno, &submitter,
                     &abstract}) {
    t->Clear();
  }
  update_date.reset();
  category_list.clear();
  author_count = 0;
  version_count = 0;
  unparsed_dates = 0;
}

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

// A string-or-null value: "" and *out/*is_null set, or a reason.
std::string StringOrNull(dom::element v, std::string_view what, std::string_view* out,
                         bool* is_null) {
  const dom::element_type t = v.type();
  if (t == dom::element_type::NULL_VALUE) {
    *is_null = true;
    return "";
  }
  if (t != dom::element_type::STRING) {
    return std::string(what) + " is " + TypeName(t) + ", expected a string or null";
  }
  *is_null = false;
  *out = std::string_view(v.get_c_str().value_unsafe(), v.get_string_length().value_unsafe());
  return "";
}

std::string Text(dom::element v, std::string_view what, bool paragraphs, OptText* out,
                 bool clean) {
  std::string_view s;
  bool is_null = false;
  std::string r = StringOrNull(v, what, &s, &is_null);
  if (!r.empty()) return r;
  if (is_null) {
    out->Clear();
    return "";
  }
  if (!clean) {  // validation only: is there any content?
    out->value.clear();
    out->present = false;
    for (char c : s) {
      if (!IsAsciiSpace(c)) {
        out->present = true;
        break;
      }
    }
    return "";
  }
  if (paragraphs) {
    NormalizeParagraphs(s, &out->value);
  } else {
    NormalizeInline(s, &out->value);
  }
  out->present = !out->value.empty();
  return "";
}

std::string Field(std::string_view key) { return "field '" + std::string(key) + "'"; }

std::string Versions(dom::element v, ArxivRecord* out, bool clean) {
  const dom::element_type t = v.type();
  if (t == dom::element_type::NULL_VALUE) return "";
  if (t != dom::element_type::ARRAY) {
    return std::string("field 'versions' is ") + TypeName(t) + ", expected an array or null";
  }
  size_t index = 0;
  for (dom::element item : dom::array(v)) {
    if (item.type() != dom::element_type::OBJECT) {
      return "versions[" + std::to_string(index) + "] is " + TypeName(item.type()) +
             ", expected an object";
    }
    if (out->version_count == out->versions.size()) out->versions.emplace_back();
    ArxivVersion& ver = out->versions[out->version_count++];
    ver.version.Clear();
    ver.created.reset();
    for (dom::key_value_pair kv : dom::object(item)) {
      std::string r;
      if (kv.key == "version") {
        r = Text(kv.value, "versions[" + std::to_string(index) + "].version", false, &ver.version,
                 clean);
      } else if (kv.key == "created") {
        std::string_view s;
        bool is_null = false;
        r = StringOrNull(kv.value, "versions[" + std::to_string(index) + "].created", &s, &is_null);
        if (r.empty() && !is_null && clean) {
          ver.created = ParseRfc2822(s);
          if (!ver.created) ++out->unparsed_dates;
        }
      }
      if (!r.empty()) return r;
    }
    ++index;
  }
  return "";
}

std::string Authors(dom::element v, ArxivRecord* out, bool clean) {
  const dom::element_type t = v.type();
  if (t == dom::element_type::NULL_VALUE) return "";
  if (t != dom::element_type::ARRAY) {
    return std::string("field 'authors_parsed' is ") + TypeName(t) + ", expected an array or null";
  }
  size_t index = 0;
  for (dom::element item : dom::array(v)) {
    if (item.type() != dom::element_type::ARRAY) {
      return "authors_parsed[" + std::to_string(index) + "] is " + TypeName(item.type()) +
             ", expected an array of strings";
    }
    if (out->author_count == out->authors.size()) out->authors.emplace_back();
    ArxivAuthor& author = out->authors[out->author_count++];
    OptText* slots[3] = {&author.last, &author.first, &author.suffix};
    for (OptText* s : slots) s->Clear();
    author.full.Clear();
    size_t part = 0;
    for (dom::element p : dom::array(item)) {
      const std::string where =
          "authors_parsed[" + std::to_string(index) + "][" + std::to_string(part) + "]";
      std::string r;
      if (part < 3) {
        r = Text(p, where, false, slots[part], clean);
      } else {
        // Extra elements (affiliations in real data) are checked, not kept.
        std::string_view ignored;
        bool ignored_null;
        r = StringOrNull(p, where, &ignored, &ignored_null);
      }
      if (!r.empty()) return r;
      ++part;
    }
    for (OptText* s : slots) {
      if (!s->present || !clean) continue;
      if (author.full.present) author.full.value.push_back(' ');
      author.full.value.append(s->value);
      author.full.present = true;
    }
    ++index;
  }
  return "";
}

enum FieldBit : uint32_t {
  kId = 1u << 0, kTitle = 1u << 1, kCategories = 1u << 2, kDoi = 1u << 3, kComments = 1u << 4,
  kJournalRef = 1u << 5, kLicense = 1u << 6, kReportNo = 1u << 7, kSubmitter = 1u << 8,
  kAbstract = 1u << 9, kVersions = 1u << 10, kUpdateDate = 1u << 11, kAuthorsParsed = 1u << 12,
  kAuthors = 1u << 13,
};

}  // namespace

struct RecordParser::Impl {
  std::unique_ptr<dom::parser> parser = std::make_unique<dom::parser>();
  std::string padded;
  OptText scratch;
};

RecordParser::RecordParser() : impl_(std::make_unique<Impl>()) {}
RecordParser::~RecordParser() = default;

std::string RecordParser::ParseCopy(std::string_view text, ArxivRecord* out) {
  impl_->padded.assign(text);
  impl_->padded.append(simdjson::SIMDJSON_PADDING, '\0');
  return Parse(impl_->padded.data(), text.size(), impl_->padded.size(), out);
}

std::string RecordParser::Parse(const char* data, size_t size, size_t capacity,
                                ArxivRecord* out, Mode mode) {
  const bool clean = mode == Mode::kClean;
  out->Clear();
  struct Shrink {
    Impl* impl;
    size_t size;
    ~Shrink() {
      if (size > kShrinkAbove) impl->parser = std::make_unique<dom::parser>();
    }
  } shrink{impl_.get(), size};
  (void)capacity;  // the caller guarantees SIMDJSON_PADDING readable bytes

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
  uint32_t seen = 0;
  bool id_present = false;
  std::string r;
  for (dom::key_value_pair kv : dom::object(doc)) {
    const std::string_view key = kv.key;
    uint32_t bit = 0;
    if (key == "id") {
      bit = kId;
      std::string_view s;
      bool is_null = false;
      r = StringOrNull(kv.value, "field 'id'", &s, &is_null);
      if (r.empty() && !is_null) {
        out->id.assign(s);
        id_present = true;
      }
    } else if (key == "title") {
      bit = kTitle;
      r = Text(kv.value, Field(key), false, &impl_->scratch, clean);
      if (r.empty() && impl_->scratch.present) out->title = clean ? impl_->scratch.value : "-";
    } else if (key == "abstract") {
      bit = kAbstract;
      r = Text(kv.value, Field(key), true, &out->abstract, clean);
    } else if (key == "categories") {
      bit = kCategories;
      r = Text(kv.value, Field(key), false, &out->categories, clean);
    } else if (key == "doi") {
      bit = kDoi;
      r = Text(kv.value, Field(key), false, &out->doi, clean);
    } else if (key == "comments") {
      bit = kComments;
      r = Text(kv.value, Field(key), false, &out->comments, clean);
    } else if (key == "journal-ref") {
      bit = kJournalRef;
      r = Text(kv.value, Field(key), false, &out->journalref, clean);
    } else if (key == "license") {
      bit = kLicense;
      r = Text(kv.value, Field(key), false, &out->license, clean);
    } else if (key == "report-no") {
      bit = kReportNo;
      r = Text(kv.value, Field(key), false, &out->reportno, clean);
    } else if (key == "submitter") {
      bit = kSubmitter;
      r = Text(kv.value, Field(key), false, &out->submitter, clean);
    } else if (key == "authors") {
      bit = kAuthors;  // free text; the tables use authors_parsed
      std::string_view ignored;
      bool ignored_null;
      r = StringOrNull(kv.value, Field(key), &ignored, &ignored_null);
    } else if (key == "update_date") {
      bit = kUpdateDate;
      std::string_view s;
      bool is_null = false;
      r = StringOrNull(kv.value, Field(key), &s, &is_null);
      if (r.empty() && !is_null && clean) {
        out->update_date = ParseIsoDate(s);
        if (!out->update_date) ++out->unparsed_dates;
      }
    } else if (key == "versions") {
      bit = kVersions;
      r = Versions(kv.value, out, clean);
    } else if (key == "authors_parsed") {
      bit = kAuthorsParsed;
      r = Authors(kv.value, out, clean);
    }
    if (!r.empty()) return r;
    if (bit != 0) {
      if (seen & bit) return "duplicate field '" + std::string(key) + "'";
      seen |= bit;
    }
  }
  if (!id_present || out->id.empty()) return "missing id";
  if (out->title.empty()) return "missing title";
  if (clean && out->categories.present) {
    std::string_view cats = out->categories.value;  // already single-spaced
    size_t start = 0;
    while (start < cats.size()) {
      size_t end = cats.find(' ', start);
      if (end == std::string_view::npos) end = cats.size();
      if (end > start) out->category_list.emplace_back(cats.substr(start, end - start));
      start = end + 1;
    }
  }
  return "";
}

}  // namespace arxivflow::transform
