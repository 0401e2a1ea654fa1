#include "warehouse/search_query.h"

#include <gtest/gtest.h>

#include "warehouse/ddl.h"

namespace arxivflow::warehouse {
namespace {

class SearchQueryTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(db_.Open(":memory:").ok()); }
  std::string Match(const std::string& text) {
    auto m = BuildSearchMatch(db_, text);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? *m : "?";
  }
  sqlite::Database db_;
};

TEST_F(SearchQueryTest, WordsAreTokensLikeTheIndex) {
  EXPECT_EQ(Match("Graph Neural"), "\"graph\" \"neural\"");
  // Folded like the index: case and accents.
  EXPECT_EQ(Match("Schrödinger ÉQUATION"), "\"schrodinger\" \"equation\"");
  // Separators the index splits on split here too: no multi-token phrases.
  EXPECT_EQ(Match("graph—neural  x-ray"), "\"graph\" \"neural\" \"x\" \"ray\"");
}

TEST_F(SearchQueryTest, UserSyntaxIsNeverInterpreted) {
  EXPECT_EQ(Match("title:x OR \"y\" NEAR(z)"), "\"title\" \"x\" \"or\" \"y\" \"near\" \"z\"");
  EXPECT_EQ(Match("  ** -- ;; "), "");
  EXPECT_EQ(Match(""), "");
}

TEST_F(SearchQueryTest, WordsMatchWholeWords) {
  EXPECT_EQ(Match("neur* gr*"), "\"neur\" \"gr\"");
  EXPECT_EQ(Match("neural*networks"), "\"neural\" \"networks\"");
}

TEST_F(SearchQueryTest, WordCountAndLengthAreBounded) {
  std::string many;
  for (int i = 0; i < 40; ++i) many += "w" + std::to_string(i) + " ";
  const std::string m = Match(many);
  EXPECT_EQ(std::count(m.begin(), m.end(), '"'), 2 * static_cast<long>(kMaxSearchWords));
  EXPECT_EQ(Match(std::string(200, 'a') + " short"), "\"short\"");
}

// Broken UTF-8 can make the tokenizer return a token that splits in two when
// FTS5 reads the expression, i.e. a phrase, which the index (no positions)
// refuses: such tokens are dropped, the other words kept.
TEST_F(SearchQueryTest, BrokenUtf8NeverBecomesAPhrase) {
  ASSERT_TRUE(db_.Exec(SqliteSearchIndexSql("papers_fts")).ok());
  ASSERT_TRUE(db_.Exec("INSERT INTO papers_fts(rowid, title, abstract) VALUES (1, 'graph a', 'networks')").ok());
  const std::string found_by_fuzzing("\x00\x41\x60\x61\x00\x00\x30\x00\x52\x07\x00\x00\x47\x00\x47\x80\x80\xae\xf8\x74"
                                     "\x00\x00\x41\x60\x61\x00\x00\x30\x00\x52\x07\x00\x00\xb9\xff\xb0\x80\x80\xae\x73",
                                     40);
  for (const std::string& text : {found_by_fuzzing, std::string("graph \xb9\xff\xb0\x80\x80\xae" "s"),
                                   std::string("\xff\xfe graph \xc3"), std::string("gr\xe2\x80" "aph")}) {
    const std::string m = Match(text);
    if (m.empty()) continue;
    auto stmt = db_.Prepare("SELECT COUNT(*) FROM papers_fts WHERE papers_fts MATCH ?");
    ASSERT_TRUE(stmt.ok());
    stmt->Bind(1, m);
    auto row = stmt->Step();
    EXPECT_TRUE(row.ok() && *row) << m << ": " << (row.ok() ? "no row" : row.status().ToString());
  }
  EXPECT_EQ(Match("graph \xb9\xff\xb0\x80\x80\xae" "s"), "\"graph\"");
  EXPECT_EQ(Match("\xff\xfe graph"), "\"graph\"");
}

}  // namespace
}  // namespace arxivflow::warehouse
