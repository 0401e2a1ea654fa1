#include "warehouse/connection_spec.h"

#include <gtest/gtest.h>

#include "warehouse/sql_identifier.h"

namespace arxivflow::warehouse {
namespace {

TEST(ConnectionSpecTest, SqliteForms) {
  auto abs = ParseConnection("sqlite:///var/lib/af/warehouse.db");
  ASSERT_TRUE(abs.ok()) << abs.status().ToString();
  EXPECT_EQ(abs->kind, TargetKind::kSqlite);
  EXPECT_EQ(abs->sqlite_path, "/var/lib/af/warehouse.db");
  EXPECT_EQ(abs->Describe(), "sqlite:///var/lib/af/warehouse.db");
  auto rel = ParseConnection("sqlite:data/w.db");
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(rel->sqlite_path, "data/w.db");
  EXPECT_EQ(rel->Describe(), "sqlite:data/w.db");
  auto mem = ParseConnection("sqlite::memory:");
  ASSERT_TRUE(mem.ok());
  EXPECT_EQ(mem->sqlite_path, ":memory:");
  EXPECT_FALSE(ParseConnection("sqlite://relative.db").ok());
  EXPECT_FALSE(ParseConnection("sqlite:").ok());
}

TEST(ConnectionSpecTest, PostgresUri) {
  auto spec = ParseConnection("postgresql://alice:s%40cret%2Fx@db.example:6543/arxiv?sslmode=disable");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->kind, TargetKind::kPostgres);
  EXPECT_EQ(spec->Param("user"), "alice");
  EXPECT_EQ(spec->Param("password"), "s@cret/x");
  EXPECT_EQ(spec->Param("host"), "db.example");
  EXPECT_EQ(spec->Param("port"), "6543");
  EXPECT_EQ(spec->Param("dbname"), "arxiv");
  EXPECT_EQ(spec->Param("sslmode"), "disable");
  EXPECT_EQ(spec->Describe(), "postgresql://alice:***@db.example:6543/arxiv?sslmode=disable");
  EXPECT_EQ(spec->Describe().find("cret"), std::string::npos);

  auto short_form = ParseConnection("postgres://bob@127.0.0.1/db");
  ASSERT_TRUE(short_form.ok());
  EXPECT_EQ(short_form->Param("password"), "");
  EXPECT_EQ(short_form->Describe(), "postgresql://bob@127.0.0.1/db");

  auto v6 = ParseConnection("postgresql://u:p@[::1]:5433/d");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->Param("host"), "::1");
  EXPECT_EQ(v6->Describe(), "postgresql://u:***@[::1]:5433/d");
}

TEST(ConnectionSpecTest, PasswordWithAtSignUsesLastAt) {
  auto spec = ParseConnection("postgresql://u:a@b@localhost/db");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->Param("password"), "a@b");
  EXPECT_EQ(spec->Param("host"), "localhost");
}

TEST(ConnectionSpecTest, KeywordForm) {
  auto spec = ParseConnection("host=127.0.0.1 port=5432 dbname=x user=u password='p w\\'q'");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->kind, TargetKind::kPostgres);
  EXPECT_EQ(spec->Param("password"), "p w'q");
  EXPECT_EQ(spec->Describe(), "postgresql://u:***@127.0.0.1:5432/x");
  EXPECT_FALSE(ParseConnection("host=x password='unterminated").ok());
  EXPECT_FALSE(ParseConnection("host x").ok());
}

TEST(ConnectionSpecTest, Redshift) {
  auto spec = ParseConnection(
      "redshift://awsuser:Pa55word@cluster.abc.us-west-2.redshift.amazonaws.com/dev?"
      "iam_role=arn:aws:iam::123456789012:role/dwh&s3_prefix=s3://bucket/area/");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->kind, TargetKind::kRedshift);
  EXPECT_EQ(spec->Param("port"), "5439");
  EXPECT_EQ(spec->iam_role, "arn:aws:iam::123456789012:role/dwh");
  EXPECT_EQ(spec->s3_prefix, "s3://bucket/area");
  EXPECT_EQ(spec->Param("iam_role"), "");
  EXPECT_EQ(spec->Describe().find("Pa55word"), std::string::npos);
  EXPECT_FALSE(ParseConnection("redshift://u:p@h/db?s3_prefix=/local").ok());
}

TEST(ConnectionSpecTest, ErrorsNeverShowThePassword) {
  const char* bad[] = {
      "postgresql://u:TopSecret1@host:99999/db",
      "postgresql://u:TopSecret1@host:port/db",
      "postgresql://u:TopSecret1%zz@host/db",
      "postgresql://u:TopSecret1@ho st/db",
      "postgresql://u:TopSecret1@host/db?password=TopSecret1",
      "postgresql://u:TopSecret1@host/db?novalue",
      "mysql://u:TopSecret1@host/db",
      "host=h password=TopSecret1 port=x",
      "host=h password='TopSecret1",
      "TopSecret1 is not a uri",
  };
  for (const char* text : bad) {
    auto spec = ParseConnection(text);
    ASSERT_FALSE(spec.ok()) << text;
    EXPECT_EQ(spec.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(spec.status().message().find("TopSecret1"), std::string::npos) << spec.status().message();
  }
}

TEST(ConnectionSpecTest, RedactHidesPasswordInServerMessages) {
  auto spec = ParseConnection("postgresql://u:hunter22@h/db");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->Redact("bad password hunter22 here"), "bad password *** here");
}

TEST(ConnectionSpecTest, ResolverHook) {
  SetConnectionResolver(nullptr);
  auto none = ResolveConnection("redshift");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no connection store"), std::string::npos);
  SetConnectionResolver([](std::string_view id) -> Result<std::string> {
    if (id == "warehouse") return std::string("sqlite::memory:");
    if (id == "loop") return std::string("warehouse");
    return Status::NotFound("no connection " + std::string(id));
  });
  auto ok = ResolveConnection("warehouse");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->sqlite_path, ":memory:");
  EXPECT_FALSE(ResolveConnection("loop").ok());
  EXPECT_EQ(ResolveConnection("missing").status().code(), Status::Code::kNotFound);
  EXPECT_TRUE(ResolveConnection("sqlite::memory:").ok());
  SetConnectionResolver(nullptr);
}

TEST(SqlIdentifierTest, ValidatesAndQuotes) {
  EXPECT_TRUE(IsValidIdentifier("papers"));
  EXPECT_TRUE(IsValidIdentifier("_x9"));
  EXPECT_FALSE(IsValidIdentifier(""));
  EXPECT_FALSE(IsValidIdentifier("9x"));
  EXPECT_FALSE(IsValidIdentifier("a-b"));
  EXPECT_FALSE(IsValidIdentifier("papers; DROP TABLE x"));
  EXPECT_FALSE(IsValidIdentifier("\"papers\""));
  EXPECT_FALSE(IsValidIdentifier(std::string(64, 'a')));
  EXPECT_EQ(QuoteIdentifier("papers"), "\"papers\"");
  EXPECT_EQ(QuoteLiteral("O'Brien"), "'O''Brien'");
  auto st = ValidateIdentifier("bad\nname", "column");
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.message().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace arxivflow::warehouse
