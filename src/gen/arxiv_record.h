// ArxivRecordWriter: appends one synthetic arXiv metadata record (one JSON
// line, field set and order of the real snapshot) to a buffer.
//
// Contract: the bytes written depend only on the Rng state and the PaperId,
// so a block of records is reproducible from its seed. Every line is valid
// JSON terminated by '\n'. Distributions (null rates, author counts, versions,
// categories) are documented in docs/gen.md and checked by
// tests/gen/gen_distribution_test.py. Not thread-safe: one writer per thread.
#pragma once

#include <cstdint>
#include <vector>

#include "gen/id_plan.h"
#include "gen/out_buffer.h"
#include "gen/prose.h"
#include "gen/rng.h"
#include "gen/text_pools.h"

namespace arxivflow::gen {

class ArxivRecordWriter {
 public:
  ArxivRecordWriter();

  void Write(const PaperId& id, Rng& rng, OutBuffer* out);

 private:
  struct Author {
    const NamePart* first;
    const NamePart* last;
    uint8_t form;     // 0 full, 1 full + middle initial, 2 initials, 3 hyphenated initials
    char middle;      // middle initial letter
    uint8_t suffix;   // 0 none, else index into suffixes
    int16_t affil;    // -1 none
    bool compact;     // "V.N." instead of "V. N." in the free-text field
  };

  // Per-record style switches.
  struct Style {
    bool raw_utf8;    // non-ASCII raw instead of \uXXXX
    bool tex_names;   // free-text authors use TeX accents
    bool all_null;    // every nullable field null
    bool exotic;      // astral characters, tabs, NBSP in the text
    bool empty_comments;
  };

  const std::string& Esc(const Frag& f) const { return style_.raw_utf8 ? f.raw : f.ascii; }

  int PickAuthorCount(Rng& rng);
  void PickAuthors(Rng& rng, int count);
  void WriteAuthorsText(OutBuffer* out);
  void WriteAuthorsParsed(OutBuffer* out);
  void WriteFirstName(const Author& a, bool parsed, OutBuffer* out);
  void WriteTitle(Rng& rng, OutBuffer* out);
  void WriteAbstract(Rng& rng, OutBuffer* out);
  void WriteComments(Rng& rng, OutBuffer* out);
  void WriteJournalRef(Rng& rng, int year, OutBuffer* out);
  void WriteDoi(Rng& rng, int year, OutBuffer* out);
  void WriteReportNo(Rng& rng, int year, OutBuffer* out);
  void WriteCategories(Rng& rng, const PaperId& id, OutBuffer* out);
  int64_t WriteVersions(Rng& rng, const PaperId& id, OutBuffer* out);

  const Pools& pools_;
  Style style_{};
  std::vector<Author> authors_;
  std::vector<const Frag*> cats_;
  int collaboration_ = -1;
  OutBuffer scratch_;
  ProseWriter prose_;
};

}  // namespace arxivflow::gen
