#include "gen/json_escape.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace arxivflow::gen {
namespace {

std::string Parse(const std::string& body) {
  return nlohmann::json::parse("\"" + body + "\"").get<std::string>();
}

TEST(JsonEscapeTest, SnapshotStyle) {
  EXPECT_EQ(JsonEscape("Bal\\'azs", true), "Bal\\\\'azs");
  EXPECT_EQ(JsonEscape("Balázs", true), "Bal\\u00e1zs");
  EXPECT_EQ(JsonEscape("Balázs", false), "Balázs");
  EXPECT_EQ(JsonEscape("say \"hi\"\n  next\ttab", true), "say \\\"hi\\\"\\n  next\\ttab");
  EXPECT_EQ(JsonEscape(std::string("\x01\x1f", 2), true), "\\u0001\\u001f");
  EXPECT_EQ(JsonEscape("http://x/y", true), "http://x/y");  // '/' is not escaped
}

TEST(JsonEscapeTest, AstralCharactersUseSurrogatePairs) {
  EXPECT_EQ(JsonEscape("\xF0\x9D\x92\x9C", true), "\\ud835\\udc9c");  // U+1D49C
  EXPECT_EQ(Parse(JsonEscape("\xF0\x9D\x92\x9C", true)), "\xF0\x9D\x92\x9C");
}

TEST(JsonEscapeTest, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(JsonEscape("a\xff" "b", true), "a\\ufffdb");
  EXPECT_EQ(JsonEscape("\xC3", true), "\\ufffd");            // truncated sequence
  EXPECT_EQ(JsonEscape("\xC0\xAF", true), "\\ufffd\\ufffd");  // overlong
  EXPECT_EQ(JsonEscape("\xED\xA0\x80", true), "\\ufffd\\ufffd\\ufffd");  // lone surrogate
  EXPECT_NO_THROW(Parse(JsonEscape("x\xff\xfe", false)));
}

TEST(JsonEscapeTest, AllEscapesParseBackToInput) {
  std::string all;
  for (int c = 1; c < 128; ++c) all.push_back(static_cast<char>(c));
  all += "ÀéØŁ€𝒜ß";
  for (bool ascii : {true, false}) {
    const std::string esc = JsonEscape(all, ascii);
    EXPECT_EQ(Parse(esc), all);
    if (ascii) {
      for (char c : esc) ASSERT_LT(static_cast<unsigned char>(c), 0x80);
    }
  }
}

TEST(JsonEscapeTest, Utf8Length) {
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("Balázs"), 6u);
  EXPECT_EQ(Utf8Length("𝒜"), 1u);
}

}  // namespace
}  // namespace arxivflow::gen
