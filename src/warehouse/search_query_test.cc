#include "warehouse/search_query.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace arxivflow::warehouse
