#include "common/uri.h"

#include <gtest/gtest.h>

#include "common/percent_encoding.h"

namespace arxivflow {
namespace {

TEST(PercentEncoding, EncodesAllButUnreservedAndDecodesBack) {
  EXPECT_EQ(PercentEncode("a/b c~-._"), "a%2Fb%20c~-._");
  EXPECT_EQ(PercentEncode("a/b c", "/"), "a/b%20c");
  EXPECT_EQ(PercentEncode(std::string("\xff\x00", 2)), "%FF%00");
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(PercentDecode(PercentEncode(all)), all);
  EXPECT_EQ(*PercentDecodeStrict(PercentEncode(all)), all);
}

TEST(PercentEncoding, PlusAndBadEscapes) {
  EXPECT_EQ(PercentDecode("a+b%2Bc"), "a+b+c");
  EXPECT_EQ(PercentDecode("a+b%2Bc", true), "a b+c");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(PercentDecodeStrict("100%"), std::nullopt);
  EXPECT_EQ(PercentDecodeStrict("%zz"), std::nullopt);
  EXPECT_EQ(PercentDecodeStrict("%4a%4A"), "JJ");
}

TEST(Uri, SplitsEveryPart) {
  auto u = ParseUri("postgresql://al%40ce:p%3Aw@d@db.example:6543/my%20db?sslmode=disable&x=a%26b&flag&&y=");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->scheme, "postgresql");
  EXPECT_EQ(u->user, "al@ce");
  EXPECT_EQ(u->password, "p:w@d");  // the last '@' ends the user info
  EXPECT_EQ(u->host, "db.example");
  EXPECT_EQ(u->port, 6543);
  EXPECT_EQ(u->path, "my db");
  ASSERT_EQ(u->query.size(), 4u);
  EXPECT_EQ(u->query[0].key, "sslmode");
  EXPECT_EQ(u->query[1].value, "a&b");
  EXPECT_FALSE(u->query[2].has_value);
  EXPECT_TRUE(u->query[3].has_value);
  EXPECT_EQ(u->query[3].value, "");
}

TEST(Uri, OptionalPartsIPv6AndPlus) {
  auto bare = ParseUri("ssh://host");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->user, "");
  EXPECT_EQ(bare->password, std::nullopt);
  EXPECT_EQ(bare->port, std::nullopt);
  EXPECT_EQ(bare->path, "");
  auto v6 = ParseUri("pg://u@[::1]:5433/d");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 5433);
  auto plus = ParseUri("pg://u:a+b@h/d?role=x+y");
  EXPECT_EQ(plus->password, "a+b");
  EXPECT_EQ(plus->query[0].value, "x+y");
  auto slash_in_query = ParseUri("redshift://h/db?s3_prefix=s3://bucket/a");
  ASSERT_TRUE(slash_in_query.ok());
  EXPECT_EQ(slash_in_query->path, "db");
  EXPECT_EQ(slash_in_query->query[0].value, "s3://bucket/a");
}

TEST(Uri, ErrorsNameThePartAndNeverTheInput) {
  for (const char* bad : {"no-scheme", "://h", "sql:/ite://h", "1pg://h", "p g://h", "pg://u:Secret99%zz@h/d", "pg://u:Secret99@h:99999/d",
                          "pg://u:Secret99@h:/d", "pg://u:Secret99@h:port/d", "pg://u:Secret99@[::1/d",
                          "pg://u:Secret99@[::1]x/d", "pg://h/d?k=Secret99%"}) {
    auto u = ParseUri(bad);
    ASSERT_FALSE(u.ok()) << bad;
    EXPECT_EQ(u.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(u.status().message().find("Secret99"), std::string::npos) << u.status().message();
  }
  EXPECT_EQ(ParsePort("65535").value(), 65535);
  EXPECT_FALSE(ParsePort("0").ok());
  EXPECT_FALSE(ParsePort("").ok());
  EXPECT_FALSE(ParsePort("-1").ok());
}

}  // namespace
}  // namespace arxivflow
