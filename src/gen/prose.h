// Prose: the word stream of synthetic titles and abstracts, with the
// statistics of real arXiv text, so that compression, the full-text index
// and search work on the synthetic snapshot as they do on the real one.
//
// What real abstracts look like (the 200 real records in the test data,
// 156 KB of abstracts): about 40 % of the words are function words ("the",
// "of", "and"...); the vocabulary keeps growing with the text (about 5,000
// distinct words in those 156 KB; Heaps' law puts the full snapshot past a
// million); an abstract repeats its own key terms; snappy compresses the
// text 1.69x. A fixed pool of a few hundred words, drawn uniformly, gets
// none of this: 2.2x under snappy, compressed 1.5x faster, and a full-text
// index of a few hundred terms.
//
// The model, per word: a function word (weighted like English) with the
// caller's probability; otherwise a content word: one of the document's
// topic words (drawn when the document begins), or a word drawn by
// Zipf-Mandelbrot rank among kVocabulary ranks. The first ranks are the
// curated scientific words of the pools; the others are synthetic words
// built from English syllables, each a fixed function of its rank. The
// constants are fitted to the real records (docs/gen.md, "Prose").
//
// Contract: the words depend only on the Rng's state, so output stays a
// function of (seed, N). The tables behind it are built once (thread-safe)
// and immutable. A ProseWriter is not thread-safe: one per generator thread.
// Returned views stay valid until the next call on the same ProseWriter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gen/rng.h"

namespace arxivflow::gen {

struct ProseWord {
  std::string_view text;  // plain ASCII or JSON-escaped (see `escaped` in NextWord)
  uint32_t width;         // code points of the plain text, for line wrapping
};

class ProseWriter {
 public:
  // Ranks in the content vocabulary (curated words, then synthetic ones).
  static constexpr uint32_t kVocabulary = 2'000'000;

  ProseWriter();

  // Starts a document (a title, an abstract) with `topics` topic words.
  void BeginDocument(Rng& rng, int topics);

  // The next word: a function word with probability `function_share`, else a
  // content word. `ascii_escapes` picks the JSON-escaped form with non-ASCII
  // characters as \uXXXX (else raw UTF-8); synthetic words are plain ASCII.
  ProseWord NextWord(Rng& rng, double function_share, bool ascii_escapes);

  // The content word of a rank (for tests and docs): curated or synthetic.
  static std::string ContentWord(uint32_t rank);

 private:
  ProseWord Content(uint32_t rank, bool ascii_escapes);

  std::vector<uint32_t> topics_;
  std::string synthetic_;  // backing store of the last synthetic word
};

}  // namespace arxivflow::gen
