// Precomputed vocabularies for the synthetic snapshot: words, LaTeX snippets,
// author names (TeX and Unicode spellings), affiliations, categories,
// journals and licences.
//
// Contract: GetPools() builds the pools once (thread-safe, on first use) and
// returns an immutable object shared by all generator threads. Every entry
// holds its plain UTF-8 text and its JSON-escaped forms (ASCII-only \uXXXX
// style and raw UTF-8 style), so the hot path only copies bytes. Pool contents
// never depend on the user's seed, so output stays a function of (seed, N).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace arxivflow::gen {

struct Frag {
  std::string plain;  // UTF-8 text
  std::string ascii;  // JSON-escaped, non-ASCII as \uXXXX
  std::string raw;    // JSON-escaped, non-ASCII as raw UTF-8
  uint32_t width = 0; // code points in `plain` (for line wrapping)
};

// A name part with the spelling used in the free-text `authors` field (often
// TeX accents, `Bal\'azs`) and the one used in `authors_parsed` (`Balázs`).
struct NamePart {
  Frag tex;
  Frag uni;
  char initial = 0;  // ASCII initial for "A." forms, 0 if the name has none
};

struct WeightedFrag {
  Frag frag;
  double cumulative;  // cumulative weight in (0, 1]
};

struct Archive {
  std::string name;      // "hep-th"
  double weight;
  std::vector<std::string> subjects;  // e.g. math -> "math.AG"; empty: the archive itself
};

struct Pools {
  std::vector<Frag> words;          // abstract / title vocabulary
  std::vector<Frag> math;           // inline LaTeX ("$\ell$", "Schr\"odinger")
  std::vector<Frag> starters;       // sentence openers ("We show that")
  std::vector<NamePart> first_names;
  std::vector<NamePart> last_names;
  std::vector<NamePart> accented_first;  // subset drawn more often for realism
  std::vector<NamePart> accented_last;
  std::vector<Frag> affiliations;
  std::vector<Frag> collaborations;      // "ATLAS Collaboration"
  std::vector<WeightedFrag> categories;  // new-style primary/cross-list categories
  std::vector<Archive> archives;         // old-style archives, in id-string order
  std::vector<Frag> journals;
  std::vector<Frag> report_prefixes;
  std::vector<Frag> venues;              // for "To appear in ..." comments
  std::vector<WeightedFrag> licenses_new;
  std::vector<WeightedFrag> licenses_old;
  std::vector<WeightedFrag> function_words;  // "the", "of"... weighted as in English (prose.h)
};

const Pools& GetPools();

Frag MakeFrag(const std::string& utf8);

// Picks from a cumulative-weight table with u uniform in [0, 1).
const Frag& PickWeighted(const std::vector<WeightedFrag>& table, double u);

}  // namespace arxivflow::gen
