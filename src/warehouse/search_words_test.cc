#include "warehouse/search_words.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace arxivflow::warehouse {
namespace {

class SearchWordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.Open(":memory:").ok());
    auto words = SearchWords::Open(db_);
    ASSERT_TRUE(words.ok()) << words.status().ToString();
    words_ = std::move(words).value();
  }
  std::vector<std::string> Words(std::string_view text, bool through_fts5 = false) {
    std::vector<std::string> out;
    auto add = [&](std::string_view w) { out.emplace_back(w); };
    const Status st = through_fts5 ? words_->ForEachThroughFts5(text, add) : words_->ForEach(text, add);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }
  std::vector<std::string> Asked(const std::string& text) {
    auto w = SearchTextWords(*words_, text);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return w.ok() ? *w : std::vector<std::string>{"?"};
  }
  sqlite::Database db_;
  std::unique_ptr<SearchWords> words_;
};

using V = std::vector<std::string>;

TEST_F(SearchWordsTest, WordsAreFoldedTokens) {
  EXPECT_EQ(Words("Graph Neural"), (V{"graph", "neural"}));
  EXPECT_EQ(Words("Schrödinger ÉQUATION"), (V{"schrodinger", "equation"}));
  EXPECT_EQ(Words("graph—neural  x-ray, $\\ell_2$"), (V{"graph", "neural", "x", "ray", "ell", "2"}));
  EXPECT_EQ(Words(std::string(200, 'a') + " short"), (V{"short"}));
  EXPECT_EQ(Words(""), V{});
}

// The ASCII fast path is the FTS5 tokenizer's rule: checked on real
// abstracts and on every ASCII byte in every position.
TEST_F(SearchWordsTest, TheAsciiPathGivesFts5sWords) {
  std::ifstream in(std::string(ARXIVFLOW_SOURCE_DIR) + "/tests/data/arxiv-sample-200.jsonl");
  ASSERT_TRUE(in.good());
  std::string line;
  int ascii_lines = 0;
  while (std::getline(in, line)) {
    if (SearchWords::IsAscii(line)) ++ascii_lines;
    EXPECT_EQ(Words(line), Words(line, true));
  }
  EXPECT_GT(ascii_lines, 100);
  std::string every;
  for (int c = 0; c < 128; ++c) every += std::string(1, static_cast<char>(c)) + "a" + static_cast<char>(c) + "Z9 ";
  ASSERT_TRUE(SearchWords::IsAscii(every));
  EXPECT_EQ(Words(every), Words(every, true));
  std::mt19937_64 rng(11);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    for (uint64_t n = rng() % 200; n > 0; --n) text += static_cast<char>(rng() % 128);
    ASSERT_EQ(Words(text), Words(text, true)) << text;
  }
}

// The fast path folds 16 bytes at a time and long texts a window (64 KiB)
// at a time: words across those edges, words of 64 and 65 bytes on them,
// and runs of word bytes longer than a window give FTS5's words.
TEST_F(SearchWordsTest, TheAsciiPathGivesFts5sWordsAcrossItsBlocksAndWindows) {
  std::mt19937_64 rng(12);
  const std::string alphabet = "aZ9 -";
  for (size_t length = 0; length <= 300; ++length) {
    std::string text;
    for (size_t i = 0; i < length; ++i) text += alphabet[rng() % alphabet.size()];
    ASSERT_EQ(Words(text), Words(text, true)) << text;
  }
  constexpr size_t kWindow = size_t{1} << 16;
  std::string words;
  while (words.size() < 3 * kWindow + 1000) {
    for (uint64_t n = 1 + rng() % 12; n > 0; --n) words += static_cast<char>('a' + rng() % 26);
    words += rng() % 7 == 0 ? ", " : " ";
  }
  EXPECT_EQ(Words(words), Words(words, true));
  for (size_t word : {size_t{63}, size_t{64}, size_t{65}}) {
    for (size_t at = kWindow - word - 2; at <= kWindow + 2; ++at) {
      const std::string text = std::string(at, ' ') + std::string(word, 'Q') + " tail " + std::string(100, 'x');
      ASSERT_EQ(Words(text), Words(text, true)) << word << " at " << at;
    }
  }
  const std::string run(kWindow + 70000, 'r');
  EXPECT_EQ(Words(run + " after"), (V{"after"}));
  EXPECT_EQ(Words("before " + run), (V{"before"}));
  EXPECT_EQ(Words("before " + run + " after"), Words("before " + run + " after", true));
  EXPECT_EQ(Words(std::string(kWindow - 3, '.') + "Ab1 " + run), (V{"ab1"}));
}

TEST_F(SearchWordsTest, IsAsciiLooksAtEveryByte) {
  EXPECT_TRUE(SearchWords::IsAscii(""));
  for (size_t at = 0; at < 20; ++at) {
    std::string text(20, 'a');
    text[at] = '\xc3';
    EXPECT_FALSE(SearchWords::IsAscii(text)) << at;
  }
}

TEST_F(SearchWordsTest, SearchTextIsOnlyWordsEachOnce) {
  EXPECT_EQ(Asked("title:x OR \"y\" NEAR(z) neur* x"), (V{"title", "x", "or", "y", "near", "z", "neur"}));
  EXPECT_EQ(Asked("  ** -- ;; "), V{});
  EXPECT_EQ(Asked("Graph graph GRAPH"), V{"graph"});
  std::string many;
  for (int i = 0; i < 40; ++i) many += "w" + std::to_string(i) + " ";
  EXPECT_EQ(Asked(many).size(), kMaxSearchWords);
  // Broken UTF-8 gives words, never an error.
  for (const std::string& text : {std::string("graph \xb9\xff\xb0\x80\x80\xae" "s"), std::string("\xff\xfe graph \xc3"),
                                 std::string("gr\xe2\x80" "aph"), std::string("\x00\x41\x60\x61\x00", 5)}) {
    EXPECT_TRUE(SearchTextWords(*words_, text).ok());
  }
}

}  // namespace
}  // namespace arxivflow::warehouse
