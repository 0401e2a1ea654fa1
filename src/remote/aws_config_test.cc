#include "remote/aws_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/scoped_temp_dir_test_util.h"
#include "remote/s3_uri.h"

namespace arxivflow::remote {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(AwsConfig, CredentialsFromEnvironment) {
  auto c = LoadAwsCredentials(FakeEnv({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "SK"},
                                       {"AWS_SESSION_TOKEN", "T"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AK");
  EXPECT_EQ(c->session_token, "T");
  EXPECT_EQ(c->source, "environment");
  auto half = LoadAwsCredentials(FakeEnv({{"AWS_ACCESS_KEY_ID", "AK"}}));
  EXPECT_EQ(half.status().code(), Status::Code::kInvalidArgument);
}

TEST(AwsConfig, CredentialsFromSharedFileAndProfile) {
  const ScopedTempDir dir("af_aws_config_test_");
  std::string path = dir.File("credentials").string();
  {
    std::ofstream f(path);
    f << "# comment\n[default]\naws_access_key_id = DEF\naws_secret_access_key = DEFSECRET\n\n"
         "[profile ops]\naws_access_key_id=OPS\naws_secret_access_key=OPSSECRET\naws_session_token=TOK\n";
  }
  auto d = LoadAwsCredentials(FakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", path}}));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->access_key_id, "DEF");
  auto ops = LoadAwsCredentials(FakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", path}, {"AWS_PROFILE", "ops"}}));
  ASSERT_TRUE(ops.ok());
  EXPECT_EQ(ops->secret_access_key, "OPSSECRET");
  EXPECT_EQ(ops->session_token, "TOK");
  auto missing = LoadAwsCredentials(FakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", path}, {"AWS_PROFILE", "nope"}}));
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("[nope]"), std::string::npos);

  auto none = LoadAwsCredentials(FakeEnv({{"HOME", "/nonexistent-home"}}));
  EXPECT_EQ(none.status().code(), Status::Code::kNotFound);
  EXPECT_NE(none.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
}

TEST(AwsConfig, ProfileWithoutSecretIsAnError) {
  auto r = ParseSharedCredentials("[default]\naws_access_key_id=X\n", "default", "f");
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
}

TEST(AwsConfig, RegionEndpointAndTime) {
  EXPECT_EQ(ResolveAwsRegion(FakeEnv({})), "us-east-1");
  EXPECT_EQ(ResolveAwsRegion(FakeEnv({{"AWS_DEFAULT_REGION", "eu-west-1"}})), "eu-west-1");
  EXPECT_EQ(ResolveAwsRegion(FakeEnv({{"AWS_DEFAULT_REGION", "eu-west-1"}, {"AWS_REGION", "us-west-2"}})), "us-west-2");
  EXPECT_FALSE(ResolveS3Endpoint(FakeEnv({})).has_value());
  EXPECT_EQ(*ResolveS3Endpoint(FakeEnv({{"AWS_ENDPOINT_URL", "http://a"}, {"AWS_ENDPOINT_URL_S3", "http://b"}})), "http://b");
  EXPECT_EQ(CurrentAmzDate(FakeEnv({{"ARXIVFLOW_AWS_FIXED_TIME", "20200101T000000Z"}})), "20200101T000000Z");
  EXPECT_EQ(CurrentAmzDate(FakeEnv({})).size(), 16u);
}

TEST(S3Uri, ParsesAndValidates) {
  auto u = ParseS3Uri("s3://my-bucket/lake/papers/part-0.parquet");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->bucket, "my-bucket");
  EXPECT_EQ(u->key, "lake/papers/part-0.parquet");
  EXPECT_EQ(u->ToString(), "s3://my-bucket/lake/papers/part-0.parquet");
  auto b = ParseS3Uri("s3://bucket.with.dots");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->key, "");
  for (const char* bad : {"http://x/y", "s3://", "s3://ab", "s3://UPPER/x", "s3://-bad/x", "s3://a..b/x",
                          "s3://bad_/x", "s3:/x"}) {
    EXPECT_FALSE(ParseS3Uri(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseS3Uri(std::string("s3://bucket/a\0b", 15)).ok());
}

}  // namespace
}  // namespace arxivflow::remote
