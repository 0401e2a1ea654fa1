#include "warehouse/word_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "warehouse/ddl.h"
#include "warehouse/doclist.h"

namespace arxivflow::warehouse {
namespace {

struct Doc {
  int64_t rowid;
  std::string title, abstract;
};

class WordIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.Open(":memory:", {.wal = false}).ok());
    ASSERT_TRUE(db_.Exec(SqliteSearchIndexSql("idx")).ok());
    auto words = SearchWords::Open(db_);
    ASSERT_TRUE(words.ok());
    words_ = std::move(words).value();
  }

  void Build(size_t block_pairs) {
    WordIndexWriter writer(db_, "idx", *words_, "/tmp", block_pairs);
    for (const auto& d : docs_) ASSERT_TRUE(writer.Add(d.rowid, d.title, d.abstract).ok());
    ASSERT_TRUE(writer.Finish().ok());
    EXPECT_EQ(writer.documents(), static_cast<int64_t>(docs_.size()));
  }

  // The index's rows: each word's fingerprint and doclist.
  std::vector<std::string> IndexRows() {
    auto rows = db_.QueryColumn("SELECT word_hash || ':' || word_check || ':' || hex(docs) FROM idx");
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? *rows : std::vector<std::string>{};
  }

  // What the index must answer: every document holding all the words, newest first.
  std::vector<int64_t> Expected(const std::vector<std::string>& asked) {
    std::vector<int64_t> out;
    for (auto it = docs_.rbegin(); it != docs_.rend(); ++it) {
      std::set<std::string> has;
      auto add = [&](std::string_view w) { has.emplace(w); };
      EXPECT_TRUE(words_->ForEach(it->title, add).ok());
      EXPECT_TRUE(words_->ForEach(it->abstract, add).ok());
      bool all = true;
      for (const auto& w : asked) all = all && has.count(w);
      if (all) out.push_back(it->rowid);
    }
    return out;
  }

  // The same question put to an FTS5 index of the same documents.
  std::vector<int64_t> Fts5(const std::vector<std::string>& asked) {
    if (!fts5_built_) {
      EXPECT_TRUE(db_.Exec(std::string("CREATE VIRTUAL TABLE f USING fts5(title, abstract, content='', detail=none, "
                                       "tokenize='") + kSearchIndexTokenizer + "')").ok());
      auto insert = db_.Prepare("INSERT INTO f(rowid, title, abstract) VALUES (?, ?, ?)");
      EXPECT_TRUE(insert.ok());
      for (const auto& d : docs_) {
        insert->Bind(1, d.rowid).Bind(2, d.title).Bind(3, d.abstract);
        EXPECT_TRUE(insert->Run().ok());
        insert->Reset();
      }
      fts5_built_ = true;
    }
    std::string match;
    for (const auto& w : asked) match += (match.empty() ? "\"" : " \"") + w + "\"";
    auto rows = db_.QueryColumn("SELECT rowid FROM f WHERE f MATCH '" + match + "' ORDER BY rowid DESC");
    EXPECT_TRUE(rows.ok());
    std::vector<int64_t> out;
    for (const auto& r : rows.ok() ? *rows : std::vector<std::string>{}) out.push_back(std::stoll(r));
    return out;
  }

  WordSearchResult Search(const std::vector<std::string>& words, int64_t limit, int64_t offset, int64_t cap) {
    auto r = SearchWordIndex(db_, "idx", words, limit, offset, cap);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : WordSearchResult{};
  }

  sqlite::Database db_;
  std::unique_ptr<SearchWords> words_;
  std::vector<Doc> docs_;
  bool fts5_built_ = false;
};

TEST_F(WordIndexTest, AnswersLikeAScanOfEveryDocumentInAnyBlockSize) {
  const std::vector<std::string> vocabulary = {"graph", "Graph,", "neural", "NEURAL", "spin", "Schrödinger",
                                               "schrodinger", "x-ray", "ray", "the", "of", "a", "2007", "naïve"};
  std::mt19937_64 rng(5);
  int64_t rowid = 0;
  for (int i = 0; i < 600; ++i) {
    Doc d;
    rowid += 1 + static_cast<int64_t>(rng() % 3);  // gaps, as after deletes
    d.rowid = rowid;
    for (uint64_t n = rng() % 6; n > 0; --n) d.title += vocabulary[rng() % vocabulary.size()] + " ";
    for (uint64_t n = rng() % 40; n > 0; --n) d.abstract += vocabulary[rng() % vocabulary.size()] + " ";
    d.abstract += "w" + std::to_string(rng() % 50);
    docs_.push_back(std::move(d));
  }
  std::vector<std::string> first_rows;
  for (size_t block_pairs : {size_t{1}, size_t{97}, size_t{5000}, kWordIndexBlockPairs}) {
    ASSERT_TRUE(db_.Exec("DELETE FROM idx").ok());
    Build(block_pairs);
    // However the documents were cut into blocks, the merged index is the same.
    if (first_rows.empty()) first_rows = IndexRows();
    EXPECT_EQ(IndexRows(), first_rows) << block_pairs;
    for (const std::vector<std::string>& q : std::vector<std::vector<std::string>>{
             {"graph"}, {"graph", "neural"}, {"schrodinger", "ray", "x"}, {"w7"}, {"w7", "the"}, {"absent"},
             {"graph", "absent"}, {"naive", "2007"}}) {
      const auto expected = Expected(q);
      EXPECT_EQ(expected, Fts5(q)) << q[0];  // the model agrees with FTS5 itself
      auto all = Search(q, 100000, 0, 100000);
      EXPECT_EQ(all.rowids, expected) << q[0] << " block_pairs " << block_pairs;
      EXPECT_EQ(all.total, static_cast<int64_t>(expected.size()));
      EXPECT_TRUE(all.total_exact);
      // Pages and a capped count.
      auto page = Search(q, 7, 5, 20);
      std::vector<int64_t> want(expected.begin() + std::min<size_t>(5, expected.size()),
                                expected.begin() + std::min<size_t>(12, expected.size()));
      EXPECT_EQ(page.rowids, want) << q[0];
      EXPECT_EQ(page.total, std::min<int64_t>(20, static_cast<int64_t>(expected.size())));
      EXPECT_EQ(page.total_exact, expected.size() <= 20);
    }
  }
}

// The block's sort at the sizes it meets on real text, in one block and in
// blocks of one document: common words in every document, a vocabulary
// larger than a partition sorts by insertion, two frequent words whose
// fingerprints share their top 24 bits (the sort's last step), and one
// document with more distinct words than a block has room for.
TEST_F(WordIndexTest, ManyWordsWordsThatShareTheirTopBitsAndAnOutsizedDocument) {
  std::string twin_a, twin_b;
  std::map<uint64_t, std::string> by_top;
  for (int i = 0; twin_a.empty(); ++i) {
    std::string w = "t" + std::to_string(i);
    auto [it, fresh] = by_top.emplace(static_cast<uint64_t>(FingerprintWord(w).hash) >> 40, w);
    if (!fresh) {
      twin_a = it->second;
      twin_b = w;
    }
  }
  std::mt19937_64 rng(9);
  for (int i = 0; i < 2000; ++i) {
    Doc d{i + 1, "the of", ""};
    if (rng() % 2) d.abstract += twin_a + " ";
    if (rng() % 2) d.abstract += twin_b + " ";
    for (int k = 0; k < 30; ++k) d.abstract += "v" + std::to_string(rng() % 20000) + " ";
    docs_.push_back(std::move(d));
  }
  Doc big{2001, "outsized", ""};
  for (int k = 0; k < 150000; ++k) big.abstract += "o" + std::to_string(k) + " ";
  docs_.push_back(std::move(big));
  const std::vector<std::vector<std::string>> questions = {
      {twin_a}, {twin_b}, {twin_a, twin_b}, {"the"}, {"v17"}, {"v17", twin_a}, {"o149999"}, {"o0", "outsized"}};
  std::vector<std::vector<int64_t>> expected;
  for (const auto& q : questions) expected.push_back(Expected(q));
  std::vector<std::string> first_rows;
  for (size_t block_pairs : {size_t{1}, kWordIndexBlockPairs}) {
    ASSERT_TRUE(db_.Exec("DELETE FROM idx").ok());
    Build(block_pairs);
    if (first_rows.empty()) first_rows = IndexRows();
    EXPECT_EQ(IndexRows(), first_rows) << block_pairs;
    for (size_t i = 0; i < questions.size(); ++i) {
      EXPECT_EQ(Search(questions[i], 100000, 0, 100000).rowids, expected[i])
          << questions[i][0] << " block_pairs " << block_pairs;
    }
  }
  EXPECT_GT(expected[0].size(), 500u);
  EXPECT_GT(expected[1].size(), 500u);
  EXPECT_EQ(expected[6], std::vector<int64_t>{2001});
}

TEST_F(WordIndexTest, ARowPerWordKeyedByItsFingerprint) {
  docs_ = {{1, "Graph theory", "graph of graphs"}, {2, "Spin", "the spin of a graph"}, {5, "", ""}};
  Build(2);
  std::map<std::string, std::string> want = {{"a", "02"},      {"graph", "0201"}, {"graphs", "01"}, {"of", "0201"},
                                             {"spin", "02"},   {"the", "02"},     {"theory", "01"}};
  EXPECT_EQ(*db_.QueryInt("SELECT COUNT(*) FROM idx").value(), static_cast<int64_t>(want.size()));
  for (const auto& [word, hex] : want) {
    const WordFingerprint f = FingerprintWord(word);
    auto got = db_.QueryText("SELECT hex(docs) FROM idx WHERE word_hash = " + std::to_string(f.hash) +
                             " AND word_check = " + std::to_string(f.check));
    ASSERT_TRUE(got.ok() && got->has_value()) << word;
    EXPECT_EQ(**got, hex) << word;
  }
  EXPECT_NE(FingerprintWord("graph"), FingerprintWord("graphs"));
  EXPECT_EQ(FingerprintWord("graph"), FingerprintWord(std::string("graph")));
}

// The fingerprints are the stored format: a published index is searched by
// later builds, so they never change.
TEST(WordIndexBlockPairsTest, TheBlockThatFitsAMemoryShare) {
  EXPECT_EQ(WordIndexBlockPairs(0), kWordIndexBlockPairs);  // alone in its process
  EXPECT_EQ(WordIndexBlockPairs(size_t{48} << 20), size_t{1} << 20);  // 48 bytes a pair at most
  EXPECT_EQ(WordIndexBlockPairs(size_t{1} << 40), kWordIndexBlockPairs);
  EXPECT_EQ(WordIndexBlockPairs(1), size_t{1} << 16);
}

TEST(WordFingerprintTest, IsTheStoredFormat) {
  const std::vector<std::pair<std::string, WordFingerprint>> pinned = {
      {"", {-5108760066471029585, 760064557}},
      {"a", {-4824678227754781952, 112652876}},
      {"graph", {4006018999848002655, 2379166859}},
      {"quantumx", {-6809710065621187294, 2324803472}},
      {"schrodinger", {7564489830749294154, 1386178143}},
      {"abcdefghabcdefgh", {2157478143996586131, 1158487368}},
      {std::string(64, 'x'), {8486037541296887789, 4291088678}},
  };
  for (const auto& [word, want] : pinned) EXPECT_EQ(FingerprintWord(word), want) << word;
}

// The build fingerprints each word where SearchWords left it, reading past
// its end; what lies there must not matter.
TEST_F(WordIndexTest, WhatFollowsAWordDoesNotChangeItsRow) {
  std::string text;
  for (int n = 1; n <= 64; ++n) text += std::string(static_cast<size_t>(n), static_cast<char>('a' + n % 26)) + " ";
  docs_ = {{1, text, "Zz9 zz9zzzzzzzzzzz"}, {2, "z\u00e9ta " + text, ""}};
  Build(kWordIndexBlockPairs);
  for (int n = 1; n <= 64; ++n) {
    const WordFingerprint f = FingerprintWord(std::string(static_cast<size_t>(n), static_cast<char>('a' + n % 26)));
    EXPECT_EQ(*db_.QueryInt("SELECT count(*) FROM idx WHERE word_hash = " + std::to_string(f.hash) +
                            " AND word_check = " + std::to_string(f.check))
                   .value(),
              1)
        << n;
  }
  const WordFingerprint f = FingerprintWord("zz9zzzzzzzzzzz");
  EXPECT_EQ(*db_.QueryInt("SELECT count(*) FROM idx WHERE word_hash = " + std::to_string(f.hash) +
                          " AND word_check = " + std::to_string(f.check))
                 .value(),
            1);
}

TEST_F(WordIndexTest, DocumentsComeInAscendingRowidOrder) {
  WordIndexWriter writer(db_, "idx", *words_, "/tmp");
  ASSERT_TRUE(writer.Add(5, "a", "b").ok());
  EXPECT_EQ(writer.Add(5, "a", "b").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(writer.Add(3, "a", "b").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(writer.Finish().code(), Status::Code::kInvalidArgument);  // the first error stays
}

TEST_F(WordIndexTest, ADamagedDoclistIsCorruptionNamingTheWord) {
  docs_ = {{1, "graph", ""}, {2, "graph", ""}};
  Build(kWordIndexBlockPairs);
  ASSERT_TRUE(db_.Exec("UPDATE idx SET docs = x'0180'").ok());
  auto r = SearchWordIndex(db_, "idx", {"graph"}, 10, 0, 100);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
  EXPECT_NE(r.status().message().find("'graph'"), std::string::npos) << r.status().message();
}

TEST_F(WordIndexTest, AnEmptyIndexOrNoWordsFindNothing) {
  EXPECT_EQ(Search({"graph"}, 10, 0, 100).total, 0);
  docs_ = {{1, "graph", ""}};
  Build(kWordIndexBlockPairs);
  EXPECT_EQ(Search({}, 10, 0, 100).rowids.size(), 0u);
  EXPECT_EQ(Search({"graph", "graph"}, 10, 0, 100).rowids, std::vector<int64_t>{1});
  EXPECT_EQ(Search({"graph"}, 0, 0, 100).total, 1);
}

}  // namespace
}  // namespace arxivflow::warehouse
