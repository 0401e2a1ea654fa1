#include "orchestrator/template.h"

#include <gtest/gtest.h>

#include "orchestrator/connection.h"

namespace arxivflow::orchestrator {
namespace {

Result<std::string> Lookup(const std::string& expr) {
  if (expr == "var.X") return std::string("$(touch /tmp/pwned); {{ var.Y }}");
  if (expr == "ds") return std::string("2026-11-23");
  return Status::NotFound("no " + expr);
}

TEST(Template, SubstitutesOnceAndKeepsValuesLiteral) {
  auto r = RenderTemplate("a {{ ds }} b {{var.X}} c", Lookup);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "a 2026-11-23 b $(touch /tmp/pwned); {{ var.Y }} c");
}

TEST(Template, DefaultsLiteralsAndErrors) {
  EXPECT_EQ(*RenderTemplate("{{ var.NOPE | default('x') }}", Lookup), "x");
  EXPECT_EQ(*RenderTemplate("{{ '{{' }}", Lookup), "{{");
  EXPECT_FALSE(RenderTemplate("{{ var.NOPE }}", Lookup).ok());
  EXPECT_FALSE(RenderTemplate("{{ ds ", Lookup).ok());
  EXPECT_FALSE(RenderTemplate("{{ os.system('x') }}", Lookup).ok());
  EXPECT_FALSE(RenderTemplate("{{ ds | upper }}", Lookup).ok());
  EXPECT_EQ(*RenderTemplate("no placeholders }}", Lookup), "no placeholders }}");
}

TEST(Connection, ParsesAirflowUris) {
  auto c = ParseConnectionUri("redshift", "postgresql://user:p%40ss@db.example:5439/dev?sslmode=require");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->conn_type, "postgres");
  EXPECT_EQ(c->login, "user");
  EXPECT_EQ(c->password, "p@ss");
  EXPECT_EQ(c->host, "db.example");
  EXPECT_EQ(c->port, 5439);
  EXPECT_EQ(c->schema, "dev");
  EXPECT_EQ(c->extra["sslmode"], "require");
  EXPECT_EQ(c->ToMaskedUri(), "postgres://user:***@db.example:5439/dev?sslmode=require");
  auto back = ParseConnectionUri("x", c->ToUri());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->password, "p@ss");

  auto s = ParseConnectionUri("w", "sqlite:///tmp/w.db");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->host, "/tmp/w.db");
  EXPECT_EQ(s->ToUri(), "sqlite:///tmp/w.db");
  EXPECT_FALSE(ParseConnectionUri("x", "no-scheme").ok());
  EXPECT_FALSE(ParseConnectionUri("x", "post:gres://h/d").ok());  // not a scheme
  auto upper = ParseConnectionUri("w", "SQLITE:///tmp/w.db");
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(upper->conn_type, "sqlite");
  EXPECT_EQ(upper->host, "/tmp/w.db");
  auto v6 = ParseConnectionUri("v6", "postgres://u:p%2Bq@[::1]:5432/d");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->password, "p+q");
  auto back6 = ParseConnectionUri("v6", v6->ToUri());
  ASSERT_TRUE(back6.ok()) << v6->ToUri();
  EXPECT_EQ(back6->host, "::1");
  EXPECT_EQ(back6->password, "p+q");
  EXPECT_FALSE(ParseConnectionUri("x", "postgres://h:99999/db").ok());
  EXPECT_EQ(ConnectionEnvName("my-conn.1"), "ARXIVFLOW_CONN_MY_CONN_1");
}

}  // namespace
}  // namespace arxivflow::orchestrator
