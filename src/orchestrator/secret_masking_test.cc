// One rule for what a secret name is: the names the API masks are the names
// Connection::ToMaskedUri and the task log masker mask (and no others).
#include <gtest/gtest.h>

#include <string>

#include "orchestrator/connection.h"
#include "orchestrator/secret_masker.h"

namespace arxivflow::orchestrator {
namespace {

Connection WithExtras() {
  Connection c;
  c.conn_id = "svc";
  c.conn_type = "http";
  c.host = "api.local";
  c.extra = nlohmann::json::parse(R"({"SSH_KEY": "value-ssh", "signing_key": "value-sign", "PRIVATE_PEM": "value-pem",
    "basic_auth": "value-basic", "DB_PASS": "value-dbpass", "pgpass": "value-pgpass", "region": "eu-west-1",
    "author": "value-author"})");
  return c;
}

TEST(SecretMaskingTest, ToMaskedUriAndTheLogMaskerHideTheSameExtras) {
  Connection c = WithExtras();
  std::string uri = c.ToMaskedUri();
  SecretMasker masker;
  masker.AddConnection(c);
  for (const char* value : {"value-ssh", "value-sign", "value-pem", "value-basic", "value-dbpass", "value-pgpass"}) {
    EXPECT_EQ(uri.find(value), std::string::npos) << value << " in " << uri;
    EXPECT_EQ(masker.Mask(std::string("error: ") + value + " rejected"), "error: *** rejected") << value;
  }
  // Names that are not secret names stay readable in both.
  EXPECT_NE(uri.find("eu-west-1"), std::string::npos) << uri;
  EXPECT_NE(uri.find("value-author"), std::string::npos) << uri;
  EXPECT_EQ(masker.Mask("region eu-west-1, author value-author"), "region eu-west-1, author value-author");
}

}  // namespace
}  // namespace arxivflow::orchestrator
