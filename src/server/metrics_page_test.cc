#include "server/metrics_page.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "common/scoped_temp_dir_test_util.h"
#include "server/password.h"

namespace arxivflow::server {
namespace {

TEST(MetricsPage, BearerMatchesOnlyTheConfiguredToken) {
  std::string hash = Sha256Hex("a-long-enough-token-123");
  EXPECT_TRUE(BearerMatches("Bearer a-long-enough-token-123", hash));
  EXPECT_FALSE(BearerMatches("Bearer a-long-enough-token-124", hash));
  EXPECT_FALSE(BearerMatches("bearer a-long-enough-token-123", hash));
  EXPECT_FALSE(BearerMatches("Basic YWRtaW46eA==", hash));
  EXPECT_FALSE(BearerMatches("Bearer ", hash));
  EXPECT_FALSE(BearerMatches("Bearer a-long-enough-token-123", ""));  // no token configured: never
}

TEST(MetricsPage, TokenFromTheEnvironmentOrAPrivateFile) {
  const ScopedTempDir dir("af_metrics_home_");
  std::string home = dir.path().string();
  unsetenv(kMetricsTokenEnv);
  EXPECT_EQ(LoadMetricsTokenHash(home), "");
  std::string file = home + "/metrics_token";
  {
    std::ofstream(file) << "file-token-0123456789\n";
  }
  chmod(file.c_str(), 0644);
  EXPECT_EQ(LoadMetricsTokenHash(home), "");  // readable by others: ignored
  chmod(file.c_str(), 0600);
  EXPECT_EQ(LoadMetricsTokenHash(home), Sha256Hex("file-token-0123456789"));
  setenv(kMetricsTokenEnv, "env-token-0123456789", 1);
  EXPECT_EQ(LoadMetricsTokenHash(home), Sha256Hex("env-token-0123456789"));
  setenv(kMetricsTokenEnv, "short", 1);
  EXPECT_EQ(LoadMetricsTokenHash(home), "");
  unsetenv(kMetricsTokenEnv);
}

TEST(MetricsPage, MethodLabelsAreBounded) {
  EXPECT_EQ(MethodLabel("GET"), "GET");
  EXPECT_EQ(MethodLabel("BREW"), "OTHER");
}

}  // namespace
}  // namespace arxivflow::server
