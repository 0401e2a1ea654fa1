#include "common/yaml_text.h"

#include <gtest/gtest.h>

namespace arxivflow {
namespace {

TEST(YamlTextTest, AcceptsPrintableTextTabsAndLineBreaks) {
  EXPECT_TRUE(ValidateYamlText("dag_id: a\r\n\ttasks: []\n# caf\xc3\xa9\n", "x.yaml").ok());
  EXPECT_TRUE(ValidateYamlText("", "x.yaml").ok());
}

TEST(YamlTextTest, RefusesControlCharactersNamingTheLine) {
  std::string text("a: 1\nb: \0\n", 10);
  Status st = ValidateYamlText(text, "dags/x.yaml");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "dags/x.yaml: line 2: control character 0x00 is not allowed in YAML");
  EXPECT_FALSE(ValidateYamlText("a: \x1b[31m", "y").ok());
  EXPECT_FALSE(ValidateYamlText("a: \x7f", "y").ok());
}

TEST(YamlTextTest, LoadsEveryDocument) {
  auto docs = LoadYamlDocuments("a: 1\n---\nb: 2\n", "x.yaml");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[1]["b"].as<int>(), 2);
}

TEST(YamlTextTest, MalformedStreamsEndWithAnError) {
  // A stream on which yaml-cpp's LoadAll() alone never returns.
  std::string text =
      "# The original's third DAG: load the si}}\"\n  - task_id: Stop_execution\n    operauor: noop\n"
      ",_data_quality_checks >> Stop_execution\"\n";
  auto docs = LoadYamlDocuments(text, "dags/x.yaml");
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.status().message().find("dags/x.yaml"), std::string::npos);
  auto bad = LoadYamlDocuments("a: [1, 2", "y.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("y.yaml:1:", 0), 0u);
}

}  // namespace
}  // namespace arxivflow

namespace arxivflow {
namespace {

// "Billion laughs": `levels` levels of `fanout` aliases of the level below.
std::string AliasBomb(int levels, int fanout) {
  std::string text = "l0: &l0 [\"lol\"]\n";
  for (int i = 1; i <= levels; ++i) {
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int j = 0; j < fanout; ++j) text += std::string(j ? ", " : "") + "*l" + std::to_string(i - 1);
    text += "]\n";
  }
  return text;
}

TEST(YamlBudgetTest, AnAliasInsideItsOwnNodeIsACycle) {
  for (const char* text : {"params: &a {x: *a}\n", "a: &x [1, [2, *x]]\n", "- &s [*s]\n"}) {
    auto docs = LoadYamlDocuments(text, "dags/x.yaml");
    ASSERT_FALSE(docs.ok()) << text;
    EXPECT_NE(docs.status().message().find("a cycle"), std::string::npos) << docs.status().message();
    EXPECT_EQ(docs.status().message().rfind("dags/x.yaml:", 0), 0u) << docs.status().message();
  }
}

TEST(YamlBudgetTest, AliasExpansionIsBounded) {
  std::string bomb = AliasBomb(9, 10);
  EXPECT_LT(bomb.size(), 700u);
  auto docs = LoadYamlDocuments(bomb, "laughs.yaml");
  ASSERT_FALSE(docs.ok());
  EXPECT_NE(docs.status().message().find("YAML nodes once aliases are expanded"), std::string::npos)
      << docs.status().message();
  // A long scalar aliased many times: few nodes, many bytes.
  std::string text = "s: &s \"" + std::string(100000, 'x') + "\"\nl: [";
  for (int i = 0; i < 200; ++i) text += std::string(i ? ", " : "") + "*s";
  text += "]\n";
  auto wide = LoadYamlDocuments(text, "wide.yaml");
  ASSERT_FALSE(wide.ok());
  EXPECT_NE(wide.status().message().find("bytes of YAML scalars"), std::string::npos) << wide.status().message();
}

TEST(YamlBudgetTest, DepthAndSizeAreBounded) {
  std::string deep = "a: " + std::string(100, '[') + std::string(100, ']') + "\n";
  auto d = LoadYamlDocuments(deep, "deep.yaml");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("nested deeper than 64 levels"), std::string::npos) << d.status().message();
  // Depth reached through an alias counts too.
  std::string via_alias = "a: &a " + std::string(40, '[') + std::string(40, ']') + "\nb: " +
                          std::string(30, '[') + "*a" + std::string(30, ']') + "\n";
  EXPECT_FALSE(LoadYamlDocuments(via_alias, "alias-deep.yaml").ok());
  YamlLimits small;
  small.max_bytes = 10;
  auto big = LoadYamlDocuments("key: a long value\n", "big.yaml", small);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().message(), "big.yaml: 18 bytes; YAML files may hold at most 10 bytes");
}

TEST(YamlBudgetTest, OrdinaryAnchorsStillWork) {
  auto docs = LoadYamlDocuments("base: &b {retries: 2}\nx: *b\ny: [*b, *b]\n---\nz: &b 1\nw: *b\n", "ok.yaml");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  EXPECT_EQ((*docs)[0]["y"][1]["retries"].as<int>(), 2);
  EXPECT_EQ((*docs)[1]["w"].as<int>(), 1);
  std::string nine_by_three = AliasBomb(9, 3);  // 3^9 = 19683 leaves: under the budget
  EXPECT_TRUE(LoadYamlDocuments(nine_by_three, "ok.yaml").ok());
}

}  // namespace
}  // namespace arxivflow
