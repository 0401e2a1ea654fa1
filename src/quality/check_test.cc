#include "quality/check.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace arxivflow::quality {
namespace {

TEST(CheckTest, DefaultsMatchTheShippedFile) {
  std::ifstream in(std::string(ARXIVFLOW_SOURCE_DIR) + "/src/quality/default_checks.yaml");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(DefaultChecksYaml(), text.str()) << "default_checks.cc is out of date with default_checks.yaml";
}

TEST(CheckTest, DefaultsParse) {
  auto checks = DefaultChecks();
  ASSERT_TRUE(checks.ok()) << checks.status().ToString();
  EXPECT_EQ(checks->size(), 6u * 3 + 3 + 3 + 2);
  EXPECT_EQ((*checks)[0].name, "papers_has_rows");
  EXPECT_EQ((*checks)[0].Sql(), "SELECT COUNT(*) FROM \"papers\"");
  bool found = false;
  for (const auto& c : *checks) {
    if (c.name == "titles_matches_manifest") {
      found = true;
      EXPECT_EQ(c.condition.text(), "result == manifest.titles.rows");
    }
  }
  EXPECT_TRUE(found);
}

TEST(CheckTest, SqlOfEachKind) {
  auto checks = ParseChecks(R"(
checks:
  - {name: a, table: papers, null_count: id, condition: result <= 100}
  - {name: b, table: titles, unique: [id, origin], condition: result == 0}
  - {name: c, table: versions, where: {origin: "O'Neil"}, foreign_key: {column: id, references: papers.id}, condition: result == 0}
  - {name: d, table: titles, empty_count: title, condition: result == 0}
  - {name: e, table: papers, sql: "SELECT 42", condition: result == 42}
  - {name: f, table: abstracts, where: {origin: NIPS}, row_count: true, condition: result >= 0}
)",
                            "test.yaml");
  ASSERT_TRUE(checks.ok()) << checks.status().ToString();
  ASSERT_EQ(checks->size(), 6u);
  EXPECT_EQ((*checks)[0].Sql(), "SELECT COUNT(*) FROM \"papers\" WHERE \"id\" IS NULL");
  EXPECT_EQ((*checks)[1].Sql(),
            "SELECT COUNT(*) FROM (SELECT \"id\", \"origin\" FROM \"titles\" GROUP BY \"id\", \"origin\" HAVING "
            "COUNT(*) > 1) AS duplicates");
  EXPECT_EQ((*checks)[2].Sql(),
            "SELECT COALESCE(SUM(c.n), 0) FROM (SELECT \"id\" AS v, COUNT(*) AS n FROM \"versions\" WHERE \"id\" IS "
            "NOT NULL AND \"origin\" = 'O''Neil' GROUP BY \"id\") AS c WHERE NOT EXISTS (SELECT 1 FROM \"papers\" AS p "
            "WHERE p.\"id\" = c.v)");
  EXPECT_EQ((*checks)[3].Sql(), "SELECT COUNT(*) FROM \"titles\" WHERE (\"title\" IS NULL OR TRIM(\"title\") = '')");
  EXPECT_EQ((*checks)[4].Sql(), "SELECT 42");
  EXPECT_EQ((*checks)[5].Sql(), "SELECT COUNT(*) FROM \"abstracts\" WHERE \"origin\" = 'NIPS'");

  // The foreign-key check has a form of its own on PostgreSQL: one count of
  // the child rows, planned as a merge. The blank check guards its TRIM.
  using warehouse::TargetKind;
  for (const auto& check : *checks) {
    for (TargetKind target : {TargetKind::kSqlite, TargetKind::kPostgres, TargetKind::kRedshift}) {
      const CheckQuery query = check.Query(target);
      const bool own = check.kind == CheckKind::kForeignKey && target == TargetKind::kPostgres;
      EXPECT_EQ(query.merge_join, own) << check.name;
      if (check.kind == CheckKind::kEmptyCount) continue;  // below
      if (check.kind == CheckKind::kForeignKey && target == TargetKind::kSqlite) continue;  // below
      if (!own) {
        EXPECT_EQ(query.sql, check.Sql()) << check.name;
      }
    }
  }
  EXPECT_EQ((*checks)[2].Query(TargetKind::kPostgres).sql,
            "SELECT COUNT(*) FROM \"versions\" AS c WHERE c.\"id\" IS NOT NULL AND c.\"origin\" = 'O''Neil' AND NOT "
            "EXISTS (SELECT 1 FROM \"papers\" AS p WHERE p.\"id\" = c.\"id\")");
  // SQLite: the distinct child values first, then the rows of the orphans.
  EXPECT_EQ((*checks)[2].Query(TargetKind::kSqlite).sql,
            "SELECT COUNT(*) FROM \"versions\" WHERE \"id\" IN (SELECT d.v FROM (SELECT DISTINCT \"id\" AS v FROM "
            "\"versions\" WHERE \"id\" IS NOT NULL AND \"origin\" = 'O''Neil') AS d WHERE NOT EXISTS (SELECT 1 FROM "
            "\"papers\" AS p WHERE p.\"id\" = d.v)) AND \"origin\" = 'O''Neil'");
  EXPECT_EQ((*checks)[3].Query(TargetKind::kPostgres).sql,
            "SELECT COUNT(*) FROM \"titles\" WHERE (\"title\" IS NULL OR \"title\" = '' OR (\"title\" LIKE ' %' AND "
            "TRIM(\"title\") = ''))");
  EXPECT_EQ((*checks)[3].Query(TargetKind::kSqlite).sql,
            "SELECT COUNT(*) FROM \"titles\" WHERE (\"title\" IS NULL OR (\"title\" < '!' AND TRIM(\"title\") = ''))");
  EXPECT_EQ((*checks)[3].Query(TargetKind::kRedshift).sql, (*checks)[3].Sql());
}

TEST(CheckTest, BadFilesAreRejectedWithContext) {
  struct Case {
    const char* yaml;
    const char* needle;
  } cases[] = {
      {"checks: [", "line"},
      {"foo: bar", "checks"},
      {"checks: []", "no checks"},
      {"checks: [{table: papers, row_count: true, condition: result >= 1}]", "missing 'name'"},
      {"checks: [{name: a, row_count: true, condition: result >= 1}]", "missing 'table'"},
      {"checks: [{name: a, table: papers, condition: result >= 1}]", "missing the kind"},
      {"checks: [{name: a, table: papers, row_count: true}]", "missing 'condition'"},
      {"checks: [{name: a, table: papers, row_count: true, null_count: id, condition: result >= 1}]", "more than one"},
      {"checks: [{name: a, table: 'papers; DROP TABLE x', row_count: true, condition: result >= 1}]", "invalid table"},
      {"checks: [{name: a, table: papers, null_count: 'id OR 1=1', condition: result >= 1}]", "invalid column"},
      {"checks: [{name: a, table: papers, unique: [id, 'x\"y'], condition: result >= 1}]", "invalid column"},
      {"checks: [{name: a, table: versions, foreign_key: {column: id, references: papers}, condition: result == 0}]",
       "references"},
      {"checks: [{name: a, table: versions, foreign_key: {column: id, references: 'p.id; --'}, condition: result == 0}]",
       "invalid column"},
      {"checks: [{name: a, table: papers, where: {'a b': x}, row_count: true, condition: result >= 1}]", "invalid column"},
      {"checks: [{name: a, table: papers, row_count: true, condition: 'result >= 1; rm'}]", "condition"},
      {"checks: [{name: a, table: papers, row_count: true, condition: result >= 1, colour: red}]", "unknown key 'colour'"},
      {"checks: [{name: a, table: papers, row_count: false, condition: result >= 1}]", "row_count"},
      {"checks: [{name: 'a b', table: papers, row_count: true, condition: result >= 1}]", "invalid name"},
      {"checks: [{name: a, table: papers, sql: 'SELECT 1', where: {x: y}, condition: result >= 1}]", "'where'"},
      {"checks: [{name: a, table: papers, row_count: true, condition: result >= 1},"
       " {name: a, table: titles, row_count: true, condition: result >= 1}]",
       "duplicate name"},
      {"checks: [{name: a, tables: [], row_count: true, condition: result >= 1}]", "tables"},
      {"checks: [42]", "mapping"},
  };
  for (const auto& c : cases) {
    auto checks = ParseChecks(c.yaml, "my.yaml");
    ASSERT_FALSE(checks.ok()) << c.yaml;
    EXPECT_NE(checks.status().message().find("my.yaml"), std::string::npos) << checks.status().message();
    EXPECT_NE(checks.status().message().find(c.needle), std::string::npos)
        << "wanted '" << c.needle << "' in: " << checks.status().message();
  }
}

TEST(CheckTest, TablesExpandTheTemplate) {
  auto checks = ParseChecks(
      "checks: [{name: '{table}_rows', tables: [papers, titles], row_count: true, condition: "
      "'result == manifest.{table}.rows'}]",
      "t.yaml");
  ASSERT_TRUE(checks.ok()) << checks.status().ToString();
  ASSERT_EQ(checks->size(), 2u);
  EXPECT_EQ((*checks)[1].name, "titles_rows");
  EXPECT_EQ((*checks)[1].table, "titles");
  EXPECT_EQ((*checks)[1].condition.text(), "result == manifest.titles.rows");
}

}  // namespace
}  // namespace arxivflow::quality
