#include "quality/condition.h"

#include <gtest/gtest.h>

namespace arxivflow::quality {
namespace {

std::optional<int64_t> Manifest(const std::vector<std::string>& path) {
  if (path == std::vector<std::string>{"papers", "rows"}) return 200;
  if (path == std::vector<std::string>{"records", "accepted"}) return 199;
  return std::nullopt;
}

bool Eval(const std::string& text, std::optional<long double> result) {
  auto c = Condition::Parse(text);
  EXPECT_TRUE(c.ok()) << text << ": " << c.status().ToString();
  if (!c.ok()) return false;
  auto v = c->Evaluate(result, Manifest);
  EXPECT_TRUE(v.ok()) << text << ": " << v.status().ToString();
  return v.ok() && *v;
}

TEST(ConditionTest, Comparisons) {
  EXPECT_TRUE(Eval("result >= 1", 1));
  EXPECT_FALSE(Eval("result >= 1", 0));
  EXPECT_TRUE(Eval("result <= 100", 100));
  EXPECT_TRUE(Eval("result < 100.5", 100));
  EXPECT_TRUE(Eval("result > -1", 0));
  EXPECT_TRUE(Eval("result != 3", 4));
  EXPECT_TRUE(Eval("result == manifest.papers.rows", 200));
  EXPECT_FALSE(Eval("result == manifest.papers.rows", 201));
  EXPECT_TRUE(Eval("manifest.records.accepted < result", 200));
  EXPECT_TRUE(Eval("1 == 1", std::nullopt));
}

TEST(ConditionTest, ExactForLargeIntegers) {
  EXPECT_FALSE(Eval("result == 9007199254740993", 9007199254740992.0L));
  EXPECT_TRUE(Eval("result == 9007199254740993", 9007199254740993.0L));
}

TEST(ConditionTest, BooleanOperatorsAndPrecedence) {
  EXPECT_TRUE(Eval("result >= 1 and result <= 10", 5));
  EXPECT_FALSE(Eval("result >= 1 and result <= 10", 11));
  EXPECT_TRUE(Eval("result == 0 or result == 7", 7));
  EXPECT_TRUE(Eval("not result == 3", 4));
  EXPECT_TRUE(Eval("not (result > 1 and result < 3)", 5));
  // and binds tighter than or
  EXPECT_TRUE(Eval("result == 1 or result == 2 and result == 3", 1));
  EXPECT_FALSE(Eval("(result == 1 or result == 2) and result == 3", 1));
  EXPECT_TRUE(Eval("not not result == 1", 1));
}

TEST(ConditionTest, Render) {
  auto c = Condition::Parse("result == manifest.papers.rows and not (result < 1)");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->Render(Manifest), "result == 200 and not (result < 1)");
  EXPECT_EQ(c->Render(nullptr), "result == manifest.papers.rows and not (result < 1)");
  EXPECT_TRUE(c->UsesManifest());
  EXPECT_FALSE(Condition::Parse("result >= 1")->UsesManifest());
}

TEST(ConditionTest, EvaluationErrors) {
  auto c = Condition::Parse("result == manifest.nope.rows");
  ASSERT_TRUE(c.ok());
  auto missing = c->Evaluate(1, Manifest);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("manifest.nope.rows"), std::string::npos);
  auto no_manifest = c->Evaluate(1, nullptr);
  ASSERT_FALSE(no_manifest.ok());
  EXPECT_NE(no_manifest.status().message().find("--from"), std::string::npos);
  auto null_result = Condition::Parse("result >= 1")->Evaluate(std::nullopt, Manifest);
  ASSERT_FALSE(null_result.ok());
  EXPECT_NE(null_result.status().message().find("NULL"), std::string::npos);
}

TEST(ConditionTest, MalformedInputsAreRejected) {
  const char* bad[] = {
      "",
      "   ",
      "result",
      "result >=",
      ">= 1",
      "result = 1",
      "result === 1",
      "result => 1",
      "result >= 1 and",
      "and result >= 1",
      "result >= 1 or or result < 2",
      "(result >= 1",
      "result >= 1)",
      "()",
      "result >= 1 result <= 2",
      "result >= 1.",
      "result >= .5",
      "result >= 1e5",
      "result >= 0x10",
      "result >= 12abc",
      "result >= - ",
      "result >= --1",
      "result > manifest",
      "result > manifest.",
      "result > manifest..rows",
      "result > manifest.1rows",
      "result > papers.rows",
      "__import__('os').system('id')",
      "result >= 1; DROP TABLE papers",
      "result >= 'x'",
      "result >= \"1\"",
      "RESULT >= 1",
      "result >= 1 AND result <= 2",
      "result >= 1 && result <= 2",
      "result + 1 >= 2",
      "result >= 1 # comment",
      "not",
      "not ()",
      "result >= \x01",
      "result >= 1\xff",
      "1 < result < 3",
  };
  for (const char* text : bad) {
    auto c = Condition::Parse(text);
    EXPECT_FALSE(c.ok()) << "accepted: " << text;
    if (!c.ok()) {
      EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument) << text;
      EXPECT_EQ(c.status().message().find('\x01'), std::string::npos);
    }
  }
}

TEST(ConditionTest, ErrorNamesTheOffset) {
  auto c = Condition::Parse("result >= 1 and result <== 2");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("offset"), std::string::npos) << c.status().message();
}

TEST(ConditionTest, Limits) {
  std::string deep(100, '(');
  deep += "result >= 1" + std::string(100, ')');
  EXPECT_FALSE(Condition::Parse(deep).ok());
  std::string nots;
  for (int i = 0; i < 100; ++i) nots += "not ";
  EXPECT_FALSE(Condition::Parse(nots + "result >= 1").ok());
  std::string longer = "result >= 1";
  for (int i = 0; i < 200; ++i) longer += " and result >= 1";
  EXPECT_FALSE(Condition::Parse(longer).ok());
  std::string ok_depth(20, '(');
  ok_depth += "result >= 1" + std::string(20, ')');
  EXPECT_TRUE(Condition::Parse(ok_depth).ok());
}

}  // namespace
}  // namespace arxivflow::quality
