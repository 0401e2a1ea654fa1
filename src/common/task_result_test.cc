#include "common/task_result.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/scoped_temp_dir_test_util.h"

namespace arxivflow {
namespace {

TEST(TaskResultTest, NoOpWithoutTheVariable) {
  unsetenv(kTaskResultFileEnv);
  EXPECT_TRUE(WriteTaskResult({{"rows", 1}}).ok());
}

TEST(TaskResultTest, WritesJsonAndReplacesAnEarlierResult) {
  const ScopedTempDir dir("af_task_result_");
  std::string path = dir.File("result.json").string();
  setenv(kTaskResultFileEnv, path.c_str(), 1);
  ASSERT_TRUE(WriteTaskResult({{"rows", 1}}).ok());
  ASSERT_TRUE(WriteTaskResult(nlohmann::json::array({{{"table", "papers"}, {"rows_loaded", 200}}})).ok());
  unsetenv(kTaskResultFileEnv);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = nlohmann::json::parse(text.str());
  ASSERT_TRUE(parsed.is_array());
  EXPECT_EQ(parsed[0]["rows_loaded"], 200);
}

TEST(TaskResultTest, UnwritableTargetIsAnError) {
  setenv(kTaskResultFileEnv, "/nonexistent-dir/x/result.json", 1);
  EXPECT_FALSE(WriteTaskResult({{"rows", 1}}).ok());
  unsetenv(kTaskResultFileEnv);
}

TEST(TaskResultTest, MasksCredentialsInUris) {
  EXPECT_EQ(MaskUriCredentials("postgresql://user:pw@host:5439/dev"), "postgresql://user:***@host:5439/dev");
  EXPECT_EQ(MaskUriCredentials("s3://bucket/lake?region=x&secret_key=abc&x=1"),
            "s3://bucket/lake?region=x&secret_key=***&x=1");
  EXPECT_EQ(MaskUriCredentials("sqlite:///tmp/w.db"), "sqlite:///tmp/w.db");
  EXPECT_EQ(MaskUriCredentials("/plain/path"), "/plain/path");
  EXPECT_EQ(MaskUriCredentials("redshift://u@h/db"), "redshift://u@h/db");
  EXPECT_EQ(MaskUriCredentials("x://h/p?token=t"), "x://h/p?token=***");
}

}  // namespace
}  // namespace arxivflow
