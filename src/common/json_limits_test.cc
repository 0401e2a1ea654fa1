#include "common/json_limits.h"

#include <gtest/gtest.h>

namespace arxivflow {
namespace {

std::string Nested(int depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

TEST(JsonLimitsTest, CountsNestingOutsideStrings) {
  EXPECT_EQ(JsonNestingDepth("1", 64), 0);
  EXPECT_EQ(JsonNestingDepth("{\"a\": [1, {\"b\": []}]}", 64), 4);
  EXPECT_EQ(JsonNestingDepth(R"({"a": "[[[[[[", "b": "\"{{{{"})", 64), 1);
  EXPECT_EQ(JsonNestingDepth(Nested(100000), 64), 65);  // stops at the limit
}

TEST(JsonLimitsTest, AcceptsUpToTheLimit) {
  auto ok = ParseJsonBounded(Nested(64), "conf");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  auto objects = ParseJsonBounded(R"({"a":{"b":{"c":1}}})", "conf", 3);
  ASSERT_TRUE(objects.ok());
  EXPECT_EQ((*objects)["a"]["b"]["c"], 1);
}

TEST(JsonLimitsTest, RefusesDeepDocumentsWithAClearMessage) {
  for (std::string text : {Nested(65), Nested(100000), Nested(100000, '{', '}'), std::string(600000, '[')}) {
    auto r = ParseJsonBounded(text, "field 'conf'");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(r.status().message(), "field 'conf': JSON nested deeper than 64 levels");
  }
}

TEST(JsonLimitsTest, RefusesInvalidAndOversizedJson) {
  EXPECT_EQ(ParseJsonBounded("{\"a\": ", "body").status().message(), "body: not valid JSON");
  EXPECT_EQ(ParseJsonBounded("[1,2,3]", "body", 64, 4).status().message(), "body: JSON larger than 4 bytes");
  // An unterminated string hides brackets from the count; the parser then refuses it.
  EXPECT_FALSE(ParseJsonBounded("\"" + Nested(1000), "body").ok());
}

}  // namespace
}  // namespace arxivflow
