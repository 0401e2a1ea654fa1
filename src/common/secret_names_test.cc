#include "common/secret_names.h"

#include <gtest/gtest.h>

namespace arxivflow {
namespace {

TEST(SecretNamesTest, NamesThatHoldSecrets) {
  for (const char* name : {"password", "DB_PASSWORD", "DB_PASS", "pgpass", "passwd", "passphrase", "MYSQL_PWD",
                           "secret", "aws_secret_access_key", "AWS_SESSION_TOKEN", "api_token", "api_key", "apikey",
                           "SSH_KEY", "signing_key", "private_key", "PRIVATE_PEM", "basic_auth", "Authorization",
                           "oauth_client", "credentials_json", "session_cookie", "request_signature"}) {
    EXPECT_TRUE(IsSecretName(name)) << name;
  }
}

TEST(SecretNamesTest, OrdinaryNames) {
  for (const char* name : {"LAKE_URI", "ARXIV_SNAPSHOT", "NIPS_CSV", "region", "sslmode", "host", "iam_role",
                           "authors", "AUTHOR_TABLE", "EMR_COMMAND", "PATH_TO_PYSPARK_SCRIPT", ""}) {
    EXPECT_FALSE(IsSecretName(name)) << name;
  }
}

TEST(SecretNamesTest, AuthorDoesNotHideAuthElsewhere) {
  EXPECT_TRUE(IsSecretName("author_auth"));
  EXPECT_TRUE(IsSecretName("AUTHOR_TOKEN"));
}

}  // namespace
}  // namespace arxivflow
