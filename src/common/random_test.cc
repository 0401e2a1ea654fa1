#include "common/random.h"

#include <gtest/gtest.h>

#include <set>

namespace arxivflow {
namespace {

TEST(Random, HexTokensHaveTheirLengthAndDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string t = RandomHex(16);
    ASSERT_EQ(t.size(), 32u);
    EXPECT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos) << t;
    EXPECT_TRUE(seen.insert(t).second) << "repeated token " << t;
  }
  EXPECT_EQ(RandomHex(0), "");
}

TEST(Random, StringsDrawFromTheAlphabetOnly) {
  std::string s = RandomString(4000, "ab");
  ASSERT_EQ(s.size(), 4000u);
  EXPECT_EQ(s.find_first_not_of("ab"), std::string::npos);
  // Both letters appear (a biased or constant draw would not pass this).
  EXPECT_NE(s.find('a'), std::string::npos);
  EXPECT_NE(s.find('b'), std::string::npos);
  std::string one = RandomString(10, "z");
  EXPECT_EQ(one, "zzzzzzzzzz");
}

}  // namespace
}  // namespace arxivflow
