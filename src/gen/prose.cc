#include "gen/prose.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "gen/text_pools.h"

namespace arxivflow::gen {
namespace {

// Zipf-Mandelbrot weights (rank + 1 + kShift)^-kExponent, and the share of
// content words that repeat a topic word: fitted to the real records
// (docs/gen.md, "Prose").
constexpr double kExponent = 1.08;  // must not be 1 (DrawRank's tail)
constexpr double kShift = 2.7;
constexpr double kTopicShare = 0.25;
// Ranks below kTableRanks are drawn from a table; the tail by inverting the
// continuous weight, which is within a fraction of a percent there.
constexpr uint32_t kTableRanks = 1 << 16;
// A guide into that table: bucket b of the drawn value starts the search at
// the first rank it can be (a binary search over the whole table misses the
// cache on each step).
constexpr uint32_t kGuideBuckets = 1 << 14;

// Syllables and endings of the synthetic words ("coremization").
constexpr std::string_view kSyllables[] = {
    "ab", "ac", "al", "an", "ar", "ba", "be", "bi", "bo", "ca", "ce", "chro", "ci", "co",
    "con", "cor", "cu", "da", "de", "di", "do", "du", "el", "em", "en", "er", "ex", "fa",
    "fe", "fi", "fo", "fra", "ga", "ge", "gi", "go", "gra", "hy", "in", "ir", "la", "le",
    "li", "lo", "lu", "ma", "me", "mi", "mo", "mu", "na", "ne", "ni", "no", "nu", "ob",
    "om", "on", "op", "or", "pa", "pe", "pho", "pi", "po", "pro", "qua", "ra", "re", "ri",
    "ro", "ru", "sa", "se", "si", "so", "spec", "sta", "stra", "su", "sym", "ta", "te",
    "ter", "ti", "to", "tra", "tri", "tu", "um", "un", "va", "ve", "vi", "vo", "xi", "zo",
};
constexpr std::string_view kEndings[] = {
    "s",   "ed",  "ing", "al",   "ic",  "ity", "ion", "ous", "ive", "ation",
    "ism", "ics", "ized", "able", "ance", "ent", "er",  "ons", "ate", "ness",
};

struct Tables {
  std::vector<const Frag*> curated;         // content ranks 0.. (pool words minus function words)
  std::vector<double> rank_cumulative;      // weights of ranks [0, kTableRanks)
  std::vector<uint32_t> guide;              // kGuideBuckets + 1 entries
  double table_mass = 0, tail_mass = 0;
  double tail_a = 0, tail_b = 0;            // (x + kShift)^(1-s) at the tail's ends
};

double Weight(double rank) { return std::pow(rank + 1 + kShift, -kExponent); }

Tables BuildTables() {
  Tables t;
  const Pools& pools = GetPools();
  for (const Frag& f : pools.words) {
    const bool function = std::any_of(pools.function_words.begin(), pools.function_words.end(),
                                      [&](const WeightedFrag& w) { return f.plain == w.frag.plain; });
    const bool seen = std::any_of(t.curated.begin(), t.curated.end(),
                                  [&](const Frag* c) { return c->plain == f.plain; });
    if (!function && !seen) t.curated.push_back(&f);
  }
  for (uint32_t r = 0; r < kTableRanks; ++r) {
    t.table_mass += Weight(r);
    t.rank_cumulative.push_back(t.table_mass);
  }
  for (uint32_t b = 0, r = 0; b <= kGuideBuckets; ++b) {
    const double at = t.table_mass * b / kGuideBuckets;
    while (r + 1 < kTableRanks && t.rank_cumulative[r] <= at) ++r;
    t.guide.push_back(r);
  }
  const double e = 1 - kExponent;
  t.tail_a = std::pow(kTableRanks + 1 + kShift, e);
  t.tail_b = std::pow(ProseWriter::kVocabulary + 1 + kShift, e);
  t.tail_mass = (t.tail_b - t.tail_a) / e;
  return t;
}

const Tables& GetTables() {
  static const Tables tables = BuildTables();
  return tables;
}

uint32_t DrawRank(const Tables& t, Rng& rng) {
  const double u = rng.Unit() * (t.table_mass + t.tail_mass);
  if (u < t.table_mass) {
    const auto b = std::min<size_t>(static_cast<size_t>(u / t.table_mass * kGuideBuckets), kGuideBuckets - 1);
    const auto first = t.rank_cumulative.begin() + t.guide[b];
    const auto last = t.rank_cumulative.begin() + t.guide[b + 1] + 1;
    const auto it = std::upper_bound(first, last, u);
    return static_cast<uint32_t>(std::min<size_t>(it - t.rank_cumulative.begin(), kTableRanks - 1));
  }
  const double v = (u - t.table_mass) / t.tail_mass;
  const double x = std::pow(t.tail_a + v * (t.tail_b - t.tail_a), 1 / (1 - kExponent)) - 1 - kShift;
  return std::clamp(static_cast<uint32_t>(x), kTableRanks, ProseWriter::kVocabulary - 1);
}

void AppendSynthetic(uint32_t rank, std::string* out) {
  uint64_t state = 0x51ab1e5ULL ^ (static_cast<uint64_t>(rank) << 20);
  uint64_t h = SplitMix64(state);
  constexpr size_t kSyl = sizeof(kSyllables) / sizeof(kSyllables[0]);
  constexpr size_t kEnd = sizeof(kEndings) / sizeof(kEndings[0]);
  // Rarer words are longer, as in real text.
  const int syllables = 2 + static_cast<int>(h % 2 == 0) + static_cast<int>(rank > 200'000 && h % 5 < 2);
  h >>= 4;
  for (int i = 0; i < syllables; ++i) {
    out->append(kSyllables[h % kSyl]);
    h /= kSyl;
  }
  if (h % 8 < 5) out->append(kEndings[(h >> 3) % kEnd]);
  if ((h >> 8) % 24 == 0) (*out)[0] = static_cast<char>((*out)[0] - 'a' + 'A');  // names, acronym-like terms
}

}  // namespace

ProseWriter::ProseWriter() { GetTables(); }

void ProseWriter::BeginDocument(Rng& rng, int topics) {
  const Tables& t = GetTables();
  topics_.clear();
  for (int i = 0; i < topics; ++i) topics_.push_back(DrawRank(t, rng));
}

ProseWord ProseWriter::Content(uint32_t rank, bool ascii_escapes) {
  const Tables& t = GetTables();
  if (rank < t.curated.size()) {
    const Frag& f = *t.curated[rank];
    return {ascii_escapes ? f.ascii : f.raw, f.width};
  }
  synthetic_.clear();
  AppendSynthetic(rank, &synthetic_);
  return {synthetic_, static_cast<uint32_t>(synthetic_.size())};
}

ProseWord ProseWriter::NextWord(Rng& rng, double function_share, bool ascii_escapes) {
  const Tables& t = GetTables();
  if (rng.Unit() < function_share) {
    const Frag& f = PickWeighted(GetPools().function_words, rng.Unit());
    return {f.plain, f.width};
  }
  if (!topics_.empty() && rng.Unit() < kTopicShare) return Content(topics_[rng.Below(topics_.size())], ascii_escapes);
  return Content(DrawRank(t, rng), ascii_escapes);
}

std::string ProseWriter::ContentWord(uint32_t rank) {
  const Tables& t = GetTables();
  if (rank < t.curated.size()) return t.curated[rank]->plain;
  std::string s;
  AppendSynthetic(rank, &s);
  return s;
}

}  // namespace arxivflow::gen
