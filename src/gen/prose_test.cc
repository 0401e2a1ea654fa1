#include "gen/prose.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace arxivflow::gen {
namespace {

std::vector<std::string> Words(uint64_t seed, int documents, int words, double function_share) {
  Rng rng(seed);
  ProseWriter prose;
  std::vector<std::string> out;
  for (int d = 0; d < documents; ++d) {
    prose.BeginDocument(rng, 5);
    for (int i = 0; i < words; ++i) out.emplace_back(prose.NextWord(rng, function_share, true).text);
  }
  return out;
}

TEST(ProseTest, SameSeedSameWords) {
  EXPECT_EQ(Words(3, 50, 100, 0.42), Words(3, 50, 100, 0.42));
  EXPECT_NE(Words(3, 50, 100, 0.42), Words(4, 50, 100, 0.42));
}

TEST(ProseTest, FunctionWordsAreFewAndFrequent) {
  const auto words = Words(1, 100, 200, 1.0);
  std::map<std::string, int> counts;
  for (const auto& w : words) ++counts[w];
  EXPECT_LE(counts.size(), 100u);
  // "the" is the commonest English word: about 1 in 5 function words.
  EXPECT_NEAR(counts["the"] / static_cast<double>(words.size()), 0.2, 0.02);
}

TEST(ProseTest, VocabularyKeepsGrowing) {
  // Heaps' law: the distinct content words of 4x the text are well over
  // twice as many, and far more than any fixed pool.
  const auto small = Words(1, 500, 150, 0.0);
  const auto large = Words(1, 2000, 150, 0.0);
  const size_t a = std::set<std::string>(small.begin(), small.end()).size();
  const size_t b = std::set<std::string>(large.begin(), large.end()).size();
  EXPECT_GT(a, 10000u);
  EXPECT_GT(b, 2 * a);
}

TEST(ProseTest, DocumentsRepeatTheirTopicWords) {
  Rng rng(9);
  ProseWriter prose;
  int repeated = 0;
  for (int d = 0; d < 100; ++d) {
    prose.BeginDocument(rng, 3);
    std::map<std::string, int> counts;
    for (int i = 0; i < 100; ++i) ++counts[std::string(prose.NextWord(rng, 0.0, true).text)];
    int top = 0;
    for (const auto& [w, n] : counts) top = std::max(top, n);
    repeated += top >= 5;
  }
  EXPECT_GE(repeated, 90);
}

TEST(ProseTest, ContentWordsAreStableWords) {
  for (uint32_t rank : {0u, 1u, 100u, 70000u, 1'000'000u, ProseWriter::kVocabulary - 1}) {
    const std::string w = ProseWriter::ContentWord(rank);
    EXPECT_EQ(w, ProseWriter::ContentWord(rank));
    ASSERT_FALSE(w.empty()) << rank;
    for (char c : w) EXPECT_TRUE(std::isalpha(static_cast<unsigned char>(c)) || c == '-') << w;
  }
  EXPECT_NE(ProseWriter::ContentWord(70000), ProseWriter::ContentWord(70001));
}

TEST(ProseTest, WidthIsTheWordsLength) {
  Rng rng(5);
  ProseWriter prose;
  prose.BeginDocument(rng, 4);
  for (int i = 0; i < 5000; ++i) {
    const ProseWord w = prose.NextWord(rng, 0.4, true);
    bool ascii = true;
    for (char c : w.text) ascii = ascii && static_cast<unsigned char>(c) < 0x80 && c != '\\';
    if (ascii) {
      EXPECT_EQ(w.width, w.text.size()) << w.text;
    }
  }
}

}  // namespace
}  // namespace arxivflow::gen
