#include "warehouse/distinct_words.h"

#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/sqlite.h"
#include "warehouse/ddl.h"

namespace arxivflow::warehouse {
namespace {

// Seeded, so a failure can be replayed.
struct Random {
  explicit Random(uint64_t seed) : engine(seed) {}
  uint64_t Below(uint64_t n) { return engine() % n; }
  std::mt19937_64 engine;
};

std::vector<std::string> Pieces(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || (c >= '\t' && c <= '\r')) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string Reduce(DistinctWords& words, const std::string& title, const std::string& abstract) {
  words.Begin();
  words.Note(title);
  std::string out;
  words.AppendNew(abstract, &out);
  return out;
}

TEST(DistinctWordsTest, KeepsEachPieceOnceInFirstSeenOrder) {
  DistinctWords words;
  EXPECT_EQ(Reduce(words, "", "the model of the\nmodel,\tThe  model"), "the model of model, The");
  EXPECT_EQ(Reduce(words, "Model of spin", "the Model of spin chains"), "the chains");
  EXPECT_EQ(Reduce(words, "", ""), "");
  EXPECT_EQ(Reduce(words, "", " \n\t\r\v\f "), "");
  EXPECT_EQ(Reduce(words, "x", "x x x"), "");
  // Bytes that are not ASCII whitespace belong to pieces, whatever they are.
  EXPECT_EQ(Reduce(words, "", std::string("a\0b a\0b \xc3\xa9t\xc3\xa9 \xa0 \xa0", 17)),
            std::string("a\0b \xc3\xa9t\xc3\xa9 \xa0", 11));
  // A new document forgets the previous one.
  EXPECT_EQ(Reduce(words, "", "the model"), "the model");
}

TEST(DistinctWordsTest, MatchesASetOnRandomText) {
  // Random documents over a small alphabet (many repeats, growing tables,
  // long pieces): the output holds each new piece exactly once.
  Random rng(42);
  DistinctWords words;
  for (int doc = 0; doc < 300; ++doc) {
    std::string title, abstract;
    const int n = static_cast<int>(rng.Below(3000));
    for (int i = 0; i < n; ++i) {
      const char alphabet[] = "ab c\nde\t";
      std::string& to = i < n / 10 ? title : abstract;
      to.push_back(alphabet[rng.Below(sizeof(alphabet) - 1)]);
      if (rng.Below(500) == 0) to.append(std::string(rng.Below(40), 'z'));
    }
    const std::string out = Reduce(words, title, abstract);
    std::set<std::string> seen;
    for (const auto& p : Pieces(title)) seen.insert(p);
    std::vector<std::string> expected;
    for (const auto& p : Pieces(abstract)) {
      if (seen.insert(p).second) expected.push_back(p);
    }
    EXPECT_EQ(Pieces(out), expected) << "document " << doc;
    EXPECT_EQ(out.find("  "), std::string::npos);
  }
}

// The reason the class exists: the search index built from the cut-down
// text is the index built from the whole text. FTS5's token totals (the
// "averages" record, id 1) differ, and only ranking functions read them.
TEST(DistinctWordsTest, TheSearchIndexIsTheSame) {
  sqlite::Database db;
  ASSERT_TRUE(db.Open(":memory:", {.wal = false}).ok());
  ASSERT_TRUE(db.Exec(SqliteSearchIndexSql("whole")).ok());
  ASSERT_TRUE(db.Exec(SqliteSearchIndexSql("cut")).ok());
  auto whole = db.Prepare("INSERT INTO whole(rowid, title, abstract) VALUES(?, ?, ?)");
  auto cut = db.Prepare("INSERT INTO cut(rowid, title, abstract) VALUES(?, ?, ?)");
  ASSERT_TRUE(whole.ok() && cut.ok());
  const std::vector<std::string> vocabulary = {
      "the", "The", "THE", "model", "Model,", "(model)", "model-based", "spin", "Spin-1/2", "$\\ell$",
      "\xc3\xa9t\xc3\xa9", "\xc3\x89T\xc3\x89", "ete", "na\xc3\xafve", "naive", "x_1", "x", "1", "2007",
      "co-operate", "cooperate", "\xe2\x80\x94", "it\xe2\x80\x99s", "its"};
  Random rng(7);
  DistinctWords words;
  for (int64_t row = 1; row <= 2000; ++row) {
    std::string title, abstract;
    for (uint64_t i = rng.Below(8); i > 0; --i) title += vocabulary[rng.Below(vocabulary.size())] + " ";
    for (uint64_t i = rng.Below(120); i > 0; --i) {
      abstract += vocabulary[rng.Below(vocabulary.size())] + (rng.Below(9) == 0 ? "\n" : " ");
    }
    // Rare words, as in real text.
    abstract += "w" + std::to_string(rng.Below(5000));
    whole->Bind(1, row).Bind(2, title).Bind(3, abstract);
    ASSERT_TRUE(whole->Run().ok());
    whole->Reset();
    cut->Bind(1, row).Bind(2, title).Bind(3, Reduce(words, title, abstract));
    ASSERT_TRUE(cut->Run().ok());
    cut->Reset();
  }
  ASSERT_TRUE(db.Exec("INSERT INTO whole(whole) VALUES('optimize'); INSERT INTO cut(cut) VALUES('optimize')").ok());
  const auto blocks = [&](const std::string& table) {
    auto rows = db.QueryColumn("SELECT hex(block) FROM " + table + "_data WHERE id <> 1 ORDER BY id");
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? *rows : std::vector<std::string>{};
  };
  const auto a = blocks("whole");
  EXPECT_GT(a.size(), 1u);
  EXPECT_EQ(a, blocks("cut"));
  // And a query finds the same rows.
  for (const char* q : {"model", "ete", "naive AND spin", "w42", "cooperate OR its"}) {
    const std::string sql = std::string("SELECT group_concat(rowid) FROM (SELECT rowid FROM %s WHERE %s MATCH '") + q +
                            "' ORDER BY rowid)";
    char buf[512];
    std::snprintf(buf, sizeof(buf), sql.c_str(), "whole", "whole");
    auto x = db.QueryText(buf);
    std::snprintf(buf, sizeof(buf), sql.c_str(), "cut", "cut");
    auto y = db.QueryText(buf);
    ASSERT_TRUE(x.ok() && y.ok()) << q;
    EXPECT_EQ(*x, *y) << q;
  }
}

}  // namespace
}  // namespace arxivflow::warehouse
