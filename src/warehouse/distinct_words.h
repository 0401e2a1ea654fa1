// DistinctWords: a document's text cut down to its distinct words before the
// search index tokenises it.
//
// Why: the search index (FTS5 with detail=none) records only which documents
// hold each word. A word's second occurrence in a document changes nothing in
// it but still costs FTS5 a lookup in its term hash, and about 40 % of an
// abstract's words are repeats ("the", "of", its own key terms). Handing FTS5
// each distinct piece once gives the same index for fewer lookups.
//
// What a piece is: the bytes between ASCII whitespace (space, \t, \n, \v, \f,
// \r). FTS5's tokenizers always split at ASCII whitespace, so a piece yields
// the same tokens wherever it stands, and dropping an exact repeat of a piece
// drops only tokens the document already has. Pieces that differ in any byte
// ("Model", "model,") are all kept: the tokenizer, not this class, decides
// what is the same word. The index is identical but for FTS5's token totals,
// which only ranking functions read (the index has no rank).
//
// Contract: Begin() starts a document; Note() marks the pieces of a text as
// seen; AppendNew() appends to *out the pieces of a text not seen yet in the
// document (and marks them), separated by single spaces. Views passed in must
// stay valid until the next Begin(). Memory: proportional to the largest
// document's pieces, reused from one document to the next. Never fails. Not
// thread-safe: one per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace arxivflow::warehouse {

class DistinctWords {
 public:
  DistinctWords();

  void Begin();
  void Note(std::string_view text);
  void AppendNew(std::string_view text, std::string* out);

 private:
  // Marks `piece` seen; true if it was new in this document.
  bool Insert(std::string_view piece);
  void Grow();

  struct Slot {
    uint32_t generation = 0;  // the slot is empty unless this is generation_
    uint32_t piece = 0;       // index into pieces_
  };
  std::vector<Slot> slots_;   // open addressing, a power of two, at most half full
  std::vector<std::string_view> pieces_;
  std::vector<uint64_t> hashes_;
  uint32_t generation_ = 1;
};

}  // namespace arxivflow::warehouse
