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
